//! The column, foreign-key and index declarations that many tables share, so that a migration
//! says only what is particular to its table.
//!
//! Migrations that databases in the field have already run are built from these helpers, so the
//! SQL each one produces is frozen: changing a helper would make a fresh database differ from an
//! upgraded one. A table that needs something else gets a new helper.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_organization::Organization;

/// The table of a record that belongs to one organization: a UUID `id` primary key, and an
/// `organization_id` that is deleted with its organization.
pub(crate) fn tenant_table(table: impl IntoIden) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(uuid("id").primary_key())
        .col(uuid("organization_id"))
        .foreign_key(&mut organization_foreign_key())
        .to_owned()
}

/// The table of a library record (the framework library): like [`tenant_table`], but
/// `organization_id` may be NULL, for a built-in row every organization reads.
pub(crate) fn library_table(table: impl IntoIden) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(uuid("id").primary_key())
        .col(uuid_null("organization_id"))
        .foreign_key(&mut organization_foreign_key())
        .to_owned()
}

/// `organization_id` references an organization and goes when it is deleted.
pub(crate) fn organization_foreign_key() -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_col("organization_id")
        .to(Organization::Table, Organization::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// What a table of versioned records adds to its own columns.
pub(crate) trait RecordColumns {
    /// `version`, the optimistic-locking counter that starts at 1, then `created_at` and
    /// `updated_at`.
    fn versioned(&mut self) -> &mut Self;

    /// The UUID column `column` (made with `uuid` or `uuid_null`) referencing `table`'s `id`;
    /// the row is deleted with the row it references.
    fn references_cascade(&mut self, column: ColumnDef, table: impl IntoIden) -> &mut Self;

    /// The nullable UUID column `column` referencing `table`'s `id`; it is set to NULL when the
    /// row it references is deleted.
    fn references_set_null(&mut self, column: ColumnDef, table: impl IntoIden) -> &mut Self;
}

impl RecordColumns for TableCreateStatement {
    fn versioned(&mut self) -> &mut Self {
        self.col(integer("version").default(1))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
    }

    fn references_cascade(&mut self, column: ColumnDef, table: impl IntoIden) -> &mut Self {
        references(self, column, table, ForeignKeyAction::Cascade)
    }

    fn references_set_null(&mut self, column: ColumnDef, table: impl IntoIden) -> &mut Self {
        references(self, column, table, ForeignKeyAction::SetNull)
    }
}

/// Adds `column` to `create`, and a foreign key from it to `table`'s `id`.
fn references(
    create: &mut TableCreateStatement,
    column: ColumnDef,
    table: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> &mut TableCreateStatement {
    let name = column.get_column_name();
    create.col(column).foreign_key(
        ForeignKey::create()
            .from_col(Alias::new(name))
            .to(table, "id")
            .on_delete(on_delete),
    )
}

/// An index named `name` on `table`'s `columns`, in that order.
pub(crate) fn index<C: IntoIden>(
    name: &str,
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index
}

/// A unique index named `name` on `table`'s `columns`, in that order.
pub(crate) fn unique_index<C: IntoIden>(
    name: &str,
    table: impl IntoIden,
    columns: impl IntoIterator<Item = C>,
) -> IndexCreateStatement {
    index(name, table, columns).unique().to_owned()
}

/// Creates `table`, then its `indexes`.
pub(crate) async fn create(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: impl IntoIterator<Item = IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Creates the link table `table` between rows of `owner_table` (column `owner`) and rows of
/// `target_table` (column `target`): the pair is the key, each side goes with the row it
/// references, `organization_id` says whose link it is, and an index `index_name` serves the
/// reads from the target's side.
pub(crate) async fn create_link_table(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Copy,
    (owner, owner_table): (impl IntoIden + Copy, impl IntoIden),
    (target, target_table): (impl IntoIden + Copy, impl IntoIden),
    index_name: &str,
) -> Result<(), DbErr> {
    let links = Table::create()
        .table(table)
        .references_cascade(uuid(owner), owner_table)
        .references_cascade(uuid(target), target_table)
        .col(uuid("organization_id"))
        .primary_key(Index::create().col(owner).col(target))
        .to_owned();
    create(manager, links, [index(index_name, table, [target])]).await
}

/// Drops `tables`, in that order (the referencing ones first).
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: impl IntoIterator<Item = DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).to_owned())
            .await?;
    }
    Ok(())
}

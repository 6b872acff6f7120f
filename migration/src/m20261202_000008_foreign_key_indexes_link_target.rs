use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

use crate::{
    columns::index,
    m20261125_000006_create_process_map::{ProcessLink, process_link_index, process_link_table},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The check that a process link points somewhere: at a tool or at another process.
const LINK_TARGET_CHECK: &str = "ck_process_link_target";
const LINK_TARGET: &str = "tool_id IS NOT NULL OR depends_on_process_id IS NOT NULL";

/// Where SQLite builds the checked table before it takes the old one's name.
const REBUILT_LINKS: &str = "process_link_new";

/// The foreign-key columns that had no index of their own: (index, table, column). Each is
/// filtered on by a query (an owner filter, an organization's token list, a tool's or a
/// process's links), and by the database itself when the referenced row is deleted.
const FOREIGN_KEY_INDEXES: [(&str, &str, &str); 7] = [
    ("ix_service_owner", "service", "owner_id"),
    ("ix_process_owner", "process", "owner_id"),
    ("ix_api_token_org", "api_token", "organization_id"),
    ("ix_raci_org", "raci_assignment", "organization_id"),
    // ix_process_link_process leads with organization_id: it cannot serve a process's deletion.
    ("ix_process_link_process_id", "process_link", "process_id"),
    ("ix_process_link_tool", "process_link", "tool_id"),
    (
        "ix_process_link_depends_on",
        "process_link",
        "depends_on_process_id",
    ),
];

/// An index on every foreign key that lacked one, and a CHECK that a process link has a
/// target: the API always writes one of the two, and readers no longer need a fallback for a row
/// with neither.
///
/// PostgreSQL adds the check to the table. SQLite cannot, so it rebuilds `process_link` from the
/// declaration of the step that created it plus the check, copies the rows, and swaps the tables;
/// no table references `process_link`, so dropping the old one cascades nowhere. A row without a
/// target stops the step, and its transaction leaves the database as it was.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if is_sqlite(manager) {
            let checked = process_link_table(Alias::new(REBUILT_LINKS))
                .check(Check::named(LINK_TARGET_CHECK, Expr::cust(LINK_TARGET)))
                .to_owned();
            rebuild_links(manager, checked).await?;
        } else {
            execute(
                manager,
                &format!(
                    "ALTER TABLE process_link ADD CONSTRAINT {LINK_TARGET_CHECK} \
                     CHECK ({LINK_TARGET})"
                ),
            )
            .await?;
        }
        for (name, table, column) in FOREIGN_KEY_INDEXES {
            manager.create_index(index(name, table, [column])).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in FOREIGN_KEY_INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        if is_sqlite(manager) {
            rebuild_links(manager, process_link_table(Alias::new(REBUILT_LINKS))).await
        } else {
            execute(
                manager,
                &format!("ALTER TABLE process_link DROP CONSTRAINT {LINK_TARGET_CHECK}"),
            )
            .await
        }
    }

    /// The SQLite rebuild must not be left half done (SQLite migrations run without a
    /// transaction unless asked).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

fn is_sqlite(manager: &SchemaManager) -> bool {
    manager.get_database_backend() == DbBackend::Sqlite
}

async fn execute(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager.get_connection().execute_unprepared(sql).await?;
    Ok(())
}

/// SQLite's way to change a table's constraints: create `new` (the table under the name
/// REBUILT_LINKS), copy every row, drop the old table, give the new one its name, and recreate
/// the old table's index.
async fn rebuild_links(
    manager: &SchemaManager<'_>,
    new: TableCreateStatement,
) -> Result<(), DbErr> {
    manager.create_table(new).await?;
    let columns = "id, organization_id, process_id, tool_id, depends_on_process_id, \
                   description, created_at";
    execute(
        manager,
        &format!("INSERT INTO {REBUILT_LINKS} ({columns}) SELECT {columns} FROM process_link"),
    )
    .await?;
    manager
        .drop_table(Table::drop().table(ProcessLink::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(Alias::new(REBUILT_LINKS), ProcessLink::Table)
                .to_owned(),
        )
        .await?;
    manager.create_index(process_link_index()).await
}

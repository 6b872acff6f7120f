//! The framework library: frameworks, their clause trees and the mappings between clauses, with
//! the built-in ISO/IEC 20000-1:2018, ISO/IEC 27001:2022 and ISO 9001:2015 (clauses 4 to 10).
//!
//! Built-in rows have no organization (`organization_id` NULL) and every organization reads
//! them; an organization's own imported frameworks carry its id.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{RecordColumns, create, drop_tables, index, library_table, unique_index};
use crate::library::{self, FRAMEWORKS, MAPPINGS};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Framework {
    Table,
    Id,
    OrganizationId,
    Code,
    Version,
    Name,
    Publisher,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Clause {
    Table,
    Id,
    OrganizationId,
    FrameworkId,
    Reference,
    Number,
    Title,
    ParentId,
    Position,
    Assessable,
}

#[derive(DeriveIden)]
enum ClauseMapping {
    Table,
    Id,
    OrganizationId,
    FromClauseId,
    ToClauseId,
    Relationship,
    Rationale,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let frameworks = library_table(Framework::Table)
            .col(string_len(Framework::Code, 64))
            .col(string_len(Framework::Version, 32))
            .col(string_len(Framework::Name, 200))
            .col(string_len(Framework::Publisher, 200))
            .col(timestamp_with_time_zone(Framework::CreatedAt))
            .to_owned();
        create(
            manager,
            frameworks,
            [
                unique_index(
                    "ux_framework_org_code_version",
                    Framework::Table,
                    [
                        Framework::OrganizationId,
                        Framework::Code,
                        Framework::Version,
                    ],
                ),
                index(
                    "ix_framework_organization",
                    Framework::Table,
                    [Framework::OrganizationId],
                ),
            ],
        )
        .await?;
        let clauses = library_table(Clause::Table)
            .references_cascade(uuid(Clause::FrameworkId), Framework::Table)
            .col(string_len(Clause::Reference, 200))
            .col(string_len(Clause::Number, 32))
            .col(string_len(Clause::Title, 300))
            .references_cascade(uuid_null(Clause::ParentId), Clause::Table)
            .col(integer(Clause::Position))
            .col(boolean(Clause::Assessable))
            .to_owned();
        create(
            manager,
            clauses,
            [
                unique_index(
                    "ux_clause_framework_number",
                    Clause::Table,
                    [Clause::FrameworkId, Clause::Number],
                ),
                unique_index(
                    "ux_clause_framework_reference",
                    Clause::Table,
                    [Clause::FrameworkId, Clause::Reference],
                ),
                index("ix_clause_parent", Clause::Table, [Clause::ParentId]),
                index("ix_clause_reference", Clause::Table, [Clause::Reference]),
                index(
                    "ix_clause_organization",
                    Clause::Table,
                    [Clause::OrganizationId],
                ),
            ],
        )
        .await?;
        let mappings = library_table(ClauseMapping::Table)
            .references_cascade(uuid(ClauseMapping::FromClauseId), Clause::Table)
            .references_cascade(uuid(ClauseMapping::ToClauseId), Clause::Table)
            .col(string_len(ClauseMapping::Relationship, 16))
            .col(string_len(ClauseMapping::Rationale, 1000))
            .to_owned();
        create(
            manager,
            mappings,
            [
                unique_index(
                    "ux_clause_mapping_pair",
                    ClauseMapping::Table,
                    [ClauseMapping::FromClauseId, ClauseMapping::ToClauseId],
                ),
                index(
                    "ix_clause_mapping_to",
                    ClauseMapping::Table,
                    [ClauseMapping::ToClauseId],
                ),
                index(
                    "ix_clause_mapping_organization",
                    ClauseMapping::Table,
                    [ClauseMapping::OrganizationId],
                ),
            ],
        )
        .await?;
        insert_library(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                ClauseMapping::Table.into_iden(),
                Clause::Table.into_iden(),
                Framework::Table.into_iden(),
            ],
        )
        .await
    }
}

fn values(err: sea_query::error::Error) -> DbErr {
    DbErr::Migration(err.to_string())
}

/// Writes the built-in frameworks, clauses and mappings.
async fn insert_library(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let written_at = library_written_at();
    for framework in FRAMEWORKS {
        let mut insert = Query::insert();
        insert
            .into_table(Framework::Table)
            .columns([
                Framework::Id,
                Framework::OrganizationId,
                Framework::Code,
                Framework::Version,
                Framework::Name,
                Framework::Publisher,
                Framework::CreatedAt,
            ])
            .values([
                framework.id().into(),
                Option::<uuid::Uuid>::None.into(),
                framework.code.into(),
                framework.version.into(),
                framework.name.into(),
                framework.publisher.into(),
                written_at.clone(),
            ])
            .map_err(values)?;
        manager.exec_stmt(insert).await?;
        let mut insert = Query::insert();
        insert.into_table(Clause::Table).columns([
            Clause::Id,
            Clause::OrganizationId,
            Clause::FrameworkId,
            Clause::Reference,
            Clause::Number,
            Clause::Title,
            Clause::ParentId,
            Clause::Position,
            Clause::Assessable,
        ]);
        for (index, (number, title)) in framework.clauses.iter().enumerate() {
            let reference = framework.reference(number);
            let parent = library::parent_number(number);
            let position = framework.clauses[..index]
                .iter()
                .filter(|(other, _)| library::parent_number(other) == parent)
                .count() as i32;
            let assessable = !framework
                .clauses
                .iter()
                .any(|(other, _)| library::parent_number(other) == Some(number));
            insert
                .values([
                    library::clause_id(&reference).into(),
                    Option::<uuid::Uuid>::None.into(),
                    framework.id().into(),
                    reference.clone().into(),
                    (*number).into(),
                    (*title).into(),
                    parent
                        .map(|parent| library::clause_id(&framework.reference(parent)))
                        .into(),
                    position.into(),
                    assessable.into(),
                ])
                .map_err(values)?;
        }
        manager.exec_stmt(insert).await?;
    }
    let Some(source) = library::framework("iso20000-1") else {
        return Err(DbErr::Migration(
            "the library has no ISO/IEC 20000-1".into(),
        ));
    };
    let mut insert = Query::insert();
    insert.into_table(ClauseMapping::Table).columns([
        ClauseMapping::Id,
        ClauseMapping::OrganizationId,
        ClauseMapping::FromClauseId,
        ClauseMapping::ToClauseId,
        ClauseMapping::Relationship,
        ClauseMapping::Rationale,
    ]);
    for (from, code, to, relationship, rationale) in MAPPINGS {
        let Some(target) = library::framework(code) else {
            return Err(DbErr::Migration(format!(
                "a mapping names the unknown framework {code}"
            )));
        };
        let (from, to) = (source.reference(from), target.reference(to));
        insert
            .values([
                library::mapping_id(&from, &to).into(),
                Option::<uuid::Uuid>::None.into(),
                library::clause_id(&from).into(),
                library::clause_id(&to).into(),
                (*relationship).into(),
                (*rationale).into(),
            ])
            .map_err(values)?;
    }
    manager.exec_stmt(insert).await
}

/// When the built-in library was written: the `created_at` of its rows, the same everywhere.
fn library_written_at() -> SimpleExpr {
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp(1_796_256_000, 0);
    at.into()
}

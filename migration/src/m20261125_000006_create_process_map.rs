use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{RecordColumns, create, drop_tables, index, tenant_table, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Process {
    Table,
}

#[derive(DeriveIden)]
enum Tool {
    Table,
    OrganizationId,
    Name,
    Kind,
    Vendor,
    Url,
}

#[derive(DeriveIden)]
pub(crate) enum ProcessLink {
    Table,
    OrganizationId,
    ProcessId,
    ToolId,
    DependsOnProcessId,
    Description,
    CreatedAt,
}

/// The process-link table as this step creates it, under the name `table`: a later step
/// rebuilds it from the same declaration.
pub(crate) fn process_link_table(table: impl IntoIden) -> TableCreateStatement {
    tenant_table(table)
        .references_cascade(uuid(ProcessLink::ProcessId), Process::Table)
        .references_cascade(uuid_null(ProcessLink::ToolId), Tool::Table)
        .references_cascade(uuid_null(ProcessLink::DependsOnProcessId), Process::Table)
        .col(string_len(ProcessLink::Description, 500))
        .col(timestamp_with_time_zone(ProcessLink::CreatedAt))
        .to_owned()
}

/// The process-link index this step creates.
pub(crate) fn process_link_index() -> IndexCreateStatement {
    index(
        "ix_process_link_process",
        ProcessLink::Table,
        [ProcessLink::OrganizationId, ProcessLink::ProcessId],
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tools = tenant_table(Tool::Table)
            .col(string_len(Tool::Name, 200))
            .col(string_len(Tool::Kind, 16))
            .col(string_len(Tool::Vendor, 200))
            .col(string_len_null(Tool::Url, 2048))
            .versioned()
            .to_owned();
        let tool_name = unique_index(
            "ux_tool_org_name",
            Tool::Table,
            [Tool::OrganizationId, Tool::Name],
        );
        create(manager, tools, [tool_name]).await?;
        create(
            manager,
            process_link_table(ProcessLink::Table),
            [process_link_index()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [ProcessLink::Table.into_iden(), Tool::Table.into_iden()],
        )
        .await
    }
}

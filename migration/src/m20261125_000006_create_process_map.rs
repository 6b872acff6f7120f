use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_organization::Organization;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Process {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tool {
    Table,
    Id,
    OrganizationId,
    Name,
    Kind,
    Vendor,
    Url,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProcessLink {
    Table,
    Id,
    OrganizationId,
    ProcessId,
    ToolId,
    DependsOnProcessId,
    Description,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tool::Table)
                    .col(uuid(Tool::Id).primary_key())
                    .col(uuid(Tool::OrganizationId))
                    .col(string_len(Tool::Name, 200))
                    .col(string_len(Tool::Kind, 16))
                    .col(string_len(Tool::Vendor, 200))
                    .col(string_len_null(Tool::Url, 2048))
                    .col(integer(Tool::Version).default(1))
                    .col(timestamp_with_time_zone(Tool::CreatedAt))
                    .col(timestamp_with_time_zone(Tool::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tool::Table, Tool::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_tool_org_name")
                    .table(Tool::Table)
                    .col(Tool::OrganizationId)
                    .col(Tool::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProcessLink::Table)
                    .col(uuid(ProcessLink::Id).primary_key())
                    .col(uuid(ProcessLink::OrganizationId))
                    .col(uuid(ProcessLink::ProcessId))
                    .col(uuid_null(ProcessLink::ToolId))
                    .col(uuid_null(ProcessLink::DependsOnProcessId))
                    .col(string_len(ProcessLink::Description, 500))
                    .col(timestamp_with_time_zone(ProcessLink::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcessLink::Table, ProcessLink::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcessLink::Table, ProcessLink::ProcessId)
                            .to(Process::Table, Process::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcessLink::Table, ProcessLink::ToolId)
                            .to(Tool::Table, Tool::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcessLink::Table, ProcessLink::DependsOnProcessId)
                            .to(Process::Table, Process::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_process_link_process")
                    .table(ProcessLink::Table)
                    .col(ProcessLink::OrganizationId)
                    .col(ProcessLink::ProcessId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProcessLink::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Tool::Table).to_owned())
            .await
    }
}

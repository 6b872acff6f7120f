use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_organization::Organization;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Service {
    Table,
    Id,
    OrganizationId,
    Name,
    Description,
    Customer,
    Criticality,
    LifecycleStatus,
    OwnerId,
    RestoreTargets,
    AvailabilityTarget,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Process {
    Table,
    Id,
    OrganizationId,
    Code,
    Name,
    Clause,
    BuiltIn,
    Description,
    Goals,
    Maturity,
    OwnerId,
    Applicable,
    NotApplicableJustification,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProcessService {
    Table,
    ProcessId,
    ServiceId,
    OrganizationId,
}

#[derive(DeriveIden)]
enum RaciAssignment {
    Table,
    Id,
    OrganizationId,
    ProcessId,
    PersonId,
    RaciRole,
    Responsibilities,
    Version,
    CreatedAt,
    UpdatedAt,
}

fn belongs_to_organization<T: IntoIden + 'static>(
    table: T,
    column: T,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Organization::Table, Organization::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Service::Table)
                    .col(uuid(Service::Id).primary_key())
                    .col(uuid(Service::OrganizationId))
                    .col(string_len(Service::Name, 200))
                    .col(text(Service::Description))
                    .col(string_len(Service::Customer, 200))
                    .col(string_len(Service::Criticality, 16))
                    .col(string_len(Service::LifecycleStatus, 16))
                    .col(uuid_null(Service::OwnerId))
                    .col(text(Service::RestoreTargets))
                    .col(double_null(Service::AvailabilityTarget))
                    .col(integer(Service::Version).default(1))
                    .col(timestamp_with_time_zone(Service::CreatedAt))
                    .col(timestamp_with_time_zone(Service::UpdatedAt))
                    .foreign_key(&mut belongs_to_organization(
                        Service::Table,
                        Service::OrganizationId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Service::Table, Service::OwnerId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_service_org_name")
                    .table(Service::Table)
                    .col(Service::OrganizationId)
                    .col(Service::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Process::Table)
                    .col(uuid(Process::Id).primary_key())
                    .col(uuid(Process::OrganizationId))
                    .col(string_len(Process::Code, 64))
                    .col(string_len(Process::Name, 200))
                    .col(string_len_null(Process::Clause, 16))
                    .col(boolean(Process::BuiltIn))
                    .col(text(Process::Description))
                    .col(text(Process::Goals))
                    .col(string_len(Process::Maturity, 16))
                    .col(uuid_null(Process::OwnerId))
                    .col(boolean(Process::Applicable).default(true))
                    .col(text_null(Process::NotApplicableJustification))
                    .col(integer(Process::Version).default(1))
                    .col(timestamp_with_time_zone(Process::CreatedAt))
                    .col(timestamp_with_time_zone(Process::UpdatedAt))
                    .foreign_key(&mut belongs_to_organization(
                        Process::Table,
                        Process::OrganizationId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Process::Table, Process::OwnerId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_process_org_code")
                    .table(Process::Table)
                    .col(Process::OrganizationId)
                    .col(Process::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProcessService::Table)
                    .col(uuid(ProcessService::ProcessId))
                    .col(uuid(ProcessService::ServiceId))
                    .col(uuid(ProcessService::OrganizationId))
                    .primary_key(
                        Index::create()
                            .col(ProcessService::ProcessId)
                            .col(ProcessService::ServiceId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcessService::Table, ProcessService::ProcessId)
                            .to(Process::Table, Process::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcessService::Table, ProcessService::ServiceId)
                            .to(Service::Table, Service::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_process_service_service")
                    .table(ProcessService::Table)
                    .col(ProcessService::ServiceId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RaciAssignment::Table)
                    .col(uuid(RaciAssignment::Id).primary_key())
                    .col(uuid(RaciAssignment::OrganizationId))
                    .col(uuid(RaciAssignment::ProcessId))
                    .col(uuid(RaciAssignment::PersonId))
                    .col(string_len(RaciAssignment::RaciRole, 16))
                    .col(text(RaciAssignment::Responsibilities))
                    .col(integer(RaciAssignment::Version).default(1))
                    .col(timestamp_with_time_zone(RaciAssignment::CreatedAt))
                    .col(timestamp_with_time_zone(RaciAssignment::UpdatedAt))
                    .foreign_key(&mut belongs_to_organization(
                        RaciAssignment::Table,
                        RaciAssignment::OrganizationId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RaciAssignment::Table, RaciAssignment::ProcessId)
                            .to(Process::Table, Process::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RaciAssignment::Table, RaciAssignment::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_raci_process_person_role")
                    .table(RaciAssignment::Table)
                    .col(RaciAssignment::ProcessId)
                    .col(RaciAssignment::PersonId)
                    .col(RaciAssignment::RaciRole)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_raci_person")
                    .table(RaciAssignment::Table)
                    .col(RaciAssignment::PersonId)
                    .to_owned(),
            )
            .await?;
        // Exactly one ACCOUNTABLE per process, even for two concurrent requests: a partial
        // unique index, which SQLite and PostgreSQL both support with this syntax.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_raci_one_accountable ON raci_assignment (process_id) \
                 WHERE raci_role = 'ACCOUNTABLE'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RaciAssignment::Table.into_iden(),
            ProcessService::Table.into_iden(),
            Process::Table.into_iden(),
            Service::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

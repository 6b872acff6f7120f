use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{RecordColumns, create, drop_tables, index, tenant_table, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
}

#[derive(DeriveIden)]
enum Service {
    Table,
    OrganizationId,
    Name,
    Description,
    Customer,
    Criticality,
    LifecycleStatus,
    OwnerId,
    RestoreTargets,
    AvailabilityTarget,
}

#[derive(DeriveIden)]
enum Process {
    Table,
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
    ProcessId,
    PersonId,
    RaciRole,
    Responsibilities,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let services = tenant_table(Service::Table)
            .col(string_len(Service::Name, 200))
            .col(text(Service::Description))
            .col(string_len(Service::Customer, 200))
            .col(string_len(Service::Criticality, 16))
            .col(string_len(Service::LifecycleStatus, 16))
            .references_set_null(uuid_null(Service::OwnerId), Person::Table)
            .col(text(Service::RestoreTargets))
            .col(double_null(Service::AvailabilityTarget))
            .versioned()
            .to_owned();
        let service_name = unique_index(
            "ux_service_org_name",
            Service::Table,
            [Service::OrganizationId, Service::Name],
        );
        create(manager, services, [service_name]).await?;
        let processes = tenant_table(Process::Table)
            .col(string_len(Process::Code, 64))
            .col(string_len(Process::Name, 200))
            .col(string_len_null(Process::Clause, 16))
            .col(boolean(Process::BuiltIn))
            .col(text(Process::Description))
            .col(text(Process::Goals))
            .col(string_len(Process::Maturity, 16))
            .references_set_null(uuid_null(Process::OwnerId), Person::Table)
            .col(boolean(Process::Applicable).default(true))
            .col(text_null(Process::NotApplicableJustification))
            .versioned()
            .to_owned();
        let process_code = unique_index(
            "ux_process_org_code",
            Process::Table,
            [Process::OrganizationId, Process::Code],
        );
        create(manager, processes, [process_code]).await?;
        // A link table: its key is the pair of ends; its `organization_id` has no foreign key.
        let process_services = Table::create()
            .table(ProcessService::Table)
            .references_cascade(uuid(ProcessService::ProcessId), Process::Table)
            .references_cascade(uuid(ProcessService::ServiceId), Service::Table)
            .col(uuid(ProcessService::OrganizationId))
            .primary_key(
                Index::create()
                    .col(ProcessService::ProcessId)
                    .col(ProcessService::ServiceId),
            )
            .to_owned();
        let by_service = index(
            "ix_process_service_service",
            ProcessService::Table,
            [ProcessService::ServiceId],
        );
        create(manager, process_services, [by_service]).await?;
        let assignments = tenant_table(RaciAssignment::Table)
            .references_cascade(uuid(RaciAssignment::ProcessId), Process::Table)
            .references_cascade(uuid(RaciAssignment::PersonId), Person::Table)
            .col(string_len(RaciAssignment::RaciRole, 16))
            .col(text(RaciAssignment::Responsibilities))
            .versioned()
            .to_owned();
        let assignment_indexes = [
            unique_index(
                "ux_raci_process_person_role",
                RaciAssignment::Table,
                [
                    RaciAssignment::ProcessId,
                    RaciAssignment::PersonId,
                    RaciAssignment::RaciRole,
                ],
            ),
            index(
                "ix_raci_person",
                RaciAssignment::Table,
                [RaciAssignment::PersonId],
            ),
        ];
        create(manager, assignments, assignment_indexes).await?;
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
        drop_tables(
            manager,
            [
                RaciAssignment::Table.into_iden(),
                ProcessService::Table.into_iden(),
                Process::Table.into_iden(),
                Service::Table.into_iden(),
            ],
        )
        .await
    }
}

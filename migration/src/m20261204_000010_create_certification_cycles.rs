//! Certification cycles: what an organization plans to certify, against which framework
//! versions, with which services and processes in scope, and the PDCA phase it is in.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{
    RecordColumns, create, create_link_table, drop_tables, index, tenant_table, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
}

#[derive(DeriveIden)]
enum Service {
    Table,
}

#[derive(DeriveIden)]
enum Process {
    Table,
}

#[derive(DeriveIden)]
enum Framework {
    Table,
}

#[derive(DeriveIden)]
enum CertificationCycle {
    Table,
    Name,
    ScopeStatement,
    SponsorId,
    TargetDate,
    Status,
    StatusReason,
    Phase,
    CarriedOverFromId,
}

#[derive(DeriveIden)]
enum CycleObjective {
    Table,
    CycleId,
    Description,
    Target,
    Position,
    CarriedOver,
}

/// The columns every link table of a cycle has.
#[derive(DeriveIden, Clone, Copy)]
enum CycleLink {
    CycleId,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum CycleFramework {
    Table,
    FrameworkId,
}

/// The services and processes in a cycle's scope: a row each, with its own id.
#[derive(DeriveIden, Clone, Copy)]
enum CycleScope {
    #[sea_orm(iden = "cycle_service")]
    ServiceTable,
    #[sea_orm(iden = "cycle_process")]
    ProcessTable,
    ServiceId,
    ProcessId,
    CarriedOver,
}

#[derive(DeriveIden)]
enum CyclePhaseEntry {
    Table,
    CycleId,
    Phase,
    EnteredAt,
    EnteredBy,
    PersonId,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let cycles = tenant_table(CertificationCycle::Table)
            .col(string_len(CertificationCycle::Name, 200))
            .col(text(CertificationCycle::ScopeStatement))
            .references_set_null(uuid_null(CertificationCycle::SponsorId), Person::Table)
            .col(date_null(CertificationCycle::TargetDate))
            .col(string_len(CertificationCycle::Status, 16))
            .col(string_len(CertificationCycle::StatusReason, 1000))
            .col(string_len(CertificationCycle::Phase, 16))
            .references_set_null(
                uuid_null(CertificationCycle::CarriedOverFromId),
                CertificationCycle::Table,
            )
            .versioned()
            .to_owned();
        create(
            manager,
            cycles,
            [
                unique_index(
                    "ux_certification_cycle_org_name",
                    CertificationCycle::Table,
                    [
                        CycleLink::OrganizationId.into_iden(),
                        CertificationCycle::Name.into_iden(),
                    ],
                ),
                index(
                    "ix_certification_cycle_sponsor",
                    CertificationCycle::Table,
                    [CertificationCycle::SponsorId],
                ),
                index(
                    "ix_certification_cycle_carried_over_from",
                    CertificationCycle::Table,
                    [CertificationCycle::CarriedOverFromId],
                ),
            ],
        )
        .await?;
        let objectives = tenant_table(CycleObjective::Table)
            .references_cascade(uuid(CycleObjective::CycleId), CertificationCycle::Table)
            .col(string_len(CycleObjective::Description, 1000))
            .col(string_len_null(CycleObjective::Target, 500))
            .col(integer(CycleObjective::Position))
            .col(boolean(CycleObjective::CarriedOver))
            .to_owned();
        create(
            manager,
            objectives,
            [
                index(
                    "ix_cycle_objective_cycle",
                    CycleObjective::Table,
                    [CycleObjective::CycleId],
                ),
                index(
                    "ix_cycle_objective_organization",
                    CycleObjective::Table,
                    [CycleLink::OrganizationId],
                ),
            ],
        )
        .await?;
        create_link_table(
            manager,
            CycleFramework::Table,
            (CycleLink::CycleId, CertificationCycle::Table),
            (CycleFramework::FrameworkId, Framework::Table),
            "ix_cycle_framework_framework",
        )
        .await?;
        for (table, column, target, name) in [
            (
                CycleScope::ServiceTable,
                CycleScope::ServiceId,
                Service::Table.into_iden(),
                "service",
            ),
            (
                CycleScope::ProcessTable,
                CycleScope::ProcessId,
                Process::Table.into_iden(),
                "process",
            ),
        ] {
            let items = tenant_table(table)
                .references_cascade(uuid(CycleLink::CycleId), CertificationCycle::Table)
                .references_cascade(uuid(column), target)
                .col(boolean(CycleScope::CarriedOver))
                .to_owned();
            create(
                manager,
                items,
                [
                    unique_index(
                        &format!("ux_cycle_{name}_pair"),
                        table,
                        [CycleLink::CycleId.into_iden(), column.into_iden()],
                    ),
                    index(&format!("ix_cycle_{name}_{name}"), table, [column]),
                    index(
                        &format!("ix_cycle_{name}_organization"),
                        table,
                        [CycleLink::OrganizationId],
                    ),
                ],
            )
            .await?;
        }
        let phases = tenant_table(CyclePhaseEntry::Table)
            .references_cascade(uuid(CyclePhaseEntry::CycleId), CertificationCycle::Table)
            .col(string_len(CyclePhaseEntry::Phase, 16))
            .col(timestamp_with_time_zone(CyclePhaseEntry::EnteredAt))
            .col(string_len(CyclePhaseEntry::EnteredBy, 255))
            .references_set_null(uuid_null(CyclePhaseEntry::PersonId), Person::Table)
            .col(string_len(CyclePhaseEntry::Note, 1000))
            .to_owned();
        create(
            manager,
            phases,
            [
                index(
                    "ix_cycle_phase_entry_cycle",
                    CyclePhaseEntry::Table,
                    [CyclePhaseEntry::CycleId],
                ),
                index(
                    "ix_cycle_phase_entry_organization",
                    CyclePhaseEntry::Table,
                    [CycleLink::OrganizationId],
                ),
                index(
                    "ix_cycle_phase_entry_person",
                    CyclePhaseEntry::Table,
                    [CyclePhaseEntry::PersonId],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                CyclePhaseEntry::Table.into_iden(),
                CycleScope::ProcessTable.into_iden(),
                CycleScope::ServiceTable.into_iden(),
                CycleFramework::Table.into_iden(),
                CycleObjective::Table.into_iden(),
                CertificationCycle::Table.into_iden(),
            ],
        )
        .await
    }
}

//! Gap analysis and the remediation plan: per cycle and clause, an assessment with the
//! processes it concerns; remediation tasks with the clauses and processes they close gaps of.

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
enum Process {
    Table,
}

#[derive(DeriveIden)]
enum Clause {
    Table,
}

#[derive(DeriveIden)]
enum CertificationCycle {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum ClauseAssessment {
    Table,
    CycleId,
    ClauseId,
    Status,
    Justification,
    Notes,
    AssessorId,
    AssessedBy,
    AssessedAt,
    OverrideReason,
    CarriedOver,
}

#[derive(DeriveIden, Clone, Copy)]
enum RemediationTask {
    Table,
    CycleId,
    Title,
    Description,
    OwnerId,
    DueDate,
    Phase,
    Status,
}

/// The link tables and their columns.
#[derive(DeriveIden, Clone, Copy)]
enum Link {
    #[sea_orm(iden = "assessment_process")]
    AssessmentProcess,
    #[sea_orm(iden = "task_clause")]
    TaskClause,
    #[sea_orm(iden = "task_process")]
    TaskProcess,
    AssessmentId,
    TaskId,
    ProcessId,
    ClauseId,
    OrganizationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let assessments = tenant_table(ClauseAssessment::Table)
            .references_cascade(uuid(ClauseAssessment::CycleId), CertificationCycle::Table)
            .references_cascade(uuid(ClauseAssessment::ClauseId), Clause::Table)
            .col(string_len(ClauseAssessment::Status, 16))
            .col(text(ClauseAssessment::Justification))
            .col(text(ClauseAssessment::Notes))
            .references_set_null(uuid_null(ClauseAssessment::AssessorId), Person::Table)
            .col(string_len(ClauseAssessment::AssessedBy, 255))
            .col(timestamp_with_time_zone(ClauseAssessment::AssessedAt))
            .col(text_null(ClauseAssessment::OverrideReason))
            .col(boolean(ClauseAssessment::CarriedOver))
            .versioned()
            .to_owned();
        create(
            manager,
            assessments,
            [
                unique_index(
                    "ux_clause_assessment_cycle_clause",
                    ClauseAssessment::Table,
                    [ClauseAssessment::CycleId, ClauseAssessment::ClauseId],
                ),
                index(
                    "ix_clause_assessment_clause",
                    ClauseAssessment::Table,
                    [ClauseAssessment::ClauseId],
                ),
                index(
                    "ix_clause_assessment_assessor",
                    ClauseAssessment::Table,
                    [ClauseAssessment::AssessorId],
                ),
                index(
                    "ix_clause_assessment_organization",
                    ClauseAssessment::Table,
                    [Link::OrganizationId],
                ),
            ],
        )
        .await?;
        let tasks = tenant_table(RemediationTask::Table)
            .references_cascade(uuid(RemediationTask::CycleId), CertificationCycle::Table)
            .col(string_len(RemediationTask::Title, 200))
            .col(text(RemediationTask::Description))
            .references_set_null(uuid_null(RemediationTask::OwnerId), Person::Table)
            .col(date_null(RemediationTask::DueDate))
            .col(string_len(RemediationTask::Phase, 16))
            .col(string_len(RemediationTask::Status, 16))
            .versioned()
            .to_owned();
        create(
            manager,
            tasks,
            [
                index(
                    "ix_remediation_task_cycle_due",
                    RemediationTask::Table,
                    [RemediationTask::CycleId, RemediationTask::DueDate],
                ),
                index(
                    "ix_remediation_task_owner",
                    RemediationTask::Table,
                    [RemediationTask::OwnerId],
                ),
                index(
                    "ix_remediation_task_organization_due",
                    RemediationTask::Table,
                    [
                        Link::OrganizationId.into_iden(),
                        RemediationTask::DueDate.into_iden(),
                    ],
                ),
            ],
        )
        .await?;
        create_link_table(
            manager,
            Link::AssessmentProcess,
            (Link::AssessmentId, ClauseAssessment::Table),
            (Link::ProcessId, Process::Table),
            "ix_assessment_process_process",
        )
        .await?;
        create_link_table(
            manager,
            Link::TaskClause,
            (Link::TaskId, RemediationTask::Table),
            (Link::ClauseId, Clause::Table),
            "ix_task_clause_clause",
        )
        .await?;
        create_link_table(
            manager,
            Link::TaskProcess,
            (Link::TaskId, RemediationTask::Table),
            (Link::ProcessId, Process::Table),
            "ix_task_process_process",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                Link::TaskProcess.into_iden(),
                Link::TaskClause.into_iden(),
                Link::AssessmentProcess.into_iden(),
                RemediationTask::Table.into_iden(),
                ClauseAssessment::Table.into_iden(),
            ],
        )
        .await
    }
}

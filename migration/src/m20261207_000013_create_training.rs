//! Training: sessions (title, date, trainer, the processes they cover, their material) and who
//! attended or was absent.

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
enum Document {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingSession {
    Table,
    Title,
    HeldOn,
    TrainerId,
    MaterialDocumentId,
    Notes,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingProcess {
    Table,
    SessionId,
    ProcessId,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingAttendance {
    Table,
    SessionId,
    PersonId,
    Attended,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sessions = tenant_table(TrainingSession::Table)
            .col(string_len(TrainingSession::Title, 200))
            .col(date(TrainingSession::HeldOn))
            .references_set_null(uuid_null(TrainingSession::TrainerId), Person::Table)
            .references_set_null(
                uuid_null(TrainingSession::MaterialDocumentId),
                Document::Table,
            )
            .col(text(TrainingSession::Notes))
            .versioned()
            .to_owned();
        create(
            manager,
            sessions,
            [
                index(
                    "ix_training_session_organization_held_on",
                    TrainingSession::Table,
                    [TrainingSession::OrganizationId, TrainingSession::HeldOn],
                ),
                index(
                    "ix_training_session_trainer",
                    TrainingSession::Table,
                    [TrainingSession::TrainerId],
                ),
                index(
                    "ix_training_session_material",
                    TrainingSession::Table,
                    [TrainingSession::MaterialDocumentId],
                ),
            ],
        )
        .await?;
        create_link_table(
            manager,
            TrainingProcess::Table,
            (TrainingProcess::SessionId, TrainingSession::Table),
            (TrainingProcess::ProcessId, Process::Table),
            "ix_training_process_process",
        )
        .await?;
        let attendance = tenant_table(TrainingAttendance::Table)
            .references_cascade(uuid(TrainingAttendance::SessionId), TrainingSession::Table)
            .references_cascade(uuid(TrainingAttendance::PersonId), Person::Table)
            .col(boolean(TrainingAttendance::Attended))
            .to_owned();
        create(
            manager,
            attendance,
            [
                unique_index(
                    "ux_training_attendance_session_person",
                    TrainingAttendance::Table,
                    [TrainingAttendance::SessionId, TrainingAttendance::PersonId],
                ),
                index(
                    "ix_training_attendance_person",
                    TrainingAttendance::Table,
                    [TrainingAttendance::PersonId],
                ),
                index(
                    "ix_training_attendance_organization",
                    TrainingAttendance::Table,
                    [TrainingSession::OrganizationId],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                TrainingAttendance::Table.into_iden(),
                TrainingProcess::Table.into_iden(),
                TrainingSession::Table.into_iden(),
            ],
        )
        .await
    }
}

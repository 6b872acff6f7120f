//! Readiness history: a cycle's score and checklist as they stood each time they changed, so
//! a trend can be drawn and a past state read back.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{RecordColumns, create, drop_tables, index, tenant_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CertificationCycle {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReadinessRecord {
    Table,
    CycleId,
    RecordedAt,
    Score,
    State,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let records = tenant_table(ReadinessRecord::Table)
            .references_cascade(uuid(ReadinessRecord::CycleId), CertificationCycle::Table)
            .col(timestamp_with_time_zone(ReadinessRecord::RecordedAt))
            .col(integer(ReadinessRecord::Score))
            .col(text(ReadinessRecord::State))
            .to_owned();
        create(
            manager,
            records,
            [
                index(
                    "ix_readiness_record_cycle_recorded_at",
                    ReadinessRecord::Table,
                    [ReadinessRecord::CycleId, ReadinessRecord::RecordedAt],
                ),
                index(
                    "ix_readiness_record_organization",
                    ReadinessRecord::Table,
                    [Alias::new("organization_id")],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, [ReadinessRecord::Table.into_iden()]).await
    }
}

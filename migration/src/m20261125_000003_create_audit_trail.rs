use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{
    create, drop_tables, index, organization_foreign_key, tenant_table, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    OrganizationId,
    Sequence,
    OccurredAt,
    ActorKind,
    ActorSubject,
    ActorPersonId,
    Action,
    RecordType,
    RecordId,
    Before,
    After,
    PreviousHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditChainHead {
    Table,
    OrganizationId,
    Sequence,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let entries = tenant_table(AuditEntry::Table)
            .col(big_integer(AuditEntry::Sequence))
            .col(timestamp_with_time_zone(AuditEntry::OccurredAt))
            .col(string_len(AuditEntry::ActorKind, 16))
            .col(string_len(AuditEntry::ActorSubject, 255))
            .col(uuid_null(AuditEntry::ActorPersonId))
            .col(string_len(AuditEntry::Action, 64))
            .col(string_len(AuditEntry::RecordType, 64))
            .col(uuid(AuditEntry::RecordId))
            .col(text_null(AuditEntry::Before))
            .col(text_null(AuditEntry::After))
            .col(string_len(AuditEntry::PreviousHash, 64))
            .col(string_len(AuditEntry::Hash, 64))
            .to_owned();
        let entry_indexes = [
            // One position in the chain per organization: two appends can never share a
            // sequence.
            unique_index(
                "ux_audit_entry_org_sequence",
                AuditEntry::Table,
                [AuditEntry::OrganizationId, AuditEntry::Sequence],
            ),
            index(
                "ix_audit_entry_org_record",
                AuditEntry::Table,
                [AuditEntry::OrganizationId, AuditEntry::RecordId],
            ),
        ];
        create(manager, entries, entry_indexes).await?;
        let head = Table::create()
            .table(AuditChainHead::Table)
            .col(uuid(AuditChainHead::OrganizationId).primary_key())
            .col(big_integer(AuditChainHead::Sequence))
            .col(string_len(AuditChainHead::Hash, 64))
            .foreign_key(&mut organization_foreign_key())
            .to_owned();
        create(manager, head, []).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                AuditChainHead::Table.into_iden(),
                AuditEntry::Table.into_iden(),
            ],
        )
        .await
    }
}

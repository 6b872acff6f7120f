use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_organization::Organization;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Id,
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
        manager
            .create_table(
                Table::create()
                    .table(AuditEntry::Table)
                    .col(uuid(AuditEntry::Id).primary_key())
                    .col(uuid(AuditEntry::OrganizationId))
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
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditEntry::Table, AuditEntry::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One position in the chain per organization: two appends can never share a sequence.
        manager
            .create_index(
                Index::create()
                    .name("ux_audit_entry_org_sequence")
                    .table(AuditEntry::Table)
                    .col(AuditEntry::OrganizationId)
                    .col(AuditEntry::Sequence)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_entry_org_record")
                    .table(AuditEntry::Table)
                    .col(AuditEntry::OrganizationId)
                    .col(AuditEntry::RecordId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditChainHead::Table)
                    .col(uuid(AuditChainHead::OrganizationId).primary_key())
                    .col(big_integer(AuditChainHead::Sequence))
                    .col(string_len(AuditChainHead::Hash, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditChainHead::Table, AuditChainHead::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditChainHead::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditEntry::Table).to_owned())
            .await
    }
}

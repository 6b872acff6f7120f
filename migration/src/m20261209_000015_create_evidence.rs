//! The evidence repository: records that prove a requirement is met (what, from whom, when it
//! was collected, the period it covers, until when it is valid, and an external link or a
//! file), linked to the clauses, processes, services, cycles and document versions they serve.

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
enum ApiToken {
    Table,
}

#[derive(DeriveIden)]
enum Clause {
    Table,
}

#[derive(DeriveIden)]
enum Process {
    Table,
}

#[derive(DeriveIden)]
enum Service {
    Table,
}

#[derive(DeriveIden)]
enum CertificationCycle {
    Table,
}

#[derive(DeriveIden)]
enum DocumentVersion {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Evidence {
    Table,
    OrganizationId,
    Title,
    Description,
    Kind,
    Source,
    ApiTokenId,
    OwnerId,
    CollectedAt,
    PeriodStart,
    PeriodEnd,
    ValidUntil,
    ExternalUrl,
    ExternalKey,
    RequestDigest,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceTag {
    Table,
    EvidenceId,
    Tag,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceClause {
    Table,
    EvidenceId,
    ClauseId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceProcess {
    Table,
    EvidenceId,
    ProcessId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceService {
    Table,
    EvidenceId,
    ServiceId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceCycle {
    Table,
    EvidenceId,
    CycleId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceDocumentVersion {
    Table,
    EvidenceId,
    DocumentVersionId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let evidence = tenant_table(Evidence::Table)
            .col(string_len(Evidence::Title, 200))
            .col(text(Evidence::Description))
            .col(string_len(Evidence::Kind, 16))
            .col(string_len(Evidence::Source, 16))
            .references_set_null(uuid_null(Evidence::ApiTokenId), ApiToken::Table)
            .references_set_null(uuid_null(Evidence::OwnerId), Person::Table)
            .col(timestamp_with_time_zone(Evidence::CollectedAt))
            .col(date_null(Evidence::PeriodStart))
            .col(date_null(Evidence::PeriodEnd))
            .col(date_null(Evidence::ValidUntil))
            .col(string_len_null(Evidence::ExternalUrl, 2048))
            .col(string_len_null(Evidence::ExternalKey, 200))
            .col(string_len_null(Evidence::RequestDigest, 64))
            .versioned()
            .to_owned();
        create(
            manager,
            evidence,
            [
                unique_index(
                    "ux_evidence_organization_external_key",
                    Evidence::Table,
                    [Evidence::OrganizationId, Evidence::ExternalKey],
                ),
                index(
                    "ix_evidence_organization_collected_at",
                    Evidence::Table,
                    [Evidence::OrganizationId, Evidence::CollectedAt],
                ),
                index(
                    "ix_evidence_organization_valid_until",
                    Evidence::Table,
                    [Evidence::OrganizationId, Evidence::ValidUntil],
                ),
                index("ix_evidence_owner", Evidence::Table, [Evidence::OwnerId]),
                index(
                    "ix_evidence_api_token",
                    Evidence::Table,
                    [Evidence::ApiTokenId],
                ),
            ],
        )
        .await?;
        // Tags as rows, so that a filter by tag is an indexed lookup on both databases.
        let tags = Table::create()
            .table(EvidenceTag::Table)
            .references_cascade(uuid(EvidenceTag::EvidenceId), Evidence::Table)
            .col(string_len(EvidenceTag::Tag, 50))
            .col(uuid(EvidenceTag::OrganizationId))
            .primary_key(
                Index::create()
                    .col(EvidenceTag::EvidenceId)
                    .col(EvidenceTag::Tag),
            )
            .to_owned();
        create(
            manager,
            tags,
            [index(
                "ix_evidence_tag_organization_tag",
                EvidenceTag::Table,
                [EvidenceTag::OrganizationId, EvidenceTag::Tag],
            )],
        )
        .await?;
        create_link_table(
            manager,
            EvidenceClause::Table,
            (EvidenceClause::EvidenceId, Evidence::Table),
            (EvidenceClause::ClauseId, Clause::Table),
            "ix_evidence_clause_clause",
        )
        .await?;
        create_link_table(
            manager,
            EvidenceProcess::Table,
            (EvidenceProcess::EvidenceId, Evidence::Table),
            (EvidenceProcess::ProcessId, Process::Table),
            "ix_evidence_process_process",
        )
        .await?;
        create_link_table(
            manager,
            EvidenceService::Table,
            (EvidenceService::EvidenceId, Evidence::Table),
            (EvidenceService::ServiceId, Service::Table),
            "ix_evidence_service_service",
        )
        .await?;
        create_link_table(
            manager,
            EvidenceCycle::Table,
            (EvidenceCycle::EvidenceId, Evidence::Table),
            (EvidenceCycle::CycleId, CertificationCycle::Table),
            "ix_evidence_cycle_cycle",
        )
        .await?;
        create_link_table(
            manager,
            EvidenceDocumentVersion::Table,
            (EvidenceDocumentVersion::EvidenceId, Evidence::Table),
            (
                EvidenceDocumentVersion::DocumentVersionId,
                DocumentVersion::Table,
            ),
            "ix_evidence_document_version_version",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                EvidenceDocumentVersion::Table.into_iden(),
                EvidenceCycle::Table.into_iden(),
                EvidenceService::Table.into_iden(),
                EvidenceProcess::Table.into_iden(),
                EvidenceClause::Table.into_iden(),
                EvidenceTag::Table.into_iden(),
                Evidence::Table.into_iden(),
            ],
        )
        .await
    }
}

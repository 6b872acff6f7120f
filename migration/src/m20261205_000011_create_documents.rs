//! Controlled documents: the document, its versions (Markdown body, SHA-256 of the content,
//! review state), the approvers named for it, their decisions, and the clauses it addresses.
//!
//! A file attached to a version arrives with the evidence area, whose migration adds to
//! `document_version` a nullable `file_id` referencing the file (`ON DELETE SET NULL`, with an
//! index) and a nullable `content_type`, by `ALTER TABLE .. ADD COLUMN`: both databases take a
//! nullable referencing column that way, so no table needs rebuilding.

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
enum Document {
    Table,
    OrganizationId,
    Kind,
    Title,
    OwnerId,
    ProcessId,
    Classification,
    NextReviewDate,
    Status,
    RetiredAt,
}

#[derive(DeriveIden)]
enum DocumentVersion {
    Table,
    OrganizationId,
    DocumentId,
    Major,
    Minor,
    State,
    Body,
    ChangeSummary,
    AuthorId,
    AuthorSubject,
    ContentHash,
    SubmittedAt,
    ApprovedAt,
}

#[derive(DeriveIden)]
enum DocumentDecision {
    Table,
    OrganizationId,
    VersionId,
    Decision,
    PersonId,
    Subject,
    Comment,
    ContentHash,
    DecidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DocumentApprover {
    Table,
    DocumentId,
    PersonId,
}

#[derive(DeriveIden, Clone, Copy)]
enum DocumentClause {
    Table,
    DocumentId,
    ClauseId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let documents = tenant_table(Document::Table)
            .col(string_len(Document::Kind, 16))
            .col(string_len(Document::Title, 200))
            .references_set_null(uuid_null(Document::OwnerId), Person::Table)
            .references_set_null(uuid_null(Document::ProcessId), Process::Table)
            .col(string_len(Document::Classification, 16))
            .col(date_null(Document::NextReviewDate))
            .col(string_len(Document::Status, 16))
            .col(timestamp_with_time_zone_null(Document::RetiredAt))
            .versioned()
            .to_owned();
        create(
            manager,
            documents,
            [
                // The organization's documents due for review.
                index(
                    "ix_document_org_review",
                    Document::Table,
                    [Document::OrganizationId, Document::NextReviewDate],
                ),
                index("ix_document_owner", Document::Table, [Document::OwnerId]),
                index(
                    "ix_document_process",
                    Document::Table,
                    [Document::ProcessId],
                ),
            ],
        )
        .await?;
        let versions = tenant_table(DocumentVersion::Table)
            .references_cascade(uuid(DocumentVersion::DocumentId), Document::Table)
            .col(integer(DocumentVersion::Major))
            .col(integer(DocumentVersion::Minor))
            .col(string_len(DocumentVersion::State, 24))
            .col(text(DocumentVersion::Body))
            .col(text(DocumentVersion::ChangeSummary))
            .references_set_null(uuid_null(DocumentVersion::AuthorId), Person::Table)
            .col(string_len(DocumentVersion::AuthorSubject, 255))
            .col(string_len(DocumentVersion::ContentHash, 64))
            .col(timestamp_with_time_zone_null(DocumentVersion::SubmittedAt))
            .col(timestamp_with_time_zone_null(DocumentVersion::ApprovedAt))
            .versioned()
            .to_owned();
        create(
            manager,
            versions,
            [
                unique_index(
                    "ux_document_version_number",
                    DocumentVersion::Table,
                    [
                        DocumentVersion::DocumentId,
                        DocumentVersion::Major,
                        DocumentVersion::Minor,
                    ],
                ),
                index(
                    "ix_document_version_org",
                    DocumentVersion::Table,
                    [DocumentVersion::OrganizationId],
                ),
                index(
                    "ix_document_version_author",
                    DocumentVersion::Table,
                    [DocumentVersion::AuthorId],
                ),
            ],
        )
        .await?;
        let decisions = tenant_table(DocumentDecision::Table)
            .references_cascade(uuid(DocumentDecision::VersionId), DocumentVersion::Table)
            .col(string_len(DocumentDecision::Decision, 24))
            .references_set_null(uuid_null(DocumentDecision::PersonId), Person::Table)
            .col(string_len(DocumentDecision::Subject, 255))
            .col(text(DocumentDecision::Comment))
            .col(string_len(DocumentDecision::ContentHash, 64))
            .col(timestamp_with_time_zone(DocumentDecision::DecidedAt))
            .to_owned();
        create(
            manager,
            decisions,
            [
                index(
                    "ix_document_decision_version",
                    DocumentDecision::Table,
                    [DocumentDecision::VersionId],
                ),
                index(
                    "ix_document_decision_person",
                    DocumentDecision::Table,
                    [DocumentDecision::PersonId],
                ),
                index(
                    "ix_document_decision_org",
                    DocumentDecision::Table,
                    [DocumentDecision::OrganizationId],
                ),
            ],
        )
        .await?;
        // Link tables: the key is the pair of ends; `organization_id` has no foreign key.
        create_link_table(
            manager,
            DocumentApprover::Table,
            (DocumentApprover::DocumentId, Document::Table),
            (DocumentApprover::PersonId, Person::Table),
            "ix_document_approver_person",
        )
        .await?;
        create_link_table(
            manager,
            DocumentClause::Table,
            (DocumentClause::DocumentId, Document::Table),
            (DocumentClause::ClauseId, Clause::Table),
            "ix_document_clause_clause",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            [
                DocumentClause::Table.into_iden(),
                DocumentApprover::Table.into_iden(),
                DocumentDecision::Table.into_iden(),
                DocumentVersion::Table.into_iden(),
                Document::Table.into_iden(),
            ],
        )
        .await
    }
}

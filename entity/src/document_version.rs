use sea_orm::entity::prelude::*;
use serde::Serialize;

/// Where a version of a document is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VersionState {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "IN_REVIEW")]
    InReview,
    #[sea_orm(string_value = "CHANGES_REQUESTED")]
    ChangesRequested,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// One version of a document, numbered `major.minor`, with its Markdown body and the SHA-256
/// of that content, computed by the server.
///
/// A file attached to a version arrives with the evidence area: its migration adds a nullable
/// `file_id` (referencing the file, `ON DELETE SET NULL`, with its index) and `content_type` by
/// `ALTER TABLE .. ADD COLUMN`, which both databases allow for a nullable referencing column,
/// and `content_hash` then covers the file's bytes too.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "document_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub document_id: Uuid,
    pub major: i32,
    pub minor: i32,
    pub state: VersionState,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    #[sea_orm(column_type = "Text")]
    pub change_summary: String,
    /// The person who wrote it, when the author's login is linked to one.
    pub author_id: Option<Uuid>,
    /// The author's login subject (`api-token:<id>` for a token).
    pub author_subject: String,
    /// SHA-256 of the content, lower-case hex.
    pub content_hash: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

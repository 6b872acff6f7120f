use sea_orm::entity::prelude::*;
use serde::Serialize;

/// What an approver decided about a version in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "CHANGES_REQUESTED")]
    ChangesRequested,
}

/// One approver's decision on one document version: who, when, why, and the content hash of
/// what they read. Never changed once written.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "document_decision")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub version_id: Uuid,
    pub decision: Decision,
    pub person_id: Option<Uuid>,
    /// The approver's login subject, kept should the person go.
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    /// The SHA-256 of the content the approver read, equal to the version's.
    pub content_hash: String,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

/// What a piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EvidenceKind {
    #[sea_orm(string_value = "RECORD")]
    Record,
    #[sea_orm(string_value = "REPORT")]
    Report,
    #[sea_orm(string_value = "LOG")]
    Log,
    #[sea_orm(string_value = "MINUTES")]
    Minutes,
    #[sea_orm(string_value = "SCREENSHOT")]
    Screenshot,
    #[sea_orm(string_value = "EXPORT")]
    Export,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Who brought a piece of evidence in: a person by hand, or an integration with its API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EvidenceSource {
    #[sea_orm(string_value = "MANUAL")]
    Manual,
    #[sea_orm(string_value = "INTEGRATION")]
    Integration,
}

/// A record that proves a requirement is met.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub kind: EvidenceKind,
    pub source: EvidenceSource,
    /// The API token an integration sent it with.
    pub api_token_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    /// When it was collected: the date it speaks for, apart from when it was uploaded.
    pub collected_at: DateTimeUtc,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub valid_until: Option<Date>,
    /// Where the content lives when it is a link rather than a file.
    pub external_url: Option<String>,
    /// The caller's key for a create it may repeat.
    pub external_key: Option<String>,
    /// SHA-256 (hex) of the create that made it, to tell a repeat from a different create
    /// with the same key.
    pub request_digest: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

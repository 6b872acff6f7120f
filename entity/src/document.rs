use sea_orm::entity::prelude::*;
use serde::Serialize;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentKind {
    #[sea_orm(string_value = "POLICY")]
    Policy,
    #[sea_orm(string_value = "PROCESS")]
    Process,
    #[sea_orm(string_value = "PROCEDURE")]
    Procedure,
    #[sea_orm(string_value = "PLAN")]
    Plan,
    #[sea_orm(string_value = "TEMPLATE")]
    Template,
    #[sea_orm(string_value = "RECORD_TYPE")]
    RecordType,
}

/// Who may read a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Classification {
    #[sea_orm(string_value = "PUBLIC")]
    Public,
    #[sea_orm(string_value = "INTERNAL")]
    Internal,
    #[sea_orm(string_value = "CONFIDENTIAL")]
    Confidential,
    #[sea_orm(string_value = "RESTRICTED")]
    Restricted,
}

/// Whether a document is in use; a document is retired as a whole, with all its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "RETIRED")]
    Retired,
}

/// A controlled document of the SMS: a policy, a procedure, a template, ... Its text is in its
/// versions; its clauses (`document_clause`) and approvers (`document_approver`) are link
/// tables.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: DocumentKind,
    pub title: String,
    pub owner_id: Option<Uuid>,
    pub process_id: Option<Uuid>,
    pub classification: Classification,
    pub next_review_date: Option<Date>,
    pub status: DocumentStatus,
    pub retired_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

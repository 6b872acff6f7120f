use sea_orm::entity::prelude::*;
use serde::Serialize;

/// How far a clause's requirements are met in a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssessmentStatus {
    #[sea_orm(string_value = "NOT_ASSESSED")]
    NotAssessed,
    #[sea_orm(string_value = "GAP")]
    Gap,
    #[sea_orm(string_value = "PARTIAL")]
    Partial,
    #[sea_orm(string_value = "IMPLEMENTED")]
    Implemented,
    #[sea_orm(string_value = "NOT_APPLICABLE")]
    NotApplicable,
}

/// The gap analysis result for one clause in one cycle.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "clause_assessment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub cycle_id: Uuid,
    pub clause_id: Uuid,
    pub status: AssessmentStatus,
    /// Why the clause does not apply (NOT_APPLICABLE only).
    #[sea_orm(column_type = "Text")]
    pub justification: String,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub assessor_id: Option<Uuid>,
    /// The login subject (or API token) that assessed.
    pub assessed_by: String,
    pub assessed_at: DateTimeUtc,
    /// Why it was marked IMPLEMENTED while a task linked to the clause was still open.
    #[sea_orm(column_type = "Text", nullable)]
    pub override_reason: Option<String>,
    /// Taken from an earlier cycle and not yet re-assessed.
    pub carried_over: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

/// Where a cycle stands overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CycleStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "CERTIFIED")]
    Certified,
    #[sea_orm(string_value = "ABANDONED")]
    Abandoned,
}

/// The PDCA phase a cycle is in, then the certification audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PdcaPhase {
    #[sea_orm(string_value = "PLAN")]
    Plan,
    #[sea_orm(string_value = "DO")]
    Do,
    #[sea_orm(string_value = "CHECK")]
    Check,
    #[sea_orm(string_value = "ACT")]
    Act,
    #[sea_orm(string_value = "CERTIFICATION")]
    Certification,
}

/// A certification cycle: what the organization plans to certify, and how far it is.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "certification_cycle")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub scope_statement: String,
    pub sponsor_id: Option<Uuid>,
    pub target_date: Option<Date>,
    pub status: CycleStatus,
    /// Why it was certified or abandoned (the certificate, the decision).
    pub status_reason: String,
    pub phase: PdcaPhase,
    /// The earlier cycle this one was created from.
    pub carried_over_from_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

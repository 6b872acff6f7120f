use sea_orm::entity::prelude::*;
use serde::Serialize;

/// How much the business depends on a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Criticality {
    #[sea_orm(string_value = "LOW")]
    Low,
    #[sea_orm(string_value = "MEDIUM")]
    Medium,
    #[sea_orm(string_value = "HIGH")]
    High,
    #[sea_orm(string_value = "CRITICAL")]
    Critical,
}

/// Where a service is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LifecycleStatus {
    #[sea_orm(string_value = "PIPELINE")]
    Pipeline,
    #[sea_orm(string_value = "LIVE")]
    Live,
    #[sea_orm(string_value = "RETIRED")]
    Retired,
}

/// How far a process has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Maturity {
    #[sea_orm(string_value = "NOT_STARTED")]
    NotStarted,
    #[sea_orm(string_value = "DEFINED")]
    Defined,
    #[sea_orm(string_value = "IMPLEMENTED")]
    Implemented,
    #[sea_orm(string_value = "MEASURED")]
    Measured,
    #[sea_orm(string_value = "OPTIMIZING")]
    Optimizing,
}

/// A person's part in a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RaciRole {
    #[sea_orm(string_value = "RESPONSIBLE")]
    Responsible,
    #[sea_orm(string_value = "ACCOUNTABLE")]
    Accountable,
    #[sea_orm(string_value = "CONSULTED")]
    Consulted,
    #[sea_orm(string_value = "INFORMED")]
    Informed,
}

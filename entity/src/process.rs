use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::portfolio_enums::Maturity;

/// A service management process: built in (the clause-8 catalogue) or the organization's own.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "process")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub code: String,
    pub name: String,
    /// The ISO/IEC 20000-1:2018 clause of a built-in process.
    pub clause: Option<String>,
    pub built_in: bool,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub goals: String,
    pub maturity: Maturity,
    pub owner_id: Option<Uuid>,
    pub applicable: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub not_applicable_justification: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

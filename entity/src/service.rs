use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::portfolio_enums::{Criticality, LifecycleStatus};

/// An entry of the service portfolio.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "service")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub customer: String,
    pub criticality: Criticality,
    pub lifecycle_status: LifecycleStatus,
    pub owner_id: Option<Uuid>,
    /// Restore-time targets in minutes per incident priority, as JSON `{"P1": 240, ...}`.
    #[sea_orm(column_type = "Text")]
    pub restore_targets: String,
    /// Availability target, percent.
    pub availability_target: Option<f64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

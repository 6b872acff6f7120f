use sea_orm::entity::prelude::*;
use serde::Serialize;

/// An objective of a certification cycle.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "cycle_objective")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub cycle_id: Uuid,
    pub description: String,
    /// The measurable target, when it has one.
    pub target: Option<String>,
    /// Order among the cycle's objectives, from 0.
    pub position: i32,
    /// Taken from an earlier cycle and not yet re-confirmed.
    pub carried_over: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

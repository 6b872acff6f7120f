use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A piece of evidence serves a service.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "evidence_service")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub evidence_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_id: Uuid,
    pub organization_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

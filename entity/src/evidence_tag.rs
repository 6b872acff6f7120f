use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A tag of a piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "evidence_tag")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub evidence_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag: String,
    pub organization_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A training session: what was taught, when, by whom, with which material.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "training_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub title: String,
    pub held_on: Date,
    pub trainer_id: Option<Uuid>,
    /// The document taught from.
    pub material_document_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

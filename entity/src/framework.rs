use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A standard (or an organization's own set of requirements) in one version.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "framework")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for a built-in framework, which every organization reads.
    pub organization_id: Option<Uuid>,
    pub code: String,
    pub version: String,
    pub name: String,
    pub publisher: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A clause of a framework: a node of its tree.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "clause")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for a clause of a built-in framework.
    pub organization_id: Option<Uuid>,
    pub framework_id: Uuid,
    /// Stable across versions of the framework: `iso20000-1:2018/8.5.1`.
    pub reference: String,
    pub number: String,
    pub title: String,
    pub parent_id: Option<Uuid>,
    /// Order among the clauses of the same parent, from 0.
    pub position: i32,
    /// Whether it carries requirements (is assessed), or only groups other clauses.
    pub assessable: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

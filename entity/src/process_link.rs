use sea_orm::entity::prelude::*;
use serde::Serialize;

/// An edge of the process map: a process uses a tool (what flows: "incident records"), or
/// depends on another process.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "process_link")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub process_id: Uuid,
    /// Set for a process -> tool link.
    pub tool_id: Option<Uuid>,
    /// Set for a process -> process dependency.
    pub depends_on_process_id: Option<Uuid>,
    pub description: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

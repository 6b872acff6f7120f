use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A cycle's readiness as it stood from `recorded_at` until the next record: written only when
/// the score or the checklist moved.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "readiness_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub cycle_id: Uuid,
    pub recorded_at: DateTimeUtc,
    pub score: i32,
    /// The items and blockers, as JSON (`readiness::Summary`).
    #[sea_orm(column_type = "Text")]
    pub state: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

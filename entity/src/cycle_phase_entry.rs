use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::certification_cycle::PdcaPhase;

/// A cycle entered a phase: when, and by whom.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "cycle_phase_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub cycle_id: Uuid,
    pub phase: PdcaPhase,
    pub entered_at: DateTimeUtc,
    /// The login subject (or API token name) that moved the cycle.
    pub entered_by: String,
    /// The person behind `entered_by`, when there is one.
    pub person_id: Option<Uuid>,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

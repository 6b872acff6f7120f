use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::portfolio_enums::RaciRole;

/// A person's R, A, C or I in a process. At most one ACCOUNTABLE per process, enforced by a
/// partial unique index.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "raci_assignment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub process_id: Uuid,
    pub person_id: Uuid,
    pub raci_role: RaciRole,
    #[sea_orm(column_type = "Text")]
    pub responsibilities: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

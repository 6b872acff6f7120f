use sea_orm::entity::prelude::*;
use serde::Serialize;

/// How the requirements of one clause relate to those of a clause of another framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MappingRelationship {
    #[sea_orm(string_value = "EQUAL")]
    Equal,
    #[sea_orm(string_value = "SUBSET")]
    Subset,
    #[sea_orm(string_value = "SUPERSET")]
    Superset,
    #[sea_orm(string_value = "INTERSECTS")]
    Intersects,
    #[sea_orm(string_value = "RELATED")]
    Related,
}

impl MappingRelationship {
    /// The relationship read from the other clause's side: A SUBSET of B is B SUPERSET of A.
    pub fn inverse(self) -> Self {
        match self {
            Self::Subset => Self::Superset,
            Self::Superset => Self::Subset,
            other => other,
        }
    }
}

/// A mapping between two clauses of different frameworks.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "clause_mapping")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for a built-in mapping.
    pub organization_id: Option<Uuid>,
    pub from_clause_id: Uuid,
    pub to_clause_id: Uuid,
    pub relationship: MappingRelationship,
    pub rationale: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

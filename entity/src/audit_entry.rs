use sea_orm::entity::prelude::*;
use serde::Serialize;

/// One link of an organization's hash-chained audit trail.
///
/// `before` and `after` are kept as the exact JSON text that was hashed, so that no database
/// re-encoding (PostgreSQL's jsonb reorders keys) can break the chain.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub sequence: i64,
    pub occurred_at: DateTimeUtc,
    pub actor_kind: String,
    pub actor_subject: String,
    pub actor_person_id: Option<Uuid>,
    pub action: String,
    pub record_type: String,
    pub record_id: Uuid,
    #[sea_orm(column_type = "Text", nullable)]
    pub before: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub after: Option<String>,
    pub previous_hash: String,
    pub hash: String,
    /// The hash format `hash` was computed with (see the server's `audit_trail::chain`).
    pub hash_version: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

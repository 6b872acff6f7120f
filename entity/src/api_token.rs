use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A credential for integration scripts: scoped, revocable, stored only as a hash.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    /// The first characters of the secret, to recognize a token in lists.
    pub display_prefix: String,
    /// SHA-256 (hex) of the whole secret; never serialized, so never in the audit trail.
    #[serde(skip)]
    pub secret_hash: String,
    /// Scope names, comma-separated.
    pub scopes: String,
    pub expires_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

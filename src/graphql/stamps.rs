//! The version and times every record that changes in place shows, written once.

use async_graphql::SimpleObject;
use chrono::Utc;

use super::scalars::DateTime;

/// A record's version and times, flattened into its type (`#[graphql(flatten)]`).
#[derive(SimpleObject)]
pub struct Stamps {
    /// Version, for `expectedVersion`.
    pub version: i32,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Stamps {
    /// The stamps of a row.
    pub fn of(
        version: i32,
        created_at: chrono::DateTime<Utc>,
        updated_at: chrono::DateTime<Utc>,
    ) -> Self {
        Self {
            version,
            created_at: created_at.into(),
            updated_at: updated_at.into(),
        }
    }
}

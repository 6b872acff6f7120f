//! The version and times every record that changes in place shows, written once.

use async_graphql::SimpleObject;
use chrono::Utc;

use super::scalars::DateTime;
use crate::record::Versioned;

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
    /// The stamps of a row of `E`.
    pub fn of<E: Versioned>(row: &E::Model) -> Self {
        let (created_at, updated_at) = E::times_of(row);
        Self {
            version: E::version_of(row),
            created_at: created_at.into(),
            updated_at: updated_at.into(),
        }
    }
}

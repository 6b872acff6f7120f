//! Record types: the one declaration of each table whose rows the API exposes.
//!
//! An area declares each of its record types once, with [`record!`], naming the entity module and
//! the GraphQL type its rows appear as. That name is written nowhere else: global ids,
//! `node`/`nodes`, NOT_FOUND messages, the audit trail's record type and the read cache's keys
//! all take it from [`Record::TYPE`].

use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use uuid::Uuid;

/// A table whose rows belong to one organization: every query of it goes through
/// [`Scope`](crate::tenancy::Scope).
pub trait Tenant: EntityTrait {
    /// The column that holds the organization a row belongs to.
    fn organization_column() -> Self::Column;
    /// Whether rows without an organization (NULL) are built-in rows that every organization
    /// reads and none writes: the framework library.
    const SHARED: bool = false;
}

/// A tenant table whose rows appear in the API as one GraphQL type.
pub trait Record: Tenant {
    /// The GraphQL type name of its rows.
    const TYPE: &'static str;
    /// The primary key column.
    fn id_column() -> Self::Column;
    /// The primary key of a row.
    fn id_of(model: &Self::Model) -> Uuid;
}

/// A record that changes in place: each save bumps `version`, which `expectedVersion` checks.
pub trait Versioned: Record {
    /// The `version` column.
    fn version_column() -> Self::Column;
    /// The version of a row.
    fn version_of(model: &Self::Model) -> i32;
    /// When a row was added, and when it last changed.
    fn times_of(model: &Self::Model) -> (DateTime<Utc>, DateTime<Utc>);
    /// Stamps a row about to be saved with its next version and the time of the change.
    fn stamp(model: &mut Self::Model, version: i32, at: DateTime<Utc>);
    /// The columns no save writes: set once, when the row is inserted.
    fn fixed_columns() -> [Self::Column; 3];
}

/// Declares a record type: `record!(service => "Service", versioned)` for the entity module
/// `entity::service`, whose rows are GraphQL `Service`s with `id`, `organization_id` and (when
/// `versioned`) `version`, `created_at` and `updated_at` columns. `organization = Column` names
/// another organization column (the organization itself is its own tenant); `shared` declares a
/// library table whose built-in rows (no organization) every organization reads.
#[macro_export]
macro_rules! record {
    ($module:ident => $name:literal, organization = $organization:ident, versioned) => {
        $crate::record!(@record $module $name $organization);
        $crate::record!(@versioned $module);
    };
    ($module:ident => $name:literal, versioned) => {
        $crate::record!(@record $module $name OrganizationId);
        $crate::record!(@versioned $module);
    };
    ($module:ident => $name:literal) => {
        $crate::record!(@record $module $name OrganizationId);
    };
    ($module:ident => $name:literal, shared) => {
        impl $crate::record::Tenant for entity::$module::Entity {
            fn organization_column() -> Self::Column {
                entity::$module::Column::OrganizationId
            }
            const SHARED: bool = true;
        }
        $crate::record!(@identity $module $name);
    };
    (@record $module:ident $name:literal $organization:ident) => {
        $crate::tenant!($module, $organization);
        $crate::record!(@identity $module $name);
    };
    (@identity $module:ident $name:literal) => {
        impl $crate::record::Record for entity::$module::Entity {
            const TYPE: &'static str = $name;
            fn id_column() -> Self::Column {
                entity::$module::Column::Id
            }
            fn id_of(model: &Self::Model) -> uuid::Uuid {
                model.id
            }
        }
    };
    (@versioned $module:ident) => {
        impl $crate::record::Versioned for entity::$module::Entity {
            fn version_column() -> Self::Column {
                entity::$module::Column::Version
            }
            fn version_of(model: &Self::Model) -> i32 {
                model.version
            }
            fn times_of(
                model: &Self::Model,
            ) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
                (model.created_at, model.updated_at)
            }
            fn stamp(
                model: &mut Self::Model,
                version: i32,
                at: chrono::DateTime<chrono::Utc>,
            ) {
                model.version = version;
                model.updated_at = at;
            }
            fn fixed_columns() -> [Self::Column; 3] {
                [
                    entity::$module::Column::Id,
                    <Self as $crate::record::Tenant>::organization_column(),
                    entity::$module::Column::CreatedAt,
                ]
            }
        }
    };
}

/// Declares a tenant table that is no record of its own (a link table): `tenant!(process_service)`.
#[macro_export]
macro_rules! tenant {
    ($module:ident) => {
        $crate::tenant!($module, OrganizationId);
    };
    ($module:ident, $organization:ident) => {
        impl $crate::record::Tenant for entity::$module::Entity {
            fn organization_column() -> Self::Column {
                entity::$module::Column::$organization
            }
        }
    };
}

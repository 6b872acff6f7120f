//! Row scoping by organization. Every read and write of tenant data starts from [`Scope`], so no
//! query can forget the organization, and a record of another organization is indistinguishable
//! from one that does not exist.

use entity::{
    api_token, audit_entry, person, process, process_link, raci_assignment, service, tool,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, UpdateMany};
use uuid::Uuid;

use crate::{
    auth::Actor,
    error::{AppError, AppResult},
};

/// An entity whose rows belong to one organization.
pub trait TenantEntity: EntityTrait {
    /// The record name used in NOT_FOUND messages (the GraphQL type name).
    const NAME: &'static str;
    /// The `organization_id` column.
    fn organization_column() -> Self::Column;
    /// The primary key column.
    fn id_column() -> Self::Column;
}

/// Declares an entity module's `Entity` a tenant entity with `organization_id` and `id` columns.
macro_rules! tenant_entity {
    ($($module:ident => $name:literal),+ $(,)?) => {$(
        impl TenantEntity for $module::Entity {
            const NAME: &'static str = $name;
            fn organization_column() -> Self::Column {
                $module::Column::OrganizationId
            }
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
        }
    )+};
}

tenant_entity! {
    person => "Person",
    api_token => "ApiToken",
    audit_entry => "AuditEntry",
    service => "Service",
    process => "Process",
    raci_assignment => "RaciAssignment",
    tool => "Tool",
    process_link => "ProcessLink",
}

/// The organization a request may see and change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub organization_id: Uuid,
}

impl From<&Actor> for Scope {
    fn from(actor: &Actor) -> Self {
        Self {
            organization_id: actor.organization_id,
        }
    }
}

impl Scope {
    /// All rows of `E` in this organization.
    pub fn select<E: TenantEntity>(self) -> Select<E> {
        E::find().filter(E::organization_column().eq(self.organization_id))
    }

    /// Rows of `E` with these ids, in this organization.
    pub fn select_ids<E: TenantEntity>(self, ids: impl IntoIterator<Item = Uuid>) -> Select<E> {
        self.select::<E>().filter(E::id_column().is_in(ids))
    }

    /// An update of rows of `E` in this organization only.
    pub fn update<E: TenantEntity>(self) -> UpdateMany<E> {
        E::update_many().filter(E::organization_column().eq(self.organization_id))
    }

    /// One row of `E` by id, if it is in this organization.
    pub async fn get<E: TenantEntity>(
        self,
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> AppResult<Option<E::Model>> {
        Ok(self
            .select::<E>()
            .filter(E::id_column().eq(id))
            .one(db)
            .await?)
    }

    /// One row of `E` by id, or NOT_FOUND.
    pub async fn find<E: TenantEntity>(
        self,
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> AppResult<E::Model> {
        self.get::<E>(db, id)
            .await?
            .ok_or(AppError::NotFound(E::NAME))
    }
}

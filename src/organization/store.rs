//! Database access for organizations.

use entity::organization;
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::{
    audit_trail::store::start_chain,
    auth::Actor,
    error::AppResult,
    events::EventBus,
    store::{self, Change},
    tenancy::Scope,
    validation::Name,
};

/// Creates an organization with everything a new tenant starts with (its audit chain), and
/// records the creation as the chain's first entry. Every way of making an organization (CLI,
/// demo, tests) comes through here.
pub async fn create(
    db: &DatabaseConnection,
    bus: &EventBus,
    name: &str,
    created_by: &str,
) -> AppResult<organization::Model> {
    let name: String = Name::parse("name", name)?.into();
    let now = store::now();
    let id = Uuid::now_v7();
    let mut change = Change::begin(db, &Actor::system(id, created_by)).await?;
    let model = organization::Model {
        id,
        name,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_row::<organization::Entity>(&change, model.clone(), &[]).await?;
    start_chain(change.db(), id).await?;
    change
        .record::<organization::Entity>("organization.create", None, Some(&model))
        .await?;
    // Then what each area gives every new organization.
    crate::schema::seed_organization(&mut change).await?;
    change.commit(bus).await?;
    Ok(model)
}

/// The caller's organization.
pub async fn get(db: &DatabaseConnection, scope: Scope) -> AppResult<organization::Model> {
    scope
        .find::<organization::Entity>(db, scope.organization_id)
        .await
}

/// The first organization ever created, if any (the demo checks for it).
pub async fn first(db: &DatabaseConnection) -> AppResult<Option<organization::Model>> {
    use sea_orm::QueryOrder;
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .one(db)
        .await?)
}

/// A new name for the caller's organization, if it is still at the version the client read.
pub struct Rename {
    pub name: Name,
    pub expected_version: Option<i32>,
}

/// Renames the caller's organization.
pub async fn rename(
    change: &mut Change,
    Rename {
        name,
        expected_version,
    }: Rename,
) -> AppResult<organization::Model> {
    let id = change.actor().organization_id;
    let before = store::find_current::<organization::Entity>(change, id, expected_version).await?;
    let after = organization::Model {
        name: name.into(),
        ..before.clone()
    };
    store::save::<organization::Entity>(change, "organization.update", before, after, &[]).await
}

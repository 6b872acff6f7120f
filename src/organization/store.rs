//! Database access for organizations.

use chrono::{SubsecRound, Utc};
use entity::organization;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    audit_trail::{Change, store::start_chain},
    auth::Actor,
    error::{AppError, AppResult},
    events::EventBus,
    tenancy::Scope,
    validation::{self, NAME_MAX},
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
    let name = validation::required_text("name", name, NAME_MAX)?;
    let now = Utc::now().trunc_subsecs(6);
    let id = Uuid::now_v7();
    let mut change = Change::begin(db, &Actor::system(id, created_by)).await?;
    let model = organization::Model {
        id,
        name,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    organization::Entity::insert(organization::ActiveModel::from(model.clone()))
        .exec_without_returning(change.db())
        .await?;
    start_chain(change.db(), id).await?;
    change
        .record(
            "organization.create",
            "Organization",
            id,
            None,
            Some(&model),
        )
        .await?;
    // Every organization starts with the clause-8 process catalogue.
    let processes = crate::portfolio::catalogue::processes(id, now);
    entity::process::Entity::insert_many(
        processes
            .iter()
            .cloned()
            .map(entity::process::ActiveModel::from),
    )
    .exec_without_returning(change.db())
    .await?;
    for process in &processes {
        change
            .record("process.create", "Process", process.id, None, Some(process))
            .await?;
    }
    change.commit(bus).await?;
    Ok(model)
}

/// The caller's organization.
pub async fn get(db: &DatabaseConnection, scope: Scope) -> AppResult<organization::Model> {
    organization::Entity::find_by_id(scope.organization_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("Organization"))
}

/// The first organization ever created, if any (the demo checks for it).
pub async fn first(db: &DatabaseConnection) -> AppResult<Option<organization::Model>> {
    use sea_orm::QueryOrder;
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .one(db)
        .await?)
}

/// Renames the caller's organization.
pub async fn rename(
    change: &mut Change,
    name: &str,
    expected_version: Option<i32>,
) -> AppResult<organization::Model> {
    let name = validation::required_text("input.name", name, NAME_MAX)?;
    let organization_id = change.actor().organization_id;
    let before = organization::Entity::find_by_id(organization_id)
        .one(change.db())
        .await?
        .ok_or(AppError::NotFound("Organization"))?;
    validation::expected_version(before.version, expected_version)?;
    let after = organization::Model {
        name,
        version: before.version + 1,
        updated_at: Utc::now().trunc_subsecs(6),
        ..before.clone()
    };
    let updated = organization::Entity::update_many()
        .set(organization::ActiveModel {
            name: Set(after.name.clone()),
            version: Set(after.version),
            updated_at: Set(after.updated_at),
            ..Default::default()
        })
        .filter(organization::Column::Id.eq(organization_id))
        .filter(organization::Column::Version.eq(before.version))
        .exec(change.db())
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(
            "the organization changed meanwhile; read it again".into(),
        ));
    }
    change
        .record(
            "organization.update",
            "Organization",
            organization_id,
            Some(&before),
            Some(&after),
        )
        .await?;
    Ok(after)
}

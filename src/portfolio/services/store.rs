//! Database access and rules for services.

use std::collections::BTreeMap;

use chrono::{SubsecRound, Utc};
use entity::{Criticality, LifecycleStatus, person, service};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::{
    audit_trail::Change,
    error::{AppError, AppResult, DbResultExt},
    tenancy::Scope,
    validation::{self, NAME_MAX},
};

/// Longest free text (description).
pub const TEXT_MAX: usize = 4_000;
/// Incident priorities a restore-time target may name.
pub const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];

/// Restore-time targets in minutes by priority (P1..P4), kept sorted.
pub type RestoreTargets = BTreeMap<String, i32>;

/// Fields of a service as the client sends them; `None` leaves a field as it is on update.
#[derive(Default)]
pub struct ServiceFields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub customer: Option<String>,
    pub criticality: Option<Criticality>,
    pub lifecycle_status: Option<LifecycleStatus>,
    pub owner_id: Option<Option<Uuid>>,
    pub restore_targets: Option<Vec<(String, i32)>>,
    pub availability_target: Option<Option<f64>>,
}

/// Optional free text, trimmed and bounded.
pub fn optional_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must be at most {max} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Restore targets: known priorities, each once, positive minutes.
pub fn restore_targets(targets: Vec<(String, i32)>) -> AppResult<RestoreTargets> {
    let mut map = RestoreTargets::new();
    for (priority, minutes) in targets {
        if !PRIORITIES.contains(&priority.as_str()) {
            return Err(AppError::bad_input(
                "input.restoreTargets",
                format!(
                    "unknown priority `{priority}`; use one of {}",
                    PRIORITIES.join(", ")
                ),
            ));
        }
        if minutes <= 0 {
            return Err(AppError::bad_input(
                "input.restoreTargets",
                "restore targets must be positive minutes",
            ));
        }
        if map.insert(priority.clone(), minutes).is_some() {
            return Err(AppError::bad_input(
                "input.restoreTargets",
                format!("priority `{priority}` is given twice"),
            ));
        }
    }
    Ok(map)
}

/// An availability target is a percentage above 0 and at most 100.
pub fn availability(value: f64) -> AppResult<f64> {
    if value.is_finite() && value > 0.0 && value <= 100.0 {
        Ok(value)
    } else {
        Err(AppError::bad_input(
            "input.availabilityTarget",
            "`input.availabilityTarget` must be above 0 and at most 100",
        ))
    }
}

/// The restore targets stored in a row.
pub fn targets_of(service: &service::Model) -> RestoreTargets {
    serde_json::from_str(&service.restore_targets).unwrap_or_default()
}

/// Applies validated fields to a row.
async fn apply(
    change: &Change,
    mut service: service::Model,
    fields: ServiceFields,
) -> AppResult<service::Model> {
    if let Some(name) = fields.name {
        service.name = validation::required_text("input.name", &name, NAME_MAX)?;
    }
    if let Some(description) = fields.description {
        service.description = optional_text("input.description", &description, TEXT_MAX)?;
    }
    if let Some(customer) = fields.customer {
        service.customer = optional_text("input.customer", &customer, NAME_MAX)?;
    }
    if let Some(criticality) = fields.criticality {
        service.criticality = criticality;
    }
    if let Some(status) = fields.lifecycle_status {
        service.lifecycle_status = status;
    }
    if let Some(targets) = fields.restore_targets {
        service.restore_targets = serde_json::to_string(&restore_targets(targets)?)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    if let Some(target) = fields.availability_target {
        service.availability_target = target.map(availability).transpose()?;
    }
    if let Some(owner) = fields.owner_id {
        if let Some(owner) = owner {
            Scope::from(change.actor())
                .find::<person::Entity>(change.db(), owner)
                .await?;
        }
        service.owner_id = owner;
    }
    Ok(service)
}

const DUPLICATE_NAME: &str = "another service of this organization has this name";

/// Creates a service (PIPELINE and MEDIUM unless given).
pub async fn create(change: &mut Change, fields: ServiceFields) -> AppResult<service::Model> {
    if fields.name.is_none() {
        return Err(AppError::bad_input(
            "input.name",
            "`input.name` must not be empty",
        ));
    }
    let now = Utc::now().trunc_subsecs(6);
    let blank = service::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name: String::new(),
        description: String::new(),
        customer: String::new(),
        criticality: Criticality::Medium,
        lifecycle_status: LifecycleStatus::Pipeline,
        owner_id: None,
        restore_targets: "{}".into(),
        availability_target: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let service = apply(change, blank, fields).await?;
    check_name(change, &service).await?;
    service::Entity::insert(service::ActiveModel::from(service.clone()))
        .exec_without_returning(change.db())
        .await
        .on_unique_violation("input.name", DUPLICATE_NAME)?;
    change
        .record(
            "service.create",
            "Service",
            service.id,
            None,
            Some(&service),
        )
        .await?;
    Ok(service)
}

/// Updates a service if it is still at `expected_version`.
pub async fn update(
    change: &mut Change,
    id: Uuid,
    fields: ServiceFields,
    expected_version: Option<i32>,
    action: &str,
) -> AppResult<service::Model> {
    let scope = Scope::from(change.actor());
    let before = scope.find::<service::Entity>(change.db(), id).await?;
    validation::expected_version(before.version, expected_version)?;
    let mut after = apply(change, before.clone(), fields).await?;
    check_name(change, &after).await?;
    after.version = before.version + 1;
    after.updated_at = Utc::now().trunc_subsecs(6);
    // Every column written (not only changed ones), except those an update never touches.
    let mut active = service::ActiveModel::from(after.clone()).reset_all();
    active.id = sea_orm::ActiveValue::NotSet;
    active.organization_id = sea_orm::ActiveValue::NotSet;
    active.created_at = sea_orm::ActiveValue::NotSet;
    let updated = scope
        .update::<service::Entity>()
        .set(active)
        .filter(service::Column::Id.eq(id))
        .filter(service::Column::Version.eq(before.version))
        .exec(change.db())
        .await
        .on_unique_violation("input.name", DUPLICATE_NAME)?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(
            "the service changed meanwhile: read it again and retry".into(),
        ));
    }
    change
        .record(action, "Service", id, Some(&before), Some(&after))
        .await?;
    Ok(after)
}

async fn check_name(change: &Change, service: &service::Model) -> AppResult<()> {
    let clash = Scope::from(change.actor())
        .select::<service::Entity>()
        .filter(service::Column::Name.eq(&service.name))
        .filter(service::Column::Id.ne(service.id))
        .one(change.db())
        .await?;
    match clash {
        Some(_) => Err(AppError::bad_input("input.name", DUPLICATE_NAME)),
        None => Ok(()),
    }
}

/// Filters of the service list.
#[derive(Default)]
pub struct ServiceFilter {
    pub search: Option<String>,
    pub status: Option<LifecycleStatus>,
    pub criticality: Option<Criticality>,
    pub owner_id: Option<Uuid>,
}

/// The organization's services matching `filter`.
pub fn select(scope: Scope, filter: ServiceFilter) -> AppResult<Select<service::Entity>> {
    let mut select = scope.select::<service::Entity>();
    if let Some(search) = filter.search {
        select = select.filter(crate::search::contains(
            &search,
            &[
                service::Column::Name,
                service::Column::Customer,
                service::Column::Description,
            ],
        )?);
    }
    if let Some(status) = filter.status {
        select = select.filter(service::Column::LifecycleStatus.eq(status));
    }
    if let Some(criticality) = filter.criticality {
        select = select.filter(service::Column::Criticality.eq(criticality));
    }
    if let Some(owner) = filter.owner_id {
        select = select.filter(service::Column::OwnerId.eq(owner));
    }
    Ok(select)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_targets_are_checked() {
        assert!(restore_targets(vec![("P1".into(), 60), ("P2".into(), 240)]).is_ok());
        assert!(restore_targets(vec![("P9".into(), 60)]).is_err());
        assert!(restore_targets(vec![("P1".into(), 0)]).is_err());
        assert!(restore_targets(vec![("P1".into(), 60), ("P1".into(), 30)]).is_err());
    }

    #[test]
    fn availability_is_a_percentage() {
        assert!(availability(99.9).is_ok());
        assert!(availability(100.0).is_ok());
        for bad in [0.0, -1.0, 100.1, f64::NAN] {
            assert!(availability(bad).is_err(), "{bad}");
        }
    }
}

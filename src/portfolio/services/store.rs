//! Database access and rules for services.

use std::collections::BTreeMap;

use entity::{Criticality, LifecycleStatus, person, service};
use sea_orm::{ColumnTrait, Condition, QueryFilter, Select};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    store::{self, Change, Edit, Unique},
    tenancy::Scope,
    validation::{Line, Name, Text},
};

/// Incident priorities a restore-time target may name.
pub const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];

/// Restore-time targets in minutes by priority (P1..P4), kept sorted.
pub type RestoreTargets = BTreeMap<String, i32>;

/// A service to add, as parsed from the client's input.
pub struct NewService {
    pub name: Name,
    pub description: Text,
    pub customer: Line,
    pub criticality: Criticality,
    pub lifecycle_status: LifecycleStatus,
    pub owner_id: Option<Uuid>,
    pub restore_targets: RestoreTargets,
    pub availability_target: Option<Availability>,
}

/// Changes to a service; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct ServicePatch {
    pub name: Option<Name>,
    pub description: Option<Text>,
    pub customer: Option<Line>,
    pub criticality: Option<Criticality>,
    pub lifecycle_status: Option<LifecycleStatus>,
    pub owner_id: Option<Option<Uuid>>,
    pub restore_targets: Option<RestoreTargets>,
    pub availability_target: Option<Option<Availability>>,
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

/// An availability target: a percentage above 0 and at most 100.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Availability(f64);

impl Availability {
    /// `value` of `input.availabilityTarget`, or BAD_USER_INPUT on it.
    pub fn parse(value: f64) -> AppResult<Self> {
        if value.is_finite() && value > 0.0 && value <= 100.0 {
            Ok(Self(value))
        } else {
            Err(AppError::bad_input(
                "input.availabilityTarget",
                "`input.availabilityTarget` must be above 0 and at most 100",
            ))
        }
    }
}

impl From<Availability> for f64 {
    fn from(Availability(percent): Availability) -> Self {
        percent
    }
}

/// The restore targets stored in a row. A row the server did not write (edited by hand, or
/// damaged) is an error, not an empty list that would read as "no targets".
pub fn targets_of(service: &service::Model) -> AppResult<RestoreTargets> {
    serde_json::from_str(&service.restore_targets).map_err(|err| {
        AppError::Internal(anyhow::anyhow!(
            "service {} holds unreadable restore targets: {err}",
            service.id
        ))
    })
}

fn targets_json(targets: &RestoreTargets) -> AppResult<String> {
    serde_json::to_string(targets).map_err(|e| AppError::Internal(e.into()))
}

const UNIQUE: &[Unique] = &[Unique {
    index: "ux_service_org_name",
    columns: "service.organization_id, service.name",
    field: "input.name",
    message: "another service of this organization has this name",
}];

/// Creates a service.
pub async fn create(change: &mut Change, new: NewService) -> AppResult<service::Model> {
    store::must_exist::<person::Entity>(change, new.owner_id).await?;
    let now = store::now();
    let service = service::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name: new.name.into(),
        description: new.description.into(),
        customer: new.customer.into(),
        criticality: new.criticality,
        lifecycle_status: new.lifecycle_status,
        owner_id: new.owner_id,
        restore_targets: targets_json(&new.restore_targets)?,
        availability_target: new.availability_target.map(Into::into),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert::<service::Entity>(change, "service.create", service, UNIQUE).await
}

/// Updates a service if it is still at the version the client read.
pub async fn update(change: &mut Change, edit: Edit<ServicePatch>) -> AppResult<service::Model> {
    apply(change, edit, "service.update").await
}

/// Retires a service: an update of its status, recorded as its own action.
pub async fn retire(change: &mut Change, edit: Edit<ServicePatch>) -> AppResult<service::Model> {
    apply(change, edit, "service.retire").await
}

async fn apply(
    change: &mut Change,
    edit: Edit<ServicePatch>,
    action: &str,
) -> AppResult<service::Model> {
    let before = edit.current::<service::Entity>(change).await?;
    let patch = edit.patch;
    let mut after = before.clone();
    store::set(&mut after.name, patch.name);
    store::set(&mut after.description, patch.description);
    store::set(&mut after.customer, patch.customer);
    store::set(&mut after.criticality, patch.criticality);
    store::set(&mut after.lifecycle_status, patch.lifecycle_status);
    if let Some(targets) = patch.restore_targets {
        after.restore_targets = targets_json(&targets)?;
    }
    store::set_or_clear(&mut after.availability_target, patch.availability_target);
    if let Some(owner) = patch.owner_id {
        store::must_exist::<person::Entity>(change, owner).await?;
        after.owner_id = owner;
    }
    store::save::<service::Entity>(change, action, before, after, UNIQUE).await
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
    let search = crate::search::contains_opt(
        filter.search,
        &[
            service::Column::Name,
            service::Column::Customer,
            service::Column::Description,
        ],
    )?;
    Ok(scope.select::<service::Entity>().filter(
        Condition::all()
            .add_option(search)
            .add_option(
                filter
                    .status
                    .map(|s| service::Column::LifecycleStatus.eq(s)),
            )
            .add_option(
                filter
                    .criticality
                    .map(|c| service::Column::Criticality.eq(c)),
            )
            .add_option(filter.owner_id.map(|o| service::Column::OwnerId.eq(o))),
    ))
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
        assert!(Availability::parse(99.9).is_ok());
        assert!(Availability::parse(100.0).is_ok());
        for bad in [0.0, -1.0, 100.1, f64::NAN] {
            assert!(Availability::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unreadable_restore_targets_are_an_error() {
        let now = chrono::Utc::now();
        let mut row = service::Model {
            id: Uuid::now_v7(),
            organization_id: Uuid::now_v7(),
            name: "Hosting".into(),
            description: String::new(),
            customer: String::new(),
            criticality: Criticality::Medium,
            lifecycle_status: LifecycleStatus::Live,
            owner_id: None,
            restore_targets: r#"{"P1":60}"#.into(),
            availability_target: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        assert_eq!(
            targets_of(&row).ok().and_then(|t| t.get("P1").copied()),
            Some(60)
        );
        row.restore_targets = "{not json".into();
        assert!(matches!(targets_of(&row), Err(AppError::Internal(_))));
    }
}

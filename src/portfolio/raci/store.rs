//! Database access and rules for RACI assignments.

use chrono::{SubsecRound, Utc};
use entity::{RaciRole, person, process, raci_assignment};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr,
};
use uuid::Uuid;

use super::super::services::store::{TEXT_MAX, optional_text};
use crate::{
    audit_trail::Change,
    error::{AppError, AppResult},
    tenancy::Scope,
    validation,
};

const SECOND_ACCOUNTABLE: &str =
    "this process already has an ACCOUNTABLE person; use replaceAccountable to change who it is";
const DUPLICATE: &str = "this person already has this role in this process";

/// An assignment to make.
pub struct NewAssignment {
    pub process_id: Uuid,
    pub person_id: Uuid,
    pub role: RaciRole,
    pub responsibilities: String,
}

/// Assigns a person a role in a process, mapping the database's uniqueness guards to CONFLICT: the check
/// before is for a clear message, the index is what makes two concurrent requests safe.
pub async fn assign(change: &mut Change, new: NewAssignment) -> AppResult<raci_assignment::Model> {
    let scope = Scope::from(change.actor());
    scope
        .find::<process::Entity>(change.db(), new.process_id)
        .await?;
    scope
        .find::<person::Entity>(change.db(), new.person_id)
        .await?;
    let responsibilities =
        optional_text("input.responsibilities", &new.responsibilities, TEXT_MAX)?;
    let existing = scope
        .select::<raci_assignment::Entity>()
        .filter(raci_assignment::Column::ProcessId.eq(new.process_id))
        .all(change.db())
        .await?;
    if new.role == RaciRole::Accountable
        && existing
            .iter()
            .any(|a| a.raci_role == RaciRole::Accountable)
    {
        return Err(AppError::Conflict(SECOND_ACCOUNTABLE.into()));
    }
    if existing
        .iter()
        .any(|a| a.person_id == new.person_id && a.raci_role == new.role)
    {
        return Err(AppError::Conflict(DUPLICATE.into()));
    }
    let now = Utc::now().trunc_subsecs(6);
    let assignment = raci_assignment::Model {
        id: Uuid::now_v7(),
        organization_id: scope.organization_id,
        process_id: new.process_id,
        person_id: new.person_id,
        raci_role: new.role,
        responsibilities,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    raci_assignment::Entity::insert(raci_assignment::ActiveModel::from(assignment.clone()))
        .exec_without_returning(change.db())
        .await
        .map_err(|err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) if new.role == RaciRole::Accountable => {
                AppError::Conflict(SECOND_ACCOUNTABLE.into())
            }
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(DUPLICATE.into()),
            _ => err.into(),
        })?;
    change
        .record(
            "raci.assign",
            "RaciAssignment",
            assignment.id,
            None,
            Some(&assignment),
        )
        .await?;
    Ok(assignment)
}

/// Removes an assignment.
pub async fn remove(change: &mut Change, id: Uuid) -> AppResult<raci_assignment::Model> {
    let scope = Scope::from(change.actor());
    let before = scope
        .find::<raci_assignment::Entity>(change.db(), id)
        .await?;
    raci_assignment::Entity::delete_many()
        .filter(raci_assignment::Column::Id.eq(id))
        .filter(raci_assignment::Column::OrganizationId.eq(scope.organization_id))
        .exec(change.db())
        .await?;
    change
        .record::<raci_assignment::Model>("raci.remove", "RaciAssignment", id, Some(&before), None)
        .await?;
    Ok(before)
}

/// Changes an assignment's responsibilities text.
pub async fn describe(
    change: &mut Change,
    id: Uuid,
    responsibilities: &str,
    expected_version: Option<i32>,
) -> AppResult<raci_assignment::Model> {
    let scope = Scope::from(change.actor());
    let before = scope
        .find::<raci_assignment::Entity>(change.db(), id)
        .await?;
    validation::expected_version(before.version, expected_version)?;
    let after = raci_assignment::Model {
        responsibilities: optional_text("input.responsibilities", responsibilities, TEXT_MAX)?,
        version: before.version + 1,
        updated_at: Utc::now().trunc_subsecs(6),
        ..before.clone()
    };
    let mut active = raci_assignment::ActiveModel::from(after.clone()).reset_all();
    active.id = sea_orm::ActiveValue::NotSet;
    let updated = scope
        .update::<raci_assignment::Entity>()
        .set(active)
        .filter(raci_assignment::Column::Id.eq(id))
        .filter(raci_assignment::Column::Version.eq(before.version))
        .exec(change.db())
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(
            "the assignment changed meanwhile: read it again and retry".into(),
        ));
    }
    change
        .record(
            "raci.update",
            "RaciAssignment",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
    Ok(after)
}

/// Makes `person_id` the process's ACCOUNTABLE, removing the previous one, in one transaction.
pub async fn replace_accountable(
    change: &mut Change,
    process_id: Uuid,
    person_id: Uuid,
    responsibilities: String,
) -> AppResult<raci_assignment::Model> {
    let scope = Scope::from(change.actor());
    scope
        .find::<process::Entity>(change.db(), process_id)
        .await?;
    let current = scope
        .select::<raci_assignment::Entity>()
        .filter(raci_assignment::Column::ProcessId.eq(process_id))
        .filter(raci_assignment::Column::RaciRole.eq(RaciRole::Accountable))
        .one(change.db())
        .await?;
    if let Some(current) = current {
        remove(change, current.id).await?;
    }
    assign(
        change,
        NewAssignment {
            process_id,
            person_id,
            role: RaciRole::Accountable,
            responsibilities,
        },
    )
    .await
}

/// Every assignment of the organization, by process, in a stable order.
pub async fn all(
    db: &impl ConnectionTrait,
    scope: Scope,
) -> AppResult<Vec<raci_assignment::Model>> {
    Ok(scope
        .select::<raci_assignment::Entity>()
        .order_by_asc(raci_assignment::Column::ProcessId)
        .order_by_asc(raci_assignment::Column::Id)
        .all(db)
        .await?)
}

//! Database access and rules for RACI assignments.

use entity::{RaciRole, person, process, raci_assignment};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    portfolio::processes::access::may_maintain_records,
    store::{self, Change, Edit, Unique},
    tenancy::Scope,
    validation::Text,
};

const SECOND_ACCOUNTABLE: &str =
    "this process already has an ACCOUNTABLE person; use replaceAccountable to change who it is";
const DUPLICATE: &str = "this person already has this role in this process";

/// The indexes that make two concurrent requests safe; the checks before are for the message.
const UNIQUE: &[Unique] = &[
    Unique {
        index: "ux_raci_one_accountable",
        columns: "raci_assignment.process_id",
        field: "",
        message: SECOND_ACCOUNTABLE,
    },
    Unique {
        index: "ux_raci_process_person_role",
        columns: "raci_assignment.process_id, raci_assignment.person_id, raci_assignment.raci_role",
        field: "",
        message: DUPLICATE,
    },
];

/// An assignment to make.
pub struct NewAssignment {
    pub process_id: Uuid,
    pub person_id: Uuid,
    pub role: RaciRole,
    pub responsibilities: Text,
}

/// The person to make a process's ACCOUNTABLE, in place of the current one.
pub struct NewAccountable {
    pub process_id: Uuid,
    pub person_id: Uuid,
    pub responsibilities: Text,
}

/// The process of an assignment to change, if the caller may maintain it.
async fn maintained_process(change: &Change, process_id: Uuid) -> AppResult<process::Model> {
    let process = Scope::from(change.actor())
        .find::<process::Entity>(change.db(), process_id)
        .await?;
    may_maintain_records(change, &process)?;
    Ok(process)
}

/// Assigns a person a role in a process.
pub async fn assign(change: &mut Change, new: NewAssignment) -> AppResult<raci_assignment::Model> {
    maintained_process(change, new.process_id).await?;
    insert(change, new).await
}

/// Inserts an assignment into a process the caller was found to maintain.
async fn insert(change: &mut Change, new: NewAssignment) -> AppResult<raci_assignment::Model> {
    let scope = Scope::from(change.actor());
    scope
        .find::<person::Entity>(change.db(), new.person_id)
        .await?;
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
    let now = store::now();
    let assignment = raci_assignment::Model {
        id: Uuid::now_v7(),
        organization_id: scope.organization_id,
        process_id: new.process_id,
        person_id: new.person_id,
        raci_role: new.role,
        responsibilities: new.responsibilities.into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert::<raci_assignment::Entity>(change, "raci.assign", assignment, UNIQUE).await
}

/// Removes an assignment.
pub async fn remove(change: &mut Change, id: Uuid) -> AppResult<raci_assignment::Model> {
    let before = Scope::from(change.actor())
        .find::<raci_assignment::Entity>(change.db(), id)
        .await?;
    maintained_process(change, before.process_id).await?;
    store::delete::<raci_assignment::Entity>(change, "raci.remove", before, Vec::new()).await
}

/// Changes an assignment's responsibilities text if it is still at `expected_version`.
pub async fn update(change: &mut Change, edit: Edit<Text>) -> AppResult<raci_assignment::Model> {
    let before = edit.current::<raci_assignment::Entity>(change).await?;
    maintained_process(change, before.process_id).await?;
    let after = raci_assignment::Model {
        responsibilities: edit.patch.into(),
        ..before.clone()
    };
    store::save::<raci_assignment::Entity>(change, "raci.update", before, after, UNIQUE).await
}

/// Makes `person_id` the process's ACCOUNTABLE, removing the previous one, in one transaction.
pub async fn replace_accountable(
    change: &mut Change,
    NewAccountable {
        process_id,
        person_id,
        responsibilities,
    }: NewAccountable,
) -> AppResult<raci_assignment::Model> {
    let scope = Scope::from(change.actor());
    maintained_process(change, process_id).await?;
    let current = scope
        .select::<raci_assignment::Entity>()
        .filter(raci_assignment::Column::ProcessId.eq(process_id))
        .filter(raci_assignment::Column::RaciRole.eq(RaciRole::Accountable))
        .one(change.db())
        .await?;
    if let Some(current) = current {
        store::delete::<raci_assignment::Entity>(change, "raci.remove", current, Vec::new())
            .await?;
    }
    insert(
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

//! Database access and rules for remediation tasks.

use chrono::NaiveDate;
use entity::{
    certification_cycle, certification_cycle::PdcaPhase, clause, cycle_framework, person, process,
    remediation_task, remediation_task::TaskStatus, task_clause, task_process,
};
use sea_orm::{
    ColumnTrait, Condition, PaginatorTrait, QueryFilter, QuerySelect, Select, sea_query::Query,
};
use serde::Serialize;
use uuid::Uuid;

use super::lifecycle;
use crate::{
    compliance::access,
    error::{AppError, AppResult},
    store::{self, Change, Edit},
    tenancy::Scope,
    validation::{Name, Text},
};

/// A task as parsed from the client's input.
pub struct NewTask {
    pub cycle_id: Uuid,
    pub title: Name,
    pub description: Text,
    pub owner_id: Option<Uuid>,
    pub due_date: Option<NaiveDate>,
    /// Default: the cycle's phase.
    pub phase: Option<PdcaPhase>,
    pub clause_ids: Vec<Uuid>,
    pub process_ids: Vec<Uuid>,
}

/// Changes to a task; `None` leaves a field, `Some(None)` clears it; a list replaces the list.
#[derive(Default)]
pub struct TaskPatch {
    pub title: Option<Name>,
    pub description: Option<Text>,
    pub owner_id: Option<Option<Uuid>>,
    pub due_date: Option<Option<NaiveDate>>,
    pub phase: Option<PdcaPhase>,
    pub clause_ids: Option<Vec<Uuid>>,
    pub process_ids: Option<Vec<Uuid>>,
}

/// A task as the audit trail keeps it: the row with its clauses and processes.
#[derive(Serialize)]
struct Snapshot {
    #[serde(flatten)]
    task: remediation_task::Model,
    clause_ids: Vec<Uuid>,
    process_ids: Vec<Uuid>,
}

impl Snapshot {
    async fn read(change: &Change, task: remediation_task::Model) -> AppResult<Self> {
        let clause_ids = store::linked::<task_clause::Entity>(
            change,
            task_clause::Column::TaskId,
            task.id,
            task_clause::Column::ClauseId,
        )
        .await?;
        let process_ids = store::linked::<task_process::Entity>(
            change,
            task_process::Column::TaskId,
            task.id,
            task_process::Column::ProcessId,
        )
        .await?;
        Ok(Self {
            task,
            clause_ids,
            process_ids,
        })
    }

    async fn write_links(&self, change: &Change) -> AppResult<()> {
        let (id, organization_id) = (self.task.id, self.task.organization_id);
        let clauses = self.clause_ids.iter().map(|&clause_id| task_clause::Model {
            task_id: id,
            clause_id,
            organization_id,
        });
        store::replace_links::<task_clause::Entity>(
            change,
            task_clause::Column::TaskId,
            id,
            clauses.collect(),
        )
        .await?;
        let processes = self
            .process_ids
            .iter()
            .map(|&process_id| task_process::Model {
                task_id: id,
                process_id,
                organization_id,
            });
        store::replace_links::<task_process::Entity>(
            change,
            task_process::Column::TaskId,
            id,
            processes.collect(),
        )
        .await
    }
}

/// The ACTIVE cycle `id`: NOT_FOUND if the organization has none, BAD_USER_INPUT on `field` if
/// it is final.
pub async fn active_cycle(
    change: &Change,
    id: Uuid,
    field: &str,
) -> AppResult<certification_cycle::Model> {
    let cycle = Scope::from(change.actor())
        .find::<certification_cycle::Entity>(change.db(), id)
        .await?;
    if cycle.status != certification_cycle::CycleStatus::Active {
        return Err(AppError::bad_input(
            field,
            "the cycle is final: its plan no longer changes",
        ));
    }
    Ok(cycle)
}

/// `ids`, each a clause of one of the cycle's frameworks: NOT_FOUND otherwise.
async fn cycle_clauses(change: &Change, cycle_id: Uuid, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    let ids = store::existing::<clause::Entity>(change, ids).await?;
    if ids.is_empty() {
        return Ok(ids);
    }
    let frameworks = Query::select()
        .column(cycle_framework::Column::FrameworkId)
        .from(cycle_framework::Entity)
        .and_where(cycle_framework::Column::CycleId.eq(cycle_id))
        .to_owned();
    let in_cycle = Scope::from(change.actor())
        .select_ids::<clause::Entity>(ids.clone())
        .filter(clause::Column::FrameworkId.in_subquery(frameworks))
        .count(change.db())
        .await?;
    if in_cycle != ids.len() as u64 {
        return Err(AppError::bad_input(
            "input.clauseIds",
            "a task's clauses are clauses of its cycle's frameworks",
        ));
    }
    Ok(ids)
}

/// Plans a task in an ACTIVE cycle.
pub async fn create(change: &mut Change, new: NewTask) -> AppResult<remediation_task::Model> {
    let cycle = active_cycle(change, new.cycle_id, "input.cycleId").await?;
    store::must_exist::<person::Entity>(change, new.owner_id).await?;
    let clause_ids = cycle_clauses(change, cycle.id, &new.clause_ids).await?;
    let process_ids = store::existing::<process::Entity>(change, &new.process_ids).await?;
    access::may_maintain(change, &[], &process_ids).await?;
    let now = store::now();
    let task = remediation_task::Model {
        id: Uuid::now_v7(),
        organization_id: cycle.organization_id,
        cycle_id: cycle.id,
        title: new.title.into(),
        description: new.description.into(),
        owner_id: new.owner_id,
        due_date: new.due_date,
        phase: new.phase.unwrap_or(cycle.phase),
        status: TaskStatus::Open,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_row::<remediation_task::Entity>(change, task.clone(), &[]).await?;
    let after = Snapshot {
        task: task.clone(),
        clause_ids,
        process_ids,
    };
    after.write_links(change).await?;
    change
        .record_snapshot::<remediation_task::Entity, _>(
            "remediation_task.create",
            task.id,
            None,
            Some(&after),
        )
        .await?;
    Ok(task)
}

/// The task of `edit` with its links, if its cycle is still ACTIVE and the caller may
/// maintain it.
async fn current<P>(change: &Change, edit: &Edit<P>) -> AppResult<Snapshot> {
    let task = edit.current::<remediation_task::Entity>(change).await?;
    active_cycle(change, task.cycle_id, "input.id").await?;
    let snapshot = Snapshot::read(change, task).await?;
    access::may_maintain(change, &snapshot.process_ids, &snapshot.process_ids).await?;
    Ok(snapshot)
}

async fn save(
    change: &mut Change,
    action: &str,
    before: Snapshot,
    mut after: Snapshot,
) -> AppResult<remediation_task::Model> {
    access::may_maintain(change, &before.process_ids, &after.process_ids).await?;
    after.task =
        store::write::<remediation_task::Entity>(change, &before.task, after.task, &[]).await?;
    if (&before.clause_ids, &before.process_ids) != (&after.clause_ids, &after.process_ids) {
        after.write_links(change).await?;
    }
    change
        .record_snapshot::<remediation_task::Entity, _>(
            action,
            before.task.id,
            Some(&before),
            Some(&after),
        )
        .await?;
    Ok(after.task)
}

/// Changes a task's plan.
pub async fn update(
    change: &mut Change,
    edit: Edit<TaskPatch>,
) -> AppResult<remediation_task::Model> {
    let before = current(change, &edit).await?;
    let patch = edit.patch;
    let mut task = before.task.clone();
    store::set(&mut task.title, patch.title);
    store::set(&mut task.description, patch.description);
    if let Some(owner) = patch.owner_id {
        store::must_exist::<person::Entity>(change, owner).await?;
        task.owner_id = owner;
    }
    store::set_or_clear(&mut task.due_date, patch.due_date);
    store::set(&mut task.phase, patch.phase);
    let clause_ids = match patch.clause_ids {
        Some(ids) => cycle_clauses(change, task.cycle_id, &ids).await?,
        None => before.clause_ids.clone(),
    };
    let process_ids = match patch.process_ids {
        Some(ids) => store::existing::<process::Entity>(change, &ids).await?,
        None => before.process_ids.clone(),
    };
    let after = Snapshot {
        task,
        clause_ids,
        process_ids,
    };
    save(change, "remediation_task.update", before, after).await
}

/// Moves a task to another status, as [`lifecycle::may_become`] allows.
pub async fn set_status(
    change: &mut Change,
    edit: Edit<TaskStatus>,
) -> AppResult<remediation_task::Model> {
    let before = current(change, &edit).await?;
    let (from, to) = (before.task.status, edit.patch);
    if !lifecycle::may_become(from, to) {
        return Err(AppError::bad_input(
            "input.status",
            format!(
                "a task that is {} does not become {}",
                lifecycle::name(from),
                lifecycle::name(to)
            ),
        ));
    }
    let after = Snapshot {
        task: remediation_task::Model {
            status: to,
            ..before.task.clone()
        },
        clause_ids: before.clause_ids.clone(),
        process_ids: before.process_ids.clone(),
    };
    save(change, "remediation_task.set_status", before, after).await
}

/// Filters of the task list.
#[derive(Default)]
pub struct TaskFilter {
    pub cycle_id: Option<Uuid>,
    pub status: Option<TaskStatus>,
    pub owner_id: Option<Uuid>,
    pub clause_id: Option<Uuid>,
    /// Only tasks past their due date (before `today`) and still open.
    pub overdue_on: Option<NaiveDate>,
}

/// The organization's tasks matching `filter`.
pub fn select(scope: Scope, filter: TaskFilter) -> Select<remediation_task::Entity> {
    let overdue = filter.overdue_on.map(|today| {
        Condition::all()
            .add(remediation_task::Column::DueDate.lt(today))
            .add(remediation_task::Column::Status.is_in([TaskStatus::Open, TaskStatus::InProgress]))
    });
    let for_clause = filter.clause_id.map(|clause| {
        remediation_task::Column::Id.in_subquery(
            Query::select()
                .column(task_clause::Column::TaskId)
                .from(task_clause::Entity)
                .and_where(task_clause::Column::ClauseId.eq(clause))
                .to_owned(),
        )
    });
    scope.select::<remediation_task::Entity>().filter(
        Condition::all()
            .add_option(
                filter
                    .cycle_id
                    .map(|c| remediation_task::Column::CycleId.eq(c)),
            )
            .add_option(
                filter
                    .status
                    .map(|s| remediation_task::Column::Status.eq(s)),
            )
            .add_option(
                filter
                    .owner_id
                    .map(|o| remediation_task::Column::OwnerId.eq(o)),
            )
            .add_option(for_clause)
            .add_option(overdue),
    )
}

/// Whether any task of `cycle_id` that is still open is linked to `clause_id`, and which.
pub async fn open_tasks_of_clauses(
    change: &Change,
    cycle_id: Uuid,
    clause_ids: &[Uuid],
) -> AppResult<Vec<(Uuid, Uuid)>> {
    if clause_ids.is_empty() {
        return Ok(Vec::new());
    }
    let open = Query::select()
        .column(remediation_task::Column::Id)
        .from(remediation_task::Entity)
        .and_where(remediation_task::Column::CycleId.eq(cycle_id))
        .and_where(
            remediation_task::Column::Status.is_in([TaskStatus::Open, TaskStatus::InProgress]),
        )
        .to_owned();
    Ok(Scope::from(change.actor())
        .select::<task_clause::Entity>()
        .filter(task_clause::Column::ClauseId.is_in(clause_ids.iter().copied()))
        .filter(task_clause::Column::TaskId.in_subquery(open))
        .select_only()
        .column(task_clause::Column::ClauseId)
        .column(task_clause::Column::TaskId)
        .into_tuple()
        .all(change.db())
        .await?)
}

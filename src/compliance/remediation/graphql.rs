//! GraphQL types and resolvers of the remediation plan.

use chrono::Utc;
use entity::{certification_cycle, clause, person, process, remediation_task};

use super::store::{self, NewTask, TaskFilter, TaskPatch};
use crate::{
    compliance::{
        cycles::graphql::{Cycle, PdcaPhase},
        frameworks::graphql::Clause,
        relations::{ClausesOfTask, ProcessesOfTask},
    },
    graphql::{cost::related_complexity, prelude::*},
    people::graphql::Person,
    portfolio::processes::graphql::Process,
};

/// Where a remediation task stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::remediation_task::TaskStatus")]
pub enum TaskStatus {
    /// Planned, not started.
    Open,
    /// Being worked on.
    InProgress,
    /// Finished; may be reopened (IN_PROGRESS).
    Done,
    /// Dropped; final.
    Cancelled,
}

crate::node_object!(
    /// Planned work to close a gap: created from a gap or free-standing.
    RemediationTask(remediation_task)
);

#[Object(use_type_description)]
impl RemediationTask {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// What is to be done.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// How.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Who does it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.owner_id).await?)
    }
    /// When it is due.
    async fn due_date(&self) -> Option<Date> {
        self.0.due_date.map(Date)
    }
    /// Past its due date (today, UTC) and still OPEN or IN_PROGRESS.
    async fn overdue(&self) -> bool {
        super::lifecycle::is_open(self.0.status)
            && self
                .0
                .due_date
                .is_some_and(|due| due < Utc::now().date_naive())
    }
    /// The PDCA phase it belongs to.
    async fn phase(&self) -> PdcaPhase {
        self.0.phase.into()
    }
    /// OPEN, IN_PROGRESS, DONE or CANCELLED.
    async fn status(&self) -> TaskStatus {
        self.0.status.into()
    }
    /// The cycle whose plan it is part of.
    async fn cycle(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Cycle>> {
        Ok(related::<Cycle>(ctx, Some(self.0.cycle_id)).await?)
    }
    /// The clauses whose gaps it closes.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn clauses(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Clause>> {
        Ok(related_list::<Linked<ClausesOfTask>, _, _>(ctx, self.0.id, Clause).await?)
    }
    /// The processes it concerns.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_list::<Linked<ProcessesOfTask>, _, _>(ctx, self.0.id, Process).await?)
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<remediation_task::Entity>(&self.0)
    }
}

/// Input of `createRemediationTask`.
#[derive(InputObject)]
pub struct CreateRemediationTaskInput {
    /// The cycle (ACTIVE) whose plan it joins.
    pub cycle_id: ID,
    /// What is to be done (1 to 200 characters).
    pub title: String,
    /// How (up to 4,000 characters).
    pub description: Option<String>,
    /// Who does it.
    pub owner_id: Option<ID>,
    /// When it is due.
    pub due_date: Option<Date>,
    /// Default: the cycle's phase.
    pub phase: Option<PdcaPhase>,
    /// The clauses whose gaps it closes (clauses of the cycle's frameworks).
    pub clause_ids: Option<Vec<ID>>,
    /// The processes it concerns; a PROCESS_OWNER links at least one of theirs, and only theirs.
    pub process_ids: Option<Vec<ID>>,
}

impl CreateRemediationTaskInput {
    fn parse(self) -> AppResult<NewTask> {
        Ok(NewTask {
            cycle_id: decode::<certification_cycle::Entity>(&self.cycle_id, "input.cycleId")?,
            title: Name::parse("input.title", &self.title)?,
            description: parse_opt(self.description, |d| Text::parse("input.description", d))?
                .unwrap_or_default(),
            owner_id: decode_opt::<person::Entity>(self.owner_id.as_ref(), "input.ownerId")?,
            due_date: self.due_date.map(|d| d.0),
            phase: self.phase.map(Into::into),
            clause_ids: decode_list::<clause::Entity>(self.clause_ids, "input.clauseIds")?
                .unwrap_or_default(),
            process_ids: decode_list::<process::Entity>(self.process_ids, "input.processIds")?
                .unwrap_or_default(),
        })
    }
}

/// Input of `updateRemediationTask`: omitted fields stay; `null` clears `ownerId` and
/// `dueDate`; a list replaces the task's list.
#[derive(InputObject)]
pub struct UpdateRemediationTaskInput {
    /// The task.
    pub id: ID,
    /// The version the client read; CONFLICT if the task changed since.
    pub expected_version: Option<i32>,
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New owner, or null to clear.
    pub owner_id: MaybeUndefined<ID>,
    /// New due date, or null to clear.
    pub due_date: MaybeUndefined<Date>,
    /// New PDCA phase.
    pub phase: Option<PdcaPhase>,
    /// The clauses: replaces the list.
    pub clause_ids: Option<Vec<ID>>,
    /// The processes: replaces the list.
    pub process_ids: Option<Vec<ID>>,
}

impl UpdateRemediationTaskInput {
    fn parse(self) -> AppResult<Edit<TaskPatch>> {
        Ok(Edit {
            id: decode::<remediation_task::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: TaskPatch {
                title: parse_opt(self.title, |t| Name::parse("input.title", t))?,
                description: parse_opt(self.description, |d| Text::parse("input.description", d))?,
                owner_id: patch(self.owner_id, |id| {
                    decode::<person::Entity>(&id, "input.ownerId")
                })?,
                due_date: patch(self.due_date, |d| Ok(d.0))?,
                phase: self.phase.map(Into::into),
                clause_ids: decode_list::<clause::Entity>(self.clause_ids, "input.clauseIds")?,
                process_ids: decode_list::<process::Entity>(self.process_ids, "input.processIds")?,
            },
        })
    }
}

/// Input of `setRemediationTaskStatus`.
#[derive(InputObject)]
pub struct SetRemediationTaskStatusInput {
    /// The task.
    pub id: ID,
    /// The version the client read; CONFLICT if the task changed since.
    pub expected_version: Option<i32>,
    /// OPEN to IN_PROGRESS, DONE or CANCELLED; IN_PROGRESS to OPEN, DONE or CANCELLED; DONE
    /// back to IN_PROGRESS. CANCELLED is final. Any other move is BAD_USER_INPUT.
    pub status: TaskStatus,
}

impl SetRemediationTaskStatusInput {
    fn parse(self) -> AppResult<Edit<entity::remediation_task::TaskStatus>> {
        Ok(Edit {
            id: decode::<remediation_task::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: self.status.into(),
        })
    }
}

crate::payload!(
    /// Result of a remediation task mutation.
    RemediationTaskPayload {
        /// The task after the change.
        remediation_task: RemediationTask(remediation_task)
    }
);

crate::record_mutations! {
    /// Remediation plan mutations.
    RemediationMutation {
        /// Plans a task in an ACTIVE cycle (ADMIN, MANAGER; a PROCESS_OWNER for their
        /// processes).
        create_remediation_task(CreateRemediationTaskInput, "The new task.") -> RemediationTaskPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::create;
        /// Changes a task's plan (ADMIN, MANAGER; a PROCESS_OWNER for their processes).
        update_remediation_task(UpdateRemediationTaskInput, "The task, the version read and the fields to change.")
            -> RemediationTaskPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::update;
        /// Moves a task to another status (ADMIN, MANAGER; a PROCESS_OWNER for their
        /// processes).
        set_remediation_task_status(SetRemediationTaskStatusInput, "The task, the version read and its new status.")
            -> RemediationTaskPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::set_status;
    }
}

/// Filters of the task list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct RemediationTaskFilterInput {
    /// Only tasks of this cycle.
    pub cycle_id: Option<ID>,
    /// Only tasks in this status.
    pub status: Option<TaskStatus>,
    /// Only tasks of this owner.
    pub owner_id: Option<ID>,
    /// Only tasks linked to this clause.
    pub clause_id: Option<ID>,
    /// true: only tasks past their due date (today, UTC) and still OPEN or IN_PROGRESS.
    pub overdue: Option<bool>,
}

crate::record_queries! {
    /// Remediation plan queries.
    RemediationQuery {
        @by_id
        /// One remediation task by id; null with a NOT_FOUND error when the organization has none with it.
        remediation_task -> RemediationTask, "Global id of the task, as its `id` field returns it; null with NOT_FOUND when the organization has no task with it, BAD_USER_INPUT when it is not an id.";
        /// The organization's remediation tasks, oldest first.
        remediation_tasks(ctx, args,
            #[graphql(desc = "Which tasks to list: the conditions set are combined with AND; all of them if omitted. `overdue: true` lists the overdue ones.")]
            filter: Option<RemediationTaskFilterInput>,
        ) -> Page<RemediationTask>, guard = "Require(Permission::Read)" {
            let filter = filter.unwrap_or_default();
            let select = store::select(
                ctx.scope()?,
                TaskFilter {
                    cycle_id: decode_opt::<certification_cycle::Entity>(filter.cycle_id.as_ref(), "filter.cycleId")?,
                    status: filter.status.map(Into::into),
                    owner_id: decode_opt::<person::Entity>(filter.owner_id.as_ref(), "filter.ownerId")?,
                    clause_id: decode_opt::<clause::Entity>(filter.clause_id.as_ref(), "filter.clauseId")?,
                    overdue_on: filter
                        .overdue
                        .filter(|o| *o)
                        .map(|_| Utc::now().date_naive()),
                },
            );
            Ok(paginate(
                ctx.reads(),
                select,
                remediation_task::Column::Id,
                |t| t.id,
                args,
                RemediationTask,
            )
            .await?)
        }
    }
}

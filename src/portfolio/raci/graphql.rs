//! GraphQL types and resolvers of RACI assignments and the RACI matrix.

use std::collections::{BTreeSet, HashMap};

use entity::{person, process, raci_assignment};
use sea_orm::QueryOrder;

use super::store::{self, NewAccountable, NewAssignment};
use crate::{
    graphql::cost::{related_complexity, whole_organization_complexity},
    graphql::prelude::*,
    people::graphql::Person,
    portfolio::processes::graphql::Process,
    record::Record,
};

/// A person's part in a process.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::RaciRole")]
pub enum RaciRole {
    /// Does the work.
    Responsible,
    /// Answers for the outcome; exactly one per process.
    Accountable,
    /// Is asked before.
    Consulted,
    /// Is told after.
    Informed,
}

crate::node_object!(
    /// One person's role in one process.
    RaciAssignment(raci_assignment)
);

#[Object(use_type_description)]
impl RaciAssignment {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// R, A, C or I.
    async fn role(&self) -> RaciRole {
        self.0.raci_role.into()
    }
    /// What the person does in the process.
    async fn responsibilities(&self) -> &str {
        &self.0.responsibilities
    }
    /// The process.
    async fn process(&self, ctx: &Context<'_>) -> async_graphql::Result<Process> {
        Ok(related::<Process>(ctx, Some(self.0.process_id))
            .await?
            .ok_or(AppError::NotFound(process::Entity::TYPE))?)
    }
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Ok(related::<Person>(ctx, Some(self.0.person_id))
            .await?
            .ok_or(AppError::NotFound(person::Entity::TYPE))?)
    }
    /// Version, for `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One cell of the RACI matrix: a person's roles in a process.
#[derive(SimpleObject, Clone)]
pub struct RaciCell {
    /// Global id of the person (one of `RaciMatrix.people`).
    pub person_id: ID,
    /// The person's roles in the row's process.
    pub roles: Vec<RaciRole>,
}

/// One row of the RACI matrix.
#[derive(SimpleObject, Clone)]
pub struct RaciRow {
    /// The process.
    pub process: Process,
    /// The people with a role in it; people without one are absent.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    pub cells: Vec<RaciCell>,
}

/// The whole RACI matrix, processes by people, in one request.
#[derive(SimpleObject, Clone)]
pub struct RaciMatrix {
    /// The columns: every person with at least one role, by name.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    pub people: Vec<Person>,
    /// The rows: every applicable process (all of them with `includeNotApplicable`).
    #[graphql(complexity = "related_complexity(child_complexity)")]
    pub rows: Vec<RaciRow>,
}

/// RACI queries.
#[derive(Default)]
pub struct RaciQuery;

#[Object]
impl RaciQuery {
    /// The RACI matrix, ready to draw: three queries whatever its size, once per request.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "whole_organization_complexity(child_complexity)"
    )]
    async fn raci_matrix(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Also list the processes marked not applicable as rows; default false.")]
        include_not_applicable: Option<bool>,
    ) -> async_graphql::Result<RaciMatrix> {
        let include_not_applicable = include_not_applicable.unwrap_or(false);
        Ok(ctx
            .once(
                format!("raciMatrix({include_not_applicable})"),
                matrix(ctx, include_not_applicable),
            )
            .await?)
    }
}

/// Reads the matrix: the processes, every assignment, and the people who hold them.
async fn matrix(ctx: &Context<'_>, include_not_applicable: bool) -> AppResult<RaciMatrix> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let scope = ctx.scope()?;
    let db = &ctx.state().db;
    let mut processes = scope
        .select::<process::Entity>()
        .order_by_asc(process::Column::Id);
    if !include_not_applicable {
        processes = processes.filter(process::Column::Applicable.eq(true));
    }
    let processes = processes.all(db).await?;
    let assignments = store::all(db, scope).await?;
    let person_ids: BTreeSet<Uuid> = assignments.iter().map(|a| a.person_id).collect();
    let mut people = scope
        .select_ids::<person::Entity>(person_ids)
        .all(db)
        .await?;
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut by_process: HashMap<Uuid, Vec<&raci_assignment::Model>> = HashMap::new();
    for assignment in &assignments {
        by_process
            .entry(assignment.process_id)
            .or_default()
            .push(assignment);
    }
    let rows = processes
        .into_iter()
        .map(|process| {
            let mut cells: Vec<RaciCell> = Vec::new();
            for assignment in by_process.get(&process.id).into_iter().flatten() {
                let person_id = encode::<entity::person::Entity>(assignment.person_id);
                match cells.iter_mut().find(|c| c.person_id == person_id) {
                    Some(cell) => cell.roles.push(assignment.raci_role.into()),
                    None => cells.push(RaciCell {
                        person_id,
                        roles: vec![assignment.raci_role.into()],
                    }),
                }
            }
            RaciRow {
                process: Process::from(process),
                cells,
            }
        })
        .collect();
    Ok(RaciMatrix {
        people: people.into_iter().map(Person::from).collect(),
        rows,
    })
}

/// Input of `assignRaci`.
#[derive(InputObject)]
pub struct AssignRaciInput {
    /// The process (global id).
    pub process_id: ID,
    /// The person (global id).
    pub person_id: ID,
    /// R, A, C or I. A second ACCOUNTABLE for the process is refused with CONFLICT:
    /// use `replaceAccountable`.
    pub role: RaciRole,
    /// What the person does in the process (up to 4,000 characters).
    pub responsibilities: Option<String>,
}

impl AssignRaciInput {
    fn parse(self) -> AppResult<NewAssignment> {
        Ok(NewAssignment {
            process_id: decode::<process::Entity>(&self.process_id, "input.processId")?,
            person_id: decode::<person::Entity>(&self.person_id, "input.personId")?,
            role: self.role.into(),
            responsibilities: responsibilities(self.responsibilities)?,
        })
    }
}

/// Input of `replaceAccountable`.
#[derive(InputObject)]
pub struct ReplaceAccountableInput {
    /// The process (global id).
    pub process_id: ID,
    /// The new ACCOUNTABLE person.
    pub person_id: ID,
    /// What the new ACCOUNTABLE person does in the process (up to 4,000 characters).
    pub responsibilities: Option<String>,
}

impl ReplaceAccountableInput {
    fn parse(self) -> AppResult<NewAccountable> {
        Ok(NewAccountable {
            process_id: decode::<process::Entity>(&self.process_id, "input.processId")?,
            person_id: decode::<person::Entity>(&self.person_id, "input.personId")?,
            responsibilities: responsibilities(self.responsibilities)?,
        })
    }
}

/// Input of `updateRaciAssignment`.
#[derive(InputObject)]
pub struct UpdateRaciAssignmentInput {
    /// The assignment (global id).
    pub id: ID,
    /// What the person does in the process (up to 4,000 characters); replaces the text.
    pub responsibilities: String,
    /// The version the client read.
    pub expected_version: Option<i32>,
}

impl UpdateRaciAssignmentInput {
    fn parse(self) -> AppResult<Edit<Text>> {
        Ok(Edit {
            id: decode::<raci_assignment::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: responsibilities(Some(self.responsibilities))?,
        })
    }
}

/// Input of `removeRaciAssignment`.
#[derive(InputObject)]
pub struct RemoveRaciAssignmentInput {
    /// The assignment (global id).
    pub id: ID,
}

impl RemoveRaciAssignmentInput {
    fn parse(self) -> AppResult<Uuid> {
        decode::<raci_assignment::Entity>(&self.id, "input.id")
    }
}

crate::payload!(
    /// Result of a RACI mutation.
    RaciAssignmentPayload {
        /// The assignment after the change (before it, for a removal).
        raci_assignment: RaciAssignment(raci_assignment)
    }
);

fn responsibilities(value: Option<String>) -> AppResult<Text> {
    Ok(parse_opt(value, |text| Text::parse("input.responsibilities", text))?.unwrap_or_default())
}

crate::record_mutations! {
    /// RACI mutations.
    RaciMutation {
        /// Gives a person a role in a process; a second ACCOUNTABLE is refused with CONFLICT
        /// (ADMIN, MANAGER; a PROCESS_OWNER in the processes they own).
        assign_raci(AssignRaciInput, "The process, the person and the role.")
            -> RaciAssignmentPayload,
            guard = "Require(Permission::MaintainOwnProcesses)", apply = store::assign;
        /// Makes another person the process's ACCOUNTABLE, in one step (ADMIN, MANAGER; a
        /// PROCESS_OWNER in the processes they own).
        replace_accountable(ReplaceAccountableInput, "The process and its new ACCOUNTABLE person.")
            -> RaciAssignmentPayload,
            guard = "Require(Permission::MaintainOwnProcesses)", apply = store::replace_accountable;
        /// Changes what a person does in a process (ADMIN, MANAGER; a PROCESS_OWNER in the
        /// processes they own).
        update_raci_assignment(UpdateRaciAssignmentInput, "The assignment, its new responsibilities and the version read.")
            -> RaciAssignmentPayload,
            guard = "Require(Permission::MaintainOwnProcesses)", apply = store::update;
        /// Removes a role (ADMIN, MANAGER; a PROCESS_OWNER in the processes they own).
        remove_raci_assignment(RemoveRaciAssignmentInput, "The assignment to remove.")
            -> RaciAssignmentPayload,
            guard = "Require(Permission::MaintainOwnProcesses)", apply = store::remove;
    }
}

//! GraphQL types and resolvers of processes.

use entity::{person, process, service};

use super::store::{self, Applicability, Code, NewProcess, ProcessFilter, ProcessPatch};
use crate::{
    graphql::prelude::*,
    people::graphql::Person,
    portfolio::relations::{AccountableOfProcess, RaciOfProcess, ServicesOfProcess},
    portfolio::{raci::graphql::RaciAssignment, services::graphql::Service},
};

/// How far a process has come.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::Maturity")]
pub enum Maturity {
    /// Nothing in place yet; the default.
    NotStarted,
    /// Documented: purpose, procedure, owner and roles.
    Defined,
    /// Operated as documented, leaving records.
    Implemented,
    /// Monitored with KPIs against targets.
    Measured,
    /// Improved continually from its measurements.
    Optimizing,
}

crate::node_object!(
    /// A service management process: one of the built-in clause-8 catalogue or the organization's own.
    Process(process)
);

#[Object(use_type_description)]
impl Process {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Stable key, e.g. `INCIDENT`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ISO/IEC 20000-1:2018 clause of a built-in process.
    async fn clause(&self) -> Option<&str> {
        self.0.clause.as_deref()
    }
    /// True for the clause-8 catalogue: cannot be deleted, only marked not applicable.
    async fn built_in(&self) -> bool {
        self.0.built_in
    }
    /// What the process does.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// What it aims at.
    async fn goals(&self) -> &str {
        &self.0.goals
    }
    /// Maturity.
    async fn maturity(&self) -> Maturity {
        self.0.maturity.into()
    }
    /// False when marked not applicable.
    async fn applicable(&self) -> bool {
        self.0.applicable
    }
    /// Why the process is not applicable.
    async fn not_applicable_justification(&self) -> Option<&str> {
        self.0.not_applicable_justification.as_deref()
    }
    /// The process owner.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.owner_id).await?)
    }
    /// The services the process applies to.
    #[graphql(complexity = "crate::graphql::cost::related_complexity(child_complexity)")]
    async fn services(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Service>> {
        Ok(related_list::<Linked<ServicesOfProcess>, _, _>(ctx, self.0.id, Service).await?)
    }
    /// Everyone's part in this process.
    #[graphql(complexity = "crate::graphql::cost::related_complexity(child_complexity)")]
    async fn raci_assignments(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RaciAssignment>> {
        Ok(related_list::<GroupedBy<RaciOfProcess>, _, _>(ctx, self.0.id, RaciAssignment).await?)
    }
    /// The one ACCOUNTABLE person, if assigned.
    async fn accountable(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(ctx
            .loader::<AccountableOfProcess>()?
            .one(self.0.id, Person)
            .await?)
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<entity::process::Entity>(&self.0)
    }
}

/// Filters of the process list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct ProcessFilterInput {
    /// Part of the name or code, case-insensitive.
    pub search: Option<String>,
    /// Only built-in (true) or own (false) processes.
    pub built_in: Option<bool>,
    /// Only applicable (true) or not applicable (false) processes.
    pub applicable: Option<bool>,
    /// Only processes at this maturity.
    pub maturity: Option<Maturity>,
    /// Only processes of this owner.
    pub owner_id: Option<ID>,
    /// true: only processes without an owner (a readiness gap); false: only with one.
    pub without_owner: Option<bool>,
    /// true: only processes without an ACCOUNTABLE person; false: only with one.
    pub without_accountable: Option<bool>,
}

/// Input of `createProcess`.
#[derive(InputObject)]
pub struct CreateProcessInput {
    /// Stable key: A-Z, 0-9 and _, unique in the organization.
    pub code: String,
    /// Name (1 to 200 characters).
    pub name: String,
    /// What the process does (up to 4,000 characters).
    pub description: Option<String>,
    /// What it aims at (up to 4,000 characters).
    pub goals: Option<String>,
    /// Default NOT_STARTED.
    pub maturity: Option<Maturity>,
    /// The process owner (a Person's global id).
    pub owner_id: Option<ID>,
    /// Services the process applies to.
    pub service_ids: Option<Vec<ID>>,
}

impl CreateProcessInput {
    fn parse(self) -> AppResult<NewProcess> {
        Ok(NewProcess {
            code: Code::parse(&self.code)?,
            name: Name::parse("input.name", &self.name)?,
            description: text(self.description, "input.description")?.unwrap_or_default(),
            goals: text(self.goals, "input.goals")?.unwrap_or_default(),
            maturity: self
                .maturity
                .map_or(entity::Maturity::NotStarted, Into::into),
            owner_id: self.owner_id.as_ref().map(owner).transpose()?,
            service_ids: service_ids(self.service_ids)?.unwrap_or_default(),
        })
    }
}

/// Input of `updateProcess`: omitted fields stay; `null` clears `ownerId`; `serviceIds`
/// replaces the list.
#[derive(InputObject)]
pub struct UpdateProcessInput {
    /// The process.
    pub id: ID,
    /// The version the client read; CONFLICT if the process changed since.
    pub expected_version: Option<i32>,
    /// New name (own processes only).
    pub name: Option<String>,
    /// New description (up to 4,000 characters).
    pub description: Option<String>,
    /// New goals (up to 4,000 characters).
    pub goals: Option<String>,
    /// New maturity.
    pub maturity: Option<Maturity>,
    /// New process owner (a Person's global id), or null to clear.
    pub owner_id: MaybeUndefined<ID>,
    /// The services the process applies to (global ids): replaces the whole list.
    pub service_ids: Option<Vec<ID>>,
}

impl UpdateProcessInput {
    fn parse(self) -> AppResult<Edit<ProcessPatch>> {
        Ok(Edit {
            id: decode::<process::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: ProcessPatch {
                name: parse_opt(self.name, |n| Name::parse("input.name", n))?,
                description: text(self.description, "input.description")?,
                goals: text(self.goals, "input.goals")?,
                maturity: self.maturity.map(Into::into),
                owner_id: patch(self.owner_id, |id| owner(&id))?,
                service_ids: service_ids(self.service_ids)?,
            },
        })
    }
}

/// Input of `setProcessApplicability`.
#[derive(InputObject)]
pub struct SetProcessApplicabilityInput {
    /// The process.
    pub id: ID,
    /// false takes the process out of scope.
    pub applicable: bool,
    /// Why it is not applicable; required when `applicable` is false.
    pub justification: Option<String>,
    /// The version the client read.
    pub expected_version: Option<i32>,
}

impl SetProcessApplicabilityInput {
    fn parse(self) -> AppResult<Edit<Applicability>> {
        Ok(Edit {
            id: decode::<process::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: Applicability {
                applicable: self.applicable,
                justification: text(self.justification, "input.justification")?,
            },
        })
    }
}

/// Input of `deleteProcess`.
#[derive(InputObject)]
pub struct DeleteProcessInput {
    /// The process (own processes only).
    pub id: ID,
}

impl DeleteProcessInput {
    fn parse(self) -> AppResult<Uuid> {
        decode::<process::Entity>(&self.id, "input.id")
    }
}

crate::payload!(
    /// Result of a process mutation.
    ProcessPayload {
        /// The process after the change (before it, for a deletion).
        process: Process(process)
    }
);

fn service_ids(list: Option<Vec<ID>>) -> AppResult<Option<Vec<Uuid>>> {
    list.map(|ids| {
        ids.iter()
            .map(|id| decode::<service::Entity>(id, "input.serviceIds"))
            .collect()
    })
    .transpose()
}

fn owner(id: &ID) -> AppResult<Uuid> {
    decode::<person::Entity>(id, "input.ownerId")
}

fn text(value: Option<String>, field: &str) -> AppResult<Option<Text>> {
    parse_opt(value, |text| Text::parse(field, text))
}

crate::record_mutations! {
    /// Process mutations.
    ProcessMutation {
        /// Adds one of the organization's own processes (ADMIN, MANAGER).
        create_process(CreateProcessInput, "The new process.") -> ProcessPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::create;
        /// Changes a process (ADMIN, MANAGER; a PROCESS_OWNER the processes they own, but not
        /// their owner).
        update_process(UpdateProcessInput, "The process, the version read and the fields to change.")
            -> ProcessPayload,
            guard = "Require(Permission::MaintainOwnProcesses)", apply = store::update;
        /// Marks a process applicable, or not applicable with a justification (ADMIN, MANAGER).
        set_process_applicability(SetProcessApplicabilityInput, "The process, whether it applies and, if not, why.")
            -> ProcessPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::set_applicability;
        /// Deletes one of the organization's own processes; built-in ones are refused (ADMIN, MANAGER).
        delete_process(DeleteProcessInput, "The process to delete.") -> ProcessPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::delete;
    }
}

crate::record_queries! {
    /// Process queries.
    ProcessQuery {
        @by_id
        /// One process by id; null with a NOT_FOUND error when the organization has none with it.
        process -> Process, "Global id of the process, as its `id` field returns it; null with NOT_FOUND when the organization has no process with it, BAD_USER_INPUT when it is not an id.";
        /// The organization's processes: the catalogue in clause order, then its own as added.
        processes(ctx, args,
            #[graphql(
                desc = "Which processes to list: the conditions set are combined with AND; all of them if omitted."
            )]
            filter: Option<ProcessFilterInput>,
        ) -> Page<Process>, guard = "Require(Permission::Read)" {
            let filter = filter.unwrap_or_default();
            let select = store::select(
                ctx.scope()?,
                ProcessFilter {
                    search: filter.search,
                    built_in: filter.built_in,
                    applicable: filter.applicable,
                    maturity: filter.maturity.map(Into::into),
                    owner_id: decode_opt::<entity::person::Entity>(filter.owner_id.as_ref(), "filter.ownerId")?,
                    without_owner: filter.without_owner,
                    without_accountable: filter.without_accountable,
                },
            )?;
            Ok(paginate(
                ctx.reads(),
                select,
                process::Column::Id,
                |p| p.id,
                args,
                Process,
            )
            .await?)
        }
    }
}

//! GraphQL types and resolvers of certification cycles.

use chrono::Utc;
use entity::{certification_cycle, framework, person, process, service};

use super::{
    store::{self, CycleFilter, CyclePatch, NewCycle, NewObjective, PhaseMove, StatusChange},
    versions::{self, Moved, VersionMove},
};
use crate::{
    compliance::{
        frameworks::graphql::{Clause, Framework},
        relations::{
            FrameworksOfCycle, ObjectivesOfCycle, PhasesOfCycle, ProcessesOfCycle, ServicesOfCycle,
        },
    },
    graphql::{cost::related_complexity, prelude::*},
    people::graphql::Person,
    portfolio::{processes::graphql::Process, services::graphql::Service},
    validation::Required,
};

/// Where a cycle stands overall.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::certification_cycle::CycleStatus")]
pub enum CycleStatus {
    /// Under way; the only status in which the cycle changes.
    Active,
    /// The certification body certified the scope; final.
    Certified,
    /// Given up; final.
    Abandoned,
}

/// The phase of the PDCA path a cycle is in, then the certification audit.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::certification_cycle::PdcaPhase")]
pub enum PdcaPhase {
    /// Scope, objectives, gap analysis, remediation plan.
    Plan,
    /// Processes run as documented, leaving records.
    Do,
    /// KPIs, internal audit, management review.
    Check,
    /// Nonconformities corrected, improvements made.
    Act,
    /// The certification body's audit.
    Certification,
}

crate::node_object!(
    /// A certification cycle: what the organization plans to certify (scope, objectives,
    /// frameworks, services and processes), the PDCA phase it is in, and its status.
    Cycle(certification_cycle)
);

#[Object(use_type_description)]
impl Cycle {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Name, unique in the organization: `Pilot: hosted services 2027`.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the certification covers, as the certificate will say it.
    async fn scope_statement(&self) -> &str {
        &self.0.scope_statement
    }
    /// The executive sponsor.
    async fn sponsor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.sponsor_id).await?)
    }
    /// When the certification audit should be done.
    async fn target_date(&self) -> Option<Date> {
        self.0.target_date.map(Date)
    }
    /// ACTIVE, CERTIFIED or ABANDONED.
    async fn status(&self) -> CycleStatus {
        self.0.status.into()
    }
    /// Why it was certified or abandoned; empty while ACTIVE.
    async fn status_reason(&self) -> &str {
        &self.0.status_reason
    }
    /// The PDCA phase it is in.
    async fn phase(&self) -> PdcaPhase {
        self.0.phase.into()
    }
    /// Each phase entered, oldest first: when, and by whom.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn phase_history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PhaseEntry>> {
        Ok(related_list::<GroupedBy<PhasesOfCycle>, _, _>(ctx, self.0.id, PhaseEntry).await?)
    }
    /// The earlier cycle it was created from.
    async fn carried_over_from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Cycle>> {
        Ok(related::<Cycle>(ctx, self.0.carried_over_from_id).await?)
    }
    /// The framework versions it plans against.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn frameworks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Framework>> {
        Ok(related_list::<Linked<FrameworksOfCycle>, _, _>(ctx, self.0.id, Framework).await?)
    }
    /// The services in scope.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn services(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CycleService>> {
        Ok(related_list::<GroupedBy<ServicesOfCycle>, _, _>(ctx, self.0.id, CycleService).await?)
    }
    /// The processes in scope.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CycleProcess>> {
        Ok(related_list::<GroupedBy<ProcessesOfCycle>, _, _>(ctx, self.0.id, CycleProcess).await?)
    }
    /// Its objectives, in order.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn objectives(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CycleObjective>> {
        Ok(
            related_list::<GroupedBy<ObjectivesOfCycle>, _, _>(ctx, self.0.id, CycleObjective)
                .await?,
        )
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<certification_cycle::Entity>(&self.0)
    }
}

crate::node_object!(
    /// A service in a cycle's scope.
    CycleService(cycle_service)
);

#[Object(use_type_description)]
impl CycleService {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// The service.
    async fn service(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Service>> {
        Ok(related::<Service>(ctx, Some(self.0.service_id)).await?)
    }
    /// Taken from the earlier cycle and not yet re-confirmed.
    async fn carried_over(&self) -> bool {
        self.0.carried_over
    }
}

crate::node_object!(
    /// A process in a cycle's scope.
    CycleProcess(cycle_process)
);

#[Object(use_type_description)]
impl CycleProcess {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// The process.
    async fn process(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Process>> {
        Ok(related::<Process>(ctx, Some(self.0.process_id)).await?)
    }
    /// Taken from the earlier cycle and not yet re-confirmed.
    async fn carried_over(&self) -> bool {
        self.0.carried_over
    }
}

crate::node_object!(
    /// An objective of a cycle, with its measurable target when it has one.
    CycleObjective(cycle_objective)
);

#[Object(use_type_description)]
impl CycleObjective {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// What the cycle aims at.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// How it is measured: `95 % of incidents restored within target`.
    async fn target(&self) -> Option<&str> {
        self.0.target.as_deref()
    }
    /// Order among the cycle's objectives, from 0.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// Taken from the earlier cycle and not yet re-confirmed.
    async fn carried_over(&self) -> bool {
        self.0.carried_over
    }
}

crate::node_object!(
    /// A phase a cycle entered: when, by whom, and why.
    PhaseEntry(cycle_phase_entry)
);

#[Object(use_type_description)]
impl PhaseEntry {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// The phase entered.
    async fn phase(&self) -> PdcaPhase {
        self.0.phase.into()
    }
    /// When.
    async fn entered_at(&self) -> DateTime<Utc> {
        DateTime(self.0.entered_at)
    }
    /// The login subject or API token that moved the cycle.
    async fn entered_by(&self) -> &str {
        &self.0.entered_by
    }
    /// The person behind `enteredBy`, when there is one.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.person_id).await?)
    }
    /// Why, as the mover said.
    async fn note(&self) -> &str {
        &self.0.note
    }
}

/// An objective as a mutation gives it.
#[derive(InputObject)]
pub struct ObjectiveInput {
    /// What the cycle aims at (1 to 1,000 characters).
    pub description: String,
    /// How it is measured (up to 500 characters).
    pub target: Option<String>,
}

/// The most objectives a cycle has.
const OBJECTIVES_MAX: usize = 50;

fn objectives(list: Option<Vec<ObjectiveInput>>) -> AppResult<Option<Vec<NewObjective>>> {
    let Some(list) = list else {
        return Ok(None);
    };
    if list.len() > OBJECTIVES_MAX {
        return Err(AppError::bad_input(
            "input.objectives",
            format!("a cycle has at most {OBJECTIVES_MAX} objectives"),
        ));
    }
    list.into_iter()
        .enumerate()
        .map(|(index, objective)| {
            let field = |name: &str| format!("input.objectives[{index}].{name}");
            Ok(NewObjective {
                description: Required::parse(&field("description"), &objective.description)?,
                target: parse_opt(objective.target, |t| Required::parse(&field("target"), t))?,
            })
        })
        .collect::<AppResult<_>>()
        .map(Some)
}

fn text(value: Option<String>, field: &str) -> AppResult<Option<Text>> {
    parse_opt(value, |text| Text::parse(field, text))
}

/// Input of `createCycle`.
#[derive(InputObject)]
pub struct CreateCycleInput {
    /// Name (1 to 200 characters), unique in the organization.
    pub name: String,
    /// What the certification covers (up to 4,000 characters).
    pub scope_statement: Option<String>,
    /// The executive sponsor (a Person's global id).
    pub sponsor_id: Option<ID>,
    /// When the certification audit should be done.
    pub target_date: Option<Date>,
    /// The framework versions to plan against; at least one, unless `carryOverFrom` gives them.
    pub framework_ids: Option<Vec<ID>>,
    /// Services in scope (besides those carried over).
    pub service_ids: Option<Vec<ID>>,
    /// Processes in scope (besides those carried over).
    pub process_ids: Option<Vec<ID>>,
    /// Objectives (besides those carried over), at most 50.
    pub objectives: Option<Vec<ObjectiveInput>>,
    /// An earlier cycle to widen: its services still in the portfolio, its processes still
    /// applicable, its objectives and (unless `frameworkIds` is given) its frameworks are
    /// carried over, marked `carriedOver` until re-confirmed.
    pub carry_over_from: Option<ID>,
}

impl CreateCycleInput {
    fn parse(self) -> AppResult<NewCycle> {
        Ok(NewCycle {
            name: Name::parse("input.name", &self.name)?,
            scope_statement: text(self.scope_statement, "input.scopeStatement")?
                .unwrap_or_default(),
            sponsor_id: decode_opt::<person::Entity>(self.sponsor_id.as_ref(), "input.sponsorId")?,
            target_date: self.target_date.map(|d| d.0),
            framework_ids: decode_list::<framework::Entity>(
                self.framework_ids,
                "input.frameworkIds",
            )?
            .unwrap_or_default(),
            service_ids: decode_list::<service::Entity>(self.service_ids, "input.serviceIds")?
                .unwrap_or_default(),
            process_ids: decode_list::<process::Entity>(self.process_ids, "input.processIds")?
                .unwrap_or_default(),
            objectives: objectives(self.objectives)?.unwrap_or_default(),
            carry_over_from: decode_opt::<certification_cycle::Entity>(
                self.carry_over_from.as_ref(),
                "input.carryOverFrom",
            )?,
        })
    }
}

/// Input of `updateCycle`: omitted fields stay; `null` clears `sponsorId` and `targetDate`; a
/// list given replaces the cycle's list and counts as re-confirmed.
#[derive(InputObject)]
pub struct UpdateCycleInput {
    /// The cycle (ACTIVE only).
    pub id: ID,
    /// The version the client read; CONFLICT if the cycle changed since.
    pub expected_version: Option<i32>,
    /// New name.
    pub name: Option<String>,
    /// New scope statement.
    pub scope_statement: Option<String>,
    /// New sponsor, or null to clear.
    pub sponsor_id: MaybeUndefined<ID>,
    /// New target date, or null to clear.
    pub target_date: MaybeUndefined<Date>,
    /// The framework versions: replaces the list; at least one.
    pub framework_ids: Option<Vec<ID>>,
    /// The services in scope: replaces the list.
    pub service_ids: Option<Vec<ID>>,
    /// The processes in scope: replaces the list.
    pub process_ids: Option<Vec<ID>>,
    /// The objectives: replaces the list.
    pub objectives: Option<Vec<ObjectiveInput>>,
}

impl UpdateCycleInput {
    fn parse(self) -> AppResult<Edit<CyclePatch>> {
        Ok(Edit {
            id: decode::<certification_cycle::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: CyclePatch {
                name: parse_opt(self.name, |n| Name::parse("input.name", n))?,
                scope_statement: text(self.scope_statement, "input.scopeStatement")?,
                sponsor_id: patch(self.sponsor_id, |id| {
                    decode::<person::Entity>(&id, "input.sponsorId")
                })?,
                target_date: patch(self.target_date, |d| Ok(d.0))?,
                framework_ids: decode_list::<framework::Entity>(
                    self.framework_ids,
                    "input.frameworkIds",
                )?,
                service_ids: decode_list::<service::Entity>(self.service_ids, "input.serviceIds")?,
                process_ids: decode_list::<process::Entity>(self.process_ids, "input.processIds")?,
                objectives: objectives(self.objectives)?,
            },
        })
    }
}

/// Input of `confirmCycleCarryOver`.
#[derive(InputObject)]
pub struct ConfirmCycleCarryOverInput {
    /// The cycle (ACTIVE only).
    pub id: ID,
    /// The version the client read; CONFLICT if the cycle changed since.
    pub expected_version: Option<i32>,
}

impl ConfirmCycleCarryOverInput {
    fn parse(self) -> AppResult<Edit<()>> {
        Ok(Edit {
            id: decode::<certification_cycle::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: (),
        })
    }
}

/// Input of `moveCyclePhase`.
#[derive(InputObject)]
pub struct MoveCyclePhaseInput {
    /// The cycle (ACTIVE only).
    pub id: ID,
    /// The version the client read; CONFLICT if the cycle changed since.
    pub expected_version: Option<i32>,
    /// The phase to enter: PLAN to DO to CHECK to ACT, then PLAN again or CERTIFICATION;
    /// from CERTIFICATION back to ACT. Any other move is BAD_USER_INPUT.
    pub phase: PdcaPhase,
    /// Why (up to 200 characters), kept in the phase history.
    pub note: Option<String>,
}

impl MoveCyclePhaseInput {
    fn parse(self) -> AppResult<Edit<PhaseMove>> {
        Ok(Edit {
            id: decode::<certification_cycle::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: PhaseMove {
                phase: self.phase.into(),
                note: parse_opt(self.note, |n| Line::parse("input.note", n))?.unwrap_or_default(),
            },
        })
    }
}

/// Input of `setCycleStatus`.
#[derive(InputObject)]
pub struct SetCycleStatusInput {
    /// The cycle (ACTIVE only).
    pub id: ID,
    /// The version the client read; CONFLICT if the cycle changed since.
    pub expected_version: Option<i32>,
    /// CERTIFIED (from the CERTIFICATION phase) or ABANDONED (from any); both are final.
    pub status: CycleStatus,
    /// Why: the certificate's number, the decision (up to 200 characters).
    pub reason: Option<String>,
}

impl SetCycleStatusInput {
    fn parse(self) -> AppResult<Edit<StatusChange>> {
        Ok(Edit {
            id: decode::<certification_cycle::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: StatusChange {
                status: self.status.into(),
                reason: parse_opt(self.reason, |r| Line::parse("input.reason", r))?
                    .unwrap_or_default(),
            },
        })
    }
}

/// Input of `moveCycleFramework`.
#[derive(InputObject)]
pub struct MoveCycleFrameworkInput {
    /// The cycle (ACTIVE only).
    pub id: ID,
    /// The version the client read; CONFLICT if the cycle changed since.
    pub expected_version: Option<i32>,
    /// The framework version the cycle plans against now.
    pub from_framework_id: ID,
    /// Another version of the same framework (same `code`) to plan against instead.
    pub to_framework_id: ID,
}

impl MoveCycleFrameworkInput {
    fn parse(self) -> AppResult<Edit<VersionMove>> {
        Ok(Edit {
            id: decode::<certification_cycle::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: VersionMove {
                from: decode::<framework::Entity>(
                    &self.from_framework_id,
                    "input.fromFrameworkId",
                )?,
                to: decode::<framework::Entity>(&self.to_framework_id, "input.toFrameworkId")?,
            },
        })
    }
}

/// A clause of the older version and the newer clause it became, with another number or title.
#[derive(SimpleObject)]
pub struct RenamedClause {
    /// As it was.
    from: Clause,
    /// As it is in the newer version.
    to: Clause,
}

/// Result of `moveCycleFramework`: the cycle, and what changed between the versions.
#[derive(SimpleObject)]
pub struct MoveCycleFrameworkPayload {
    /// The cycle after the move.
    cycle: Cycle,
    /// Clauses of the newer version with no older clause: to assess.
    added: Vec<Clause>,
    /// Clauses of the older version with no newer one: their assessments stay in the records
    /// but leave the analysis.
    removed: Vec<Clause>,
    /// Clauses paired by reference (or number) whose number or title changed.
    renamed: Vec<RenamedClause>,
}

impl From<Moved> for MoveCycleFrameworkPayload {
    fn from(moved: Moved) -> Self {
        Self {
            cycle: Cycle::from(moved.cycle),
            added: moved.added.into_iter().map(Clause::from).collect(),
            removed: moved.removed.into_iter().map(Clause::from).collect(),
            renamed: moved
                .renamed
                .into_iter()
                .map(|(from, to)| RenamedClause {
                    from: Clause::from(from),
                    to: Clause::from(to),
                })
                .collect(),
        }
    }
}

crate::payload!(
    /// Result of a cycle mutation.
    CyclePayload {
        /// The cycle after the change.
        cycle: Cycle(certification_cycle)
    }
);

crate::record_mutations! {
    /// Certification cycle mutations.
    CycleMutation {
        /// Starts a certification cycle in the PLAN phase, possibly from an earlier one
        /// (ADMIN, MANAGER).
        create_cycle(CreateCycleInput, "The new cycle.") -> CyclePayload,
            guard = "Require(Permission::PlanCycles)", apply = store::create;
        /// Changes an ACTIVE cycle's plan (ADMIN, MANAGER).
        update_cycle(UpdateCycleInput, "The cycle, the version read and the fields to change.")
            -> CyclePayload,
            guard = "Require(Permission::PlanCycles)", apply = store::update;
        /// Re-confirms all that the cycle carried over from the earlier one (ADMIN, MANAGER).
        confirm_cycle_carry_over(ConfirmCycleCarryOverInput, "The cycle and the version read.")
            -> CyclePayload,
            guard = "Require(Permission::PlanCycles)", apply = store::confirm_carry_over;
        /// Moves an ACTIVE cycle to another PDCA phase and records it in the phase history
        /// (ADMIN, MANAGER).
        move_cycle_phase(MoveCyclePhaseInput, "The cycle, the version read and the phase to enter.")
            -> CyclePayload,
            guard = "Require(Permission::PlanCycles)", apply = store::move_phase;
        /// Moves an ACTIVE cycle to another version of one of its frameworks: its assessments
        /// and task links follow the clauses paired by reference (or number), marked carried
        /// over; the payload lists the clauses added, removed and renamed (ADMIN, MANAGER).
        move_cycle_framework(MoveCycleFrameworkInput, "The cycle, the version read, and the framework versions.")
            -> MoveCycleFrameworkPayload,
            guard = "Require(Permission::PlanCycles)", apply = versions::move_version;
        /// Certifies or abandons an ACTIVE cycle (ADMIN, MANAGER).
        set_cycle_status(SetCycleStatusInput, "The cycle, the version read and its new status.")
            -> CyclePayload,
            guard = "Require(Permission::PlanCycles)", apply = store::set_status;
    }
}

/// Filters of the cycle list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct CycleFilterInput {
    /// Part of the name or scope statement, case-insensitive.
    pub search: Option<String>,
    /// Only cycles in this status.
    pub status: Option<CycleStatus>,
    /// Only cycles in this phase.
    pub phase: Option<PdcaPhase>,
}

crate::record_queries! {
    /// Certification cycle queries.
    CycleQuery {
        @by_id
        /// One cycle by id; null with a NOT_FOUND error when the organization has none with it.
        cycle -> Cycle, "Global id of the cycle, as its `id` field returns it; null with NOT_FOUND when the organization has no cycle with it, BAD_USER_INPUT when it is not an id.";
        /// The organization's certification cycles, oldest first.
        cycles(ctx, args,
            #[graphql(desc = "Which cycles to list: the conditions set are combined with AND; all of them if omitted.")]
            filter: Option<CycleFilterInput>,
        ) -> Page<Cycle>, guard = "Require(Permission::Read)" {
            let filter = filter.unwrap_or_default();
            let select = store::select(
                ctx.scope()?,
                CycleFilter {
                    search: filter.search,
                    status: filter.status.map(Into::into),
                    phase: filter.phase.map(Into::into),
                },
            )?;
            Ok(paginate(
                ctx.reads(),
                select,
                certification_cycle::Column::Id,
                |c| c.id,
                args,
                Cycle,
            )
            .await?)
        }
    }
}

//! GraphQL types and resolvers of the gap analysis.

use std::sync::Arc;

use crate::read_cache::Key;
use chrono::Utc;
use entity::{certification_cycle, clause, clause_assessment, framework, process};

use super::{
    analysis::{self, Counts},
    store::{self, Assessment, ITEMS_MAX, ItemInput},
};
use crate::{
    compliance::{
        cycles::graphql::Cycle,
        frameworks::graphql::{Clause, Framework},
        relations::ProcessesOfAssessment,
        remediation::graphql::RemediationTask,
    },
    graphql::{cost::related_complexity, prelude::*},
    people::graphql::Person,
    portfolio::processes::graphql::Process,
};

/// How far a clause's requirements are met in a cycle.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::clause_assessment::AssessmentStatus")]
pub enum AssessmentStatus {
    /// Not looked at yet: every clause without an assessment.
    NotAssessed,
    /// The requirements are not met.
    Gap,
    /// Partly met.
    Partial,
    /// Met.
    Implemented,
    /// Do not apply to the scope, with a justification.
    NotApplicable,
}

crate::node_object!(
    /// The gap analysis result for one clause in one cycle.
    ClauseAssessment(clause_assessment)
);

#[Object(use_type_description)]
impl ClauseAssessment {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// The clause assessed.
    async fn clause(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Clause>> {
        Ok(related::<Clause>(ctx, Some(self.0.clause_id)).await?)
    }
    /// The cycle it belongs to.
    async fn cycle(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Cycle>> {
        Ok(related::<Cycle>(ctx, Some(self.0.cycle_id)).await?)
    }
    /// The result.
    async fn status(&self) -> AssessmentStatus {
        self.0.status.into()
    }
    /// Why the clause does not apply (NOT_APPLICABLE).
    async fn justification(&self) -> &str {
        &self.0.justification
    }
    /// What the assessor found.
    async fn notes(&self) -> &str {
        &self.0.notes
    }
    /// The person who assessed, when the login is linked to one.
    async fn assessor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.assessor_id).await?)
    }
    /// The login subject or API token that assessed.
    async fn assessed_by(&self) -> &str {
        &self.0.assessed_by
    }
    /// When.
    async fn assessed_at(&self) -> DateTime<Utc> {
        DateTime(self.0.assessed_at)
    }
    /// Why it was marked IMPLEMENTED while a remediation task linked to the clause was open.
    async fn override_reason(&self) -> Option<&str> {
        self.0.override_reason.as_deref()
    }
    /// Taken from an earlier cycle and not yet re-assessed.
    async fn carried_over(&self) -> bool {
        self.0.carried_over
    }
    /// The processes the assessment concerns.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_list::<Linked<ProcessesOfAssessment>, _, _>(ctx, self.0.id, Process).await?)
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<clause_assessment::Entity>(&self.0)
    }
}

/// One clause's assessment in `assessClauses`.
#[derive(InputObject)]
pub struct ClauseAssessmentInput {
    /// The clause (assessable, of one of the cycle's frameworks).
    pub clause_id: ID,
    /// The version of its assessment the client read; CONFLICT-like refusal of the whole call
    /// if it changed since.
    pub expected_version: Option<i32>,
    /// The result.
    pub status: AssessmentStatus,
    /// What the assessor found (up to 4,000 characters).
    pub notes: Option<String>,
    /// Why the clause does not apply: required with NOT_APPLICABLE (up to 4,000 characters).
    pub justification: Option<String>,
    /// The processes the assessment concerns: replaces the list; omitted, it stays.
    pub process_ids: Option<Vec<ID>>,
    /// Marks IMPLEMENTED although a task linked to the clause is still open, and why
    /// (recorded; up to 200 characters).
    pub override_reason: Option<String>,
}

/// Input of `assessClauses`.
#[derive(InputObject)]
pub struct AssessClausesInput {
    /// The cycle (ACTIVE).
    pub cycle_id: ID,
    /// The assessments, at most 500: a whole chapter or standard at once.
    pub assessments: Vec<ClauseAssessmentInput>,
}

impl AssessClausesInput {
    fn parse(self) -> AppResult<Assessment> {
        if self.assessments.is_empty() || self.assessments.len() > ITEMS_MAX {
            return Err(AppError::bad_input(
                "input.assessments",
                format!("1 to {ITEMS_MAX} assessments per call"),
            ));
        }
        let items = self
            .assessments
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let field = |name: &str| format!("input.assessments[{index}].{name}");
                let status: entity::clause_assessment::AssessmentStatus = item.status.into();
                let justification =
                    parse_opt(item.justification, |j| Text::parse(&field("justification"), j))?
                        .unwrap_or_default();
                let not_applicable =
                    status == entity::clause_assessment::AssessmentStatus::NotApplicable;
                if not_applicable && justification.as_ref().is_empty() {
                    return Err(AppError::bad_input(
                        field("justification"),
                        format!(
                            "`{}` is required with NOT_APPLICABLE: say why the clause does not apply",
                            field("justification")
                        ),
                    ));
                }
                Ok(ItemInput {
                    index,
                    clause_id: decode::<clause::Entity>(&item.clause_id, &field("clauseId"))?,
                    expected_version: item.expected_version,
                    status,
                    notes: parse_opt(item.notes, |n| Text::parse(&field("notes"), n))?
                        .unwrap_or_default(),
                    justification: if not_applicable {
                        justification
                    } else {
                        Text::default()
                    },
                    process_ids: decode_list::<process::Entity>(
                        item.process_ids,
                        &field("processIds"),
                    )?,
                    override_reason: parse_opt(item.override_reason, |r| {
                        Line::parse(&field("overrideReason"), r)
                    })?
                    .filter(|r| !r.as_ref().is_empty()),
                })
            })
            .collect::<AppResult<_>>()?;
        Ok(Assessment {
            cycle_id: decode::<certification_cycle::Entity>(&self.cycle_id, "input.cycleId")?,
            items,
        })
    }
}

/// Result of `assessClauses`.
#[derive(SimpleObject)]
pub struct AssessClausesPayload {
    /// The assessments as saved, in the order sent.
    assessments: Vec<ClauseAssessment>,
}

impl From<Vec<clause_assessment::Model>> for AssessClausesPayload {
    fn from(rows: Vec<clause_assessment::Model>) -> Self {
        Self {
            assessments: rows.into_iter().map(ClauseAssessment::from).collect(),
        }
    }
}

crate::record_mutations! {
    /// Gap analysis mutations.
    AssessmentMutation {
        /// Assesses clauses of an ACTIVE cycle, a whole chapter at once: all or nothing, each
        /// item at fault named by its index and field (ADMIN, MANAGER; a PROCESS_OWNER the
        /// clauses linked to their processes). IMPLEMENTED is refused while a remediation task
        /// linked to the clause is open, unless `overrideReason` says why.
        assess_clauses(AssessClausesInput, "The cycle and its clauses' assessments.")
            -> AssessClausesPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::assess;
    }
}

/// How many clauses are in each status.
#[derive(SimpleObject)]
pub struct StatusCounts {
    /// NOT_ASSESSED, counting clauses without an assessment.
    not_assessed: i32,
    /// GAP.
    gap: i32,
    /// PARTIAL.
    partial: i32,
    /// IMPLEMENTED.
    implemented: i32,
    /// NOT_APPLICABLE.
    not_applicable: i32,
    /// All assessable clauses.
    total: i32,
}

impl From<Counts> for StatusCounts {
    fn from(counts: Counts) -> Self {
        Self {
            not_assessed: counts.not_assessed,
            gap: counts.gap,
            partial: counts.partial,
            implemented: counts.implemented,
            not_applicable: counts.not_applicable,
            total: counts.total(),
        }
    }
}

/// A top-level clause (a chapter: 4 to 10) with the counts of the assessable clauses under it.
#[derive(SimpleObject)]
pub struct ChapterAnalysis {
    /// The top-level clause.
    clause: Clause,
    /// Its assessable clauses per status.
    counts: StatusCounts,
}

/// A clause with GAP or PARTIAL, and what is planned about it.
pub struct GapItem {
    result: Arc<analysis::GapAnalysis>,
    index: usize,
}

/// A clause with GAP or PARTIAL, and what is planned about it.
#[Object]
impl GapItem {
    /// The clause.
    async fn clause(&self) -> Clause {
        Clause::from(self.item().clause.clone())
    }
    /// GAP or PARTIAL.
    async fn status(&self) -> AssessmentStatus {
        self.item().status.into()
    }
    /// true when the status is inferred through mappings from the cycle's own assessments,
    /// never assessed: `assessment` is then null and `inferredFrom` names the sources.
    async fn inferred(&self) -> bool {
        self.item().inferred
    }
    /// The assessment behind the status, when the clause was assessed itself.
    async fn assessment(&self) -> Option<ClauseAssessment> {
        self.item().assessment.clone().map(ClauseAssessment::from)
    }
    /// The assessed clauses of the cycle's frameworks the status was inferred from.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn inferred_from(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Clause>> {
        Ok(related_many::<Clause>(ctx, &self.item().inferred_from).await?)
    }
    /// The cycle's remediation tasks linked to the clause (or to those it was inferred from).
    async fn remediation_tasks(&self) -> Vec<RemediationTask> {
        self.item()
            .task_ids
            .iter()
            .filter_map(|id| self.result.tasks.get(id))
            .cloned()
            .map(RemediationTask::from)
            .collect()
    }
}

impl GapItem {
    fn item(&self) -> &analysis::ClauseResult {
        &self.result.gaps[self.index]
    }
}

/// The gap analysis of a cycle, as it stands.
#[derive(Clone)]
pub struct GapAnalysis(Arc<analysis::GapAnalysis>);

/// The gap analysis of a cycle, as it stands.
#[Object]
impl GapAnalysis {
    /// The cycle.
    async fn cycle(&self) -> Cycle {
        Cycle::from(self.0.cycle.clone())
    }
    /// The framework it is seen through, when `asFramework` was given.
    async fn framework(&self) -> Option<Framework> {
        self.0.seen_as.clone().map(Framework::from)
    }
    /// Percent of assessable clauses assessed (any status but NOT_ASSESSED), 0 to 100, to one
    /// decimal.
    async fn percent_assessed(&self) -> f64 {
        self.0.percent_assessed()
    }
    /// Assessable clauses per status.
    async fn totals(&self) -> StatusCounts {
        self.0.totals.into()
    }
    /// Per top-level clause, in the standard's order.
    async fn chapters(&self) -> Vec<ChapterAnalysis> {
        self.0
            .chapters
            .iter()
            .map(|chapter| ChapterAnalysis {
                clause: Clause::from(chapter.clause.clone()),
                counts: chapter.counts.into(),
            })
            .collect()
    }
    /// The clauses with GAP or PARTIAL, in the standard's order, with their remediation tasks.
    async fn gaps(&self) -> Vec<GapItem> {
        (0..self.0.gaps.len())
            .map(|index| GapItem {
                result: self.0.clone(),
                index,
            })
            .collect()
    }
}

impl GapAnalysis {
    /// About the memory the analysis holds in the read cache: its rows, each under a kilobyte.
    fn weight(&self) -> usize {
        1_024 * (1 + self.0.chapters.len() + self.0.gaps.len() + self.0.tasks.len())
    }
}

/// Gap analysis queries.
#[derive(Default)]
pub struct AssessmentQuery;

#[Object]
impl AssessmentQuery {
    /// The gap analysis of a cycle: counts per status per top-level clause, percent assessed,
    /// the gaps with their remediation tasks; read in a fixed number of statements whatever
    /// the cycle's size, once per request. With `asFramework`, the cycle seen through another
    /// framework: each of its clauses takes the status the mappings infer, marked `inferred`.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "crate::graphql::cost::whole_organization_complexity(child_complexity)"
    )]
    async fn gap_analysis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cycle; NOT_FOUND when the organization has no cycle with it.")]
        cycle_id: ID,
        #[graphql(
            desc = "A framework to see the cycle through: one of its own frameworks, or another one whose clauses are mapped to them. Omitted: the cycle's own frameworks."
        )]
        as_framework: Option<ID>,
    ) -> async_graphql::Result<GapAnalysis> {
        let cycle = decode::<certification_cycle::Entity>(&cycle_id, "cycleId")?;
        let seen_as = decode_opt::<framework::Entity>(as_framework.as_ref(), "asFramework")?;
        let arguments = format!("{cycle}:{seen_as:?}");
        let read = async {
            let load = || async {
                let analysis =
                    analysis::read(&ctx.state().db, ctx.scope()?, cycle, seen_as).await?;
                AppResult::Ok(GapAnalysis(Arc::new(analysis)))
            };
            // Kept for the requests that start at the same data version, like any read.
            match ctx.reads().cache {
                Some(cache) => {
                    let key = Key::Computed("gapAnalysis", arguments.clone());
                    cache.read(key, GapAnalysis::weight, load).await
                }
                None => load().await,
            }
        };
        Ok(ctx.once(format!("gapAnalysis:{arguments}"), read).await?)
    }
}

crate::record_queries! {
    /// Clause assessment queries.
    ClauseAssessmentQuery {
        /// The assessments of a cycle, in the order they were first made.
        clause_assessments(ctx, args,
            #[graphql(desc = "The cycle; an empty list when the organization has no cycle with it.")]
            cycle_id: ID,
            #[graphql(desc = "Only assessments with this status.")]
            status: Option<AssessmentStatus>,
        ) -> Page<ClauseAssessment>, guard = "Require(Permission::Read)" {
            let cycle = decode::<certification_cycle::Entity>(&cycle_id, "cycleId")?;
            let mut select = store::of_cycle(ctx.scope()?, cycle);
            if let Some(status) = status {
                use sea_orm::{ColumnTrait, QueryFilter};
                let status: entity::clause_assessment::AssessmentStatus = status.into();
                select = select.filter(clause_assessment::Column::Status.eq(status));
            }
            Ok(paginate(
                ctx.reads(),
                select,
                clause_assessment::Column::Id,
                |a| a.id,
                args,
                ClauseAssessment,
            )
            .await?)
        }
    }
}

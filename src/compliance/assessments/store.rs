//! Assessing clauses: a whole chapter at once, all or nothing.

use std::collections::{HashMap, HashSet};

use entity::{
    assessment_process, clause, clause_assessment, clause_assessment::AssessmentStatus,
    cycle_framework, process,
};
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect, Select, sea_query::Query};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    compliance::{access, remediation::store as remediation},
    error::{AppError, AppResult},
    store::{self, Change},
    tenancy::Scope,
    validation::{Line, Text},
};

/// The most clauses one `assessClauses` call assesses: a whole standard.
pub const ITEMS_MAX: usize = 500;

/// One clause's assessment as the client gives it; `index` is its place in the input list.
pub struct ItemInput {
    pub index: usize,
    pub clause_id: Uuid,
    pub expected_version: Option<i32>,
    pub status: AssessmentStatus,
    pub notes: Text,
    pub justification: Text,
    pub process_ids: Option<Vec<Uuid>>,
    pub override_reason: Option<Line>,
}

/// A bulk assessment of one cycle's clauses.
pub struct Assessment {
    pub cycle_id: Uuid,
    pub items: Vec<ItemInput>,
}

/// What an assessment's audit entry shows: the row and the processes it concerns.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    assessment: &'a clause_assessment::Model,
    process_ids: &'a [Uuid],
}

/// The problems of a bulk assessment, each at `input.assessments[i].field`.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, index: usize, field: &str, message: impl Into<String>) {
        self.0.push((
            format!("input.assessments[{index}].{field}"),
            message.into(),
        ));
    }

    /// BAD_USER_INPUT on the first place at fault, listing every one.
    fn into_result(self) -> AppResult<()> {
        let Some((field, _)) = self.0.first() else {
            return Ok(());
        };
        let listed: Vec<String> = self
            .0
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect();
        Err(AppError::bad_input(
            field.clone(),
            format!(
                "nothing was assessed: {} item(s) at fault: {}",
                listed.len(),
                listed.join("; ")
            ),
        ))
    }
}

/// Assesses the clauses of `assessment` in its ACTIVE cycle, all or nothing: every item is
/// checked first (a clause of the cycle's frameworks that carries requirements, processes of
/// the organization, IMPLEMENTED only without open tasks unless a reason is given, the version
/// read), and one bad item refuses all.
pub async fn assess(
    change: &mut Change,
    assessment: Assessment,
) -> AppResult<Vec<clause_assessment::Model>> {
    let cycle = remediation::active_cycle(change, assessment.cycle_id, "input.cycleId").await?;
    let scope = Scope::from(change.actor());
    let clause_ids: Vec<Uuid> = assessment.items.iter().map(|i| i.clause_id).collect();
    store::existing::<clause::Entity>(change, &clause_ids).await?;
    let process_ids: Vec<Uuid> = assessment
        .items
        .iter()
        .flat_map(|i| i.process_ids.iter().flatten().copied())
        .collect();
    store::existing::<process::Entity>(change, &process_ids).await?;

    let frameworks = Query::select()
        .column(cycle_framework::Column::FrameworkId)
        .from(cycle_framework::Entity)
        .and_where(cycle_framework::Column::CycleId.eq(cycle.id))
        .to_owned();
    let clauses: HashMap<Uuid, clause::Model> = scope
        .select_ids::<clause::Entity>(clause_ids.clone())
        .filter(clause::Column::FrameworkId.in_subquery(frameworks))
        .all(change.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let existing: HashMap<Uuid, clause_assessment::Model> = of_cycle(scope, cycle.id)
        .filter(clause_assessment::Column::ClauseId.is_in(clause_ids.clone()))
        .all(change.db())
        .await?
        .into_iter()
        .map(|a| (a.clause_id, a))
        .collect();
    let mut linked: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let existing_ids: Vec<Uuid> = existing.values().map(|a| a.id).collect();
    if !existing_ids.is_empty() {
        let links: Vec<(Uuid, Uuid)> = scope
            .select::<assessment_process::Entity>()
            .filter(assessment_process::Column::AssessmentId.is_in(existing_ids))
            .select_only()
            .column(assessment_process::Column::AssessmentId)
            .column(assessment_process::Column::ProcessId)
            .into_tuple()
            .all(change.db())
            .await?;
        for (assessment, process) in links {
            linked.entry(assessment).or_default().push(process);
        }
    }
    let implemented: Vec<Uuid> = assessment
        .items
        .iter()
        .filter(|i| i.status == AssessmentStatus::Implemented && i.override_reason.is_none())
        .map(|i| i.clause_id)
        .collect();
    let blocked: HashSet<Uuid> = remediation::open_tasks_of_clauses(change, cycle.id, &implemented)
        .await?
        .into_iter()
        .map(|(clause, _)| clause)
        .collect();

    let mut problems = Problems::default();
    let mut seen = HashSet::new();
    for item in &assessment.items {
        if !seen.insert(item.clause_id) {
            problems.add(
                item.index,
                "clauseId",
                "this clause is already assessed in this call",
            );
        }
        match clauses.get(&item.clause_id) {
            None => problems.add(
                item.index,
                "clauseId",
                "the clause belongs to none of the cycle's frameworks",
            ),
            Some(clause) if !clause.assessable => problems.add(
                item.index,
                "clauseId",
                format!(
                    "clause {} only groups other clauses; assess those",
                    clause.number
                ),
            ),
            Some(_) => {}
        }
        if blocked.contains(&item.clause_id) {
            problems.add(
                item.index,
                "status",
                "a remediation task linked to this clause is still open: finish it, or give overrideReason",
            );
        }
        let current = existing.get(&item.clause_id);
        if let (Some(expected), Some(current)) = (item.expected_version, current)
            && expected != current.version
        {
            problems.add(
                item.index,
                "expectedVersion",
                format!(
                    "the assessment is at version {}: read it again",
                    current.version
                ),
            );
        }
    }
    problems.into_result()?;

    let actor = change.actor().clone();
    let now = store::now();
    let mut saved = Vec::with_capacity(assessment.items.len());
    for item in assessment.items {
        let before = existing.get(&item.clause_id);
        let processes_before = before
            .and_then(|a| linked.get(&a.id))
            .cloned()
            .unwrap_or_default();
        let mut processes_after = item.process_ids.unwrap_or_else(|| processes_before.clone());
        processes_after.sort_unstable();
        processes_after.dedup();
        access::may_maintain(change, &processes_before, &processes_after).await?;
        let mut after = clause_assessment::Model {
            id: before.map_or_else(Uuid::now_v7, |a| a.id),
            organization_id: cycle.organization_id,
            cycle_id: cycle.id,
            clause_id: item.clause_id,
            status: item.status,
            justification: item.justification.into(),
            notes: item.notes.into(),
            assessor_id: actor.person_id,
            assessed_by: actor.subject.clone(),
            assessed_at: now,
            override_reason: item.override_reason.map(Into::into),
            carried_over: false,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        match before {
            Some(before) => {
                after.created_at = before.created_at;
                after =
                    store::write::<clause_assessment::Entity>(change, before, after, &[]).await?;
            }
            None => {
                store::insert_row::<clause_assessment::Entity>(change, after.clone(), &[]).await?
            }
        }
        if processes_before != processes_after {
            let links = processes_after
                .iter()
                .map(|&process_id| assessment_process::Model {
                    assessment_id: after.id,
                    process_id,
                    organization_id: cycle.organization_id,
                });
            store::replace_links::<assessment_process::Entity>(
                change,
                assessment_process::Column::AssessmentId,
                after.id,
                links.collect(),
            )
            .await?;
        }
        let snapshot = |assessment, process_ids| Snapshot {
            assessment,
            process_ids,
        };
        change
            .record_snapshot::<clause_assessment::Entity, _>(
                "assessment.assess",
                after.id,
                before.map(|b| snapshot(b, &processes_before)).as_ref(),
                Some(&snapshot(&after, &processes_after)),
            )
            .await?;
        saved.push(after);
    }
    Ok(saved)
}

/// The assessments of cycle `cycle_id`.
pub fn of_cycle(scope: Scope, cycle_id: Uuid) -> Select<clause_assessment::Entity> {
    scope
        .select::<clause_assessment::Entity>()
        .filter(clause_assessment::Column::CycleId.eq(cycle_id))
}

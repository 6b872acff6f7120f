//! The compliance area's readiness rules: the gap analysis and its remediation plan
//! (checklist item 1), and the approved procedures of the processes in scope (item 2).

use std::collections::{HashMap, HashSet};

use entity::{
    clause, clause_assessment, clause_assessment::AssessmentStatus, cycle_framework, document,
    document::DocumentKind, document_version, document_version::VersionState, remediation_task,
    remediation_task::TaskStatus, task_clause,
};
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::{
    error::AppResult,
    readiness::rules::{AreaRules, ChecklistItem, Findings, Input, RecordRef, Rule},
};

type Cycle = entity::certification_cycle::Entity;
type Clause = entity::clause::Entity;
type Task = entity::remediation_task::Entity;
type Process = entity::process::Entity;

const ASSESSED: Rule = Rule {
    id: "compliance.clauses-assessed",
    item: Some(ChecklistItem::GapAnalysis),
    summary: "Every assessable clause of the cycle's frameworks is assessed.",
};
const GAPS_PLANNED: Rule = Rule {
    id: "compliance.gaps-have-tasks",
    item: Some(ChecklistItem::GapAnalysis),
    summary: "Every clause assessed GAP or PARTIAL has a remediation task of the cycle that is not cancelled.",
};
const TASKS_ON_TIME: Rule = Rule {
    id: "compliance.tasks-on-time",
    item: None,
    summary: "No remediation task of the cycle is past its due date and still open.",
};
const PROCEDURES: Rule = Rule {
    id: "compliance.procedures-approved",
    item: Some(ChecklistItem::ProcessesDocumented),
    summary: "Every process in scope has a PROCEDURE document with an APPROVED version.",
};

/// Item 1: assessed clauses, planned gaps, tasks on time.
pub struct GapAnalysisRules;

impl AreaRules for GapAnalysisRules {
    fn rules(&self) -> &'static [Rule] {
        &[ASSESSED, GAPS_PLANNED, TASKS_ON_TIME]
    }

    fn evaluate<'a>(&'a self, input: &'a Input<'a>) -> BoxFuture<'a, AppResult<Findings>> {
        gap_analysis(input).boxed()
    }
}

/// Four statements: the clauses, their assessments, their open task counts, the overdue tasks.
async fn gap_analysis(input: &Input<'_>) -> AppResult<Findings> {
    let (db, scope, cycle) = (input.db, input.scope, input.cycle);
    let frameworks = scope
        .select::<cycle_framework::Entity>()
        .filter(cycle_framework::Column::CycleId.eq(cycle.id))
        .select_only()
        .column(cycle_framework::Column::FrameworkId)
        .into_query();
    let clauses: Vec<(Uuid, String, String)> = scope
        .select::<Clause>()
        .filter(clause::Column::Assessable.eq(true))
        .filter(clause::Column::FrameworkId.in_subquery(frameworks))
        .select_only()
        .columns([
            clause::Column::Id,
            clause::Column::Number,
            clause::Column::Title,
        ])
        .order_by_asc(clause::Column::FrameworkId)
        .order_by_asc(clause::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    let statuses: HashMap<Uuid, AssessmentStatus> = scope
        .select::<clause_assessment::Entity>()
        .filter(clause_assessment::Column::CycleId.eq(cycle.id))
        .select_only()
        .columns([
            clause_assessment::Column::ClauseId,
            clause_assessment::Column::Status,
        ])
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let planned: HashSet<Uuid> = scope
        .select::<task_clause::Entity>()
        .filter(
            task_clause::Column::TaskId.in_subquery(
                scope
                    .select::<Task>()
                    .filter(remediation_task::Column::CycleId.eq(cycle.id))
                    .filter(remediation_task::Column::Status.ne(TaskStatus::Cancelled))
                    .select_only()
                    .column(remediation_task::Column::Id)
                    .into_query(),
            ),
        )
        .select_only()
        .column(task_clause::Column::ClauseId)
        .distinct()
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let overdue = scope
        .select::<Task>()
        .filter(remediation_task::Column::CycleId.eq(cycle.id))
        .filter(remediation_task::Column::Status.is_in([TaskStatus::Open, TaskStatus::InProgress]))
        .filter(remediation_task::Column::DueDate.lt(input.today))
        .order_by_asc(remediation_task::Column::DueDate)
        .all(db)
        .await?;

    let mut findings = Findings::default();
    if clauses.is_empty() {
        findings.check(&ASSESSED, RecordRef::of::<Cycle>(cycle.id), false);
        findings.block(
            &ASSESSED,
            RecordRef::of::<Cycle>(cycle.id),
            "The cycle plans against no framework with assessable clauses: add one with updateCycle(frameworkIds).".into(),
        );
    }
    for (id, number, title) in &clauses {
        let record = RecordRef::of::<Clause>(*id);
        let status = statuses
            .get(id)
            .copied()
            .unwrap_or(AssessmentStatus::NotAssessed);
        findings.check(
            &ASSESSED,
            record.clone(),
            status != AssessmentStatus::NotAssessed,
        );
        if matches!(status, AssessmentStatus::Gap | AssessmentStatus::Partial) {
            let has_task = planned.contains(id);
            findings.check(&GAPS_PLANNED, record.clone(), has_task);
            if status == AssessmentStatus::Gap && !has_task {
                findings.block(
                    &GAPS_PLANNED,
                    record,
                    format!(
                        "Clause {number} ({title}) is assessed GAP and no remediation task closes it: plan one with createRemediationTask(clauseIds)."
                    ),
                );
            }
        }
    }
    for task in overdue {
        let due = task.due_date.map(|d| d.to_string()).unwrap_or_default();
        findings.block(
            &TASKS_ON_TIME,
            RecordRef::of::<Task>(task.id),
            format!(
                "Remediation task \"{}\" was due on {due} and is still {}: finish it, or move its due date with updateRemediationTask.",
                task.title,
                status_name(task.status)
            ),
        );
    }
    Ok(findings)
}

fn status_name(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Open => "OPEN",
        TaskStatus::InProgress => "IN_PROGRESS",
        TaskStatus::Done => "DONE",
        TaskStatus::Cancelled => "CANCELLED",
    }
}

/// Item 2's documentation: an approved procedure per process in scope.
pub struct ProcedureRules;

impl AreaRules for ProcedureRules {
    fn rules(&self) -> &'static [Rule] {
        &[PROCEDURES]
    }

    fn evaluate<'a>(&'a self, input: &'a Input<'a>) -> BoxFuture<'a, AppResult<Findings>> {
        procedures(input).boxed()
    }
}

/// One statement: the processes in scope with an approved procedure.
async fn procedures(input: &Input<'_>) -> AppResult<Findings> {
    let mut findings = Findings::default();
    if input.processes.is_empty() {
        // The portfolio's rules already say that the scope holds no process.
        return Ok(findings);
    }
    let approved: HashSet<Uuid> = input
        .scope
        .select::<document::Entity>()
        .filter(document::Column::Kind.eq(DocumentKind::Procedure))
        .filter(document::Column::Status.eq(document::DocumentStatus::Active))
        .filter(document::Column::ProcessId.is_in(input.processes.iter().copied()))
        .filter(
            document::Column::Id.in_subquery(
                input
                    .scope
                    .select::<document_version::Entity>()
                    .filter(document_version::Column::State.eq(VersionState::Approved))
                    .select_only()
                    .column(document_version::Column::DocumentId)
                    .into_query(),
            ),
        )
        .select_only()
        .column(document::Column::ProcessId)
        .distinct()
        .into_tuple::<Option<Uuid>>()
        .all(input.db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    for process in input.processes {
        findings.check(
            &PROCEDURES,
            RecordRef::of::<Process>(*process),
            approved.contains(process),
        );
    }
    Ok(findings)
}

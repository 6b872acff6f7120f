//! The evidence area's readiness rule: every process in the cycle's scope has recent evidence
//! that has not expired (checklist item 3; the KPIs add the reporting half).

use std::collections::HashSet;

use entity::{evidence, evidence_process, process};
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, Condition, QueryFilter, QuerySelect, sea_query::Query};
use uuid::Uuid;

use super::freshness;
use crate::{
    error::AppResult,
    readiness::rules::{AreaRules, ChecklistItem, Findings, Input, RecordRef, Rule},
};

const EVIDENCED: Rule = Rule {
    id: "evidence.processes-evidenced",
    item: Some(ChecklistItem::EvidenceAndReporting),
    summary: "Every process in the cycle's scope has evidence collected recently that has not expired.",
};

/// Recent evidence of the processes in scope.
pub struct EvidenceRules;

impl AreaRules for EvidenceRules {
    fn rules(&self) -> &'static [Rule] {
        &[EVIDENCED]
    }

    fn evaluate<'a>(&'a self, input: &'a Input<'a>) -> BoxFuture<'a, AppResult<Findings>> {
        evidenced(input).boxed()
    }
}

/// Three statements: the processes in scope with recent, valid evidence, those with any
/// evidence, and their codes and names.
async fn evidenced(input: &Input<'_>) -> AppResult<Findings> {
    let mut findings = Findings::default();
    if input.processes.is_empty() {
        return Ok(findings);
    }
    let in_scope = || input.processes.iter().copied();
    let settings = &input.config.evidence;
    let since = freshness::recent_since(input.today, settings.evidence_recent_days);
    let recent = Query::select()
        .column(evidence::Column::Id)
        .from(evidence::Entity)
        .and_where(evidence::Column::OrganizationId.eq(input.scope.organization_id))
        .and_where(
            evidence::Column::CollectedAt.gte(since.and_time(chrono::NaiveTime::MIN).and_utc()),
        )
        .cond_where(
            Condition::any()
                .add(evidence::Column::ValidUntil.is_null())
                .add(evidence::Column::ValidUntil.gte(input.today)),
        )
        .to_owned();
    let linked = || {
        input
            .scope
            .select::<evidence_process::Entity>()
            .filter(evidence_process::Column::ProcessId.is_in(in_scope()))
            .select_only()
            .column(evidence_process::Column::ProcessId)
            .distinct()
    };
    let evidenced: HashSet<Uuid> = linked()
        .filter(evidence_process::Column::EvidenceId.in_subquery(recent))
        .into_tuple::<Uuid>()
        .all(input.db)
        .await?
        .into_iter()
        .collect();
    let with_any: HashSet<Uuid> = linked()
        .into_tuple::<Uuid>()
        .all(input.db)
        .await?
        .into_iter()
        .collect();
    let names: Vec<(Uuid, String, String)> = input
        .scope
        .select::<process::Entity>()
        .filter(process::Column::Id.is_in(in_scope()))
        .select_only()
        .columns([
            process::Column::Id,
            process::Column::Code,
            process::Column::Name,
        ])
        .into_tuple()
        .all(input.db)
        .await?;
    for (id, code, name) in names {
        let record = RecordRef::of::<process::Entity>(id);
        let met = evidenced.contains(&id);
        findings.check(&EVIDENCED, record.clone(), met);
        // Stale or expired evidence counts against the item; no evidence at all blocks.
        if !with_any.contains(&id) {
            findings.block(
                &EVIDENCED,
                record,
                format!(
                    "Process {code} ({name}) has no evidence: add some with createEvidence(processIds)."
                ),
            );
        }
    }
    Ok(findings)
}

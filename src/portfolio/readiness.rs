//! The portfolio's readiness rules: the processes in scope have an owner and exactly one
//! Accountable (checklist item 2).

use std::collections::HashMap;

use entity::{RaciRole, process, raci_assignment};
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::{
    error::AppResult,
    readiness::rules::{AreaRules, ChecklistItem, Findings, Input, RecordRef, Rule},
};

type Cycle = entity::certification_cycle::Entity;
type Process = entity::process::Entity;

const OWNED: Rule = Rule {
    id: "portfolio.processes-owned",
    item: Some(ChecklistItem::ProcessesDocumented),
    summary: "Every process in the cycle's scope has an owner.",
};
const ACCOUNTABLE: Rule = Rule {
    id: "portfolio.processes-accountable",
    item: Some(ChecklistItem::ProcessesDocumented),
    summary: "Every process in the cycle's scope has exactly one Accountable in its RACI.",
};

/// Owners and Accountables of the processes in scope.
pub struct ProcessRules;

impl AreaRules for ProcessRules {
    fn rules(&self) -> &'static [Rule] {
        &[OWNED, ACCOUNTABLE]
    }

    fn evaluate<'a>(&'a self, input: &'a Input<'a>) -> BoxFuture<'a, AppResult<Findings>> {
        processes(input).boxed()
    }
}

/// Two statements: the processes, and their Accountables counted.
async fn processes(input: &Input<'_>) -> AppResult<Findings> {
    let mut findings = Findings::default();
    if input.processes.is_empty() {
        let cycle = RecordRef::of::<Cycle>(input.cycle.id);
        findings.check(&OWNED, cycle.clone(), false);
        findings.block(
            &OWNED,
            cycle,
            "The cycle's scope holds no process: add the processes it certifies with updateCycle(processIds).".into(),
        );
        return Ok(findings);
    }
    let in_scope = || input.processes.iter().copied();
    let rows: HashMap<Uuid, (String, String, Option<Uuid>)> = input
        .scope
        .select::<Process>()
        .filter(process::Column::Id.is_in(in_scope()))
        .select_only()
        .columns([
            process::Column::Id,
            process::Column::Code,
            process::Column::Name,
            process::Column::OwnerId,
        ])
        .into_tuple::<(Uuid, String, String, Option<Uuid>)>()
        .all(input.db)
        .await?
        .into_iter()
        .map(|(id, code, name, owner)| (id, (code, name, owner)))
        .collect();
    let accountables: HashMap<Uuid, i64> = input
        .scope
        .select::<raci_assignment::Entity>()
        .filter(raci_assignment::Column::ProcessId.is_in(in_scope()))
        .filter(raci_assignment::Column::RaciRole.eq(RaciRole::Accountable))
        .select_only()
        .column(raci_assignment::Column::ProcessId)
        .column_as(raci_assignment::Column::Id.count(), "accountables")
        .group_by(raci_assignment::Column::ProcessId)
        .into_tuple()
        .all(input.db)
        .await?
        .into_iter()
        .collect();
    for id in in_scope() {
        let Some((code, name, owner)) = rows.get(&id) else {
            continue;
        };
        let record = RecordRef::of::<Process>(id);
        findings.check(&OWNED, record.clone(), owner.is_some());
        if owner.is_none() {
            findings.block(
                &OWNED,
                record.clone(),
                format!(
                    "Process {code} ({name}) has no owner: name one with updateProcess(ownerId)."
                ),
            );
        }
        let count = accountables.get(&id).copied().unwrap_or(0);
        findings.check(&ACCOUNTABLE, record.clone(), count == 1);
        if count == 0 {
            findings.block(
                &ACCOUNTABLE,
                record,
                format!(
                    "Process {code} ({name}) has no Accountable: assign one with assignRaci(role: ACCOUNTABLE)."
                ),
            );
        }
    }
    Ok(findings)
}

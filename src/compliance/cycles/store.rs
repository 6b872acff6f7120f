//! Database access and rules for certification cycles.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::{
    LifecycleStatus, certification_cycle,
    certification_cycle::{CycleStatus, PdcaPhase},
    cycle_framework, cycle_objective, cycle_phase_entry, cycle_process, cycle_service, framework,
    person, process, service,
};
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Serialize;
use uuid::Uuid;

use super::lifecycle;
use crate::{
    error::{AppError, AppResult},
    record::Record,
    store::{self, Change, Edit, Unique},
    tenancy::Scope,
    validation::{Line, Name, Required, Text},
};

/// An objective as the client gives it.
pub struct NewObjective {
    pub description: Required<1000>,
    pub target: Option<Required<500>>,
}

/// A cycle as parsed from the client's input.
pub struct NewCycle {
    pub name: Name,
    pub scope_statement: Text,
    pub sponsor_id: Option<Uuid>,
    pub target_date: Option<NaiveDate>,
    pub framework_ids: Vec<Uuid>,
    pub service_ids: Vec<Uuid>,
    pub process_ids: Vec<Uuid>,
    pub objectives: Vec<NewObjective>,
    /// The earlier cycle whose scope, frameworks and objectives still apply.
    pub carry_over_from: Option<Uuid>,
}

/// Changes to a cycle; `None` leaves a field as it is, `Some(None)` clears it. A list given
/// replaces the cycle's list, and counts as re-confirmed.
#[derive(Default)]
pub struct CyclePatch {
    pub name: Option<Name>,
    pub scope_statement: Option<Text>,
    pub sponsor_id: Option<Option<Uuid>>,
    pub target_date: Option<Option<NaiveDate>>,
    pub framework_ids: Option<Vec<Uuid>>,
    pub service_ids: Option<Vec<Uuid>>,
    pub process_ids: Option<Vec<Uuid>>,
    pub objectives: Option<Vec<NewObjective>>,
}

/// A move to another PDCA phase.
pub struct PhaseMove {
    pub phase: PdcaPhase,
    pub note: Line,
}

/// A change of status, and why.
pub struct StatusChange {
    pub status: CycleStatus,
    pub reason: Line,
}

const UNIQUE: &[Unique] = &[Unique {
    index: "ux_certification_cycle_org_name",
    columns: "certification_cycle.organization_id, certification_cycle.name",
    field: "input.name",
    message: "another cycle of this organization has this name",
}];

/// A cycle as the audit trail keeps it: the row with its frameworks, scope and objectives, so
/// that a change of any of them shows in before and after.
#[derive(Serialize, PartialEq)]
struct Snapshot {
    #[serde(flatten)]
    cycle: certification_cycle::Model,
    framework_ids: Vec<Uuid>,
    /// Service id to whether it is carried over.
    services: BTreeMap<Uuid, bool>,
    processes: BTreeMap<Uuid, bool>,
    objectives: Vec<cycle_objective::Model>,
}

impl Snapshot {
    async fn read(change: &Change, cycle: certification_cycle::Model) -> AppResult<Self> {
        let scope = Scope::from(change.actor());
        let id = cycle.id;
        let framework_ids = scope
            .select::<cycle_framework::Entity>()
            .filter(cycle_framework::Column::CycleId.eq(id))
            .order_by_asc(cycle_framework::Column::FrameworkId)
            .all(change.db())
            .await?
            .into_iter()
            .map(|link| link.framework_id)
            .collect();
        let services = scope
            .select::<cycle_service::Entity>()
            .filter(cycle_service::Column::CycleId.eq(id))
            .all(change.db())
            .await?
            .into_iter()
            .map(|item| (item.service_id, item.carried_over))
            .collect();
        let processes = scope
            .select::<cycle_process::Entity>()
            .filter(cycle_process::Column::CycleId.eq(id))
            .all(change.db())
            .await?
            .into_iter()
            .map(|item| (item.process_id, item.carried_over))
            .collect();
        let objectives = scope
            .select::<cycle_objective::Entity>()
            .filter(cycle_objective::Column::CycleId.eq(id))
            .order_by_asc(cycle_objective::Column::Position)
            .all(change.db())
            .await?;
        Ok(Self {
            cycle,
            framework_ids,
            services,
            processes,
            objectives,
        })
    }

    /// Writes the lists that differ from `before`'s (all of them for a new cycle).
    async fn write_lists(&self, change: &Change, before: Option<&Self>) -> AppResult<()> {
        let (id, organization_id) = (self.cycle.id, self.cycle.organization_id);
        if before.is_none_or(|b| b.framework_ids != self.framework_ids) {
            let links = self
                .framework_ids
                .iter()
                .map(|&framework_id| cycle_framework::Model {
                    cycle_id: id,
                    framework_id,
                    organization_id,
                });
            store::replace_links::<cycle_framework::Entity>(
                change,
                cycle_framework::Column::CycleId,
                id,
                links.collect(),
            )
            .await?;
        }
        if before.is_none_or(|b| b.services != self.services) {
            let items =
                self.services
                    .iter()
                    .map(|(&service_id, &carried_over)| cycle_service::Model {
                        id: Uuid::now_v7(),
                        organization_id,
                        cycle_id: id,
                        service_id,
                        carried_over,
                    });
            store::replace_links::<cycle_service::Entity>(
                change,
                cycle_service::Column::CycleId,
                id,
                items.collect(),
            )
            .await?;
        }
        if before.is_none_or(|b| b.processes != self.processes) {
            let items =
                self.processes
                    .iter()
                    .map(|(&process_id, &carried_over)| cycle_process::Model {
                        id: Uuid::now_v7(),
                        organization_id,
                        cycle_id: id,
                        process_id,
                        carried_over,
                    });
            store::replace_links::<cycle_process::Entity>(
                change,
                cycle_process::Column::CycleId,
                id,
                items.collect(),
            )
            .await?;
        }
        if before.is_none_or(|b| b.objectives != self.objectives) {
            store::replace_links::<cycle_objective::Entity>(
                change,
                cycle_objective::Column::CycleId,
                id,
                self.objectives.clone(),
            )
            .await?;
        }
        Ok(())
    }
}

/// A cycle's objectives, in the order given, none carried over.
fn objectives(
    cycle: &certification_cycle::Model,
    given: Vec<NewObjective>,
) -> Vec<cycle_objective::Model> {
    given
        .into_iter()
        .enumerate()
        .map(|(position, objective)| cycle_objective::Model {
            id: Uuid::now_v7(),
            organization_id: cycle.organization_id,
            cycle_id: cycle.id,
            description: objective.description.into(),
            target: objective.target.map(Into::into),
            position: position as i32,
            carried_over: false,
        })
        .collect()
}

/// Whether the cycle still takes changes: only an ACTIVE one does.
fn must_be_active(cycle: &certification_cycle::Model) -> AppResult<()> {
    if cycle.status == CycleStatus::Active {
        return Ok(());
    }
    Err(AppError::bad_input(
        "input.id",
        format!(
            "the cycle is {} and final: create a new cycle from it instead",
            lifecycle::status_name(cycle.status)
        ),
    ))
}

/// Appends a phase entry: the cycle entered `phase` now, by the caller.
async fn enter_phase(
    change: &Change,
    cycle: &certification_cycle::Model,
    phase: PdcaPhase,
    note: String,
) -> AppResult<()> {
    let actor = change.actor();
    let entry = cycle_phase_entry::Model {
        id: Uuid::now_v7(),
        organization_id: cycle.organization_id,
        cycle_id: cycle.id,
        phase,
        entered_at: cycle.updated_at,
        entered_by: actor.subject.clone(),
        person_id: actor.person_id,
        note,
    };
    store::insert_row::<cycle_phase_entry::Entity>(change, entry, &[]).await
}

/// Creates a cycle in the PLAN phase. From an earlier cycle, it takes that cycle's frameworks
/// (unless others are given), its services still in the portfolio and processes still
/// applicable, and its objectives, each marked carried over unless the input names it too.
pub async fn create(change: &mut Change, new: NewCycle) -> AppResult<certification_cycle::Model> {
    store::must_exist::<person::Entity>(change, new.sponsor_id).await?;
    let earlier = match new.carry_over_from {
        Some(id) => {
            let cycle = Scope::from(change.actor())
                .find::<certification_cycle::Entity>(change.db(), id)
                .await?;
            Some(Snapshot::read(change, cycle).await?)
        }
        None => None,
    };
    let mut framework_ids =
        store::existing::<framework::Entity>(change, &new.framework_ids).await?;
    let service_ids = store::existing::<service::Entity>(change, &new.service_ids).await?;
    let process_ids = store::existing::<process::Entity>(change, &new.process_ids).await?;
    if framework_ids.is_empty() {
        framework_ids = earlier
            .as_ref()
            .map(|e| e.framework_ids.clone())
            .unwrap_or_default();
    }
    if framework_ids.is_empty() {
        return Err(AppError::bad_input(
            "input.frameworkIds",
            "a cycle plans against at least one framework",
        ));
    }
    let now = store::now();
    let cycle = certification_cycle::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name: new.name.into(),
        scope_statement: new.scope_statement.into(),
        sponsor_id: new.sponsor_id,
        target_date: new.target_date,
        status: CycleStatus::Active,
        status_reason: String::new(),
        phase: PdcaPhase::Plan,
        carried_over_from_id: new.carry_over_from,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut services: BTreeMap<Uuid, bool> = BTreeMap::new();
    let mut processes: BTreeMap<Uuid, bool> = BTreeMap::new();
    let mut carried_objectives = Vec::new();
    if let Some(earlier) = &earlier {
        let still_served = still_applying::<service::Entity>(
            change,
            earlier.services.keys().copied(),
            service::Column::LifecycleStatus.ne(LifecycleStatus::Retired),
        )
        .await?;
        services.extend(still_served.into_iter().map(|id| (id, true)));
        let still_applicable = still_applying::<process::Entity>(
            change,
            earlier.processes.keys().copied(),
            process::Column::Applicable.eq(true),
        )
        .await?;
        processes.extend(still_applicable.into_iter().map(|id| (id, true)));
        carried_objectives = earlier
            .objectives
            .iter()
            .map(|objective| cycle_objective::Model {
                id: Uuid::now_v7(),
                cycle_id: cycle.id,
                carried_over: true,
                ..objective.clone()
            })
            .collect();
    }
    services.extend(service_ids.into_iter().map(|id| (id, false)));
    processes.extend(process_ids.into_iter().map(|id| (id, false)));
    let mut objectives = carried_objectives;
    objectives.extend(self::objectives(&cycle, new.objectives));
    for (position, objective) in objectives.iter_mut().enumerate() {
        objective.position = position as i32;
    }
    store::insert_row::<certification_cycle::Entity>(change, cycle.clone(), UNIQUE).await?;
    let after = Snapshot {
        cycle: cycle.clone(),
        framework_ids,
        services,
        processes,
        objectives,
    };
    after.write_lists(change, None).await?;
    enter_phase(change, &cycle, PdcaPhase::Plan, String::new()).await?;
    change
        .record_snapshot::<certification_cycle::Entity, _>(
            "cycle.create",
            cycle.id,
            None,
            Some(&after),
        )
        .await?;
    Ok(cycle)
}

/// Of `ids`, the rows of `E` that still match `condition` (a service not retired, a process
/// still applicable): what an earlier cycle's scope carries over.
async fn still_applying<E: Record>(
    change: &Change,
    ids: impl IntoIterator<Item = Uuid>,
    condition: impl sea_orm::sea_query::IntoCondition,
) -> AppResult<Vec<Uuid>> {
    let rows = Scope::from(change.actor())
        .select_ids::<E>(ids)
        .filter(condition)
        .select_only()
        .column(E::id_column())
        .into_tuple::<Uuid>()
        .all(change.db())
        .await?;
    Ok(rows)
}

/// Saves a cycle's row and lists over `before`, with one audit entry showing both.
async fn save(
    change: &mut Change,
    action: &str,
    before: Snapshot,
    mut after: Snapshot,
) -> AppResult<certification_cycle::Model> {
    after.cycle =
        store::write::<certification_cycle::Entity>(change, &before.cycle, after.cycle, UNIQUE)
            .await?;
    after.write_lists(change, Some(&before)).await?;
    change
        .record_snapshot::<certification_cycle::Entity, _>(
            action,
            before.cycle.id,
            Some(&before),
            Some(&after),
        )
        .await?;
    Ok(after.cycle)
}

/// The cycle of `edit` as it is now, with its lists, if it still takes changes.
async fn current(change: &Change, id: Uuid, expected_version: Option<i32>) -> AppResult<Snapshot> {
    let cycle =
        store::find_current::<certification_cycle::Entity>(change, id, expected_version).await?;
    must_be_active(&cycle)?;
    Snapshot::read(change, cycle).await
}

/// Changes an ACTIVE cycle.
pub async fn update(
    change: &mut Change,
    edit: Edit<CyclePatch>,
) -> AppResult<certification_cycle::Model> {
    let before = current(change, edit.id, edit.expected_version).await?;
    let patch = edit.patch;
    let mut cycle = before.cycle.clone();
    store::set(&mut cycle.name, patch.name);
    store::set(&mut cycle.scope_statement, patch.scope_statement);
    if let Some(sponsor) = patch.sponsor_id {
        store::must_exist::<person::Entity>(change, sponsor).await?;
        cycle.sponsor_id = sponsor;
    }
    store::set_or_clear(&mut cycle.target_date, patch.target_date);
    let framework_ids = match patch.framework_ids {
        Some(ids) => store::existing::<framework::Entity>(change, &ids).await?,
        None => before.framework_ids.clone(),
    };
    let confirmed = |ids: Vec<Uuid>| ids.into_iter().map(|id| (id, false)).collect();
    let services = match patch.service_ids {
        Some(ids) => confirmed(store::existing::<service::Entity>(change, &ids).await?),
        None => before.services.clone(),
    };
    let processes = match patch.process_ids {
        Some(ids) => confirmed(store::existing::<process::Entity>(change, &ids).await?),
        None => before.processes.clone(),
    };
    let objectives = match patch.objectives {
        Some(given) => objectives(&cycle, given),
        None => before.objectives.clone(),
    };
    if framework_ids.is_empty() {
        return Err(AppError::bad_input(
            "input.frameworkIds",
            "a cycle plans against at least one framework",
        ));
    }
    let after = Snapshot {
        cycle,
        framework_ids,
        services,
        processes,
        objectives,
    };
    save(change, "cycle.update", before, after).await
}

/// Re-confirms everything carried over from the earlier cycle, as it stands.
pub async fn confirm_carry_over(
    change: &mut Change,
    edit: Edit<()>,
) -> AppResult<certification_cycle::Model> {
    let before = current(change, edit.id, edit.expected_version).await?;
    let confirm = |items: &BTreeMap<Uuid, bool>| items.keys().map(|id| (*id, false)).collect();
    let after = Snapshot {
        cycle: before.cycle.clone(),
        framework_ids: before.framework_ids.clone(),
        services: confirm(&before.services),
        processes: confirm(&before.processes),
        objectives: before
            .objectives
            .iter()
            .map(|objective| cycle_objective::Model {
                carried_over: false,
                ..objective.clone()
            })
            .collect(),
    };
    save(change, "cycle.confirm_carry_over", before, after).await
}

/// Moves an ACTIVE cycle to another PDCA phase, as [`lifecycle::may_enter`] allows, and records
/// the phase entered.
pub async fn move_phase(
    change: &mut Change,
    edit: Edit<PhaseMove>,
) -> AppResult<certification_cycle::Model> {
    let before = current(change, edit.id, edit.expected_version).await?;
    let PhaseMove { phase, note } = edit.patch;
    let from = before.cycle.phase;
    if !lifecycle::may_enter(from, phase) {
        return Err(AppError::bad_input(
            "input.phase",
            format!(
                "a cycle in {} moves to {}, not to {}",
                lifecycle::name(from),
                lifecycle::next_phases(from).join(" or "),
                lifecycle::name(phase)
            ),
        ));
    }
    let after = Snapshot {
        cycle: certification_cycle::Model {
            phase,
            ..before.cycle.clone()
        },
        framework_ids: before.framework_ids.clone(),
        services: before.services.clone(),
        processes: before.processes.clone(),
        objectives: before.objectives.clone(),
    };
    let cycle = save(change, "cycle.enter_phase", before, after).await?;
    enter_phase(change, &cycle, phase, note.into()).await?;
    Ok(cycle)
}

/// Certifies or abandons an ACTIVE cycle, as [`lifecycle::status_refusal`] allows.
pub async fn set_status(
    change: &mut Change,
    edit: Edit<StatusChange>,
) -> AppResult<certification_cycle::Model> {
    let cycle =
        store::find_current::<certification_cycle::Entity>(change, edit.id, edit.expected_version)
            .await?;
    let StatusChange { status, reason } = edit.patch;
    if let Some(refusal) = lifecycle::status_refusal(cycle.status, status, cycle.phase) {
        return Err(AppError::bad_input("input.status", refusal));
    }
    let before = Snapshot::read(change, cycle).await?;
    let after = Snapshot {
        cycle: certification_cycle::Model {
            status,
            status_reason: reason.into(),
            ..before.cycle.clone()
        },
        framework_ids: before.framework_ids.clone(),
        services: before.services.clone(),
        processes: before.processes.clone(),
        objectives: before.objectives.clone(),
    };
    let action = match status {
        CycleStatus::Certified => "cycle.certify",
        _ => "cycle.abandon",
    };
    save(change, action, before, after).await
}

/// Filters of the cycle list.
#[derive(Default)]
pub struct CycleFilter {
    pub status: Option<CycleStatus>,
    pub phase: Option<PdcaPhase>,
    pub search: Option<String>,
}

/// The organization's cycles matching `filter`.
pub fn select(scope: Scope, filter: CycleFilter) -> AppResult<Select<certification_cycle::Entity>> {
    let search = crate::search::contains_opt(
        filter.search,
        &[
            certification_cycle::Column::Name,
            certification_cycle::Column::ScopeStatement,
        ],
    )?;
    Ok(scope.select::<certification_cycle::Entity>().filter(
        Condition::all()
            .add_option(search)
            .add_option(
                filter
                    .status
                    .map(|s| certification_cycle::Column::Status.eq(s)),
            )
            .add_option(
                filter
                    .phase
                    .map(|p| certification_cycle::Column::Phase.eq(p)),
            ),
    ))
}

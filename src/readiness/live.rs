//! Readiness pushed live: after changes, each affected cycle's readiness is recomputed once
//! per burst, recorded when it moved (by the replica that made the change) and pushed to the
//! cycle's subscribers when it moved.
//!
//! Each cycle with subscribers has one `watch` channel: a subscriber holds a receiver, which
//! keeps only the latest value, so a slow subscriber skips values it has not read yet instead
//! of queueing them, and nobody waits for it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use chrono::{DateTime, NaiveTime, Utc};
use entity::{certification_cycle, certification_cycle::CycleStatus};
use sea_orm::{ColumnTrait, QueryFilter};
use tokio::sync::{
    broadcast::error::{RecvError, TryRecvError},
    watch,
};
use uuid::Uuid;

use super::{
    evaluate::{self, Readiness},
    history,
    rules::ChecklistItem,
};
use crate::{error::AppResult, events::BusEvent, state::AppState, tenancy::Scope};

/// The least time between two recomputations. The first change after a quiet spell is
/// recomputed at once, so that a single edit reaches screens without waiting; the changes that
/// follow within this time are gathered into the next recomputation, so that a burst (an
/// import, a script) costs one or two, and its last state is pushed within this time of it.
pub const COALESCE: Duration = Duration::from_millis(100);

/// A new readiness of a cycle, with what moved since the one before.
#[derive(Clone, Debug)]
pub struct ReadinessChange {
    pub readiness: Arc<Readiness>,
    /// The items whose state or fraction moved.
    pub moved: Vec<ChecklistItem>,
    /// The score before.
    pub previous_score: i32,
    /// Pushed after changes may have been missed (the replicas' channel was down): the value
    /// is recomputed, and what a screen keeps besides should be fetched again.
    pub refetch: bool,
}

/// A cycle someone subscribes to.
struct Watched {
    organization_id: Uuid,
    /// The readiness last computed; `None` until the first (the baseline, not pushed).
    latest: Option<Arc<Readiness>>,
    /// What subscribers receive: the latest change only.
    changes: watch::Sender<Option<ReadinessChange>>,
}

/// Cycles with subscribers, and their latest readiness.
#[derive(Default)]
pub struct ReadinessHub {
    cycles: Mutex<HashMap<Uuid, Watched>>,
}

impl ReadinessHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Watched>> {
        self.cycles.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A receiver of `cycle`'s changes (the cycle already checked to be the caller's).
    pub fn subscribe(
        &self,
        cycle: &certification_cycle::Model,
    ) -> watch::Receiver<Option<ReadinessChange>> {
        self.lock()
            .entry(cycle.id)
            .or_insert_with(|| Watched {
                organization_id: cycle.organization_id,
                latest: None,
                changes: watch::channel(None).0,
            })
            .changes
            .subscribe()
    }

    /// Whether `cycle` has a baseline to compare the next readiness with.
    pub fn is_seeded(&self, cycle: Uuid) -> bool {
        self.lock().get(&cycle).is_some_and(|w| w.latest.is_some())
    }

    /// Gives `cycle` its baseline if it has none yet (a first subscriber computed it).
    pub fn seed(&self, readiness: Arc<Readiness>) {
        if let Some(watched) = self.lock().get_mut(&readiness.cycle.id) {
            watched.latest.get_or_insert(readiness);
        }
    }

    /// The organizations and cycles with subscribers; cycles nobody watches any more are
    /// forgotten.
    fn watched(&self) -> Vec<(Uuid, Uuid)> {
        let mut cycles = self.lock();
        cycles.retain(|_, watched| watched.changes.receiver_count() > 0);
        cycles
            .iter()
            .map(|(cycle, watched)| (watched.organization_id, *cycle))
            .collect()
    }

    /// Takes `readiness` as the cycle's latest and pushes it if it moved (or on `refetch`).
    fn offer(&self, readiness: Arc<Readiness>, refetch: bool) {
        let mut cycles = self.lock();
        let Some(watched) = cycles.get_mut(&readiness.cycle.id) else {
            return;
        };
        let Some(previous) = watched.latest.replace(readiness.clone()) else {
            return;
        };
        if previous.summary == readiness.summary && !refetch {
            return;
        }
        let change = ReadinessChange {
            moved: readiness.summary.moved_items(Some(&*previous.summary)),
            previous_score: previous.summary.score,
            readiness,
            refetch,
        };
        watched.changes.send_replace(Some(change));
    }
}

/// What one pass recomputes: organizations, and whether their changes were made here.
#[derive(Default)]
struct Pending {
    organizations: HashMap<Uuid, bool>,
    /// Changes may have been missed: every watched cycle is recomputed and pushed.
    resync: bool,
    /// A new day (UTC) began: what falls due by date (overdue tasks, expired evidence) may
    /// have moved every watched cycle, which is recomputed and pushed if it moved.
    new_day: bool,
}

/// Recomputes readiness after changes, until the bus closes.
pub async fn run(state: AppState) {
    let mut events = state.bus.subscribe();
    // Baselines of new subscriptions, checked at each pass and on a short tick.
    let mut tick = tokio::time::interval(COALESCE);
    let mut last_pass = tokio::time::Instant::now();
    let mut new_day = Box::pin(tokio::time::sleep(until_next_day(Utc::now())));
    loop {
        let mut pending = Pending::default();
        tokio::select! {
            event = events.recv() => {
                if !note(&mut pending, event) {
                    return;
                }
            }
            _ = tick.tick() => {}
            () = &mut new_day => {
                pending.new_day = true;
                new_day.set(tokio::time::sleep(until_next_day(Utc::now())));
            }
        }
        if !pending.organizations.is_empty() || pending.resync {
            // The events already sent (one mutation publishes all of its own at once), and the
            // rest of the burst while the last pass is less than COALESCE ago.
            loop {
                match events.try_recv() {
                    Ok(event) => note(&mut pending, Ok(event)),
                    Err(TryRecvError::Lagged(missed)) => {
                        note(&mut pending, Err(RecvError::Lagged(missed)))
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Closed) => return,
                };
            }
            let until = last_pass + COALESCE;
            while tokio::time::Instant::now() < until {
                tokio::select! {
                    () = tokio::time::sleep_until(until) => break,
                    event = events.recv() => {
                        if !note(&mut pending, event) {
                            return;
                        }
                    }
                }
            }
            // Only a pass after changes spaces the next one; the tick's baselines do not.
            last_pass = tokio::time::Instant::now();
        }
        if let Err(error) = pass(&state, &pending).await {
            tracing::warn!(
                ?error,
                "readiness could not be recomputed; the next change retries"
            );
        }
    }
}

/// Adds `event` to `pending`; false when the bus is gone.
fn note(pending: &mut Pending, event: Result<BusEvent, RecvError>) -> bool {
    match event {
        Ok(BusEvent::Change(change)) => {
            *pending
                .organizations
                .entry(change.entry.organization_id)
                .or_default() |= change.local;
        }
        Ok(BusEvent::Resync) | Err(RecvError::Lagged(_)) => pending.resync = true,
        Err(RecvError::Closed) => return false,
    }
    true
}

/// One recomputation: the active cycles of the changed organizations (recorded when the change
/// was made here), and the watched cycles that are affected or still need a baseline.
async fn pass(state: &AppState, pending: &Pending) -> AppResult<()> {
    let hub = &state.readiness;
    let watched = hub.watched();
    // The cycle (when already read), its organization, and whether to record it.
    type Due = (Option<certification_cycle::Model>, Uuid, bool);
    let mut cycles: HashMap<Uuid, Due> = HashMap::new();
    for (organization, record) in &pending.organizations {
        let active = Scope {
            organization_id: *organization,
        }
        .select::<certification_cycle::Entity>()
        .filter(certification_cycle::Column::Status.eq(CycleStatus::Active))
        .all(&state.db)
        .await?;
        for cycle in active {
            cycles.insert(cycle.id, (Some(cycle), *organization, *record));
        }
    }
    for (organization, cycle) in watched {
        let affected =
            pending.resync || pending.new_day || pending.organizations.contains_key(&organization);
        if affected || !hub.is_seeded(cycle) {
            cycles.entry(cycle).or_insert((None, organization, false));
        }
    }
    for (cycle_id, (cycle, organization, record)) in cycles {
        let scope = Scope {
            organization_id: organization,
        };
        let cycle = match cycle {
            Some(cycle) => cycle,
            // A watched cycle no longer active, or of an organization without changes.
            None => match scope
                .find::<certification_cycle::Entity>(&state.db, cycle_id)
                .await
            {
                Ok(cycle) => cycle,
                // Gone since (deleted with its organization): nothing to push.
                Err(_) => continue,
            },
        };
        let readiness = Arc::new(evaluate::evaluate(state, scope, cycle).await?);
        if record {
            history::record_if_moved(&state.db, &readiness).await?;
        }
        hub.offer(readiness, pending.resync);
    }
    Ok(())
}

/// How long from `now` until just after the next midnight (UTC), when the date that
/// readiness rules compare with (due dates, validity) changes.
fn until_next_day(now: DateTime<Utc>) -> Duration {
    let next = now
        .date_naive()
        .succ_opt()
        .map(|day| day.and_time(NaiveTime::MIN).and_utc());
    next.and_then(|next| (next - now).to_std().ok())
        .map_or(Duration::from_secs(3600), |wait| {
            wait + Duration::from_secs(1)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_day_comes_just_after_midnight_utc() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            until_next_day(at("2026-12-01T23:59:00Z")),
            Duration::from_secs(61)
        );
        assert_eq!(
            until_next_day(at("2026-12-02T00:00:00Z")),
            Duration::from_secs(24 * 3600 + 1)
        );
    }
}

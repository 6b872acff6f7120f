//! GraphQL types, queries and subscription of readiness.

use std::sync::Arc;

use async_graphql::Subscription;
use chrono::Utc;
use entity::certification_cycle;
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::WatchStream;

use super::{
    evaluate::{self, ItemState, Readiness, RecordState, Summary},
    forecast, history,
    live::ReadinessChange,
    rules::{self, ChecklistItem, RecordRef},
};
use crate::{
    compliance::{cycles::graphql::Cycle, remediation::graphql::RemediationTask},
    graphql::{
        cost::whole_organization_complexity, ids::global_id_of, node::MAX_NODE_IDS, prelude::*,
    },
    read_cache::Key,
    schema::Node,
};

/// Most points one `readinessHistory` call returns.
const HISTORY_MAX: i32 = 500;
/// Most records one list of an item returns.
const RECORDS_MAX: i32 = 100;

/// A cycle's readiness: now, or as recorded at a past moment.
#[derive(Clone)]
pub struct CycleReadiness {
    cycle: Arc<certification_cycle::Model>,
    at: chrono::DateTime<Utc>,
    summary: Arc<Summary>,
    /// The heat map and the forecast exist for the present only.
    live: Option<Arc<Readiness>>,
}

impl CycleReadiness {
    fn live(readiness: Arc<Readiness>) -> Self {
        Self {
            cycle: Arc::new(readiness.cycle.clone()),
            at: readiness.evaluated_at,
            summary: readiness.summary.clone(),
            live: Some(readiness),
        }
    }

    fn records(&self, record_type: &str) -> Option<Vec<RecordState>> {
        self.live.as_ref().map(|live| {
            live.records
                .iter()
                .filter(|r| r.record.record_type == record_type)
                .cloned()
                .collect()
        })
    }
}

/// The records `refs` name, as nodes, in their order; null where the record is gone.
async fn nodes(ctx: &Context<'_>, refs: &[RecordRef]) -> AppResult<Vec<Option<Node>>> {
    let ids: Vec<ID> = refs
        .iter()
        .map(|r| global_id_of(&r.record_type, r.id))
        .collect();
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_NODE_IDS) {
        found.extend(crate::schema::load_nodes(ctx, chunk).await?);
    }
    Ok(found)
}

/// The records of a list's `record` fields, read only when the selection asks for them.
async fn nodes_if_selected(ctx: &Context<'_>, refs: &[RecordRef]) -> AppResult<Vec<Option<Node>>> {
    if ctx.look_ahead().field("record").exists() {
        nodes(ctx, refs).await
    } else {
        Ok(vec![None; refs.len()])
    }
}

/// How close a cycle is to its certification audit: the five checklist items, the blockers and
/// a score from 0 to 100 (the items' fractions weighted as `ReadinessItem.weight` says).
#[Object]
impl CycleReadiness {
    /// The cycle.
    async fn cycle(&self) -> Cycle {
        Cycle(self.cycle.clone())
    }
    /// 0 to 100: the sum over the items of weight x fraction, rounded. Items no area evaluates
    /// yet count 0.
    async fn score(&self) -> i32 {
        self.summary.score
    }
    /// Every item MET and no blocker.
    async fn ready(&self) -> bool {
        self.summary.ready()
    }
    /// When this state was computed (now) or recorded (a past state).
    async fn evaluated_at(&self) -> DateTime<Utc> {
        DateTime(self.at)
    }
    /// Whether this is a recorded past state (`readiness(asOf:)`), which has no heat map and no
    /// forecast.
    async fn past(&self) -> bool {
        self.live.is_none()
    }
    /// The five checklist items, in the checklist's order.
    async fn items(&self) -> Vec<ReadinessItem> {
        (0..self.summary.items.len())
            .map(|index| ReadinessItem {
                summary: self.summary.clone(),
                index,
            })
            .collect()
    }
    /// What a certification body would stop on, each naming its rule and record.
    async fn blockers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReadinessBlocker>> {
        let blockers = &self.summary.blockers;
        let refs: Vec<RecordRef> = blockers.iter().map(|b| b.record.clone()).collect();
        let found = nodes_if_selected(ctx, &refs).await?;
        Ok(blockers
            .iter()
            .zip(found)
            .map(|(blocker, record)| ReadinessBlocker {
                rule_id: blocker.rule.clone(),
                record_id: global_id_of(&blocker.record.record_type, blocker.record.id),
                record,
                message: blocker.message.clone(),
            })
            .collect())
    }
    /// Each assessable clause of the cycle's frameworks and how it stands over the rules that
    /// check it, for a heat map; null for a past state.
    async fn clauses(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<RecordReadiness>>> {
        heat_map(
            ctx,
            self.records(<entity::clause::Entity as crate::record::Record>::TYPE),
        )
        .await
    }
    /// Each process in the cycle's scope and how it stands over the rules that check it, for
    /// a heat map; null for a past state.
    async fn processes(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<RecordReadiness>>> {
        heat_map(
            ctx,
            self.records(<entity::process::Entity as crate::record::Record>::TYPE),
        )
        .await
    }
    /// When the cycle is projected to be ready, against its target date; null for a past
    /// state.
    async fn forecast(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ReadinessForecast>> {
        let Some(live) = &self.live else {
            return Ok(None);
        };
        let forecast = forecast::read(&ctx.state().db, ctx.scope()?, live).await?;
        Ok(Some(ReadinessForecast(Arc::new(forecast))))
    }
}

async fn heat_map(
    ctx: &Context<'_>,
    records: Option<Vec<RecordState>>,
) -> async_graphql::Result<Option<Vec<RecordReadiness>>> {
    let Some(records) = records else {
        return Ok(None);
    };
    let refs: Vec<RecordRef> = records.iter().map(|r| r.record.clone()).collect();
    let found = nodes_if_selected(ctx, &refs).await?;
    Ok(Some(
        records
            .into_iter()
            .zip(found)
            .map(|(state, record)| RecordReadiness { state, record })
            .collect(),
    ))
}

/// One checklist item.
pub struct ReadinessItem {
    summary: Arc<Summary>,
    index: usize,
}

impl ReadinessItem {
    fn data(&self) -> &evaluate::Item {
        &self.summary.items[self.index]
    }
}

/// Clamps a list argument to 0..=RECORDS_MAX.
fn first(first: Option<i32>) -> AppResult<usize> {
    match first.unwrap_or(RECORDS_MAX) {
        n @ 0..=RECORDS_MAX => Ok(usize::try_from(n).unwrap_or(0)),
        _ => Err(AppError::bad_input(
            "first",
            format!("`first` must be between 0 and {RECORDS_MAX}"),
        )),
    }
}

/// One item of the readiness checklist.
#[Object]
impl ReadinessItem {
    /// Which item.
    async fn item(&self) -> ChecklistItem {
        self.data().item
    }
    /// MET, PARTIAL (see `fraction`), NOT_MET, or NOT_EVALUATED while no area evaluates it.
    async fn state(&self) -> ItemState {
        self.data().state
    }
    /// Checks met over checks made, 0 to 1.
    async fn fraction(&self) -> f64 {
        self.data().fraction()
    }
    /// Checks met.
    async fn met(&self) -> i32 {
        i32::try_from(self.data().met).unwrap_or(i32::MAX)
    }
    /// Checks made.
    async fn total(&self) -> i32 {
        i32::try_from(self.data().total).unwrap_or(i32::MAX)
    }
    /// Its weight in the score, out of 100.
    async fn weight(&self) -> i32 {
        i32::try_from(rules::weight(self.data().item)).unwrap_or(0)
    }
    /// The rules that evaluate it.
    async fn rules(&self) -> Vec<ReadinessRule> {
        let item = self.data().item;
        rules::all()
            .filter(|r| r.item == Some(item))
            .map(|r| ReadinessRule(*r))
            .collect()
    }
    /// How many records meet every check of the item.
    async fn satisfied_count(&self) -> i32 {
        i32::try_from(self.data().satisfied.len()).unwrap_or(i32::MAX)
    }
    /// How many records miss a check of the item.
    async fn missing_count(&self) -> i32 {
        i32::try_from(self.data().missing.len()).unwrap_or(i32::MAX)
    }
    /// The records that meet every check of the item (the first `first`, at most 100); null
    /// entries are records deleted since (a past state).
    #[graphql(
        complexity = "1 + first.unwrap_or(RECORDS_MAX).clamp(0, RECORDS_MAX) as usize * child_complexity"
    )]
    async fn satisfied(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 0 to 100 (default 100).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        let n = self::first(first)?;
        let refs: Vec<RecordRef> = self.data().satisfied.iter().take(n).cloned().collect();
        Ok(nodes(ctx, &refs).await?)
    }
    /// The records that miss a check of the item (the first `first`, at most 100); null
    /// entries are records deleted since (a past state).
    #[graphql(
        complexity = "1 + first.unwrap_or(RECORDS_MAX).clamp(0, RECORDS_MAX) as usize * child_complexity"
    )]
    async fn missing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 0 to 100 (default 100).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        let n = self::first(first)?;
        let refs: Vec<RecordRef> = self.data().missing.iter().take(n).cloned().collect();
        Ok(nodes(ctx, &refs).await?)
    }
}

/// A readiness rule.
#[derive(Clone, Copy)]
pub struct ReadinessRule(rules::Rule);

/// A readiness rule: what it checks and for which item.
#[Object]
impl ReadinessRule {
    /// Stable id, `area.name`: blockers and heat map cells name it.
    async fn id(&self) -> &str {
        self.0.id
    }
    /// The item its checks count towards; null for a rule that only finds blockers.
    async fn item(&self) -> Option<ChecklistItem> {
        self.0.item
    }
    /// What it asks.
    async fn summary(&self) -> &str {
        self.0.summary
    }
}

/// What a certification body would stop on.
#[derive(SimpleObject)]
pub struct ReadinessBlocker {
    /// The rule that found it.
    rule_id: String,
    /// The record it is about; null if deleted since (a past state).
    record: Option<Node>,
    /// The record's global id, kept when the record is gone.
    record_id: ID,
    /// What to do, in a sentence.
    message: String,
}

/// How one record stands: a cell of the heat map.
pub struct RecordReadiness {
    state: RecordState,
    record: Option<Node>,
}

/// How one record stands over the rules that check it.
#[Object]
impl RecordReadiness {
    /// The record.
    async fn record(&self) -> Option<&Node> {
        self.record.as_ref()
    }
    /// Its global id.
    async fn record_id(&self) -> ID {
        global_id_of(&self.state.record.record_type, self.state.record.id)
    }
    /// MET when every check on it is met, NOT_MET when none is, PARTIAL between.
    async fn state(&self) -> ItemState {
        self.state.state()
    }
    /// Checks met over checks made.
    async fn fraction(&self) -> f64 {
        f64::from(self.state.met()) / f64::from(self.state.total().max(1))
    }
    /// Each check: its rule and whether it is met.
    async fn checks(&self) -> Vec<RuleCheck> {
        self.state
            .checks
            .iter()
            .map(|(rule, met)| RuleCheck {
                rule_id: (*rule).to_owned(),
                met: *met,
            })
            .collect()
    }
}

/// One rule's check of one record.
#[derive(SimpleObject)]
pub struct RuleCheck {
    /// The rule.
    rule_id: String,
    /// Whether the record meets it.
    met: bool,
}

/// When the cycle is projected to be ready.
pub struct ReadinessForecast(Arc<forecast::Forecast>);

/// The projection of a cycle's readiness: the later of the day its open remediation tasks are
/// done (by their due dates) and the day its score reaches 100 at the pace of the last 30
/// days, compared with the target date.
#[Object]
impl ReadinessForecast {
    /// The projected day; null when neither the tasks nor the trend give one.
    async fn ready_on(&self) -> Option<Date> {
        self.0.ready_on.map(Date)
    }
    /// The day the open tasks are done, by their due dates.
    async fn tasks_done_on(&self) -> Option<Date> {
        self.0.tasks_done_on.map(Date)
    }
    /// The day the score reaches 100 at its recent pace; null if it has not risen.
    async fn trend_reaches_100_on(&self) -> Option<Date> {
        self.0.trend_reaches_100_on.map(Date)
    }
    /// Score points gained per day over the last 30 days.
    async fn points_per_day(&self) -> Option<f64> {
        self.0.points_per_day
    }
    /// Days from the cycle's target date to `readyOn`: positive is late, negative early.
    async fn days_late(&self) -> Option<i32> {
        self.0
            .days_late
            .map(|d| i32::try_from(d).unwrap_or(i32::MAX))
    }
    /// Whether `readyOn` is on or before the target date.
    async fn on_track(&self) -> Option<bool> {
        self.0.days_late.map(|d| d <= 0)
    }
    /// What the projection takes for granted.
    async fn assumptions(&self) -> &[String] {
        &self.0.assumptions
    }
    /// The open tasks that push `tasksDoneOn` furthest out, latest first (up to 3).
    async fn latest_tasks(&self) -> Vec<RemediationTask> {
        self.0
            .latest_tasks
            .iter()
            .cloned()
            .map(RemediationTask::from)
            .collect()
    }
}

/// A recorded state, for the trend.
pub struct ReadinessPoint(history::Recorded);

/// A cycle's readiness as recorded when it moved.
#[Object]
impl ReadinessPoint {
    /// When it moved to this.
    async fn recorded_at(&self) -> DateTime<Utc> {
        DateTime(self.0.recorded_at)
    }
    /// The score.
    async fn score(&self) -> i32 {
        self.0.summary.score
    }
    /// How many blockers there were.
    async fn blocker_count(&self) -> i32 {
        i32::try_from(self.0.summary.blockers.len()).unwrap_or(i32::MAX)
    }
    /// The items' states.
    async fn items(&self) -> Vec<ItemPoint> {
        self.0
            .summary
            .items
            .iter()
            .map(|i| ItemPoint {
                item: i.item,
                state: i.state,
                fraction: i.fraction(),
            })
            .collect()
    }
}

/// An item's state in a recorded point.
#[derive(SimpleObject)]
pub struct ItemPoint {
    /// Which item.
    item: ChecklistItem,
    /// Its state then.
    state: ItemState,
    /// Checks met over checks made, then.
    fraction: f64,
}

/// The trend of a cycle's readiness.
#[derive(SimpleObject)]
pub struct ReadinessHistory {
    /// The points, oldest first.
    points: Vec<ReadinessPoint>,
    /// More points lie in the range than `first` allowed: ask again from the last one's
    /// `recordedAt`.
    has_more: bool,
}

/// Readiness queries.
#[derive(Default)]
pub struct ReadinessQuery;

#[Object]
impl ReadinessQuery {
    /// A cycle's readiness now, or as it was recorded at `asOf`: null when nothing was recorded
    /// by then. Evaluated in a fixed number of statements whatever the cycle's size, once per
    /// request.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "whole_organization_complexity(child_complexity)"
    )]
    async fn readiness(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cycle; NOT_FOUND when the organization has no cycle with it.")]
        cycle_id: ID,
        #[graphql(desc = "A past moment: the state recorded last at or before it. Omitted: now.")]
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Option<CycleReadiness>> {
        let cycle = find_cycle(ctx, &cycle_id).await?;
        if let Some(at) = as_of {
            let scope = ctx.scope()?;
            let recorded = history::as_of(&ctx.state().db, scope, cycle.id, Some(at.0)).await?;
            return Ok(recorded.map(|r| CycleReadiness {
                cycle: Arc::new(cycle),
                at: r.recorded_at,
                summary: Arc::new(r.summary),
                live: None,
            }));
        }
        Ok(Some(CycleReadiness::live(current(ctx, cycle).await?)))
    }

    /// The recorded states of a cycle's readiness between two moments, oldest first: one
    /// point each time the score, an item or the blockers moved.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn readiness_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cycle; NOT_FOUND when the organization has no cycle with it.")]
        cycle_id: ID,
        #[graphql(desc = "From this moment, included.")] from: DateTime<Utc>,
        #[graphql(desc = "To this moment, included; not before `from`.")] to: DateTime<Utc>,
        #[graphql(desc = "How many points at most, 1 to 500 (default 500).")] first: Option<i32>,
    ) -> async_graphql::Result<ReadinessHistory> {
        let limit = first.unwrap_or(HISTORY_MAX);
        if !(1..=HISTORY_MAX).contains(&limit) {
            return Err(AppError::bad_input(
                "first",
                format!("`first` must be between 1 and {HISTORY_MAX}"),
            )
            .into());
        }
        if to.0 < from.0 {
            return Err(AppError::bad_input("to", "`to` must not be before `from`").into());
        }
        let cycle = find_cycle(ctx, &cycle_id).await?;
        let (points, has_more) = history::between(
            &ctx.state().db,
            ctx.scope()?,
            cycle.id,
            (from.0, to.0),
            u64::try_from(limit).unwrap_or(1),
        )
        .await?;
        Ok(ReadinessHistory {
            points: points.into_iter().map(ReadinessPoint).collect(),
            has_more,
        })
    }

    /// Every registered readiness rule.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn readiness_rules(&self) -> Vec<ReadinessRule> {
        rules::all().map(|r| ReadinessRule(*r)).collect()
    }
}

async fn find_cycle(ctx: &Context<'_>, id: &ID) -> AppResult<certification_cycle::Model> {
    let id = decode::<certification_cycle::Entity>(id, "cycleId")?;
    ctx.scope()?
        .find::<certification_cycle::Entity>(&ctx.state().db, id)
        .await
}

/// The readiness of `cycle` now: shared with the requests at the same data version (and
/// day, for what falls due), once per request.
async fn current(
    ctx: &Context<'_>,
    cycle: certification_cycle::Model,
) -> AppResult<Arc<Readiness>> {
    let arguments = format!("{}:{}", cycle.id, Utc::now().date_naive());
    let read = async {
        let load = || async {
            let readiness = evaluate::evaluate(ctx.state(), ctx.scope()?, cycle.clone()).await?;
            AppResult::Ok(Arc::new(readiness))
        };
        match ctx.reads().cache {
            Some(cache) => {
                let key = Key::Computed("readiness", arguments.clone());
                cache.read(key, |r: &Arc<Readiness>| weight(r), load).await
            }
            None => load().await,
        }
    };
    ctx.once(format!("readiness:{arguments}"), read).await
}

/// About the memory a readiness holds in the read cache.
fn weight(readiness: &Readiness) -> usize {
    let refs: usize = readiness
        .summary
        .items
        .iter()
        .map(|i| i.satisfied.len() + i.missing.len())
        .sum();
    1_024 + 96 * (refs + readiness.records.len()) + 256 * readiness.summary.blockers.len()
}

/// A new readiness of a cycle, pushed by `readinessChanged`.
pub struct ReadinessChanged(ReadinessChange);

/// A cycle's readiness moved.
#[Object]
impl ReadinessChanged {
    /// The new readiness.
    async fn readiness(&self) -> CycleReadiness {
        CycleReadiness::live(self.0.readiness.clone())
    }
    /// The items whose state or fraction moved.
    async fn moved_items(&self) -> &[ChecklistItem] {
        &self.0.moved
    }
    /// The score before.
    async fn previous_score(&self) -> i32 {
        self.0.previous_score
    }
    /// Changes may have been missed (a replica lost its connection to the others) and
    /// readiness was recomputed: refetch whatever else the screen shows.
    async fn refetch(&self) -> bool {
        self.0.refetch
    }
}

/// Readiness subscriptions.
#[derive(Default)]
pub struct ReadinessSubscription;

#[Subscription]
impl ReadinessSubscription {
    /// The new readiness of a cycle each time a change moved it (the score, an item or the
    /// blockers), and only then; changes that come together are coalesced into one push. A
    /// subscriber that reads slowly gets the latest value, not every one in between.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn readiness_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cycle; NOT_FOUND when the organization has no cycle with it.")]
        cycle_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = ReadinessChanged> + use<>> {
        let cycle = find_cycle(ctx, &cycle_id).await?;
        let hub = ctx.state().readiness.clone();
        let changes = hub.subscribe(&cycle);
        if !hub.is_seeded(cycle.id) {
            // The baseline the first push is compared with: what the subscriber would read now.
            let readiness = evaluate::evaluate(ctx.state(), ctx.scope()?, cycle).await?;
            hub.seed(Arc::new(readiness));
        }
        Ok(WatchStream::from_changes(changes)
            .filter_map(|change| async move { change.map(ReadinessChanged) }))
    }
}

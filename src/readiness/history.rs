//! Readiness history: a record each time a cycle's readiness moved, read back as a trend or
//! as the state at a past moment.
//!
//! Records are derived data, not changes of the organization's records: they do not go to the
//! audit trail (which would count as a change and move readiness again) and are read from the
//! database directly, never through the read cache, whose version only audited changes move.

use chrono::{DateTime, Utc};
use entity::readiness_record;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::evaluate::{Readiness, Summary};
use crate::{
    error::{AppError, AppResult},
    tenancy::Scope,
};

/// A past state of a cycle's readiness.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub recorded_at: DateTime<Utc>,
    pub summary: Summary,
}

impl TryFrom<readiness_record::Model> for Recorded {
    type Error = AppError;

    fn try_from(row: readiness_record::Model) -> AppResult<Self> {
        let summary = serde_json::from_str(&row.state).map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "readiness record {} does not hold a readiness summary: {e}",
                row.id
            ))
        })?;
        Ok(Self {
            recorded_at: row.recorded_at,
            summary,
        })
    }
}

/// The latest record of the cycle, if any.
pub async fn latest(
    db: &DatabaseConnection,
    scope: Scope,
    cycle_id: Uuid,
) -> AppResult<Option<Recorded>> {
    as_of(db, scope, cycle_id, None).await
}

/// The record in force at `at` (the latest at or before it; the latest of all without `at`).
pub async fn as_of(
    db: &DatabaseConnection,
    scope: Scope,
    cycle_id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<Option<Recorded>> {
    let mut select = scope
        .select::<readiness_record::Entity>()
        .filter(readiness_record::Column::CycleId.eq(cycle_id));
    if let Some(at) = at {
        select = select.filter(readiness_record::Column::RecordedAt.lte(at));
    }
    select
        .order_by_desc(readiness_record::Column::RecordedAt)
        .order_by_desc(readiness_record::Column::Id)
        .one(db)
        .await?
        .map(Recorded::try_from)
        .transpose()
}

/// The records between `from` and `to`, oldest first: at most `limit`, and whether more were
/// left out.
pub async fn between(
    db: &DatabaseConnection,
    scope: Scope,
    cycle_id: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    limit: u64,
) -> AppResult<(Vec<Recorded>, bool)> {
    let mut rows = scope
        .select::<readiness_record::Entity>()
        .filter(readiness_record::Column::CycleId.eq(cycle_id))
        .filter(readiness_record::Column::RecordedAt.gte(from))
        .filter(readiness_record::Column::RecordedAt.lte(to))
        .order_by_asc(readiness_record::Column::RecordedAt)
        .order_by_asc(readiness_record::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let recorded = rows
        .into_iter()
        .map(Recorded::try_from)
        .collect::<AppResult<_>>()?;
    Ok((recorded, more))
}

/// Records `readiness` unless it stands as the latest record says: true if it wrote one.
pub async fn record_if_moved(db: &DatabaseConnection, readiness: &Readiness) -> AppResult<bool> {
    let scope = Scope {
        organization_id: readiness.cycle.organization_id,
    };
    let latest = latest(db, scope, readiness.cycle.id).await?;
    if latest.is_some_and(|l| l.summary == *readiness.summary) {
        return Ok(false);
    }
    let state =
        serde_json::to_string(&*readiness.summary).map_err(|e| AppError::Internal(e.into()))?;
    readiness_record::Entity::insert(readiness_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(readiness.cycle.organization_id),
        cycle_id: Set(readiness.cycle.id),
        recorded_at: Set(readiness.evaluated_at),
        score: Set(readiness.summary.score),
        state: Set(state),
    })
    .exec(db)
    .await?;
    Ok(true)
}

/// The scores recorded since `from`, oldest first, for the forecast's trend.
pub async fn scores_since(
    db: &DatabaseConnection,
    scope: Scope,
    cycle_id: Uuid,
    from: DateTime<Utc>,
) -> AppResult<Vec<(DateTime<Utc>, i32)>> {
    Ok(scope
        .select::<readiness_record::Entity>()
        .filter(readiness_record::Column::CycleId.eq(cycle_id))
        .filter(readiness_record::Column::RecordedAt.gte(from))
        .select_only()
        .columns([
            readiness_record::Column::RecordedAt,
            readiness_record::Column::Score,
        ])
        .order_by_asc(readiness_record::Column::RecordedAt)
        .limit(10_000)
        .into_tuple()
        .all(db)
        .await?)
}

//! When a cycle is projected to be ready, for its sponsor: from the open remediation tasks'
//! due dates and the score's recent trend, with the assumptions said out loud.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{remediation_task, remediation_task::TaskStatus};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder};

use super::{evaluate::Readiness, history};
use crate::{error::AppResult, tenancy::Scope};

/// How far back the score's trend is read.
pub const TREND_DAYS: i64 = 30;
/// How long an overdue task is assumed still to take, from today.
pub const OVERDUE_GRACE_DAYS: i64 = 7;
/// How many of the tasks that push the date furthest are named.
const LATEST_TASKS: usize = 3;

/// The projection.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// The day the cycle is projected to be ready; `None` when nothing supports a date.
    pub ready_on: Option<NaiveDate>,
    /// The day the open tasks are done, as their due dates say.
    pub tasks_done_on: Option<NaiveDate>,
    /// The day the score reaches 100 at its recent pace, if it rises.
    pub trend_reaches_100_on: Option<NaiveDate>,
    /// Score points gained per day over the trend window.
    pub points_per_day: Option<f64>,
    /// Days between the target date and `ready_on` (positive: late).
    pub days_late: Option<i64>,
    pub assumptions: Vec<String>,
    /// The open tasks that set `tasks_done_on`, latest first.
    pub latest_tasks: Vec<remediation_task::Model>,
}

/// Reads the open tasks and the score's trend (two statements) and projects.
pub async fn read(
    db: &DatabaseConnection,
    scope: Scope,
    readiness: &Readiness,
) -> AppResult<Forecast> {
    let cycle = &readiness.cycle;
    let open = scope
        .select::<remediation_task::Entity>()
        .filter(remediation_task::Column::CycleId.eq(cycle.id))
        .filter(remediation_task::Column::Status.is_in([TaskStatus::Open, TaskStatus::InProgress]))
        .order_by_asc(remediation_task::Column::Id)
        .all(db)
        .await?;
    let since = readiness.evaluated_at - Duration::days(TREND_DAYS);
    let scores = history::scores_since(db, scope, cycle.id, since).await?;
    Ok(project(
        readiness.evaluated_at,
        readiness.summary.score,
        readiness.summary.ready(),
        cycle.target_date,
        open,
        &scores,
    ))
}

/// The pure projection: the later of "the tasks are done" and "the trend reaches 100".
pub fn project(
    now: DateTime<Utc>,
    score: i32,
    ready: bool,
    target: Option<NaiveDate>,
    mut open: Vec<remediation_task::Model>,
    scores: &[(DateTime<Utc>, i32)],
) -> Forecast {
    let today = now.date_naive();
    let mut assumptions = vec![format!(
        "Open remediation tasks are done on their due dates; an overdue one takes {OVERDUE_GRACE_DAYS} more days from today."
    )];
    let undated = open.iter().filter(|t| t.due_date.is_none()).count();
    if undated > 0 {
        assumptions.push(format!(
            "{undated} open task(s) have no due date and are left out: give them one for a firmer date."
        ));
    }
    let finish = |task: &remediation_task::Model| {
        task.due_date.map(|due| {
            if due < today {
                today + Duration::days(OVERDUE_GRACE_DAYS)
            } else {
                due
            }
        })
    };
    open.retain(|t| t.due_date.is_some());
    open.sort_by_key(|t| std::cmp::Reverse(finish(t)));
    let tasks_done_on = open.first().and_then(finish);
    open.truncate(LATEST_TASKS);

    let points_per_day = slope(scores);
    assumptions.push(format!(
        "The score keeps the pace of the last {TREND_DAYS} days ({} recorded changes).",
        scores.len()
    ));
    let trend_reaches_100_on = match points_per_day {
        _ if score >= 100 => Some(today),
        Some(pace) if pace > 0.0 => {
            let days = (f64::from(100 - score) / pace).ceil();
            // More than ten years out is no forecast.
            (days < 3_650.0).then(|| today + Duration::days(days as i64))
        }
        _ => None,
    };
    if trend_reaches_100_on.is_none() && score < 100 {
        assumptions.push(
            "The score has not risen over the trend window, so the trend gives no date.".into(),
        );
    }
    let ready_on = if ready {
        Some(today)
    } else {
        match (tasks_done_on, trend_reaches_100_on) {
            (Some(tasks), Some(trend)) => Some(tasks.max(trend)),
            (None, trend) => trend,
            (Some(tasks), None) if score >= 100 => Some(tasks),
            (Some(_), None) => None,
        }
    };
    let days_late = match (ready_on, target) {
        (Some(ready_on), Some(target)) => Some((ready_on - target).num_days()),
        _ => None,
    };
    Forecast {
        ready_on,
        tasks_done_on,
        trend_reaches_100_on,
        points_per_day,
        days_late,
        assumptions,
        latest_tasks: open,
    }
}

/// Least-squares score points per day; `None` under two points or a single instant.
fn slope(scores: &[(DateTime<Utc>, i32)]) -> Option<f64> {
    if scores.len() < 2 {
        return None;
    }
    let origin = scores[0].0;
    let points: Vec<(f64, f64)> = scores
        .iter()
        .map(|(at, score)| {
            let days = (*at - origin).num_seconds() as f64 / 86_400.0;
            (days, f64::from(*score))
        })
        .collect();
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let var = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum::<f64>();
    if var < 1e-9 {
        return None;
    }
    let cov = points
        .iter()
        .map(|p| (p.0 - mean_x) * (p.1 - mean_y))
        .sum::<f64>();
    Some(cov / var)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(due: Option<NaiveDate>) -> remediation_task::Model {
        let now = Utc::now();
        remediation_task::Model {
            id: uuid::Uuid::now_v7(),
            organization_id: uuid::Uuid::nil(),
            cycle_id: uuid::Uuid::nil(),
            title: "t".into(),
            description: String::new(),
            owner_id: None,
            due_date: due,
            phase: entity::certification_cycle::PdcaPhase::Do,
            status: TaskStatus::Open,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    fn at(text: &str) -> DateTime<Utc> {
        format!("{text}T12:00:00Z").parse().unwrap_or_default()
    }

    #[test]
    fn the_later_of_tasks_and_trend_sets_the_date() {
        // 50 to 70 over 10 days: 2 points a day, 15 days to 100.
        let scores = [(at("2026-11-21"), 50), (at("2026-12-01"), 70)];
        let forecast = project(
            at("2026-12-01"),
            70,
            false,
            Some(day("2026-12-10")),
            vec![
                task(Some(day("2026-12-05"))),
                task(Some(day("2026-12-20"))),
                task(None),
            ],
            &scores,
        );
        assert_eq!(forecast.trend_reaches_100_on, Some(day("2026-12-16")));
        assert_eq!(forecast.tasks_done_on, Some(day("2026-12-20")));
        assert_eq!(forecast.ready_on, Some(day("2026-12-20")));
        assert_eq!(forecast.days_late, Some(10));
        assert_eq!(forecast.latest_tasks[0].due_date, Some(day("2026-12-20")));
        assert!(
            forecast
                .assumptions
                .iter()
                .any(|a| a.contains("1 open task(s) have no due date"))
        );
    }

    #[test]
    fn overdue_tasks_take_a_grace_period_and_a_flat_score_gives_no_date() {
        let forecast = project(
            at("2026-12-01"),
            60,
            false,
            None,
            vec![task(Some(day("2026-11-01")))],
            &[(at("2026-11-20"), 60), (at("2026-11-30"), 60)],
        );
        assert_eq!(forecast.tasks_done_on, Some(day("2026-12-08")));
        assert_eq!(forecast.ready_on, None);
        assert_eq!(forecast.days_late, None);
    }

    #[test]
    fn a_ready_cycle_is_ready_today() {
        let forecast = project(
            at("2026-12-01"),
            100,
            true,
            Some(day("2027-01-01")),
            vec![],
            &[],
        );
        assert_eq!(forecast.ready_on, Some(day("2026-12-01")));
        assert_eq!(forecast.days_late, Some(-31));
    }
}

//! Readiness of a cycle from its rules' findings: each item's fraction and state, the
//! per-record heat map, the blockers and the score.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{certification_cycle, cycle_process};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{self, AREAS, Blocker, Check, ChecklistItem, Input, RecordRef, WEIGHTS};
use crate::{error::AppResult, state::AppState, tenancy::Scope};

/// Where an item, or a record, stands.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ItemState {
    /// Every check is met.
    Met,
    /// Some checks are met: the fraction says how many.
    Partial,
    /// No check is met.
    NotMet,
    /// No area evaluates this item yet: it is never shown as met.
    NotEvaluated,
}

impl ItemState {
    fn of(met: u32, total: u32) -> Self {
        match (met, total) {
            (_, 0) | (0, _) => Self::NotMet,
            (met, total) if met >= total => Self::Met,
            _ => Self::Partial,
        }
    }
}

/// One checklist item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub item: ChecklistItem,
    pub state: ItemState,
    /// Checks met and checks in all, over the item's rules.
    pub met: u32,
    pub total: u32,
    /// The records that meet a check, and those that miss one, each once.
    pub satisfied: Vec<RecordRef>,
    pub missing: Vec<RecordRef>,
}

impl Item {
    /// Met checks over all checks, 0 to 1; 0 when not evaluated.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            f64::from(self.met) / f64::from(self.total)
        }
    }

    /// Whether `self` and `other` stand differently (state or fraction).
    pub fn moved_from(&self, other: &Self) -> bool {
        (self.state, self.met, self.total) != (other.state, other.met, other.total)
    }
}

/// What is recorded in the history: the score, the items and the blockers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub score: i32,
    pub items: Vec<Item>,
    pub blockers: Vec<Blocker>,
}

impl Summary {
    /// The items whose state or fraction differs from `before`'s.
    pub fn moved_items(&self, before: Option<&Self>) -> Vec<ChecklistItem> {
        self.items
            .iter()
            .filter(|item| {
                before
                    .and_then(|b| b.items.iter().find(|i| i.item == item.item))
                    .is_none_or(|old| item.moved_from(old))
            })
            .map(|item| item.item)
            .collect()
    }

    /// Every item MET and no blocker.
    pub fn ready(&self) -> bool {
        self.blockers.is_empty() && self.items.iter().all(|i| i.state == ItemState::Met)
    }
}

/// How one record stands over every check made on it: a cell of the heat map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordState {
    pub record: RecordRef,
    /// (rule id, met), in the rules' order.
    pub checks: Vec<(&'static str, bool)>,
}

impl RecordState {
    pub fn met(&self) -> u32 {
        count(self.checks.iter().filter(|(_, met)| *met))
    }
    pub fn total(&self) -> u32 {
        count(self.checks.iter())
    }
    pub fn state(&self) -> ItemState {
        ItemState::of(self.met(), self.total())
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// The readiness of a cycle now.
#[derive(Clone, Debug)]
pub struct Readiness {
    pub cycle: certification_cycle::Model,
    pub evaluated_at: DateTime<Utc>,
    /// Shared, not copied, by every subscriber a push reaches.
    pub summary: std::sync::Arc<Summary>,
    /// The heat map: every record a rule checked, in type then id order.
    pub records: Vec<RecordState>,
}

/// Evaluates every registered rule for `cycle`: a fixed number of statements whatever the
/// cycle's size (one for its scope, then each area's own).
pub async fn evaluate(
    state: &AppState,
    scope: Scope,
    cycle: certification_cycle::Model,
) -> AppResult<Readiness> {
    let db = &state.db;
    let evaluated_at = Utc::now();
    let processes: Vec<Uuid> = scope
        .select::<cycle_process::Entity>()
        .filter(cycle_process::Column::CycleId.eq(cycle.id))
        .select_only()
        .column(cycle_process::Column::ProcessId)
        .order_by_asc(cycle_process::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let input = Input {
        db,
        config: &state.config,
        scope,
        cycle: &cycle,
        processes: &processes,
        today: evaluated_at.date_naive(),
    };
    let mut checks = Vec::new();
    let mut blockers = Vec::new();
    for area in AREAS {
        let findings = area.evaluate(&input).await?;
        checks.extend(findings.checks);
        blockers.extend(findings.blockers);
    }
    let (summary, records) = summarize(checks, blockers);
    Ok(Readiness {
        cycle,
        evaluated_at,
        summary: std::sync::Arc::new(summary),
        records,
    })
}

/// Items, score and heat map from the checks and blockers: the pure part of readiness.
pub fn summarize(checks: Vec<Check>, mut blockers: Vec<Blocker>) -> (Summary, Vec<RecordState>) {
    let item_of = |rule: &str| rules::all().find(|r| r.id == rule).and_then(|r| r.item);
    let evaluated: Vec<ChecklistItem> = rules::all().filter_map(|r| r.item).collect();
    let items: Vec<Item> = WEIGHTS
        .iter()
        .map(|(item, _)| {
            let mine: Vec<&Check> = checks
                .iter()
                .filter(|c| item_of(c.rule) == Some(*item))
                .collect();
            let met = count(mine.iter().filter(|c| c.met));
            let total = count(mine.iter());
            // A record is missing if any of its checks is not met, satisfying otherwise.
            let mut by_record: BTreeMap<&RecordRef, bool> = BTreeMap::new();
            for check in &mine {
                *by_record.entry(&check.record).or_insert(true) &= check.met;
            }
            let pick = |wanted: bool| {
                by_record
                    .iter()
                    .filter(|(_, met)| **met == wanted)
                    .map(|(r, _)| (*r).clone())
                    .collect()
            };
            Item {
                item: *item,
                state: if evaluated.contains(item) {
                    ItemState::of(met, total)
                } else {
                    ItemState::NotEvaluated
                },
                met,
                total,
                satisfied: pick(true),
                missing: pick(false),
            }
        })
        .collect();
    let score = items
        .iter()
        .map(|item| f64::from(rules::weight(item.item)) * item.fraction())
        .sum::<f64>()
        .round();
    // The weights add up to 100, so the sum is within 0..=100.
    let score = score as i32;
    let mut records: BTreeMap<RecordRef, Vec<(&'static str, bool)>> = BTreeMap::new();
    for check in checks {
        records
            .entry(check.record)
            .or_default()
            .push((check.rule, check.met));
    }
    blockers.sort_by(|a, b| (&a.rule, &a.record).cmp(&(&b.rule, &b.record)));
    (
        Summary {
            score,
            items,
            blockers,
        },
        records
            .into_iter()
            .map(|(record, checks)| RecordState { record, checks })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rule: &'static str, id: u128, met: bool) -> Check {
        Check {
            rule,
            record: RecordRef {
                record_type: "T".into(),
                id: Uuid::from_u128(id),
            },
            met,
        }
    }

    fn item(summary: &Summary, which: ChecklistItem) -> &Item {
        summary
            .items
            .iter()
            .find(|i| i.item == which)
            .unwrap_or_else(|| panic!("{which:?} missing"))
    }

    #[test]
    fn items_without_rules_are_not_evaluated_and_score_nothing() {
        let (summary, _) = summarize(Vec::new(), Vec::new());
        assert_eq!(summary.score, 0);
        assert_eq!(
            item(&summary, ChecklistItem::ManagementReview).state,
            ItemState::NotEvaluated
        );
        assert_eq!(
            item(&summary, ChecklistItem::GapAnalysis).state,
            ItemState::NotMet
        );
        assert!(!summary.ready());
    }

    #[test]
    fn fractions_count_checks_and_records_miss_on_any_check() {
        let (summary, records) = summarize(
            vec![
                check("compliance.clauses-assessed", 1, true),
                check("compliance.clauses-assessed", 2, true),
                check("compliance.gaps-have-tasks", 2, false),
                check("compliance.clauses-assessed", 3, true),
            ],
            Vec::new(),
        );
        let gap = item(&summary, ChecklistItem::GapAnalysis);
        assert_eq!((gap.met, gap.total, gap.state), (3, 4, ItemState::Partial));
        assert_eq!(gap.missing.len(), 1);
        assert_eq!(gap.satisfied.len(), 2);
        // 25 * 3/4 rounds to 19.
        assert_eq!(summary.score, 19);
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].state(), ItemState::Partial);
    }

    #[test]
    fn moved_items_compare_state_and_fraction() {
        let (before, _) = summarize(vec![check("compliance.clauses-assessed", 1, false)], vec![]);
        let (after, _) = summarize(vec![check("compliance.clauses-assessed", 1, true)], vec![]);
        assert_eq!(
            after.moved_items(Some(&before)),
            vec![ChecklistItem::GapAnalysis]
        );
        assert!(after.moved_items(Some(&after)).is_empty());
        assert_eq!(after.moved_items(None).len(), 5);
    }
}

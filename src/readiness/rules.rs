//! The readiness rules: what each is, which checklist item it serves, and the one place they are
//! registered with the weights of the score.
//!
//! A rule belongs to the area whose records it reads (`src/<area>/readiness.rs`); that area's
//! [`AreaRules`] evaluates all of its rules at once, in a fixed number of statements, and says
//! for each record it looked at whether the rule is met, plus the blockers it found. An area
//! added later registers its rules in [`AREAS`]; until then its checklist items have no rules
//! and read NOT_EVALUATED.

use chrono::NaiveDate;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{error::AppResult, record::Record, tenancy::Scope};

/// The five items of the readiness checklist (DOMAIN.md).
#[derive(
    async_graphql::Enum,
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChecklistItem {
    /// Gap analysis completed and remediation plan: every clause of the cycle's frameworks
    /// assessed; every GAP or PARTIAL has a remediation task.
    GapAnalysis,
    /// Key processes documented, owners assigned: every process in scope has an owner,
    /// exactly one Accountable and an APPROVED procedure.
    ProcessesDocumented,
    /// Evidence repository and reporting configured: recent evidence for every process in
    /// scope; the built-in KPIs have targets and data for the last period.
    EvidenceAndReporting,
    /// Internal audits and corrective actions completed: an internal audit covering every
    /// clause within 12 months; no MAJOR nonconformity open; every corrective action due is
    /// verified.
    AuditsAndCorrectiveActions,
    /// Management review held with documented decisions: a review within 12 months with at
    /// least one decision.
    ManagementReview,
}

/// The weight of each checklist item in the score, out of 100: the one place they are
/// defined (README: Readiness). The gap analysis and the documented processes weigh most
/// because every later item builds on them; an item no area evaluates yet contributes 0.
pub const WEIGHTS: [(ChecklistItem, u32); 5] = [
    (ChecklistItem::GapAnalysis, 25),
    (ChecklistItem::ProcessesDocumented, 25),
    (ChecklistItem::EvidenceAndReporting, 20),
    (ChecklistItem::AuditsAndCorrectiveActions, 20),
    (ChecklistItem::ManagementReview, 10),
];

/// The weight of `item`.
pub fn weight(item: ChecklistItem) -> u32 {
    WEIGHTS
        .iter()
        .find(|(i, _)| *i == item)
        .map_or(0, |(_, w)| *w)
}

/// One rule: a stable id (kept in readiness history and in integrations' filters; never
/// reused), the item it serves, and what it asks, in one sentence.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub id: &'static str,
    /// The item whose fraction its checks count towards; `None` for a rule that only finds
    /// blockers.
    pub item: Option<ChecklistItem>,
    pub summary: &'static str,
}

/// A record a rule looked at, by GraphQL type name and id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordRef {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: Uuid,
}

impl RecordRef {
    /// Row `id` of record type `E`.
    pub fn of<E: Record>(id: Uuid) -> Self {
        Self {
            record_type: E::TYPE.to_owned(),
            id,
        }
    }
}

/// Whether one record satisfies one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub rule: &'static str,
    pub record: RecordRef,
    pub met: bool,
}

/// What a certification body would stop on: the rule that found it, the record it is about
/// and what a person should do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocker {
    pub rule: String,
    pub record: RecordRef,
    pub message: String,
}

/// What an area's rules found for one cycle.
#[derive(Default)]
pub struct Findings {
    pub checks: Vec<Check>,
    pub blockers: Vec<Blocker>,
}

impl Findings {
    /// Records that `record` meets `rule` or not.
    pub fn check(&mut self, rule: &Rule, record: RecordRef, met: bool) {
        self.checks.push(Check {
            rule: rule.id,
            record,
            met,
        });
    }

    /// Adds a blocker of `rule` about `record`.
    pub fn block(&mut self, rule: &Rule, record: RecordRef, message: String) {
        self.blockers.push(Blocker {
            rule: rule.id.to_owned(),
            record,
            message,
        });
    }
}

/// What rules read: the cycle, its scope and the day it is evaluated on.
pub struct Input<'a> {
    pub db: &'a DatabaseConnection,
    /// The server's settings (the evidence windows, ...).
    pub config: &'a crate::config::ServeConfig,
    pub scope: Scope,
    pub cycle: &'a entity::certification_cycle::Model,
    /// The processes in the cycle's scope, in the order the cycle lists them.
    pub processes: &'a [Uuid],
    /// Today, for what falls due.
    pub today: NaiveDate,
}

/// An area's readiness rules.
pub trait AreaRules: Sync {
    /// Its rules, each evaluated by [`evaluate`](Self::evaluate).
    fn rules(&self) -> &'static [Rule];
    /// Evaluates all of them for one cycle, in a number of statements that does not depend on
    /// the cycle's size.
    fn evaluate<'a>(&'a self, input: &'a Input<'a>) -> BoxFuture<'a, AppResult<Findings>>;
}

/// Every area's rules: the one place a rule is registered.
pub const AREAS: &[&dyn AreaRules] = &[
    &crate::compliance::readiness::GapAnalysisRules,
    &crate::portfolio::readiness::ProcessRules,
    &crate::compliance::readiness::ProcedureRules,
    &crate::evidence::readiness::EvidenceRules,
];

/// Every registered rule.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    AREAS.iter().flat_map(|area| area.rules().iter())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn weights_add_up_to_100_and_cover_every_item_once() {
        assert_eq!(WEIGHTS.iter().map(|(_, w)| w).sum::<u32>(), 100);
        let items: HashSet<_> = WEIGHTS.iter().map(|(i, _)| *i).collect();
        assert_eq!(items.len(), 5);
    }

    #[test]
    fn rule_ids_are_unique_and_name_their_area() {
        let mut seen = HashSet::new();
        for rule in all() {
            assert!(seen.insert(rule.id), "{} registered twice", rule.id);
            let (area, name) = rule.id.split_once('.').unwrap_or_default();
            assert!(
                !area.is_empty() && !name.is_empty(),
                "{} is not area.name",
                rule.id
            );
        }
    }
}

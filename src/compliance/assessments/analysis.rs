//! The gap analysis of a cycle: counts per status per top-level clause, the share assessed,
//! and the gaps with their remediation tasks, read in a fixed number of statements whatever
//! the cycle's size. Seen through another framework, each of its clauses takes the status
//! its mappings infer from the cycle's assessments, marked as inferred.

use std::collections::{HashMap, HashSet};

use entity::{
    certification_cycle, clause, clause_assessment, clause_assessment::AssessmentStatus,
    clause_mapping, clause_mapping::MappingRelationship, cycle_framework, framework,
    remediation_task, task_clause,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Query,
};
use uuid::Uuid;

use super::store::of_cycle;
use crate::compliance::frameworks::store::depth_first;
use crate::{error::AppResult, tenancy::Scope};

/// How many clauses are in each status.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Counts {
    pub not_assessed: i32,
    pub gap: i32,
    pub partial: i32,
    pub implemented: i32,
    pub not_applicable: i32,
}

impl Counts {
    fn add(&mut self, status: AssessmentStatus) {
        match status {
            AssessmentStatus::NotAssessed => self.not_assessed += 1,
            AssessmentStatus::Gap => self.gap += 1,
            AssessmentStatus::Partial => self.partial += 1,
            AssessmentStatus::Implemented => self.implemented += 1,
            AssessmentStatus::NotApplicable => self.not_applicable += 1,
        }
    }

    pub fn total(&self) -> i32 {
        self.not_assessed + self.gap + self.partial + self.implemented + self.not_applicable
    }
}

/// One assessable clause as the analysis sees it.
pub struct ClauseResult {
    pub clause: clause::Model,
    pub status: AssessmentStatus,
    /// The assessment behind `status`, when the clause was assessed itself.
    pub assessment: Option<clause_assessment::Model>,
    /// Whether `status` was inferred through mappings rather than assessed.
    pub inferred: bool,
    /// The assessed clauses it was inferred from.
    pub inferred_from: Vec<Uuid>,
    /// Remediation tasks of the cycle linked to the clause (or, inferred, to those it was
    /// inferred from).
    pub task_ids: Vec<Uuid>,
}

/// A top-level clause with the counts of the assessable clauses under it.
pub struct Chapter {
    pub clause: clause::Model,
    pub counts: Counts,
}

/// The gap analysis of a cycle.
pub struct GapAnalysis {
    pub cycle: certification_cycle::Model,
    /// The framework it is seen through, when one was asked for.
    pub seen_as: Option<framework::Model>,
    pub totals: Counts,
    pub chapters: Vec<Chapter>,
    /// Clauses with GAP or PARTIAL, in the standard's order.
    pub gaps: Vec<ClauseResult>,
    pub tasks: HashMap<Uuid, remediation_task::Model>,
}

impl GapAnalysis {
    /// Percent of assessable clauses with a status other than NOT_ASSESSED, 0 to 100.
    pub fn percent_assessed(&self) -> f64 {
        let total = self.totals.total();
        if total == 0 {
            return 0.0;
        }
        let assessed = total - self.totals.not_assessed;
        (f64::from(assessed) * 1000.0 / f64::from(total)).round() / 10.0
    }
}

/// The status a clause takes from the assessed clauses mapped to it: `sources` are their
/// statuses with the relationship as the clause asks (SUBSET: the clause asks for part of what
/// the source asks for). A GAP anywhere is a GAP; a source that covers only part of the clause
/// (SUPERSET, INTERSECTS, RELATED) makes IMPLEMENTED no more than PARTIAL; NOT_APPLICABLE
/// counts only when every source is. Unassessed sources say nothing.
pub fn infer(sources: &[(AssessmentStatus, MappingRelationship)]) -> AssessmentStatus {
    use AssessmentStatus::*;
    let assessed: Vec<_> = sources.iter().filter(|(s, _)| *s != NotAssessed).collect();
    if assessed.is_empty() {
        return NotAssessed;
    }
    if assessed.iter().all(|(s, _)| *s == NotApplicable) {
        return NotApplicable;
    }
    let rank = |status: AssessmentStatus| match status {
        Gap => 0,
        Partial => 1,
        _ => 2,
    };
    let covering = |relationship: MappingRelationship| {
        matches!(
            relationship,
            MappingRelationship::Equal | MappingRelationship::Subset
        )
    };
    assessed
        .iter()
        .filter(|(s, _)| *s != NotApplicable)
        .map(
            |(status, relationship)| match (status, covering(*relationship)) {
                (Implemented, false) => Partial,
                (status, _) => *status,
            },
        )
        .min_by_key(|s| rank(*s))
        .unwrap_or(NotAssessed)
}

/// Reads the gap analysis of cycle `cycle_id`, seen through framework `seen_as` when given.
pub async fn read(
    db: &DatabaseConnection,
    scope: Scope,
    cycle_id: Uuid,
    seen_as: Option<Uuid>,
) -> AppResult<GapAnalysis> {
    let cycle = scope
        .find::<certification_cycle::Entity>(db, cycle_id)
        .await?;
    let own: Vec<Uuid> = scope
        .select::<cycle_framework::Entity>()
        .filter(cycle_framework::Column::CycleId.eq(cycle_id))
        .select_only()
        .column(cycle_framework::Column::FrameworkId)
        .into_tuple()
        .all(db)
        .await?;
    let seen_as = match seen_as {
        Some(id) => Some(scope.find::<framework::Entity>(db, id).await?),
        None => None,
    };
    let through_mappings = seen_as.as_ref().is_some_and(|f| !own.contains(&f.id));
    let shown: Vec<Uuid> = match &seen_as {
        Some(framework) => vec![framework.id],
        None => own.clone(),
    };
    // The clauses shown, and the cycle's own when they differ (the sources of inference).
    let mut wanted = shown.clone();
    if through_mappings {
        wanted.extend(own.iter().copied());
    }
    let clauses = scope
        .select::<clause::Entity>()
        .filter(clause::Column::FrameworkId.is_in(wanted))
        .order_by_asc(clause::Column::FrameworkId)
        .order_by_asc(clause::Column::Position)
        .all(db)
        .await?;
    let clauses = depth_first(clauses, |c| c);
    let assessments: HashMap<Uuid, clause_assessment::Model> = of_cycle(scope, cycle_id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.clause_id, a))
        .collect();
    // Mapped clause pairs (shown clause, source clause, relationship as the shown one asks).
    let mut sources: HashMap<Uuid, Vec<(Uuid, MappingRelationship)>> = HashMap::new();
    if let Some(framework) = seen_as.as_ref().filter(|_| through_mappings) {
        let of_framework = |id: Uuid| {
            Query::select()
                .column(clause::Column::Id)
                .from(clause::Entity)
                .and_where(clause::Column::FrameworkId.eq(id))
                .to_owned()
        };
        let mappings = scope
            .select::<clause_mapping::Entity>()
            .filter(
                Condition::any()
                    .add(
                        clause_mapping::Column::FromClauseId
                            .in_subquery(of_framework(framework.id)),
                    )
                    .add(
                        clause_mapping::Column::ToClauseId.in_subquery(of_framework(framework.id)),
                    ),
            )
            .all(db)
            .await?;
        let shown_ids: HashSet<Uuid> = clauses
            .iter()
            .filter(|c| c.framework_id == framework.id)
            .map(|c| c.id)
            .collect();
        for mapping in mappings {
            let (target, source, relationship) = if shown_ids.contains(&mapping.from_clause_id) {
                (
                    mapping.from_clause_id,
                    mapping.to_clause_id,
                    mapping.relationship,
                )
            } else {
                (
                    mapping.to_clause_id,
                    mapping.from_clause_id,
                    mapping.relationship.inverse(),
                )
            };
            sources
                .entry(target)
                .or_default()
                .push((source, relationship));
        }
    }

    let by_id: HashMap<Uuid, &clause::Model> = clauses.iter().map(|c| (c.id, c)).collect();
    let mut results = Vec::new();
    for clause in clauses
        .iter()
        .filter(|c| c.assessable && shown.contains(&c.framework_id))
    {
        let result = if through_mappings {
            let mapped = sources.get(&clause.id).cloned().unwrap_or_default();
            let statuses: Vec<_> = mapped
                .iter()
                .map(|(source, relationship)| {
                    let status = assessments
                        .get(source)
                        .map_or(AssessmentStatus::NotAssessed, |a| a.status);
                    (status, *relationship)
                })
                .collect();
            let status = infer(&statuses);
            ClauseResult {
                clause: clause.clone(),
                status,
                assessment: None,
                inferred: status != AssessmentStatus::NotAssessed,
                inferred_from: mapped
                    .iter()
                    .map(|(source, _)| *source)
                    .filter(|source| assessments.contains_key(source))
                    .collect(),
                task_ids: Vec::new(),
            }
        } else {
            let assessment = assessments.get(&clause.id).cloned();
            ClauseResult {
                clause: clause.clone(),
                status: assessment
                    .as_ref()
                    .map_or(AssessmentStatus::NotAssessed, |a| a.status),
                assessment,
                inferred: false,
                inferred_from: Vec::new(),
                task_ids: Vec::new(),
            }
        };
        results.push(result);
    }

    let mut totals = Counts::default();
    let mut chapters: Vec<Chapter> = clauses
        .iter()
        .filter(|c| c.parent_id.is_none() && shown.contains(&c.framework_id))
        .map(|c| Chapter {
            clause: c.clone(),
            counts: Counts::default(),
        })
        .collect();
    let chapter_index: HashMap<Uuid, usize> = chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clause.id, i))
        .collect();
    for result in &results {
        totals.add(result.status);
        if let Some(&i) = chapter_index.get(&top_of(&by_id, &result.clause)) {
            chapters[i].counts.add(result.status);
        }
    }

    let mut gaps: Vec<ClauseResult> = results
        .into_iter()
        .filter(|r| matches!(r.status, AssessmentStatus::Gap | AssessmentStatus::Partial))
        .collect();
    // The tasks of the cycle linked to any gap (or to what a gap was inferred from).
    let task_clauses: Vec<Uuid> = gaps
        .iter()
        .flat_map(|g| std::iter::once(g.clause.id).chain(g.inferred_from.iter().copied()))
        .collect();
    let mut tasks = HashMap::new();
    if !task_clauses.is_empty() {
        let of_cycle_tasks = Query::select()
            .column(remediation_task::Column::Id)
            .from(remediation_task::Entity)
            .and_where(remediation_task::Column::CycleId.eq(cycle_id))
            .to_owned();
        let links: Vec<(Uuid, Uuid)> = scope
            .select::<task_clause::Entity>()
            .filter(task_clause::Column::TaskId.in_subquery(of_cycle_tasks))
            .select_only()
            .column(task_clause::Column::ClauseId)
            .column(task_clause::Column::TaskId)
            .into_tuple()
            .all(db)
            .await?;
        let mut of_clause: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (clause, task) in links {
            of_clause.entry(clause).or_default().push(task);
        }
        for gap in &mut gaps {
            let mut ids: Vec<Uuid> = std::iter::once(gap.clause.id)
                .chain(gap.inferred_from.iter().copied())
                .flat_map(|c| of_clause.get(&c).cloned().unwrap_or_default())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            gap.task_ids = ids;
        }
        let wanted: Vec<Uuid> = gaps
            .iter()
            .flat_map(|g| g.task_ids.iter().copied())
            .collect();
        if !wanted.is_empty() {
            tasks = scope
                .select_ids::<remediation_task::Entity>(wanted)
                .all(db)
                .await?
                .into_iter()
                .map(|t| (t.id, t))
                .collect();
        }
    }
    Ok(GapAnalysis {
        cycle,
        seen_as,
        totals,
        chapters,
        gaps,
        tasks,
    })
}

/// The top-level clause above `clause` (itself, at the top).
fn top_of<'a>(by_id: &HashMap<Uuid, &'a clause::Model>, clause: &'a clause::Model) -> Uuid {
    let mut at = clause;
    while let Some(parent) = at.parent_id.and_then(|p| by_id.get(&p).copied()) {
        at = parent;
    }
    at.id
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssessmentStatus::*;
    use MappingRelationship::*;

    #[test]
    fn inference_is_no_better_than_what_it_rests_on() {
        assert_eq!(infer(&[]), NotAssessed);
        assert_eq!(infer(&[(NotAssessed, Equal)]), NotAssessed);
        assert_eq!(infer(&[(Implemented, Equal)]), Implemented);
        assert_eq!(infer(&[(Implemented, Subset)]), Implemented);
        assert_eq!(infer(&[(Implemented, Superset)]), Partial);
        assert_eq!(infer(&[(Implemented, Related)]), Partial);
        assert_eq!(infer(&[(Implemented, Equal), (Gap, Intersects)]), Gap);
        assert_eq!(infer(&[(Implemented, Equal), (Partial, Equal)]), Partial);
        assert_eq!(infer(&[(NotApplicable, Equal)]), NotApplicable);
        assert_eq!(
            infer(&[(NotApplicable, Equal), (Implemented, Equal)]),
            Implemented
        );
        assert_eq!(
            infer(&[(NotAssessed, Equal), (Implemented, Equal)]),
            Implemented
        );
    }
}

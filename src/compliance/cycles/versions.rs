//! Moving a cycle to another version of one of its frameworks: a cycle stays on the version
//! it started with until it is moved, and the move says which clauses came, went or changed.

use std::collections::HashMap;

use entity::{
    certification_cycle, clause, clause_assessment, cycle_framework, framework, task_clause,
};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, sea_query::Query};
use uuid::Uuid;

use crate::{
    compliance::frameworks::store::depth_first,
    error::{AppError, AppResult},
    store::{self, Change, Edit},
    tenancy::Scope,
};

/// Which framework version to replace with which.
pub struct VersionMove {
    pub from: Uuid,
    pub to: Uuid,
}

/// What the audit entry of a move shows: the cycle and the version it plans against.
#[derive(serde::Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    cycle: &'a certification_cycle::Model,
    framework_id: Uuid,
}

/// What a move changed: the new version's clauses without an older one, the older version's
/// clauses without a newer one, and the pairs whose number or title changed.
pub struct Moved {
    pub cycle: certification_cycle::Model,
    pub added: Vec<clause::Model>,
    pub removed: Vec<clause::Model>,
    pub renamed: Vec<(clause::Model, clause::Model)>,
}

/// Whether `clause` of `framework` has the reference an import gives by default,
/// `code:version/number`, which names the version and so cannot stay the same across versions.
fn versioned_reference(framework: &framework::Model, clause: &clause::Model) -> bool {
    clause.reference == format!("{}:{}/{}", framework.code, framework.version, clause.number)
}

/// The clauses of the two versions paired: a clause of the newer version matches the older
/// clause with the same reference; two clauses whose references only name their versions
/// (`code:version/number`, as the built-in standards have) match by number.
pub fn pair(
    older: &[clause::Model],
    newer: &[clause::Model],
    by_number_only: impl Fn(&clause::Model, &clause::Model) -> bool,
) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let by_reference: HashMap<&str, usize> = older
        .iter()
        .enumerate()
        .map(|(i, c)| (c.reference.as_str(), i))
        .collect();
    let by_number: HashMap<&str, usize> = older
        .iter()
        .enumerate()
        .map(|(i, c)| (c.number.as_str(), i))
        .collect();
    let mut taken = vec![false; older.len()];
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    // References first, for every clause, so that a number match never takes an older clause
    // that a later clause names by reference.
    let mut matched: Vec<Option<usize>> = newer
        .iter()
        .map(|c| by_reference.get(c.reference.as_str()).copied())
        .collect();
    for old in matched.iter().flatten() {
        taken[*old] = true;
    }
    for (index, clause) in newer.iter().enumerate() {
        if matched[index].is_none()
            && let Some(&old) = by_number.get(clause.number.as_str())
            && !taken[old]
            && by_number_only(&older[old], clause)
        {
            taken[old] = true;
            matched[index] = Some(old);
        }
        match matched[index] {
            Some(old) => pairs.push((old, index)),
            None => added.push(index),
        }
    }
    let removed = (0..older.len()).filter(|i| !taken[*i]).collect();
    (pairs, added, removed)
}

/// Moves an ACTIVE cycle from framework version `from` to `to` (another version of the same
/// framework): the cycle's assessments and task links follow the paired clauses, assessments
/// are marked carried over until re-assessed, and those of clauses without a newer one stay
/// (outside the analysis) in the records.
pub async fn move_version(change: &mut Change, edit: Edit<VersionMove>) -> AppResult<Moved> {
    let VersionMove { from, to } = edit.patch;
    let before =
        store::find_current::<certification_cycle::Entity>(change, edit.id, edit.expected_version)
            .await?;
    if before.status != certification_cycle::CycleStatus::Active {
        return Err(AppError::bad_input(
            "input.id",
            "the cycle is final: its plan no longer changes",
        ));
    }
    let scope = Scope::from(change.actor());
    let older = scope.find::<framework::Entity>(change.db(), from).await?;
    let newer = scope.find::<framework::Entity>(change.db(), to).await?;
    let planned: Vec<Uuid> = scope
        .select::<cycle_framework::Entity>()
        .filter(cycle_framework::Column::CycleId.eq(before.id))
        .all(change.db())
        .await?
        .into_iter()
        .map(|link| link.framework_id)
        .collect();
    if !planned.contains(&from) {
        return Err(AppError::bad_input(
            "input.fromFrameworkId",
            "the cycle does not plan against this framework",
        ));
    }
    if planned.contains(&to) || older.code != newer.code {
        return Err(AppError::bad_input(
            "input.toFrameworkId",
            format!(
                "a cycle moves to another version of {} it does not already plan against",
                older.code
            ),
        ));
    }
    let clauses_of = |framework: Uuid| {
        scope
            .select::<clause::Entity>()
            .filter(clause::Column::FrameworkId.eq(framework))
            .order_by_asc(clause::Column::Position)
    };
    let old_clauses = depth_first(clauses_of(from).all(change.db()).await?, |c| c);
    let new_clauses = depth_first(clauses_of(to).all(change.db()).await?, |c| c);
    let (pairs, added, removed) = pair(&old_clauses, &new_clauses, |old, new| {
        versioned_reference(&older, old) && versioned_reference(&newer, new)
    });

    let moves: HashMap<Uuid, Uuid> = pairs
        .iter()
        .map(|&(old, new)| (old_clauses[old].id, new_clauses[new].id))
        .collect();
    let assessments = scope
        .select::<clause_assessment::Entity>()
        .filter(clause_assessment::Column::CycleId.eq(before.id))
        .filter(clause_assessment::Column::ClauseId.is_in(moves.keys().copied()))
        .all(change.db())
        .await?;
    for assessment in assessments {
        let after = clause_assessment::Model {
            clause_id: moves[&assessment.clause_id],
            carried_over: true,
            ..assessment.clone()
        };
        store::save::<clause_assessment::Entity>(
            change,
            "assessment.move_version",
            assessment,
            after,
            &[],
        )
        .await?;
    }
    let cycle_tasks = Query::select()
        .column(entity::remediation_task::Column::Id)
        .from(entity::remediation_task::Entity)
        .and_where(entity::remediation_task::Column::CycleId.eq(before.id))
        .to_owned();
    let links = scope
        .select::<task_clause::Entity>()
        .filter(task_clause::Column::TaskId.in_subquery(cycle_tasks))
        .filter(task_clause::Column::ClauseId.is_in(moves.keys().copied()))
        .all(change.db())
        .await?;
    for link in links {
        scope
            .update::<task_clause::Entity>()
            .col_expr(
                task_clause::Column::ClauseId,
                sea_orm::sea_query::Expr::value(moves[&link.clause_id]),
            )
            .filter(task_clause::Column::TaskId.eq(link.task_id))
            .filter(task_clause::Column::ClauseId.eq(link.clause_id))
            .exec(change.db())
            .await?;
    }
    scope
        .update::<cycle_framework::Entity>()
        .col_expr(
            cycle_framework::Column::FrameworkId,
            sea_orm::sea_query::Expr::value(to),
        )
        .filter(cycle_framework::Column::CycleId.eq(before.id))
        .filter(cycle_framework::Column::FrameworkId.eq(from))
        .exec(change.db())
        .await?;
    let cycle =
        store::write::<certification_cycle::Entity>(change, &before, before.clone(), &[]).await?;
    let snapshot = |cycle, framework_id| Snapshot {
        cycle,
        framework_id,
    };
    change
        .record_snapshot::<certification_cycle::Entity, _>(
            "cycle.move_framework_version",
            cycle.id,
            Some(&snapshot(&before, from)),
            Some(&snapshot(&cycle, to)),
        )
        .await?;
    let renamed = pairs
        .iter()
        .filter(|&&(old, new)| {
            (&old_clauses[old].number, &old_clauses[old].title)
                != (&new_clauses[new].number, &new_clauses[new].title)
        })
        .map(|&(old, new)| (old_clauses[old].clone(), new_clauses[new].clone()))
        .collect();
    Ok(Moved {
        cycle,
        added: added.into_iter().map(|i| new_clauses[i].clone()).collect(),
        removed: removed
            .into_iter()
            .map(|i| old_clauses[i].clone())
            .collect(),
        renamed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(reference: &str, number: &str) -> clause::Model {
        clause::Model {
            id: Uuid::now_v7(),
            organization_id: None,
            framework_id: Uuid::nil(),
            reference: reference.into(),
            number: number.into(),
            title: number.into(),
            parent_id: None,
            position: 0,
            assessable: true,
        }
    }

    #[test]
    fn clauses_pair_by_reference_then_number() {
        let older = [clause("a/1", "1"), clause("a/2", "2"), clause("a/3", "3")];
        // a/2 moved to number 4; b/3 has a/3's number; 1 kept both.
        let newer = [
            clause("a/1", "1"),
            clause("a/2", "4"),
            clause("b/3", "3"),
            clause("b/5", "5"),
        ];
        let (pairs, added, removed) = pair(&older, &newer, |_, _| true);
        assert_eq!(pairs, [(0, 0), (1, 1), (2, 2)]);
        assert_eq!(added, [3]);
        assert!(removed.is_empty());
        // Stable references that differ are different clauses, whatever their numbers.
        let (pairs, added, removed) = pair(&older, &newer, |_, _| false);
        assert_eq!(pairs, [(0, 0), (1, 1)]);
        assert_eq!((added, removed), (vec![2, 3], vec![2]));
        let (pairs, added, removed) = pair(&older, &[clause("x/9", "9")], |_, _| true);
        assert!(pairs.is_empty());
        assert_eq!((added, removed), (vec![0], vec![0, 1, 2]));
    }
}

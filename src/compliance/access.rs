//! Who may maintain the compliance records that concern processes (assessments, remediation
//! tasks): whoever plans cycles, everything; a process owner what concerns their processes.

use entity::process;
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::{
    auth::Permission,
    error::{AppError, AppResult},
    store::Change,
    tenancy::Scope,
};

/// Whether the caller may change a record linked to the processes `before` so that it is
/// linked to `after`: with PLAN_CYCLES anything; a PROCESS_OWNER only a record that concerns
/// one of their processes before and after, and links no process of someone else's.
pub async fn may_maintain(change: &Change, before: &[Uuid], after: &[Uuid]) -> AppResult<()> {
    may_maintain_unless(change, Permission::PlanCycles, before, after).await
}

/// [`may_maintain`] for records that `whole` allows changing whatever they concern.
pub async fn may_maintain_unless(
    change: &Change,
    whole: Permission,
    before: &[Uuid],
    after: &[Uuid],
) -> AppResult<()> {
    let actor = change.actor();
    if actor.may(whole) {
        return Ok(());
    }
    let refused = || {
        AppError::Forbidden(
            "a process owner maintains only what concerns the processes they own, and links only those".into(),
        )
    };
    let Some(person) = actor.person_id else {
        return Err(refused());
    };
    let owned: Vec<Uuid> = Scope::from(actor)
        .select_ids::<process::Entity>(before.iter().chain(after).copied())
        .filter(process::Column::OwnerId.eq(person))
        .select_only()
        .column(process::Column::Id)
        .into_tuple()
        .all(change.db())
        .await?;
    let concerns_theirs = |ids: &[Uuid]| ids.iter().any(|id| owned.contains(id));
    let all_theirs = after.iter().all(|id| owned.contains(id));
    if concerns_theirs(after) && all_theirs && (before.is_empty() || concerns_theirs(before)) {
        Ok(())
    } else {
        Err(refused())
    }
}

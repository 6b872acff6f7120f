//! Who may maintain a process: managers every process; a process owner the processes they own.

use entity::process;

use super::store::ProcessPatch;
use crate::{
    auth::Permission,
    error::{AppError, AppResult},
    store::Change,
};

/// Whether the caller may apply `patch` to `process`: with MANAGE_PORTFOLIO anything; as the
/// process's owner (MAINTAIN_OWN_PROCESSES) anything but its owner, since handing a process
/// to someone else, or taking one, is a manager's decision.
pub fn may_maintain(
    change: &Change,
    process: &process::Model,
    patch: &ProcessPatch,
) -> AppResult<()> {
    may_maintain_records(change, process)?;
    if patch.owner_id.is_some() && !change.actor().may(Permission::ManagePortfolio) {
        return Err(AppError::Forbidden(
            "only a MANAGER or ADMIN assigns a process to its owner".into(),
        ));
    }
    Ok(())
}

/// Whether the caller may change `process` or its RACI assignments.
pub fn may_maintain_records(change: &Change, process: &process::Model) -> AppResult<()> {
    let actor = change.actor();
    if actor.may(Permission::ManagePortfolio) {
        return Ok(());
    }
    let owns = actor.person_id.is_some() && actor.person_id == process.owner_id;
    if owns && actor.may(Permission::MaintainOwnProcesses) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a process owner maintains only the processes they own".into(),
        ))
    }
}

//! Who may maintain a document: whoever plans cycles (ADMIN, MANAGER, a COMPLIANCE_WRITE token)
//! every document; a PROCESS_OWNER the documents of the processes they own.

use entity::{document, document::DocumentStatus, process};
use uuid::Uuid;

use crate::{
    auth::Permission,
    error::{AppError, AppResult},
    store::Change,
    tenancy::Scope,
};

/// Whether the caller may maintain a document of process `process_id` (none: a document of no
/// process, which only a MANAGER or ADMIN maintains).
pub async fn may_maintain(change: &Change, process_id: Option<Uuid>) -> AppResult<()> {
    let actor = change.actor();
    // PlanCycles is MaintainOwnCompliance without the ownership condition: ADMIN, MANAGER and
    // the COMPLIANCE_WRITE scope.
    if actor.may(Permission::PlanCycles) {
        return Ok(());
    }
    let owned = match (process_id, actor.person_id) {
        (Some(process_id), Some(person_id)) => Scope::from(actor)
            .get::<process::Entity>(change.db(), process_id)
            .await?
            .is_some_and(|process| process.owner_id == Some(person_id)),
        _ => false,
    };
    if owned && actor.may(Permission::MaintainOwnCompliance) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a process owner maintains only the documents of the processes they own".into(),
        ))
    }
}

/// Refuses any change to a retired document (BAD_USER_INPUT on `field`).
pub fn must_be_active(document: &document::Model, field: &str) -> AppResult<()> {
    match document.status {
        DocumentStatus::Active => Ok(()),
        DocumentStatus::Retired => Err(AppError::bad_input(
            field,
            "the document is retired: it and its versions no longer change",
        )),
    }
}

//! The data generator: an organization of a chosen size, made through the same code paths as
//! the API (so the audit trail is real too).

use entity::Role;
use iso20000::{
    audit_trail::Change,
    auth::Actor,
    error::AppError,
    organization::store as organization_store,
    people::store::{self as people_store, NewPerson},
    state::AppState,
};
use uuid::Uuid;

/// People written per transaction.
const BATCH: usize = 100;

/// Creates an organization with `people` people; returns its id.
pub async fn generate(state: &AppState, people: usize) -> anyhow::Result<Uuid> {
    let organization = organization_store::create(&state.db, &state.bus, "Bench Org", "bench")
        .await
        .map_err(AppError::into_anyhow)?;
    let actor = Actor::system(organization.id, "bench");
    for start in (0..people).step_by(BATCH) {
        let mut change = Change::begin(&state.db, &actor)
            .await
            .map_err(AppError::into_anyhow)?;
        for index in start..(start + BATCH).min(people) {
            let person = NewPerson {
                name: format!("Person {index}"),
                email: format!("person{index}@bench.example"),
                login_subject: None,
                role: Some(if index % 10 == 0 {
                    Role::ProcessOwner
                } else {
                    Role::Viewer
                }),
            };
            people_store::create(&mut change, person)
                .await
                .map_err(AppError::into_anyhow)?;
        }
        change
            .commit(&state.bus)
            .await
            .map_err(AppError::into_anyhow)?;
    }
    Ok(organization.id)
}

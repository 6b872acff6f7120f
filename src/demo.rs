//! The demo organization of `serve --demo`: the seed's regional managed service provider with
//! 80 staff, scoped to its hosted-services portfolio. Each area loads its own records, in
//! `<area>/demo.rs`; this file runs them in order, in one change.

use entity::organization;

pub use crate::people::demo::ADMIN_SUBJECT;
use crate::{
    auth::Actor, error::AppResult, organization::store as organization_store, state::AppState,
    store::Change,
};

/// Name of the demo organization.
pub const ORGANIZATION_NAME: &str = "Harbor Hosted Services";

/// Loads the demo organization unless the database already has an organization; returns the
/// demo (or first) organization and whether it was just created.
pub async fn ensure(state: &AppState) -> AppResult<(organization::Model, bool)> {
    if let Some(existing) = organization_store::first(&state.db).await? {
        return Ok((existing, false));
    }
    let organization =
        organization_store::create(&state.db, &state.bus, ORGANIZATION_NAME, "demo").await?;
    let actor = Actor::system(organization.id, "demo");
    let mut change = Change::begin(&state.db, &actor).await?;
    let staff = crate::people::demo::load(&mut change).await?;
    crate::portfolio::demo::load(&mut change, &staff).await?;
    crate::compliance::demo::load(&mut change, &staff[1]).await?;
    crate::evidence::demo::load(&mut change, &staff[1]).await?;
    change.commit(&state.bus).await?;
    crate::compliance::demo::load_documents(state, organization.id, &staff[1], &staff[4..10])
        .await?;
    Ok((organization, true))
}

//! The envelope of every mutation.

use async_graphql::Context;

use super::ContextExt;
use crate::{error::AppResult, store::Change};

/// Runs a mutation's `body` in one [`Change`] of the caller: begins it, runs the body, commits,
/// and publishes the change's events once the commit succeeded. An error anywhere rolls the
/// whole change back, so a refused mutation changes nothing.
pub async fn mutate<T>(
    ctx: &Context<'_>,
    body: impl AsyncFnOnce(&mut Change) -> AppResult<T>,
) -> AppResult<T> {
    let state = ctx.state();
    let mut change = Change::begin(&state.db, ctx.actor()?).await?;
    let value = body(&mut change).await?;
    change.commit(&state.bus).await?;
    Ok(value)
}

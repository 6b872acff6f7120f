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

/// Declares the payload of a record's mutations, `payload!(/** docs */ ToolPayload {
/// /** docs */ tool: Tool(tool) })` for rows of `entity::tool`, made from the changed row with
/// `ToolPayload::from(row)`.
#[macro_export]
macro_rules! payload {
    (
        $(#[$meta:meta])*
        $payload:ident { $(#[$field_meta:meta])* $field:ident: $object:ident($module:ident) }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $payload {
            $(#[$field_meta])*
            pub $field: $object,
        }

        impl From<entity::$module::Model> for $payload {
            fn from(row: entity::$module::Model) -> Self {
                Self {
                    $field: $object::from(row),
                }
            }
        }
    };
}

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

/// The mutation part of an area, one entry per mutation: the input is parsed (its own
/// `parse(self)`, before anything is read), optionally checked against the caller
/// (`check = f`, `f(ctx, &parsed)`), applied by the store function `apply(change, parsed)` in
/// one [`mutate`] envelope, and answered as the payload made from what the store returned
/// (`From`). A mutation that does not fit this is a sign its input or store function wants
/// reshaping, not a hand-written resolver.
///
/// ```ignore
/// crate::record_mutations! {
///     /// Tool mutations.
///     ToolMutation {
///         /// Adds a tool (ADMIN, MANAGER).
///         create_tool(CreateToolInput, "The new tool.") -> ToolPayload,
///             guard = "Require(Permission::ManagePortfolio)", apply = store::create;
///     }
/// }
/// ```
#[macro_export]
macro_rules! record_mutations {
    (
        $(#[$part_meta:meta])*
        $part:ident {
            $(
                $(#[$meta:meta])*
                $name:ident($input:ty, $desc:literal) -> $payload:ty,
                    guard = $guard:literal, $(check = $check:path,)? apply = $apply:expr;
            )*
        }
    ) => {
        $crate::graphql_part!($(#[$part_meta])* $part);

        #[async_graphql::Object]
        impl $part {
            $(
                $(#[$meta])*
                #[graphql(guard = $guard)]
                async fn $name(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    #[graphql(desc = $desc)] input: $input,
                ) -> async_graphql::Result<$payload> {
                    let parsed = input.parse()?;
                    $($check(ctx, &parsed)?;)?
                    let changed =
                        $crate::graphql::mutate(ctx, async |change| $apply(change, parsed).await)
                            .await?;
                    Ok(<$payload>::from(changed))
                }
            )*
        }
    };
}

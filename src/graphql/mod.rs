//! Schema assembly and the conventions every type follows: global ids and the `Node`
//! interface, cursor connections, and what resolvers read from the context.

pub mod batch;
mod caller;
pub mod connection;
mod context;
pub mod cost;
mod execute;
mod fields;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod memo;
mod mutate;
pub mod nesting;
pub mod node;
pub mod prelude;
pub mod scalars;
pub mod shape;
pub mod stamps;

pub use caller::Caller;
pub use context::ContextExt;
pub use execute::{Answers, execute, execute_stream};
pub use mutate::mutate;

/// An update field that may be omitted (leave it), `null` (clear it) or a value (set it):
/// `None`, `Some(None)` or `Some(Some(..))`, with the value mapped (and checked) on the way.
pub fn patch<T, U>(
    value: async_graphql::MaybeUndefined<T>,
    map: impl FnOnce(T) -> crate::error::AppResult<U>,
) -> crate::error::AppResult<Option<Option<U>>> {
    use async_graphql::MaybeUndefined;
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(map(value)?)),
    })
}

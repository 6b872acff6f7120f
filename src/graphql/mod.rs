//! Schema assembly and the conventions every type follows: global ids and the `Node`
//! interface, cursor connections, and what resolvers read from the context.

pub mod batch;
mod caller;
pub mod connection;
mod context;
pub mod cost;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod memo;
mod mutate;
pub mod nesting;
pub mod node;
pub mod scalars;
pub mod shape;

pub use caller::Caller;
pub use context::ContextExt;
pub use mutate::mutate;

use crate::schema::AppSchema;

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

/// Runs one query or mutation as the server does: the document limits, then the schema with
/// the caller's data; the operation goes into the metrics.
pub async fn execute(
    schema: &AppSchema,
    limits: limits::DocumentLimits,
    metrics: &crate::metrics::Metrics,
    caller: &mut Caller,
    mut request: async_graphql::Request,
) -> async_graphql::Response {
    let started = std::time::Instant::now();
    let (name, response) = match limits.check(&mut request) {
        Ok(name) => {
            caller.prepare(&mut request);
            let operation = request.operation_name.clone();
            let root_keys = request
                .parsed_query()
                .map(|document| shape::root_keys(document, operation.as_deref()))
                .unwrap_or_default();
            let mut response = schema.execute(request).await;
            shape::shape(&root_keys, &mut response);
            (name, response)
        }
        Err(error) => (None, async_graphql::Response::from_errors(vec![error])),
    };
    // Labelled only for a caller with a credential, so that no anonymous script can mint
    // series; the name is one the document holds.
    let label = match (&name, caller.is_authenticated()) {
        (Some(name), true) => crate::metrics::OperationName::Ran(name),
        (None, true) => crate::metrics::OperationName::Anonymous,
        (_, false) => crate::metrics::OperationName::Unlabelled,
    };
    metrics.response(label, started.elapsed(), &response);
    response
}

//! Running one query or mutation the way the server does: the document limits, the caller's
//! data, the response's shape and the operation's metrics.

use super::{AppSchema, Caller, limits, shape};

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

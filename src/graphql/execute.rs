//! Running one operation the way the server does, over HTTP and WebSocket alike: the document
//! limits, the caller's data, the response's shape and the operation's metrics.

use std::time::Instant;

use async_graphql::{
    Name, ObjectType, Request, Response, Schema, ServerError, SubscriptionType,
    parser::types::{ExecutableDocument, OperationType},
};
use futures_util::{StreamExt, stream::BoxStream};

use super::{Caller, limits, shape};
use crate::metrics::{Metrics, OperationName};

/// Runs one query or mutation as the server does: the document limits, then the schema with
/// the caller's data; the operation goes into the metrics.
pub async fn execute<Q, M, S>(
    schema: &Schema<Q, M, S>,
    limits: limits::DocumentLimits,
    metrics: &Metrics,
    caller: &mut Caller,
    request: Request,
) -> Response
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let started = Instant::now();
    let admitted = admit(limits, caller, request);
    answer(
        schema,
        metrics,
        caller.is_authenticated(),
        started,
        admitted,
    )
    .await
}

/// The answers of one operation of a WebSocket.
pub struct Answers {
    /// Whether the operation is a subscription, which answers until it ends; anything else
    /// (a query, a mutation, a refused document) answers once.
    pub subscription: bool,
    /// Its responses, shaped, in the order they are to be sent.
    pub responses: BoxStream<'static, Response>,
}

/// Runs one operation of a WebSocket as `execute` runs an HTTP request's: a query or mutation
/// exactly so, when the stream is polled; a subscription admitted the same way and counted
/// among the operations when it starts, each of its events shaped and its errors counted.
pub fn execute_stream<Q, M, S>(
    schema: &Schema<Q, M, S>,
    limits: limits::DocumentLimits,
    metrics: &Metrics,
    caller: &mut Caller,
    request: Request,
) -> Answers
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let started = Instant::now();
    let authenticated = caller.is_authenticated();
    match admit(limits, caller, request) {
        Ok(admitted) if admitted.subscription => {
            metrics.subscribed(label(admitted.name.as_deref(), authenticated));
            let metrics = metrics.clone();
            let root_keys = admitted.root_keys;
            let responses = schema
                .execute_stream(admitted.request)
                .map(move |mut response| {
                    shape::shape(&root_keys, &mut response);
                    metrics.errors(&response);
                    response
                })
                .boxed();
            Answers {
                subscription: true,
                responses,
            }
        }
        admitted => {
            let (schema, metrics) = (schema.clone(), metrics.clone());
            let responses = futures_util::stream::once(async move {
                answer(&schema, &metrics, authenticated, started, admitted).await
            })
            .boxed();
            Answers {
                subscription: false,
                responses,
            }
        }
    }
}

/// A request within the document limits, with the caller's data.
struct Admitted {
    request: Request,
    /// The name of the operation it runs, if the document holds it.
    name: Option<String>,
    /// The keys of the root selection, for `shape::shape`: read before execution, which takes
    /// the document.
    root_keys: Vec<Name>,
    subscription: bool,
}

/// Checks the document limits (which parses the document) and gives the request the caller's
/// data.
fn admit(
    limits: limits::DocumentLimits,
    caller: &mut Caller,
    mut request: Request,
) -> Result<Admitted, ServerError> {
    let name = limits.check(&mut request)?;
    caller.prepare(&mut request);
    let operation = request.operation_name.clone();
    let (root_keys, subscription) = request
        .parsed_query()
        .map(|document| {
            (
                shape::root_keys(document, operation.as_deref()),
                is_subscription(document, operation.as_deref()),
            )
        })
        .unwrap_or_default();
    Ok(Admitted {
        request,
        name,
        root_keys,
        subscription,
    })
}

/// Runs an admitted query or mutation, or answers the refusal, and records the operation.
async fn answer<Q, M, S>(
    schema: &Schema<Q, M, S>,
    metrics: &Metrics,
    authenticated: bool,
    started: Instant,
    admitted: Result<Admitted, ServerError>,
) -> Response
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let (name, response) = match admitted {
        Ok(admitted) => {
            let mut response = schema.execute(admitted.request).await;
            shape::shape(&admitted.root_keys, &mut response);
            (admitted.name, response)
        }
        Err(error) => (None, Response::from_errors(vec![error])),
    };
    metrics.response(
        label(name.as_deref(), authenticated),
        started.elapsed(),
        &response,
    );
    response
}

/// Labelled only for a caller with a credential, so that no anonymous script can mint
/// series; the name is one the document holds.
fn label(name: Option<&str>, authenticated: bool) -> OperationName<'_> {
    match (name, authenticated) {
        (Some(name), true) => OperationName::Ran(name),
        (None, true) => OperationName::Anonymous,
        (_, false) => OperationName::Unlabelled,
    }
}

/// Whether the operation the request runs (by name, or the first) is a subscription.
fn is_subscription(document: &ExecutableDocument, operation: Option<&str>) -> bool {
    document
        .operations
        .iter()
        .find(|(name, _)| operation.is_none() || name.map(|n| n.as_str()) == operation)
        .is_some_and(|(_, operation)| operation.node.ty == OperationType::Subscription)
}

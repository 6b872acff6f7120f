//! GET /graphql: GraphiQL for browsers, otherwise a query (never a mutation) from the URL.

use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::{
    Extension,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};
use tower_http::request_id::RequestId;

use super::{
    execute,
    negotiation::negotiate,
    request::graphql_request,
    request_id,
    response::{error_response, not_acceptable, param_error},
};
use crate::{error::code, graphql::limits::DocumentLimits, http::Http};

/// The type of the operation a GET would run, if the document parses.
fn operation_type(query: &str, operation_name: Option<&str>) -> Option<OperationType> {
    let document = async_graphql::parser::parse_query(query).ok()?;
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation.node.ty),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|o| o.node.ty)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|o| o.node.ty)
        }
        _ => None,
    }
}

/// GET /graphql: GraphiQL for browsers (when enabled), otherwise a query from the URL.
/// Mutations and subscriptions are refused with 405: GET must not change anything.
pub(super) async fn get(
    State(http): State<Http>,
    id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let request_id = request_id(&id);
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && params.is_empty() {
        if http.state.config.server.graphiql {
            return crate::http::graphiql::page();
        }
        return (
            StatusCode::NOT_FOUND,
            "GraphiQL is turned off on this server",
        )
            .into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(&request_id);
    };
    let params: Map<String, Value> = params
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let limits = DocumentLimits::from(&http.state.config.limits);
    let request = match graphql_request(&params, true, &limits, &http.persisted) {
        Ok(request) => request,
        Err(error) => return param_error(media, error, &request_id),
    };
    // Parsed here only within the document limits (the parser recurses); a document over
    // them is refused by `execute`, whatever its operation type.
    let parsable = request.query.len() <= limits.max_query_bytes
        && crate::graphql::nesting::check_graphql(&request.query, limits.max_nesting).is_ok();
    if let Some(ty @ (OperationType::Mutation | OperationType::Subscription)) = parsable
        .then(|| operation_type(&request.query, request.operation_name.as_deref()))
        .flatten()
    {
        let what = if ty == OperationType::Mutation {
            "mutations"
        } else {
            "subscriptions"
        };
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            code::BAD_USER_INPUT,
            format!(
                "{what} cannot run over GET: use POST (subscriptions: the WebSocket at /graphql/ws)"
            ),
            &request_id,
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&http, &headers, media, vec![request], false, &request_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_type_of_a_get_is_found() {
        assert_eq!(
            operation_type("{ viewer { subject } }", None),
            Some(OperationType::Query)
        );
        assert_eq!(
            operation_type("mutation { x }", None),
            Some(OperationType::Mutation)
        );
        assert_eq!(
            operation_type("query A { a } mutation B { b }", Some("B")),
            Some(OperationType::Mutation)
        );
        assert_eq!(operation_type("{", None), None);
    }
}

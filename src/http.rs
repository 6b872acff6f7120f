//! The HTTP surface: `/graphql` (POST queries and mutations, GET GraphiQL), `/graphql/ws`
//! (subscriptions), `/healthz` and `/readyz`, with a request id on every request and log line.

use async_graphql::{
    BatchRequest, BatchResponse, Data, ErrorExtensionValues, ServerError,
    http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource},
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{State, WebSocketUpgrade},
    http::{HeaderMap, Request, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{auth::Authentication, graphql::AppSchema, state::AppState};

/// What the handlers share.
#[derive(Clone)]
struct Http {
    state: AppState,
    schema: AppSchema,
}

/// The router of the whole service.
pub fn router(state: AppState, schema: AppSchema) -> Router {
    let graphiql = state.config.server.graphiql;
    let mut graphql = axum::routing::post(graphql_post);
    if graphiql {
        graphql = graphql.get(graphiql_page);
    }
    Router::new()
        .route("/graphql", graphql)
        .route("/graphql/ws", get(graphql_ws))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(Http { state, schema })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
                }))
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
}

/// A GraphQL-shaped error response for requests that never reach the executor.
fn request_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message.into(), "extensions": { "code": code } }]
    });
    (status, Json(body)).into_response()
}

async fn graphql_post(State(http): State<Http>, headers: HeaderMap, body: Bytes) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            "send the GraphQL request as JSON with `Content-Type: application/json`",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(err) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                format!("the body is not a GraphQL request: {err}"),
            );
        }
    };
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let authentication = http
        .state
        .authenticator
        .authorization_header(authorization)
        .await;
    let mut response = http.schema.execute_batch(batch.data(authentication)).await;
    match &mut response {
        BatchResponse::Single(single) => single.errors.iter_mut().for_each(ensure_code),
        BatchResponse::Batch(all) => all
            .iter_mut()
            .flat_map(|r| r.errors.iter_mut())
            .for_each(ensure_code),
    }
    Json(response).into_response()
}

/// Our own errors carry a code; the rest come from parsing, validating or coercing the request
/// (unknown fields, wrong enum values, bad literals): the client's input is at fault.
fn ensure_code(error: &mut ServerError) {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", "BAD_USER_INPUT");
        if let Some(field) = argument_named_in(&error.message) {
            extensions.set("field", field);
        }
    }
}

/// The argument an async-graphql coercion message names: `... argument "input.name" ...`.
fn argument_named_in(message: &str) -> Option<String> {
    let start = message.find("argument \"")? + "argument \"".len();
    let end = message[start..].find('"')?;
    Some(message[start..start + end].to_owned())
}

async fn graphiql_page() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
}

/// The bearer token of a `connection_init` payload: `{"Authorization": "Bearer …"}` (any case)
/// or `{"token": "…"}`.
fn init_token(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    if let Some(token) = object.get("token").and_then(|v| v.as_str()) {
        return Some(token.to_owned());
    }
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
        .map(|value| {
            value
                .strip_prefix("Bearer ")
                .unwrap_or(value)
                .trim()
                .to_owned()
        })
}

async fn graphql_ws(
    State(http): State<Http>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let authenticator = http.state.authenticator.clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            GraphQLWebSocket::new(socket, http.schema, protocol)
                .on_connection_init(move |payload| async move {
                    let authentication = match init_token(&payload) {
                        Some(token) => authenticator.token(&token).await,
                        None => Authentication::refused("connection_init carries no token"),
                    };
                    authentication.actor()?;
                    let mut data = Data::default();
                    data.insert(authentication);
                    Ok(data)
                })
                .serve()
        })
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(http): State<Http>) -> Response {
    match http.state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_is_read_from_coercion_messages() {
        assert_eq!(
            argument_named_in(
                r#"Invalid value for argument "input.role", enumeration type "Role" does not contain the value "KING""#
            ),
            Some("input.role".into())
        );
        assert_eq!(argument_named_in("Unknown field \"x\""), None);
    }

    #[test]
    fn init_tokens_are_found_in_either_shape() {
        let bearer = serde_json::json!({"Authorization": "Bearer abc"});
        let lower = serde_json::json!({"authorization": "Bearer abc"});
        let bare = serde_json::json!({"token": "abc"});
        for payload in [bearer, lower, bare] {
            assert_eq!(init_token(&payload).as_deref(), Some("abc"));
        }
        assert_eq!(init_token(&serde_json::json!(null)), None);
    }
}

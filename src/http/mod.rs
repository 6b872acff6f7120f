//! The HTTP surface: `/graphql` (GraphQL over HTTP), `/graphql/ws` (subscriptions),
//! `/healthz`, `/readyz` and `/metrics`, with a request id on every request and log line.

pub mod graphiql;
pub mod graphql;
pub mod persisted;
pub mod ws;

use axum::{
    Router,
    extract::State,
    http::{Request, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use tokio::sync::watch;
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{metrics::Metrics, schema::AppSchema, state::AppState};

/// What the handlers share.
#[derive(Clone)]
pub struct Http {
    pub state: AppState,
    pub schema: AppSchema,
    pub metrics: Metrics,
    /// Open WebSocket connections per organization, per credential, and not yet authenticated.
    pub connections: ws::Registries,
    /// Queries sent with their hash, for automatic persisted queries.
    pub persisted: persisted::PersistedQueries,
    /// Becomes true when the server starts shutting down; WebSockets close on it.
    pub shutdown: watch::Receiver<bool>,
}

/// The router of the whole service.
pub fn router(http: Http) -> Router {
    Router::new()
        .merge(graphql::router())
        .route("/graphql/ws", get(ws::upgrade))
        .route("/graphql/assets/{name}", get(graphiql::asset))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(http)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or_default();
                    // The path only: a query string may carry variables, never log it.
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
                }))
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
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

async fn metrics(State(http): State<Http>, headers: axum::http::HeaderMap) -> Response {
    if let Some(expected) = &http.state.config.server.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared as digests, so the time taken says nothing about how much of it matched.
        use sha2::{Digest, Sha256};
        if Sha256::digest(given) != Sha256::digest(expected) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "GET /metrics needs `Authorization: Bearer <the --metrics-token value>`",
            )
                .into_response();
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        {
            http.metrics
                .set_read_cache_bytes(http.state.read_cache.held());
            http.metrics.render(&http.state.db)
        },
    )
        .into_response()
}

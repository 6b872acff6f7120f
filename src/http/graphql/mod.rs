//! GraphQL over HTTP (graphql.github.io/graphql-over-http): POST and GET on `/graphql`, content
//! negotiation between `application/graphql-response+json` and `application/json`, the status
//! codes each implies, batching, CSRF protection, and the body, time and batch limits.
//!
//! By job: `negotiation` picks the media type, `request` reads the parameters into a GraphQL
//! request, `response` writes what comes back, `post` and `get` are the two handlers; this
//! file runs their requests with the caller's credential within the time limit.

mod get;
mod negotiation;
mod post;
mod request;
mod response;

use std::time::Duration;

use async_graphql::Request as GraphQLRequest;
use axum::{
    Extension, Router,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing,
};
use tower_http::request_id::RequestId;

pub use post::PREFLIGHT_HEADER;
pub(crate) use request::graphql_request;
pub(crate) use response::{
    annotate_response, coded_error, over_budget, response_json, to_json, within_budget,
};

use super::Http;
use crate::{error::code, graphql::limits::DocumentLimits};
use negotiation::MediaType;
use response::error_response;

/// The routes of `/graphql`.
pub fn router() -> Router<Http> {
    Router::new().route("/graphql", routing::get(get::get).post(post::post))
}

/// The id the request-id layer gave this request, which every error names for support.
fn request_id(id: &Option<Extension<RequestId>>) -> String {
    id.as_ref()
        .and_then(|Extension(id)| id.header_value().to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Executes requests with the caller's credential, within the time limit, and writes the
/// response with the negotiated media type and status.
async fn execute(
    http: &Http,
    headers: &HeaderMap,
    media: MediaType,
    requests: Vec<GraphQLRequest>,
    batched: bool,
    request_id: &str,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let authentication = http
        .state
        .authenticator
        .authorization_header(authorization)
        .await;
    let timeout: Duration = http.state.config.limits.request_timeout;
    let deadline = tokio::time::Instant::now() + timeout;
    let run = async {
        let mut caller = crate::graphql::Caller::new(&http.state, authentication);
        let mut results = Vec::with_capacity(requests.len());
        for request in requests {
            // The timer below only fires on millisecond ticks; this catches what it would miss.
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            results.push(
                crate::graphql::execute(
                    &http.schema,
                    DocumentLimits::from(&http.state.config.limits),
                    &http.metrics,
                    &mut caller,
                    request,
                )
                .await,
            );
        }
        Some(results)
    };
    // The deadline is checked first, so an expired request never starts another step.
    let results = tokio::select! {
        biased;
        () = tokio::time::sleep_until(deadline) => None,
        results = run => results,
    };
    let Some(results) = results else {
        http.metrics.error(code::TIMEOUT);
        return error_response(
            StatusCode::GATEWAY_TIMEOUT,
            media,
            code::TIMEOUT,
            format!(
                "the request took longer than {}",
                humantime::format_duration(timeout)
            ),
            request_id,
        );
    };
    let mut bodies = Vec::with_capacity(results.len());
    let mut all_request_errors = true;
    let mut budget = http.state.config.limits.max_response_bytes;
    for result in results {
        let (body, request_error) = response_json(result, request_id);
        all_request_errors &= request_error;
        let body = within_budget(body, &mut budget, request_id);
        bodies.push(body);
    }
    let (status, body) = if batched {
        (StatusCode::OK, format!("[{}]", bodies.join(",")))
    } else {
        let status = if all_request_errors {
            media.request_error_status()
        } else {
            StatusCode::OK
        };
        (status, bodies.pop().unwrap_or_default())
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

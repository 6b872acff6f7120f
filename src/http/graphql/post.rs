//! POST /graphql: the body within its size limit, CSRF protection, JSON and batches.

use std::time::Duration;

use axum::{
    Extension,
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::Response,
};
use serde_json::Value;
use tower_http::request_id::RequestId;

use super::{
    execute,
    negotiation::negotiate,
    request::{ParamError, REQUEST_JSON_LEVELS, graphql_request},
    request_id,
    response::{error_response, error_response_on, not_acceptable, param_error},
};
use crate::{error::code, graphql::limits::DocumentLimits, http::Http};

/// The header that makes a request a browser cannot send cross-site without a CORS preflight.
/// Required on POSTs whose content type a form could send (multipart uploads included).
pub const PREFLIGHT_HEADER: &str = "x-iso20000-preflight";

/// How much of a body over the limit is read and thrown away before answering 413, as a
/// multiple of the limit, and for how long at most. Clients that send the whole body before
/// they read (Python's urllib and requests, curl without `Expect`) would otherwise get a broken
/// pipe instead of the answer; past these bounds the connection is closed regardless.
const DISCARD_FACTOR: usize = 16;
const DISCARD_TIME: Duration = Duration::from_secs(10);

/// The body, if it is within `max_body` bytes. A larger one (declared or found while reading)
/// is read on and discarded, within bounds, so that the client sees the 413.
async fn read_body(body: Body, declared: Option<u64>, max_body: usize) -> Option<Vec<u8>> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let discard_limit = max_body.saturating_mul(DISCARD_FACTOR);
    if declared.is_some_and(|length| length > discard_limit as u64) {
        // Too large to be worth reading: closing at once is kinder to both sides.
        return None;
    }
    let mut seen = 0usize;
    // A declared length over the limit is refused without keeping a byte of the body.
    if declared.is_none_or(|length| length <= max_body as u64) {
        let mut kept = Vec::new();
        loop {
            match stream.next().await {
                Some(Ok(chunk)) if kept.len() + chunk.len() <= max_body => {
                    kept.extend_from_slice(&chunk);
                }
                Some(Ok(chunk)) => {
                    seen = kept.len() + chunk.len();
                    break;
                }
                None => return Some(kept),
                Some(Err(_)) => return None,
            }
        }
    }
    // Only the discarding is bounded in time; a body within the limit reads as slowly as the
    // client sends it.
    let _ = tokio::time::timeout(DISCARD_TIME, async {
        while let Some(Ok(chunk)) = stream.next().await {
            seen = seen.saturating_add(chunk.len());
            if seen > discard_limit {
                break;
            }
        }
    })
    .await;
    None
}

/// The content types a browser form may send cross-site without a CORS preflight.
fn is_simple_content_type(mime: &str) -> bool {
    matches!(
        mime,
        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
    )
}

/// POST /graphql.
pub(super) async fn post(
    State(http): State<Http>,
    id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let request_id = request_id(&id);
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(&request_id);
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut parts = content_type.split(';');
    let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts
        .filter_map(|p| {
            p.trim()
                .to_ascii_lowercase()
                .strip_prefix("charset=")
                .map(|c| c.trim_matches('"').to_owned())
        })
        .next();
    if is_simple_content_type(&mime) {
        if !headers.contains_key(PREFLIGHT_HEADER) {
            return error_response(
                StatusCode::BAD_REQUEST,
                media,
                code::BAD_USER_INPUT,
                format!(
                    "{mime} requests must carry the `{PREFLIGHT_HEADER}` header (cross-site request forgery protection)"
                ),
                &request_id,
            );
        }
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            code::BAD_USER_INPUT,
            format!("{mime} is not accepted here; send application/json"),
            &request_id,
        );
    }
    if mime != "application/json" || charset.as_deref().is_some_and(|c| c != "utf-8") {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            code::BAD_USER_INPUT,
            "send the request as `Content-Type: application/json` (UTF-8)",
            &request_id,
        );
    }
    let max_body = http.state.config.limits.max_body_bytes;
    let too_large = || {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            code::BAD_USER_INPUT,
            format!("the request body is larger than {max_body} bytes"),
            &request_id,
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(body) = read_body(body, declared, max_body).await else {
        return too_large();
    };
    let max_nesting = http.state.config.limits.max_nesting;
    // Only variables and extensions nest below the request's own levels; the JSON parser
    // recurses once per level, so the text is measured first.
    if crate::graphql::nesting::check_json(&body, max_nesting + REQUEST_JSON_LEVELS).is_err() {
        return error_response_on(
            StatusCode::BAD_REQUEST,
            media,
            code::BAD_USER_INPUT,
            Some("variables"),
            format!("`variables` nest deeper than {max_nesting} levels"),
            &request_id,
        );
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(err) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                media,
                code::BAD_USER_INPUT,
                format!("the body is not JSON: {err}"),
                &request_id,
            );
        }
    };
    let max_batch = http.state.config.limits.max_batch;
    let limits = DocumentLimits::from(&http.state.config.limits);
    match value {
        Value::Object(params) => match graphql_request(&params, false, &limits, &http.persisted) {
            Ok(request) => execute(&http, &headers, media, vec![request], false, &request_id).await,
            Err(error) => param_error(media, error, &request_id),
        },
        Value::Array(items) if items.is_empty() || items.len() > max_batch => error_response(
            StatusCode::BAD_REQUEST,
            media,
            code::BAD_USER_INPUT,
            format!(
                "a batch holds 1 to {max_batch} operations; this one has {}",
                items.len()
            ),
            &request_id,
        ),
        Value::Array(items) => {
            let mut requests = Vec::with_capacity(items.len());
            for item in items {
                let Value::Object(params) = item else {
                    return param_error(
                        media,
                        ParamError::new("each batch item must be an object"),
                        &request_id,
                    );
                };
                match graphql_request(&params, false, &limits, &http.persisted) {
                    Ok(request) => requests.push(request),
                    Err(error) => return param_error(media, error, &request_id),
                }
            }
            execute(&http, &headers, media, requests, true, &request_id).await
        }
        _ => param_error(
            media,
            ParamError::new("the body must be a JSON object (or an array of them)"),
            &request_id,
        ),
    }
}

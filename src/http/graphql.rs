//! GraphQL over HTTP (graphql.github.io/graphql-over-http): POST and GET on `/graphql`, content
//! negotiation between `application/graphql-response+json` and `application/json`, the status
//! codes each implies, batching, CSRF protection, and the body, time and batch limits.

use std::time::Duration;

use async_graphql::{
    ErrorExtensionValues, Request as GraphQLRequest, Response as GraphQLResponse, ServerError,
    Variables,
    parser::types::{DocumentOperations, OperationType},
};
use axum::{
    Extension,
    body::Body,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};
use tower_http::request_id::RequestId;

use super::{
    Http,
    persisted::{PersistedQueries, Refusal},
};
use crate::graphql::limits::DocumentLimits;

/// The header that makes a request a browser cannot send cross-site without a CORS preflight.
/// Required on POSTs whose content type a form could send (multipart uploads included).
pub const PREFLIGHT_HEADER: &str = "x-iso20000-preflight";

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The response media types this server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MediaType {
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphQLResponseJson,
    /// `application/json`: legacy clients; 200 for every well-formed request.
    Json,
}

impl MediaType {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphQLResponseJson => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }

    /// The status of a request that failed before execution (parse, validation, parameters).
    fn request_error_status(self) -> StatusCode {
        match self {
            Self::GraphQLResponseJson => StatusCode::BAD_REQUEST,
            Self::Json => StatusCode::OK,
        }
    }
}

/// The quality the `Accept` header gives `media` (the most specific matching range wins).
fn quality(accept: &str, media: &str) -> f32 {
    let (kind, _) = media.split_once('/').unwrap_or((media, ""));
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
            })
            .next()
            .unwrap_or(1.0);
        let specificity = if name == media {
            3
        } else if name == format!("{kind}/*") {
            2
        } else if name == "*/*" {
            1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// Where `media` is named (exactly) in the `Accept` header, if it is.
fn named_at(accept: &str, media: &str) -> Option<usize> {
    accept.split(',').position(|range| {
        range
            .split(';')
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case(media))
    })
}

/// Picks the response media type; `None` if the client accepts neither.
///
/// `application/graphql-response+json` when the client names it, unless it prefers
/// `application/json` (a higher quality, or the same named first); `application/json` for
/// everything else it accepts: no `Accept` header, `*/*`, `application/*`. Clients that send
/// `*/*` (Apollo Client 3) read a 400 as a network error and lose the GraphQL errors in it,
/// which `application/json`'s 200 keeps; the spec recommends this for such clients.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let accept = match headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) {
        None => return Some(MediaType::Json),
        Some(accept) if accept.trim().is_empty() => return Some(MediaType::Json),
        Some(accept) => accept,
    };
    let modern = quality(accept, GRAPHQL_RESPONSE_JSON);
    let legacy = quality(accept, "application/json");
    let modern_named = named_at(accept, GRAPHQL_RESPONSE_JSON).filter(|_| modern > 0.0);
    let legacy_named = named_at(accept, "application/json").filter(|_| legacy > 0.0);
    match (modern_named, legacy_named) {
        (Some(m), Some(l)) if legacy > modern || (legacy == modern && l < m) => {
            Some(MediaType::Json)
        }
        (Some(_), _) => Some(MediaType::GraphQLResponseJson),
        _ if legacy > 0.0 => Some(MediaType::Json),
        _ if modern > 0.0 => Some(MediaType::GraphQLResponseJson),
        _ => None,
    }
}

/// An error response for a request that never reached the executor.
fn error_response(
    status: StatusCode,
    media: MediaType,
    code: &str,
    message: impl Into<String>,
    request_id: &str,
) -> Response {
    error_response_on(status, media, code, None, message, request_id)
}

/// An error response naming the request parameter at fault (`extensions.field`).
fn error_response_on(
    status: StatusCode,
    media: MediaType,
    code: &str,
    field: Option<&str>,
    message: impl Into<String>,
    request_id: &str,
) -> Response {
    tracing::debug!(%status, code, "request refused");
    let mut extensions = json!({ "code": code, "requestId": request_id });
    if let Some(field) = field {
        extensions["field"] = json!(field);
    }
    let body = json!({
        "errors": [{ "message": message.into(), "extensions": extensions }]
    });
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

fn request_id(id: &Option<Extension<RequestId>>) -> String {
    id.as_ref()
        .and_then(|Extension(id)| id.header_value().to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// 406: the client accepts neither response media type.
fn not_acceptable(request_id: &str) -> Response {
    error_response(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        "BAD_USER_INPUT",
        "accept application/graphql-response+json or application/json",
        request_id,
    )
}

/// Why request parameters are not a GraphQL request, the parameter at fault if one is, and
/// the error code (BAD_USER_INPUT unless said otherwise).
pub(crate) struct ParamError(
    pub(crate) String,
    pub(crate) Option<&'static str>,
    pub(crate) &'static str,
);

impl ParamError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into(), None, "BAD_USER_INPUT")
    }

    fn on(field: &'static str, message: impl Into<String>) -> Self {
        Self(message.into(), Some(field), "BAD_USER_INPUT")
    }

    /// Apollo's persisted query link reads the message and the code of these.
    fn persisted(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound => Self(
                "PersistedQueryNotFound".into(),
                None,
                "PERSISTED_QUERY_NOT_FOUND",
            ),
            Refusal::HashMismatch => Self::on(
                "extensions.persistedQuery.sha256Hash",
                "provided sha256Hash does not match the query",
            ),
            Refusal::Malformed => Self::on(
                "extensions.persistedQuery",
                "persistedQuery must be { version: 1, sha256Hash: <64 hexadecimal digits> }",
            ),
        }
    }
}

/// How many levels of a request's JSON are the request's own, above its variables: a batch's
/// array, the request object, the variables object.
pub(crate) const REQUEST_JSON_LEVELS: usize = 3;

/// Reads `query`, `operationName`, `variables` and `extensions` from a JSON object (POST) or
/// from strings (GET, where variables and extensions are JSON text, nested at most
/// `max_nesting` levels).
pub(crate) fn graphql_request(
    params: &Map<String, Value>,
    from_url: bool,
    limits: &DocumentLimits,
    persisted: &PersistedQueries,
) -> Result<GraphQLRequest, ParamError> {
    let max_nesting = limits.max_nesting;
    let object = |name: &'static str| -> Result<Option<Map<String, Value>>, ParamError> {
        let value = match params.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(text)) if from_url => {
                // Bounded before the JSON parser, which recurses once per level.
                crate::graphql::nesting::check_json(text.as_bytes(), max_nesting + 1).map_err(
                    |_| {
                        ParamError::on(
                            name,
                            format!("`{name}` nests deeper than {max_nesting} levels"),
                        )
                    },
                )?;
                serde_json::from_str::<Value>(text)
                    .map_err(|_| ParamError::on(name, format!("`{name}` must be a JSON object")))?
            }
            Some(value) => value.clone(),
        };
        match value {
            Value::Object(map) => Ok(Some(map)),
            Value::Null => Ok(None),
            _ => Err(ParamError::on(name, format!("`{name}` must be an object"))),
        }
    };
    let extensions = object("extensions")?;
    let persisted_query = extensions
        .as_ref()
        .and_then(|extensions| extensions.get("persistedQuery"));
    let query = match (params.get("query"), persisted_query) {
        (Some(Value::String(query)), None) => query.clone(),
        (Some(Value::String(query)), Some(extension)) => persisted
            .resolve(Some(query), extension, limits.max_query_bytes)
            .map_err(ParamError::persisted)?
            .to_string(),
        (None | Some(Value::Null), Some(extension)) => persisted
            .resolve(None, extension, limits.max_query_bytes)
            .map_err(ParamError::persisted)?
            .to_string(),
        (Some(_), _) => return Err(ParamError::on("query", "`query` must be a string")),
        (None, None) => return Err(ParamError::on("query", "the request has no `query`")),
    };
    let mut request = GraphQLRequest::new(query);
    match params.get("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name.clone()),
        Some(_) => return Err(ParamError::new("`operationName` must be a string")),
    }
    if let Some(variables) = object("variables")? {
        request = request.variables(Variables::from_json(Value::Object(variables)));
    }
    if let Some(extensions) = extensions {
        for (key, value) in extensions {
            if let Ok(value) = async_graphql::Value::from_json(value) {
                request.extensions.insert(key, value);
            }
        }
    }
    Ok(request)
}

/// A request error made by the parameters: BAD_USER_INPUT, with the status the media type wants.
fn param_error(media: MediaType, error: ParamError, request_id: &str) -> Response {
    error_response_on(
        media.request_error_status(),
        media,
        error.2,
        error.1,
        error.0,
        request_id,
    )
}

/// Our own errors carry a code; the rest come from parsing, validating or coercing the request
/// (unknown fields, wrong enum values, bad literals): the client's input is at fault. Every
/// error also names the request id, for support.
fn annotate(error: &mut ServerError, request_id: &str) {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", "BAD_USER_INPUT");
        // A coercion error names its argument; the rest (syntax, unknown fields, depth,
        // complexity) are the document's.
        let field = argument_named_in(&error.message).unwrap_or_else(|| "query".to_owned());
        extensions.set("field", field);
    }
    extensions.set("requestId", request_id);
}

/// The argument an async-graphql coercion message names: `... argument "input.name" ...`.
pub(super) fn argument_named_in(message: &str) -> Option<String> {
    let start = message.find("argument \"")? + "argument \"".len();
    let end = message[start..].find('"')?;
    Some(message[start..start + end].to_owned())
}

/// True when the request failed before execution: no data and no error with a path.
fn is_request_error(response: &GraphQLResponse) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The JSON of one response: without `data` when the request failed before execution, as the
/// spec requires for `application/graphql-response+json`.
pub(crate) fn response_json(mut response: GraphQLResponse, request_id: &str) -> (String, bool) {
    response
        .errors
        .iter_mut()
        .for_each(|e| annotate(e, request_id));
    let request_error = is_request_error(&response);
    // Serialized once, straight to text: this is the hot path of every request.
    let text = if request_error {
        serde_json::to_string(&json!({ "errors": response.errors }))
    } else {
        serde_json::to_string(&response)
    };
    (text.unwrap_or_else(|_| r#"{"errors":[{"message":"response encoding failed","extensions":{"code":"INTERNAL"}}]}"#.to_owned()), request_error)
}

/// The response text if it fits in what is left of the response budget, otherwise an error
/// saying so.
pub(crate) fn within_budget(body: String, budget: &mut usize, request_id: &str) -> String {
    if body.len() <= *budget {
        *budget -= body.len();
        return body;
    }
    json!({
        "data": null,
        "errors": [{
            "message": format!("the response is {} bytes, over the response limit; ask for fewer records or fields", body.len()),
            "extensions": { "code": "BAD_USER_INPUT", "field": "query", "requestId": request_id },
        }]
    })
    .to_string()
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
        http.metrics.error("TIMEOUT");
        return error_response(
            StatusCode::GATEWAY_TIMEOUT,
            media,
            "TIMEOUT",
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
pub async fn post(
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
                "BAD_USER_INPUT",
                format!(
                    "{mime} requests must carry the `{PREFLIGHT_HEADER}` header (cross-site request forgery protection)"
                ),
                &request_id,
            );
        }
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "BAD_USER_INPUT",
            format!("{mime} is not accepted here; send application/json"),
            &request_id,
        );
    }
    if mime != "application/json" || charset.as_deref().is_some_and(|c| c != "utf-8") {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "BAD_USER_INPUT",
            "send the request as `Content-Type: application/json` (UTF-8)",
            &request_id,
        );
    }
    let max_body = http.state.config.limits.max_body_bytes;
    let too_large = || {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            "BAD_USER_INPUT",
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
            "BAD_USER_INPUT",
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
                "BAD_USER_INPUT",
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
            "BAD_USER_INPUT",
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
pub async fn get(
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
            return super::graphiql::page();
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
            "BAD_USER_INPUT",
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

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
        );
        headers
    }

    #[test]
    fn content_negotiation_follows_the_accept_header() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(negotiate(&accept("*/*")), Some(MediaType::Json));
        assert_eq!(negotiate(&accept("application/*")), Some(MediaType::Json));
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json"
            )),
            Some(MediaType::GraphQLResponseJson)
        );
        assert_eq!(
            negotiate(&accept(
                "application/json, application/graphql-response+json"
            )),
            Some(MediaType::Json)
        );
        assert_eq!(
            negotiate(&accept("application/graphql-response+json, */*")),
            Some(MediaType::GraphQLResponseJson)
        );
        assert_eq!(
            negotiate(&accept("application/json;q=0, */*")),
            Some(MediaType::GraphQLResponseJson)
        );
        assert_eq!(
            negotiate(&accept("application/json")),
            Some(MediaType::Json)
        );
        assert_eq!(
            negotiate(&accept("application/graphql-response+json")),
            Some(MediaType::GraphQLResponseJson)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(MediaType::Json)
        );
        assert_eq!(
            negotiate(&accept("application/*;q=0.2, application/json;q=0.9")),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
        assert_eq!(negotiate(&accept("application/json;q=0")), None);
    }

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
}

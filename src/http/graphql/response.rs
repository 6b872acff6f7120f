//! The response: errors annotated with their code and the request id, serialized once, kept
//! within the response budget; and the error responses of requests that never ran.

use async_graphql::{ErrorExtensionValues, Response as GraphQLResponse, ServerError};
use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{negotiation::MediaType, request::ParamError};
use crate::error::code;

/// An error response for a request that never reached the executor.
pub(super) fn error_response(
    status: StatusCode,
    media: MediaType,
    code: &str,
    message: impl Into<String>,
    request_id: &str,
) -> Response {
    error_response_on(status, media, code, None, message, request_id)
}

/// An error response naming the request parameter at fault (`extensions.field`).
pub(super) fn error_response_on(
    status: StatusCode,
    media: MediaType,
    code: &str,
    field: Option<&str>,
    message: impl Into<String>,
    request_id: &str,
) -> Response {
    tracing::debug!(%status, code, "request refused");
    let body = json!({ "errors": [coded_error(code, field, message, request_id)] });
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

/// An error of our own making, with its code, the parameter at fault if one is, and the
/// request id.
pub(crate) fn coded_error(
    code: &str,
    field: Option<&str>,
    message: impl Into<String>,
    request_id: &str,
) -> ServerError {
    let mut error = ServerError::new(message, None);
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    extensions.set("code", code);
    if let Some(field) = field {
        extensions.set("field", field);
    }
    extensions.set("requestId", request_id);
    error
}

/// 406: the client accepts neither response media type.
pub(super) fn not_acceptable(request_id: &str) -> Response {
    error_response(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        code::BAD_USER_INPUT,
        "accept application/graphql-response+json or application/json",
        request_id,
    )
}

/// A request error made by the parameters: BAD_USER_INPUT, with the status the media type wants.
pub(super) fn param_error(media: MediaType, error: ParamError, request_id: &str) -> Response {
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
        extensions.set("code", code::BAD_USER_INPUT);
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

/// Gives every error of `response` its code and the request id; answers whether the request
/// failed before execution.
pub(crate) fn annotate_response(response: &mut GraphQLResponse, request_id: &str) -> bool {
    response
        .errors
        .iter_mut()
        .for_each(|e| annotate(e, request_id));
    is_request_error(response)
}

/// The JSON of one annotated response: without `data` when the request failed before
/// execution, as the spec requires for `application/graphql-response+json`.
pub(crate) fn to_json(response: GraphQLResponse, request_error: bool) -> String {
    // Serialized once, straight to text: this is the hot path of every request.
    let text = if request_error {
        serde_json::to_string(&json!({ "errors": response.errors }))
    } else {
        serde_json::to_string(&response)
    };
    text.unwrap_or_else(|_| {
        json!({
            "errors": [{
                "message": "response encoding failed",
                "extensions": { "code": code::INTERNAL },
            }]
        })
        .to_string()
    })
}

/// The JSON of one response, annotated, and whether the request failed before execution.
pub(crate) fn response_json(mut response: GraphQLResponse, request_id: &str) -> (String, bool) {
    let request_error = annotate_response(&mut response, request_id);
    (to_json(response, request_error), request_error)
}

/// The response text if it fits in what is left of the response budget, otherwise an error
/// saying so.
pub(crate) fn within_budget(body: String, budget: &mut usize, request_id: &str) -> String {
    if body.len() <= *budget {
        *budget -= body.len();
        return body;
    }
    json!({ "data": null, "errors": [over_budget(body.len(), request_id)] }).to_string()
}

/// The error that replaces a response of `bytes` bytes, over the response budget.
pub(crate) fn over_budget(bytes: usize, request_id: &str) -> ServerError {
    coded_error(
        code::BAD_USER_INPUT,
        Some("query"),
        format!(
            "the response is {bytes} bytes, over the response limit; ask for fewer records or fields"
        ),
        request_id,
    )
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
}

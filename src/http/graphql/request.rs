//! Reading a GraphQL request from its parameters: a POST body's JSON object or a GET's query
//! string, with automatic persisted queries resolved on the way.

use async_graphql::{Request as GraphQLRequest, Variables};
use serde_json::{Map, Value};

use crate::{
    error::code,
    graphql::limits::DocumentLimits,
    http::persisted::{PersistedQueries, Refusal},
};

/// Why request parameters are not a GraphQL request, the parameter at fault if one is, and
/// the error code (BAD_USER_INPUT unless said otherwise).
pub(crate) struct ParamError(
    pub(crate) String,
    pub(crate) Option<&'static str>,
    pub(crate) &'static str,
);

impl ParamError {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Self(message.into(), None, code::BAD_USER_INPUT)
    }

    fn on(field: &'static str, message: impl Into<String>) -> Self {
        Self(message.into(), Some(field), code::BAD_USER_INPUT)
    }

    /// Apollo's persisted query link reads the message and the code of these.
    fn persisted(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound => Self(
                "PersistedQueryNotFound".into(),
                None,
                code::PERSISTED_QUERY_NOT_FOUND,
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

//! Content negotiation: which of the two response media types a request's `Accept` header
//! asks for, and the status codes each implies.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

pub(super) const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The response media types this server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MediaType {
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphQLResponseJson,
    /// `application/json`: legacy clients; 200 for every well-formed request.
    Json,
}

impl MediaType {
    pub(super) fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphQLResponseJson => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }

    /// The status of a request that failed before execution (parse, validation, parameters).
    pub(super) fn request_error_status(self) -> StatusCode {
        match self {
            Self::GraphQLResponseJson => StatusCode::BAD_REQUEST,
            Self::Json => StatusCode::OK,
        }
    }
}

/// The quality the `Accept` header gives `media` (the most specific matching range wins).
pub(super) fn quality(accept: &str, media: &str) -> f32 {
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
pub(super) fn named_at(accept: &str, media: &str) -> Option<usize> {
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
pub(super) fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
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
        let modern = Some(MediaType::GraphQLResponseJson);
        let legacy = Some(MediaType::Json);
        for (header, expected) in [
            ("*/*", legacy),
            ("application/*", legacy),
            (
                "application/graphql-response+json, application/json",
                modern,
            ),
            (
                "application/json, application/graphql-response+json",
                legacy,
            ),
            ("application/graphql-response+json, */*", modern),
            ("application/json;q=0, */*", modern),
            ("application/json", legacy),
            ("application/graphql-response+json", modern),
            (
                "application/graphql-response+json;q=0.5, application/json",
                legacy,
            ),
            ("application/*;q=0.2, application/json;q=0.9", legacy),
            ("text/html", None),
            ("application/json;q=0", None),
        ] {
            assert_eq!(negotiate(&accept(header)), expected, "Accept: {header}");
        }
    }
}

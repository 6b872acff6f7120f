//! GraphiQL, served from the binary: the page, pinned versions of GraphiQL, React and
//! graphql-ws (`assets/SOURCES` says where each comes from), and the fetcher that sends
//! subscriptions over the WebSocket with the headers pane's Authorization in
//! `connection_init`. Nothing is fetched from elsewhere, so it works on a machine without
//! internet; a Content-Security-Policy keeps it that way.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// The page; every asset it names is below.
const PAGE: &str = include_str!("page.html");

/// Only this origin's scripts, styles (GraphiQL sets some inline) and connections.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'";

/// An asset: its name under `/graphql/assets/`, its media type, its bytes, and whether they
/// are gzip-compressed (the large ones, stored so to keep the binary and the repository small).
struct Asset {
    name: &'static str,
    media: &'static str,
    bytes: &'static [u8],
    gzip: bool,
}

macro_rules! gzipped {
    ($name:literal, $media:expr) => {
        Asset {
            name: $name,
            media: $media,
            bytes: include_bytes!(concat!("assets/", $name, ".gz")),
            gzip: true,
        }
    };
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

const ASSETS: [Asset; 6] = [
    gzipped!("graphiql-3.8.3.min.css", "text/css; charset=utf-8"),
    gzipped!("graphiql-3.8.3.min.js", JAVASCRIPT),
    gzipped!("react-18.3.1.production.min.js", JAVASCRIPT),
    gzipped!("react-dom-18.3.1.production.min.js", JAVASCRIPT),
    gzipped!("graphql-ws-5.16.0.min.js", JAVASCRIPT),
    Asset {
        name: "iso20000-graphiql.js",
        media: JAVASCRIPT,
        bytes: include_bytes!("assets/iso20000-graphiql.js"),
        gzip: false,
    },
];

/// The GraphiQL page.
pub fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        PAGE,
    )
        .into_response()
}

/// Whether the client takes gzip (no `Accept-Encoding` at all means any coding will do).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let Some(accept) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    accept.split(',').any(|coding| {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        !refused && (name.eq_ignore_ascii_case("gzip") || name == "*")
    })
}

/// GET /graphql/assets/{name}: versioned names, so they may be cached for good.
pub async fn asset(
    State(http): State<super::Http>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let asset = ASSETS.iter().find(|asset| asset.name == name);
    let Some(asset) = asset.filter(|_| http.state.config.server.graphiql) else {
        return (StatusCode::NOT_FOUND, "no such GraphiQL asset").into_response();
    };
    let mut response = asset.bytes.into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.media));
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if asset.gzip {
        if !accepts_gzip(&headers) {
            return (
                StatusCode::NOT_ACCEPTABLE,
                "this asset is served gzip-compressed; send Accept-Encoding: gzip",
            )
                .into_response();
        }
        response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_asset_and_nothing_from_elsewhere() {
        for asset in &ASSETS {
            let name = asset.name;
            assert!(PAGE.contains(&format!("/graphql/assets/{name}")), "{name}");
        }
        assert!(!PAGE.contains("http://") && !PAGE.contains("https://"));
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(header::ACCEPT_ENCODING, value);
            }
            accepts_gzip(&headers)
        };
        assert!(accepts_gzip(&HeaderMap::new()));
        assert!(with("gzip, deflate, br"));
        assert!(with("*"));
        assert!(!with("identity"));
        assert!(!with("gzip;q=0, br"));
    }
}

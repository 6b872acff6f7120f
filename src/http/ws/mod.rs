//! GraphQL over WebSocket on `/graphql/ws`, both the `graphql-transport-ws` protocol
//! (github.com/enisdenjo/graphql-ws, PROTOCOL.md) and the legacy `graphql-ws` protocol of
//! subscriptions-transport-ws, chosen by the `Sec-WebSocket-Protocol` header.
//!
//! Written here rather than taken from async-graphql, whose handler closes with 1002 where the
//! protocol asks for 4403, has no init timeout, per-connection or per-organization limits, and
//! no end of a subscription when its token expires.

mod connection;
mod message;
mod registry;

use axum::{
    extract::{State, WebSocketUpgrade},
    http::StatusCode,
    response::{IntoResponse, Response},
};

pub use registry::{ConnectionRegistry, Registries};

use super::Http;

/// The subprotocols, in the order the server prefers them.
pub const PROTOCOLS: [&str; 2] = [message::TRANSPORT_WS, message::LEGACY_WS];

/// Bytes read from a socket at a time.
const READ_CHUNK: usize = 4 * 1024;

/// GET /graphql/ws.
pub async fn upgrade(State(http): State<Http>, upgrade: WebSocketUpgrade) -> Response {
    let protocol = upgrade
        .requested_protocols()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find_map(message::Protocol::from_name);
    let limits = &http.state.config.limits;
    // Counted from the upgrade until `connection_init` succeeds: an anonymous socket costs its
    // buffers and a task, and nothing else bounds how many a client opens.
    let Some(unauthenticated) = http
        .connections
        .unauthenticated
        .register((), limits.max_unauthenticated_websockets)
    else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "5")],
            "too many WebSocket connections are waiting for connection_init; try again later",
        )
            .into_response();
    };
    let max_message = limits.ws_max_message_bytes.unwrap_or(limits.max_body_bytes);
    upgrade
        // tungstenite reserves its read buffer whole for each socket (128 KiB by default):
        // that, not the subscriptions, was most of what an idle subscriber cost. Messages
        // larger than the chunk are still read, in several chunks.
        .read_buffer_size(READ_CHUNK)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .protocols(PROTOCOLS)
        .on_upgrade(move |socket| connection::run(socket, protocol, http, unauthenticated))
}

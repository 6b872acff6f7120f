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
    response::Response,
};

pub use registry::ConnectionRegistry;

use super::Http;

/// The subprotocols, in the order the server prefers them.
pub const PROTOCOLS: [&str; 2] = [message::TRANSPORT_WS, message::LEGACY_WS];

/// GET /graphql/ws.
pub async fn upgrade(State(http): State<Http>, upgrade: WebSocketUpgrade) -> Response {
    let protocol = upgrade
        .requested_protocols()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find_map(message::Protocol::from_name);
    upgrade
        .protocols(PROTOCOLS)
        .on_upgrade(move |socket| connection::run(socket, protocol, http))
}

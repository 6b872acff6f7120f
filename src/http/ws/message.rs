//! The messages of both protocols, and the close codes of PROTOCOL.md.

use async_graphql::ServerError;
use serde::Deserialize;
use serde_json::{Value, json};

pub const TRANSPORT_WS: &str = "graphql-transport-ws";
pub const LEGACY_WS: &str = "graphql-ws";

/// Close codes (graphql-ws PROTOCOL.md, plus RFC 6455's own).
pub mod close {
    pub const BAD_REQUEST: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const SUBPROTOCOL_NOT_ACCEPTABLE: u16 = 4406;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const SUBSCRIBER_EXISTS: u16 = 4409;
    pub const TOO_MANY_INITS: u16 = 4429;
    /// RFC 6455: the server is going down.
    pub const GOING_AWAY: u16 = 1001;
    /// RFC 6455: the server is overloaded; try again later.
    pub const TRY_AGAIN_LATER: u16 = 1013;
    pub const NORMAL: u16 = 1000;
}

/// Which protocol a connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `graphql-transport-ws`.
    TransportWs,
    /// `graphql-ws` (subscriptions-transport-ws, legacy).
    LegacyWs,
}

impl Protocol {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            TRANSPORT_WS => Some(Self::TransportWs),
            LEGACY_WS => Some(Self::LegacyWs),
            _ => None,
        }
    }
}

/// A client message, normalized across the two protocols.
#[derive(Debug)]
pub enum ClientMessage {
    ConnectionInit {
        payload: Value,
    },
    Ping {
        payload: Option<Value>,
    },
    Pong,
    Subscribe {
        id: String,
        payload: Value,
    },
    Complete {
        id: String,
    },
    /// Legacy: the client ends the connection.
    Terminate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    payload: Option<Value>,
}

/// Parses a text frame; the error is the reason for closing with 4400.
pub fn parse(protocol: Protocol, text: &str) -> Result<ClientMessage, String> {
    let raw: Raw = serde_json::from_str(text).map_err(|e| format!("invalid message: {e}"))?;
    let id = |raw: Raw| -> Result<(String, Option<Value>), String> {
        match raw.id {
            Some(id) if !id.is_empty() => Ok((id, raw.payload)),
            _ => Err(format!("`{}` needs a non-empty `id`", raw.kind)),
        }
    };
    let payload_object = |payload: Option<Value>, kind: &str| -> Result<Value, String> {
        match payload {
            Some(Value::Object(map)) => Ok(Value::Object(map)),
            _ => Err(format!("`{kind}` needs an object payload")),
        }
    };
    match (protocol, raw.kind.as_str()) {
        (_, "connection_init") => match raw.payload {
            None | Some(Value::Null) => Ok(ClientMessage::ConnectionInit { payload: json!({}) }),
            Some(payload @ Value::Object(_)) => Ok(ClientMessage::ConnectionInit { payload }),
            Some(_) => Err("`connection_init` payload must be an object".into()),
        },
        (Protocol::TransportWs, "ping") => Ok(ClientMessage::Ping {
            payload: raw.payload,
        }),
        (Protocol::TransportWs, "pong") => Ok(ClientMessage::Pong),
        (Protocol::TransportWs, "subscribe") | (Protocol::LegacyWs, "start") => {
            let kind = raw.kind.clone();
            let (id, payload) = id(raw)?;
            Ok(ClientMessage::Subscribe {
                id,
                payload: payload_object(payload, &kind)?,
            })
        }
        (Protocol::TransportWs, "complete") | (Protocol::LegacyWs, "stop") => {
            Ok(ClientMessage::Complete { id: id(raw)?.0 })
        }
        (Protocol::LegacyWs, "connection_terminate") => Ok(ClientMessage::Terminate),
        (_, other) => Err(format!("unknown message type `{other}`")),
    }
}

/// Server messages, rendered for the connection's protocol.
pub fn ack(protocol: Protocol) -> String {
    let _ = protocol;
    json!({ "type": "connection_ack" }).to_string()
}

pub fn pong(payload: Option<Value>) -> String {
    match payload {
        Some(payload) => json!({ "type": "pong", "payload": payload }),
        None => json!({ "type": "pong" }),
    }
    .to_string()
}

pub fn keep_alive() -> String {
    json!({ "type": "ka" }).to_string()
}

pub fn connection_error(message: &str) -> String {
    json!({ "type": "connection_error", "payload": { "message": message } }).to_string()
}

/// A result; `payload` is the response's JSON text, spliced in as it is, so that its keys keep
/// the order of the selection (a JSON value would sort them).
pub fn next(protocol: Protocol, id: &str, payload: &str) -> String {
    let kind = match protocol {
        Protocol::TransportWs => "next",
        Protocol::LegacyWs => "data",
    };
    let id = Value::from(id);
    format!(r#"{{"type":"{kind}","id":{id},"payload":{payload}}}"#)
}

/// Errors of an operation that could not run: an array in graphql-transport-ws, the first
/// one in the legacy protocol.
pub fn error(protocol: Protocol, id: &str, errors: &[ServerError]) -> String {
    let payload = match protocol {
        Protocol::TransportWs => json!(errors),
        Protocol::LegacyWs => json!(errors.first()),
    };
    json!({ "type": "error", "id": id, "payload": payload }).to_string()
}

pub fn complete(id: &str) -> String {
    json!({ "type": "complete", "id": id }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_their_keys() {
        let text = next(Protocol::TransportWs, "a\"1", r#"{"data":{"z":1,"a":2}}"#);
        assert_eq!(
            text,
            r#"{"type":"next","id":"a\"1","payload":{"data":{"z":1,"a":2}}}"#
        );
        assert!(serde_json::from_str::<Value>(&text).is_ok());
    }

    #[test]
    fn both_protocols_parse_to_the_same_messages() {
        let subscribe = r#"{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}"#;
        let start = r#"{"type":"start","id":"1","payload":{"query":"{ a }"}}"#;
        assert!(
            matches!(parse(Protocol::TransportWs, subscribe), Ok(ClientMessage::Subscribe { id, .. }) if id == "1")
        );
        assert!(
            matches!(parse(Protocol::LegacyWs, start), Ok(ClientMessage::Subscribe { id, .. }) if id == "1")
        );
        assert!(
            parse(Protocol::LegacyWs, subscribe).is_err(),
            "each protocol has its own names"
        );
        assert!(parse(Protocol::TransportWs, start).is_err());
    }

    #[test]
    fn malformed_messages_are_refused() {
        for text in [
            "not json",
            r#"{"type":"subscribe","payload":{"query":"{ a }"}}"#,
            r#"{"type":"subscribe","id":"1","payload":"{ a }"}"#,
            r#"{"type":"connection_init","payload":[1]}"#,
            r#"{"type":"wave"}"#,
            r#"{"id":"1"}"#,
            r#"{"type":"ping","extra":true}"#,
        ] {
            assert!(parse(Protocol::TransportWs, text).is_err(), "{text}");
        }
    }
}

//! A small graphql-ws client over tokio-tungstenite, for either protocol.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use crate::helpers::TestApp;

pub const TRANSPORT: &str = "graphql-transport-ws";
pub const LEGACY: &str = "graphql-ws";

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What the server sent next.
#[derive(Debug, PartialEq)]
pub enum Received {
    Json(Value),
    Closed(Option<u16>, String),
    Nothing,
}

impl Received {
    pub fn json(self) -> Value {
        match self {
            Self::Json(value) => value,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    pub fn close_code(&self) -> Option<u16> {
        match self {
            Self::Closed(code, _) => *code,
            _ => None,
        }
    }
}

/// Opens a socket offering `protocol` (none if `None`).
pub async fn connect(app: &TestApp, protocol: Option<&str>) -> Socket {
    let mut request = app.ws_url().into_client_request().unwrap();
    if let Some(protocol) = protocol {
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_str(protocol).unwrap(),
        );
    }
    let (socket, response) = connect_async(request).await.unwrap();
    if let Some(protocol) = protocol {
        assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
    }
    socket
}

pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

pub async fn send_text(socket: &mut Socket, text: &str) {
    socket.send(Message::text(text.to_owned())).await.unwrap();
}

/// The next message within `wait`, skipping pings and legacy keep-alives.
pub async fn receive(socket: &mut Socket, wait: Duration) -> Received {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => return Received::Nothing,
            Ok(Some(Ok(Message::Text(text)))) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] == "ka" {
                    continue;
                }
                return Received::Json(value);
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return match frame {
                    Some(frame) => {
                        Received::Closed(Some(u16::from(frame.code)), frame.reason.to_string())
                    }
                    None => Received::Closed(None, String::new()),
                };
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) => return Received::Closed(None, String::new()),
        }
    }
}

/// The text of the next text message, skipping keep-alives.
pub async fn next_text(socket: &mut Socket) -> String {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) if !text.contains(r#""type":"ka""#) => {
                return text.to_string();
            }
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a text message, got {other:?}"),
        }
    }
}

pub async fn next(socket: &mut Socket) -> Received {
    receive(socket, Duration::from_secs(5)).await
}

/// `connection_init` with a bearer token; asserts the ack.
pub async fn init(socket: &mut Socket, token: &str) {
    send(socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    let ack = next(socket).await.json();
    assert_eq!(ack["type"], "connection_ack", "{ack:#}");
}

/// Starts an operation, in the protocol's words.
pub async fn subscribe(socket: &mut Socket, protocol: &str, id: &str, query: &str) {
    let kind = if protocol == LEGACY {
        "start"
    } else {
        "subscribe"
    };
    send(
        socket,
        json!({ "id": id, "type": kind, "payload": { "query": query } }),
    )
    .await;
}

/// The word for a result message in the protocol.
pub fn next_type(protocol: &str) -> &'static str {
    if protocol == LEGACY { "data" } else { "next" }
}

//! One WebSocket connection: the handshake, its operations, its limits and its end.

use std::{collections::HashMap, pin::Pin, time::Duration};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt, stream::SplitStream};
use serde_json::{Map, Value, json};
use tokio::{
    sync::mpsc,
    task::AbortHandle,
    time::{Instant, Sleep},
};
use uuid::Uuid;

use super::{
    message::{self, ClientMessage, Protocol, close},
    registry::Registration,
};
use crate::graphql::limits::DocumentLimits;
use crate::{
    auth::Authentication,
    http::{
        Http,
        graphql::{graphql_request, response_json},
    },
};

/// How often the legacy protocol's keep-alive (`ka`) is sent.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long the server waits for the client's close frame after sending its own.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

/// Far enough in the future to mean "never".
const NEVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Why the server closes the connection.
type Closing = (u16, String);

struct Connection {
    protocol: Protocol,
    http: Http,
    /// Frames to the client, written by one task so that operations can send concurrently.
    out: mpsc::Sender<Message>,
    /// Identifies the connection in logs and error extensions.
    id: String,
    init_received: bool,
    authentication: Option<Authentication>,
    _registration: Option<Registration>,
    expiry: Pin<Box<Sleep>>,
    operations: HashMap<String, AbortHandle>,
    finished_tx: mpsc::UnboundedSender<String>,
}

/// Serves one upgraded connection until either side closes it.
pub async fn run(socket: WebSocket, protocol: Option<Protocol>, http: Http) {
    let (mut sink, stream) = socket.split();
    let Some(protocol) = protocol else {
        let _ = sink
            .send(close_frame(
                close::SUBPROTOCOL_NOT_ACCEPTABLE,
                "Subprotocol not acceptable",
            ))
            .await;
        return;
    };
    let (out, mut outgoing) = mpsc::channel::<Message>(64);
    let writer = tokio::spawn(async move {
        while let Some(frame) = outgoing.recv().await {
            let closing = matches!(frame, Message::Close(_));
            if sink.send(frame).await.is_err() || closing {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let (finished_tx, finished) = mpsc::unbounded_channel();
    let mut connection = Connection {
        protocol,
        http,
        out,
        id: Uuid::now_v7().to_string(),
        init_received: false,
        authentication: None,
        _registration: None,
        expiry: Box::pin(tokio::time::sleep(NEVER)),
        operations: HashMap::new(),
        finished_tx,
    };
    connection.http.metrics.websocket_opened();
    let mut stream = stream;
    let closing = connection.serve(&mut stream, finished).await;
    for (_, operation) in connection.operations.drain() {
        operation.abort();
    }
    connection.http.metrics.websocket_closed();
    if let Some((code, reason)) = closing {
        tracing::debug!(connection = %connection.id, code, reason, "closing WebSocket");
        let _ = connection.out.send(close_frame(code, &reason)).await;
        // The closing handshake: read until the client's close frame, so that dropping the TCP
        // connection with unread data (a reset) cannot destroy our close frame in flight.
        let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
            while let Some(Ok(frame)) = stream.next().await {
                if matches!(frame, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
    drop(connection);
    let _ = writer.await;
}

fn close_frame(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

impl Connection {
    /// The read loop; returns the close code and reason, or `None` when the client went away.
    async fn serve(
        &mut self,
        stream: &mut SplitStream<WebSocket>,
        mut finished: mpsc::UnboundedReceiver<String>,
    ) -> Option<Closing> {
        let init_deadline = tokio::time::sleep(self.http.state.config.limits.ws_init_timeout);
        tokio::pin!(init_deadline);
        let mut shutdown = self.http.shutdown.clone();
        let stopping = async move {
            let _ = shutdown.wait_for(|stopping| *stopping).await;
        };
        tokio::pin!(stopping);
        let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
        loop {
            tokio::select! {
                frame = stream.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        if let Some(closing) = self.on_text(text.as_str()).await {
                            return Some(closing);
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        return Some((close::BAD_REQUEST, "Binary messages are not accepted".into()));
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                },
                () = &mut init_deadline, if self.authentication.is_none() => {
                    return Some((close::INIT_TIMEOUT, "Connection initialisation timeout".into()));
                }
                () = &mut self.expiry => {
                    return Some((close::FORBIDDEN, "Forbidden: the token has expired".into()));
                }
                Some(id) = finished.recv() => {
                    self.operations.remove(&id);
                }
                () = &mut stopping => {
                    return Some((close::GOING_AWAY, "The server is shutting down".into()));
                }
                _ = keep_alive.tick(), if self.protocol == Protocol::LegacyWs && self.authentication.is_some() => {
                    self.send(message::keep_alive()).await;
                }
            }
        }
    }

    async fn send(&self, text: String) {
        let _ = self.out.send(Message::text(text)).await;
    }

    async fn on_text(&mut self, text: &str) -> Option<Closing> {
        // The JSON parser recurses once per level: the text is measured first. Only a
        // subscribe's variables nest below the message's own levels (message, payload,
        // variables).
        let max_nesting = self.http.state.config.limits.max_nesting;
        if crate::graphql::nesting::check_json(text.as_bytes(), max_nesting + 3).is_err() {
            return Some((
                close::BAD_REQUEST,
                format!("the message nests deeper than {max_nesting} levels"),
            ));
        }
        let message = match message::parse(self.protocol, text) {
            Ok(message) => message,
            Err(reason) => return Some((close::BAD_REQUEST, reason)),
        };
        match message {
            ClientMessage::ConnectionInit { payload } => self.on_init(&payload).await,
            ClientMessage::Ping { payload } => {
                self.send(message::pong(payload)).await;
                None
            }
            ClientMessage::Pong => None,
            ClientMessage::Subscribe { id, payload } => self.on_subscribe(id, payload).await,
            ClientMessage::Complete { id } => {
                if let Some(operation) = self.operations.remove(&id) {
                    operation.abort();
                }
                None
            }
            ClientMessage::Terminate => Some((close::NORMAL, "Terminated by the client".into())),
        }
    }

    async fn on_init(&mut self, payload: &Value) -> Option<Closing> {
        if self.init_received {
            return Some((
                close::TOO_MANY_INITS,
                "Too many initialisation requests".into(),
            ));
        }
        self.init_received = true;
        let authentication = match init_token(payload) {
            Some(token) => {
                self.http
                    .state
                    .authenticator
                    .authorization_header(Some(&format!("Bearer {token}")))
                    .await
            }
            None => Authentication::refused("connection_init carries no token"),
        };
        let actor = match authentication.actor() {
            Ok(actor) => actor.clone(),
            Err(error) => {
                if self.protocol == Protocol::LegacyWs {
                    self.send(message::connection_error(&error.message())).await;
                }
                return Some((close::FORBIDDEN, format!("Forbidden: {}", error.message())));
            }
        };
        let limit = self
            .http
            .state
            .config
            .limits
            .max_connections_per_organization;
        let Some(registration) = self.http.connections.register(actor.organization_id, limit)
        else {
            return Some((
                close::TRY_AGAIN_LATER,
                format!("this organization already has {limit} open connections"),
            ));
        };
        self._registration = Some(registration);
        if let Some(expires_at) = actor.expires_at {
            let left = expires_at - chrono::Utc::now().timestamp();
            let left = Duration::from_secs(u64::try_from(left).unwrap_or(0));
            self.expiry.as_mut().reset(Instant::now() + left);
        }
        self.authentication = Some(authentication);
        self.send(message::ack(self.protocol)).await;
        if self.protocol == Protocol::LegacyWs {
            self.send(message::keep_alive()).await;
        }
        None
    }

    async fn on_subscribe(&mut self, id: String, payload: Value) -> Option<Closing> {
        let Some(authentication) = self.authentication.clone() else {
            return Some((close::UNAUTHORIZED, "Unauthorized".into()));
        };
        if self.operations.contains_key(&id) {
            return Some((
                close::SUBSCRIBER_EXISTS,
                format!("Subscriber for {id} already exists"),
            ));
        }
        let params: Map<String, Value> = match payload {
            Value::Object(map) => map,
            _ => {
                return Some((
                    close::BAD_REQUEST,
                    "the subscribe payload must be an object".into(),
                ));
            }
        };
        let max_nesting = self.http.state.config.limits.max_nesting;
        let request = match graphql_request(&params, false, max_nesting) {
            Ok(request) => request,
            Err(error) => return Some((close::BAD_REQUEST, error.0)),
        };
        let limit = self
            .http
            .state
            .config
            .limits
            .max_subscriptions_per_connection;
        if self.operations.len() >= limit {
            let errors = json!([{
                "message": format!("at most {limit} operations may run at once on one connection"),
                "extensions": { "code": "BAD_USER_INPUT", "requestId": self.id },
            }]);
            self.send(message::error(self.protocol, &id, errors)).await;
            return None;
        }

        let data =
            crate::graphql::Caller::uncached(&self.http.state, authentication).request_data();
        let mut request = request;
        let mut responses =
            match DocumentLimits::from(&self.http.state.config.limits).check(&mut request) {
                Ok(_) => self
                    .http
                    .schema
                    .execute_stream_with_session_data(request, std::sync::Arc::new(data))
                    .boxed(),
                Err(error) => futures_util::stream::once(async move {
                    async_graphql::Response::from_errors(vec![error])
                })
                .boxed(),
            };
        let out = self.out.clone();
        let finished = self.finished_tx.clone();
        let protocol = self.protocol;
        let connection_id = self.id.clone();
        let running = self.http.metrics.subscription();
        let operation_id = id.clone();
        let task = tokio::spawn(async move {
            // Dropped however the task ends, aborted included.
            let _running = running;
            let mut first = true;
            while let Some(response) = responses.next().await {
                let (body, request_error) = response_json(response, &connection_id);
                let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let text = if first && request_error {
                    message::error(protocol, &operation_id, body["errors"].clone())
                } else {
                    message::next(protocol, &operation_id, body)
                };
                first = false;
                if out.send(Message::text(text)).await.is_err() {
                    break;
                }
                if request_error {
                    // An operation that could not run ends with its error, without `complete`.
                    let _ = finished.send(operation_id);
                    return;
                }
            }
            let _ = out
                .send(Message::text(message::complete(&operation_id)))
                .await;
            let _ = finished.send(operation_id);
        });
        self.operations.insert(id, task.abort_handle());
        None
    }
}

/// The bearer token of a `connection_init` payload: `{"Authorization": "Bearer …"}` (any case)
/// or `{"token": "…"}`.
pub(crate) fn init_token(payload: &Value) -> Option<String> {
    let object = payload.as_object()?;
    if let Some(token) = object.get("token").and_then(|v| v.as_str()) {
        return Some(token.to_owned());
    }
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
        .map(|value| {
            value
                .strip_prefix("Bearer ")
                .unwrap_or(value)
                .trim()
                .to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_tokens_are_found_in_either_shape() {
        let bearer = json!({"Authorization": "Bearer abc"});
        let lower = json!({"authorization": "Bearer abc"});
        let bare = json!({"token": "abc"});
        for payload in [bearer, lower, bare] {
            assert_eq!(init_token(&payload).as_deref(), Some("abc"));
        }
        assert_eq!(init_token(&json!(null)), None);
    }
}

//! One WebSocket connection: the handshake, its operations, its limits and its end.

use std::{collections::HashMap, pin::Pin, time::Duration};

use async_graphql::ServerError;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt, stream::SplitStream};
use serde_json::{Map, Value};
use tokio::{
    sync::{broadcast, mpsc},
    task::{AbortHandle, JoinSet},
    time::{Instant, Interval, Sleep},
};
use uuid::Uuid;

use super::{
    message::{self, ClientMessage, Protocol, close},
    registry::Registration,
};
use crate::{
    auth::{Actor, ActorKind, Authentication},
    events::{BusEvent, ChangeEvent},
    http::{
        Http,
        graphql::{
            annotate_response, coded_error, graphql_request, over_budget, to_json, within_budget,
        },
    },
};
use crate::{error::code, graphql::limits::DocumentLimits};

/// How often the legacy protocol's keep-alive (`ka`) is sent.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long the server waits for the client's close frame after sending its own.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

/// Far enough in the future to mean "never".
const NEVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Why the server closes the connection.
type Closing = (u16, String);

/// The slots a connection holds: until `connection_init`, one of the unauthenticated; after, one
/// of its organization's and one of its credential's.
enum Slots {
    Unauthenticated(#[allow(dead_code)] Registration<()>),
    Authenticated(
        #[allow(dead_code)] Registration<Uuid>,
        #[allow(dead_code)] Registration<(Uuid, String)>,
    ),
}

/// A running operation: the serial tells a later operation that reuses its id from it.
struct Running {
    serial: u64,
    handle: AbortHandle,
}

struct Connection {
    protocol: Protocol,
    http: Http,
    /// Frames to the client, written by one task so that operations can send concurrently.
    out: mpsc::Sender<Message>,
    /// Identifies the connection in logs and error extensions.
    id: String,
    init_received: bool,
    /// The token of `connection_init`, checked again at every `subscribe`, periodically, and
    /// when its API token or person changes.
    token: Option<String>,
    authentication: Option<Authentication>,
    _slots: Slots,
    expiry: Pin<Box<Sleep>>,
    recheck: Interval,
    /// Changes of people and API tokens, for revocations of its credential.
    changes: Option<broadcast::Receiver<BusEvent>>,
    operations: HashMap<String, Running>,
    /// Every operation task; dropping the set (the connection ending) aborts them all.
    tasks: JoinSet<(String, u64)>,
    serials: u64,
}

/// Why a connection ends after a failed re-check of its credential.
fn revoked(reason: &str) -> Closing {
    (close::FORBIDDEN, format!("Forbidden: {reason}"))
}

/// Serves one upgraded connection until either side closes it.
pub async fn run(
    socket: WebSocket,
    protocol: Option<Protocol>,
    http: Http,
    unauthenticated: Registration<()>,
) {
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
    let recheck_every = http.state.config.limits.ws_recheck_interval;
    let mut recheck = tokio::time::interval_at(Instant::now() + recheck_every, recheck_every);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connection = Connection {
        protocol,
        http,
        out,
        id: Uuid::now_v7().to_string(),
        init_received: false,
        token: None,
        authentication: None,
        _slots: Slots::Unauthenticated(unauthenticated),
        expiry: Box::pin(tokio::time::sleep(NEVER)),
        recheck,
        changes: None,
        operations: HashMap::new(),
        tasks: JoinSet::new(),
        serials: 0,
    };
    connection.http.metrics.websocket_opened();
    let mut stream = stream;
    let closing = connection.serve(&mut stream).await;
    // Every task ends with the connection, whichever way it ends.
    connection.operations.clear();
    connection.tasks.shutdown().await;
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
    async fn serve(&mut self, stream: &mut SplitStream<WebSocket>) -> Option<Closing> {
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
                _ = self.recheck.tick(), if self.authentication.is_some() => {
                    if let Err(closing) = self.recheck().await {
                        return Some(closing);
                    }
                }
                change = next_change(&mut self.changes) => {
                    if self.concerns_credential(change)
                        && let Err(closing) = self.recheck().await {
                            return Some(closing);
                        }
                }
                Some(Ok((id, serial))) = self.tasks.join_next(), if !self.tasks.is_empty() => {
                    // Only this operation's entry: the id may be running again, as another.
                    if self.operations.get(&id).is_some_and(|running| running.serial == serial) {
                        self.operations.remove(&id);
                    }
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
                    operation.handle.abort();
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
        let limits = &self.http.state.config.limits;
        let (per_organization, per_credential) = (
            limits.max_connections_per_organization,
            limits.max_connections_per_credential,
        );
        let registries = &self.http.connections;
        let Some(organization) = registries
            .organizations
            .register(actor.organization_id, per_organization)
        else {
            return Some((
                close::TRY_AGAIN_LATER,
                format!("this organization already has {per_organization} open connections"),
            ));
        };
        let Some(credential) = registries.credentials.register(
            (actor.organization_id, actor.subject.clone()),
            per_credential,
        ) else {
            return Some((
                close::TRY_AGAIN_LATER,
                format!("this credential already has {per_credential} open connections"),
            ));
        };
        self._slots = Slots::Authenticated(organization, credential);
        self.changes = Some(self.http.state.bus.subscribe_credentials());
        self.token = init_token(payload);
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
        if self.authentication.is_none() {
            return Some((close::UNAUTHORIZED, "Unauthorized".into()));
        }
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
        let limits = DocumentLimits::from(&self.http.state.config.limits);
        let request = match graphql_request(&params, false, &limits, &self.http.persisted) {
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
            let error = coded_error(
                code::BAD_USER_INPUT,
                None,
                format!("at most {limit} operations may run at once on one connection"),
                &self.id,
            );
            self.send(message::error(self.protocol, &id, &[error]))
                .await;
            return None;
        }

        // The rights are those of the credential now, not at `connection_init`.
        let authentication = match self.recheck().await {
            Ok(authentication) => authentication,
            Err(closing) => return Some(closing),
        };
        let mut caller = crate::graphql::Caller::uncached(&self.http.state, authentication);
        // The same execution as an HTTP request's: limits, shape, metrics.
        let answers = crate::graphql::execute_stream(
            &self.http.schema,
            limits,
            &self.http.metrics,
            &mut caller,
            request,
        );
        let mut responses = answers.responses;
        let out = self.out.clone();
        let protocol = self.protocol;
        let connection_id = self.id.clone();
        let running = self.http.metrics.subscription();
        let metrics = self.http.metrics.clone();
        let operation_id = id.clone();
        self.serials += 1;
        let serial = self.serials;
        // A query or mutation has the time of an HTTP request; a subscription waits for its
        // events as long as it likes.
        let timeout = self.http.state.config.limits.request_timeout;
        let deadline = (!answers.subscription).then(|| Instant::now() + timeout);
        let max_response = self.http.state.config.limits.max_response_bytes;
        let handle = self.tasks.spawn(async move {
            // Dropped however the task ends, aborted included.
            let _running = running;
            let mut first = true;
            loop {
                let timed_out = || {
                    metrics.error(code::TIMEOUT);
                    let error = coded_error(
                        code::TIMEOUT,
                        None,
                        format!(
                            "the operation took longer than {}",
                            humantime::format_duration(timeout)
                        ),
                        &connection_id,
                    );
                    message::error(protocol, &operation_id, &[error])
                };
                let next = match deadline {
                    // The timer fires on millisecond ticks only; a passed deadline is caught here.
                    Some(deadline) if Instant::now() >= deadline => None,
                    Some(deadline) => tokio::select! {
                        biased;
                        () = tokio::time::sleep_until(deadline) => None,
                        next = responses.next() => Some(next),
                    },
                    None => Some(responses.next().await),
                };
                let Some(next) = next else {
                    let _ = out.send(Message::text(timed_out())).await;
                    return (operation_id, serial);
                };
                let Some(mut response) = next else { break };
                let request_error = annotate_response(&mut response, &connection_id);
                let text = if first && request_error {
                    error_frame(
                        protocol,
                        &operation_id,
                        &response.errors,
                        max_response,
                        &connection_id,
                    )
                } else {
                    // Each message of a subscription has the whole budget of one response.
                    let body = to_json(response, request_error);
                    let body = within_budget(body, &mut max_response.clone(), &connection_id);
                    message::next(protocol, &operation_id, &body)
                };
                first = false;
                if out.send(Message::text(text)).await.is_err() {
                    break;
                }
                if request_error {
                    // An operation that could not run ends with its error, without `complete`.
                    return (operation_id, serial);
                }
            }
            let _ = out
                .send(Message::text(message::complete(&operation_id)))
                .await;
            (operation_id, serial)
        });
        self.operations.insert(id, Running { serial, handle });
        None
    }

    /// Checks the connection's credential again (the same one-statement check as every HTTP
    /// request): its answer, or the close of a credential that no longer holds. A check that
    /// could not run (database down) keeps the last answer rather than closing everyone.
    async fn recheck(&mut self) -> Result<Authentication, Closing> {
        let Some(token) = self.token.clone() else {
            return Err(revoked("no credential"));
        };
        let authentication = self.http.state.authenticator.token(&token).await;
        match authentication.actor() {
            Ok(_) => {
                self.authentication = Some(authentication.clone());
                Ok(authentication)
            }
            Err(error) if authentication.is_refused() => Err(revoked(&error.message())),
            Err(_) => self
                .authentication
                .clone()
                .ok_or_else(|| revoked("the credential could not be checked")),
        }
    }

    /// Whether a change may have ended the connection's rights: its API token changed
    /// (revoked), or its person did (deactivated, or its login moved).
    fn concerns_credential(&self, change: Option<ChangeEvent>) -> bool {
        let Some(actor) = self.authentication.as_ref().and_then(|a| a.actor().ok()) else {
            return false;
        };
        match change {
            Some(change) => concerns(actor, &change),
            // Missed changes (a lagging receiver) may have held a revocation.
            None => true,
        }
    }
}

/// Whether `change` may revoke what `actor`'s credential may do.
fn concerns(actor: &Actor, change: &ChangeEvent) -> bool {
    let change = &change.entry;
    if change.organization_id != actor.organization_id {
        return false;
    }
    match actor.kind {
        ActorKind::ApiToken => {
            change.record_type == <entity::api_token::Entity as crate::record::Record>::TYPE
                && actor.api_token_id() == Some(change.record_id)
        }
        // A login not linked to a person yet may be linked to a deactivated one.
        ActorKind::Person => {
            change.record_type == <entity::person::Entity as crate::record::Record>::TYPE
                && actor
                    .person_id
                    .is_none_or(|person| person == change.record_id)
        }
        ActorKind::System => false,
    }
}

/// The next change of the bus, if the connection listens; `None` when some may have been
/// missed.
async fn next_change(changes: &mut Option<broadcast::Receiver<BusEvent>>) -> Option<ChangeEvent> {
    let Some(receiver) = changes else {
        return std::future::pending().await;
    };
    loop {
        match receiver.recv().await {
            Ok(BusEvent::Change(change)) => return Some(change),
            // Changes were missed, here or between replicas.
            Ok(BusEvent::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => return None,
            Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}

/// The error frame of an operation that could not run, or the budget's error in its place
/// when the frame is larger than one response may be.
fn error_frame(
    protocol: Protocol,
    id: &str,
    errors: &[ServerError],
    max_response: usize,
    connection_id: &str,
) -> String {
    let frame = message::error(protocol, id, errors);
    if frame.len() <= max_response {
        return frame;
    }
    message::error(protocol, id, &[over_budget(frame.len(), connection_id)])
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
    use serde_json::json;

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

//! Subscriptions over WebSocket (graphql-transport-ws), authenticated in `connection_init`.

use std::time::Duration;

use entity::Role;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use crate::helpers::{TestApp, create_org, spawn_app};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(app: &TestApp) -> Socket {
    let mut request = app.ws_url().into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (socket, response) = connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next JSON message, skipping pings; `None` if the socket closed or nothing came in time.
async fn receive(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] == "ping" {
                    continue;
                }
                return Some(value);
            }
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            _ => return None,
        }
    }
}

/// A socket subscribed to `auditTrailAppended` with `token`.
async fn subscribe(app: &TestApp, token: &str) -> Socket {
    let mut socket = connect(app).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    let ack = receive(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(
        ack.as_ref().map(|m| m["type"].clone()),
        Some(json!("connection_ack")),
        "{ack:?}"
    );
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { auditTrailAppended { action recordType actorSubject sequence } }" } }),
    )
    .await;
    // The subscription is registered once the server has read the message; give it a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    socket
}

#[tokio::test]
async fn a_change_made_over_http_reaches_its_organizations_subscribers_only() {
    let app = spawn_app().await;
    let other_org = create_org(&app.db, "Other Org").await;
    let other_admin = app.token_for(other_org, Role::Admin, "other");
    let mut ours = subscribe(&app, &app.token(Role::Auditor, "watcher")).await;
    let mut theirs = subscribe(&app, &other_admin).await;

    app.create_person(&app.admin(), "Sven Walsh", "sven@example.com")
        .await;

    let message = receive(&mut ours, Duration::from_secs(5))
        .await
        .expect("an event");
    assert_eq!(message["type"], "next");
    assert_eq!(message["id"], "1");
    let entry = &message["payload"]["data"]["auditTrailAppended"];
    assert_eq!(entry["action"], "person.create");
    assert_eq!(entry["recordType"], "Person");
    assert_eq!(entry["actorSubject"], "admin");

    assert_eq!(
        receive(&mut theirs, Duration::from_millis(700)).await,
        None,
        "another organization hears nothing"
    );
    // It is subscribed all the same: its own change arrives.
    app.create_person(&other_admin, "Tara Novak", "tara@example.com")
        .await;
    let own = receive(&mut theirs, Duration::from_secs(5))
        .await
        .expect("its own event");
    assert_eq!(
        own["payload"]["data"]["auditTrailAppended"]["actorSubject"],
        "other"
    );
}

#[tokio::test]
async fn connection_init_without_a_valid_token_is_refused() {
    let app = spawn_app().await;
    for payload in [json!({}), json!({ "Authorization": "Bearer not-a-token" })] {
        let mut socket = connect(&app).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        assert_eq!(
            receive(&mut socket, Duration::from_secs(5)).await,
            None,
            "no ack, the socket closes"
        );
    }
}

#[tokio::test]
async fn a_viewer_may_not_subscribe_to_the_audit_trail() {
    let app = spawn_app().await;
    let mut socket = connect(&app).await;
    let token = app.token(Role::Viewer, "v");
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    assert_eq!(
        receive(&mut socket, Duration::from_secs(5)).await.unwrap()["type"],
        "connection_ack"
    );
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { auditTrailAppended { action } }" } })).await;
    let error = receive(&mut socket, Duration::from_secs(5)).await.unwrap();
    let code = if error["type"] == "error" {
        error["payload"][0]["extensions"]["code"].clone()
    } else {
        error["payload"]["errors"][0]["extensions"]["code"].clone()
    };
    assert_eq!(code, "FORBIDDEN", "{error:#}");
}

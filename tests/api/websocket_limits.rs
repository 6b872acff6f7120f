//! WebSockets cannot outlive their credential's rights (issue 10, hole 3), hold unbounded
//! memory or slots (hole 4), run more operations than their limit or leave tasks behind
//! (hole 9), or run an operation past the request timeout (hole 2).

use std::time::Duration;

use entity::Role;
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::{
    helpers::{TestApp, spawn_app, spawn_app_with},
    ws_client::{self, LEGACY, Received, Socket, TRANSPORT},
};

const AUDIT_SUBSCRIPTION: &str = "subscription { auditTrailAppended { action } }";

/// An API token with `scopes`: its secret and global id.
async fn api_token(app: &TestApp, scopes: Value) -> (String, String) {
    let data = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id } } }",
            json!({ "input": { "name": "sync", "scopes": scopes } }),
        )
        .await
        .ok();
    (
        data["createApiToken"]["secret"]
            .as_str()
            .unwrap()
            .to_owned(),
        data["createApiToken"]["apiToken"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

/// A person with a login `subject`: its global id.
async fn person_with_login(app: &TestApp, subject: &str) -> String {
    let data = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": "Bo Lindqvist", "email": format!("{subject}@example.com"), "loginSubject": subject, "role": "AUDITOR" } }),
        )
        .await
        .ok();
    data["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A socket of `token` with a running audit trail subscription.
async fn subscribed(app: &TestApp, protocol: &str, token: &str) -> Socket {
    let mut socket = ws_client::connect(app, Some(protocol)).await;
    ws_client::init(&mut socket, token).await;
    ws_client::subscribe(&mut socket, protocol, "1", AUDIT_SUBSCRIPTION).await;
    // The subscription runs (it listens once started): a change reaches it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let email = format!("{}@example.com", uuid::Uuid::now_v7().simple());
    app.create_person(&app.admin(), "Ann", &email).await;
    let event = ws_client::next(&mut socket).await.json();
    assert_eq!(event["type"], ws_client::next_type(protocol), "{event:#}");
    socket
}

/// The socket closes with 4403 within a moment; what the subscription sent before (the
/// revoking change itself, at most) is skipped.
async fn assert_closed_forbidden(socket: &mut Socket) {
    for _ in 0..3 {
        match ws_client::receive(socket, Duration::from_secs(3)).await {
            Received::Json(message) if message["type"] != "error" => continue,
            closed => {
                assert_eq!(closed.close_code(), Some(4403), "{closed:?}");
                return;
            }
        }
    }
    panic!("the socket stayed open");
}

#[tokio::test]
async fn revoking_an_api_token_closes_its_sockets_and_ends_their_subscriptions() {
    let app = spawn_app().await;
    for protocol in [TRANSPORT, LEGACY] {
        let (secret, id) = api_token(&app, json!(["READ", "AUDIT_TRAIL_READ"])).await;
        let mut socket = subscribed(&app, protocol, &secret).await;
        app.graphql(
            Some(&app.admin()),
            "mutation($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { apiToken { id } } }",
            json!({ "input": { "id": id } }),
        )
        .await
        .ok();
        assert_closed_forbidden(&mut socket).await;
    }
}

#[tokio::test]
async fn deactivating_a_person_closes_the_sockets_of_their_login() {
    let app = spawn_app().await;
    let person = person_with_login(&app, "bo").await;
    let bo = app.token(Role::Auditor, "bo");
    let mut socket = subscribed(&app, TRANSPORT, &bo).await;
    app.graphql(
        Some(&app.admin()),
        "mutation($input: SetPersonActiveInput!) { deactivatePerson(input: $input) { person { active } } }",
        json!({ "input": { "id": person } }),
    )
    .await
    .ok();
    assert_closed_forbidden(&mut socket).await;
}

#[tokio::test]
async fn credentials_are_checked_again_periodically_and_at_every_subscribe() {
    // A revocation the change bus never carried (SQL by hand, or another replica).
    let app = spawn_app_with(|c| c.limits.ws_recheck_interval = Duration::from_millis(300)).await;
    let (secret, _) = api_token(&app, json!(["READ", "AUDIT_TRAIL_READ"])).await;
    let mut socket = subscribed(&app, TRANSPORT, &secret).await;
    revoke_by_hand(&app).await;
    assert_closed_forbidden(&mut socket).await;

    let app = spawn_app_with(|c| c.limits.ws_recheck_interval = Duration::from_secs(3600)).await;
    let (secret, _) = api_token(&app, json!(["READ", "PEOPLE_WRITE"])).await;
    let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut socket, &secret).await;
    revoke_by_hand(&app).await;
    ws_client::subscribe(
        &mut socket,
        TRANSPORT,
        "1",
        r#"mutation { createPerson(input: { name: "Eve", email: "eve@example.com" }) { person { id } } }"#,
    )
    .await;
    assert_closed_forbidden(&mut socket).await;
    assert_eq!(app.count_people().await, 0, "the mutation did not run");
}

async fn revoke_by_hand(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_message_over_the_size_limit_ends_the_socket() {
    let app = spawn_app_with(|c| c.limits.ws_max_message_bytes = Some(64 * 1024)).await;
    let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
    let padding = "x".repeat(128 * 1024);
    let init = json!({ "type": "connection_init", "payload": { "padding": padding } });
    let _ = socket.send(Message::text(init.to_string())).await;
    let closed = ws_client::receive(&mut socket, Duration::from_secs(3)).await;
    assert!(matches!(closed, Received::Closed(..)), "{closed:?}");
    // Within the limit, the same works.
    let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut socket, &app.admin()).await;
}

#[tokio::test]
async fn sockets_waiting_for_connection_init_are_capped() {
    let app = spawn_app_with(|c| c.limits.max_unauthenticated_websockets = 3).await;
    let mut waiting = Vec::new();
    for _ in 0..3 {
        waiting.push(ws_client::connect(&app, Some(TRANSPORT)).await);
    }
    let request = app.ws_url().into_client_request().unwrap();
    let refused = tokio_tungstenite::connect_async(request).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503);
        }
        other => panic!("expected 503, got {:?}", other.map(|(_, r)| r.status())),
    }
    // One authenticates: its slot frees up for the next one.
    ws_client::init(&mut waiting[0], &app.admin()).await;
    let mut next = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut next, &app.admin()).await;
}

#[tokio::test]
async fn one_credential_cannot_take_all_of_its_organizations_sockets() {
    let app = spawn_app_with(|c| c.limits.max_connections_per_credential = 2).await;
    let viewer = app.token(Role::Viewer, "script");
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
        ws_client::init(&mut socket, &viewer).await;
        open.push(socket);
    }
    let mut third = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::send(
        &mut third,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {viewer}") } }),
    )
    .await;
    let closed = ws_client::next(&mut third).await;
    assert_eq!(closed.close_code(), Some(1013), "{closed:?}");
    // Another person of the organization still gets in.
    let mut other = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut other, &app.admin()).await;
}

#[tokio::test]
async fn reused_operation_ids_do_not_escape_the_limit_and_tasks_end_with_the_socket() {
    let app = spawn_app_with(|c| c.limits.max_subscriptions_per_connection = 3).await;
    let admin = app.admin();
    let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut socket, &admin).await;
    // subscribe, complete, subscribe with one id: a short query whose end may be reported
    // after its id already runs again, as a subscription.
    for round in 0..8 {
        let id = format!("op{round}");
        ws_client::subscribe(&mut socket, TRANSPORT, &id, "{ viewer { subject } }").await;
        ws_client::send(&mut socket, json!({ "id": id, "type": "complete" })).await;
        ws_client::subscribe(&mut socket, TRANSPORT, &id, AUDIT_SUBSCRIPTION).await;
    }
    while let Received::Json(_) = ws_client::receive(&mut socket, Duration::from_millis(500)).await
    {
    }
    assert_eq!(
        app.metric("iso20000_subscriptions").await,
        3.0,
        "no more run than the limit"
    );
    drop(socket);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.metric("iso20000_subscriptions").await, 0.0);
}

#[tokio::test]
async fn websocket_operations_have_the_request_timeout() {
    let app = spawn_app_with(|c| c.limits.request_timeout = Duration::ZERO).await;
    let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut socket, &app.admin()).await;
    ws_client::subscribe(&mut socket, TRANSPORT, "1", "{ people { totalCount } }").await;
    let error = ws_client::next(&mut socket).await.json();
    assert_eq!(error["type"], "error", "{error:#}");
    assert_eq!(error["payload"][0]["extensions"]["code"], "TIMEOUT");
}

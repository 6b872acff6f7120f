//! The WebSocket protocols to the letter (graphql-ws PROTOCOL.md): each close code, on both
//! `graphql-transport-ws` and the legacy `graphql-ws`, and the limits of a connection.

use std::time::Duration;

use entity::Role;
use serde_json::json;

use crate::{
    helpers::{SECRET, spawn_app, spawn_app_with},
    ws_client::{
        LEGACY, Received, TRANSPORT, connect, init, next, receive, send, send_text, subscribe,
    },
};

const BOTH: [&str; 2] = [TRANSPORT, LEGACY];

#[tokio::test]
async fn no_connection_init_in_time_closes_with_4408() {
    let app = spawn_app_with(|c| c.limits.ws_init_timeout = Duration::from_millis(300)).await;
    for protocol in BOTH {
        let mut socket = connect(&app, Some(protocol)).await;
        let closed = receive(&mut socket, Duration::from_secs(3)).await;
        assert_eq!(closed.close_code(), Some(4408), "{protocol}: {closed:?}");
    }
}

#[tokio::test]
async fn subscribing_before_the_ack_closes_with_4401() {
    let app = spawn_app().await;
    for protocol in BOTH {
        let mut socket = connect(&app, Some(protocol)).await;
        subscribe(&mut socket, protocol, "1", "{ viewer { subject } }").await;
        assert_eq!(
            next(&mut socket).await.close_code(),
            Some(4401),
            "{protocol}"
        );
    }
}

#[tokio::test]
async fn a_duplicate_operation_id_closes_with_4409() {
    let app = spawn_app().await;
    for protocol in BOTH {
        let mut socket = connect(&app, Some(protocol)).await;
        init(&mut socket, &app.admin()).await;
        let query = "subscription { auditTrailAppended { action } }";
        subscribe(&mut socket, protocol, "same", query).await;
        subscribe(&mut socket, protocol, "same", query).await;
        let closed = next(&mut socket).await;
        assert_eq!(closed.close_code(), Some(4409), "{protocol}: {closed:?}");
        assert!(
            matches!(&closed, Received::Closed(_, reason) if reason == "Subscriber for same already exists")
        );
    }
}

#[tokio::test]
async fn a_second_connection_init_closes_with_4429() {
    let app = spawn_app().await;
    for protocol in BOTH {
        let mut socket = connect(&app, Some(protocol)).await;
        init(&mut socket, &app.admin()).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": {} }),
        )
        .await;
        assert_eq!(
            next(&mut socket).await.close_code(),
            Some(4429),
            "{protocol}"
        );
    }
}

#[tokio::test]
async fn a_bad_message_closes_with_4400() {
    let app = spawn_app().await;
    for protocol in BOTH {
        for bad in [
            "not json",
            r#"{"type":"unheard-of"}"#,
            r#"{"type":"subscribe"}"#,
            r#"{"id":"1","type":"start","payload":7}"#,
        ] {
            let mut socket = connect(&app, Some(protocol)).await;
            init(&mut socket, &app.admin()).await;
            send_text(&mut socket, bad).await;
            assert_eq!(
                next(&mut socket).await.close_code(),
                Some(4400),
                "{protocol}: {bad}"
            );
        }
    }
}

#[tokio::test]
async fn bad_or_expired_credentials_close_with_4403() {
    let app = spawn_app().await;
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "x", "org": app.org.to_string(), "role": "ADMIN", "exp": chrono::Utc::now().timestamp() - 600 }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    for protocol in BOTH {
        for payload in [
            json!({}),
            json!({ "Authorization": "Bearer nope" }),
            json!({ "Authorization": format!("Bearer {expired}") }),
        ] {
            let mut socket = connect(&app, Some(protocol)).await;
            send(
                &mut socket,
                json!({ "type": "connection_init", "payload": payload }),
            )
            .await;
            let mut received = next(&mut socket).await;
            if protocol == LEGACY {
                // The legacy protocol says why first.
                assert_eq!(received.json()["type"], "connection_error");
                received = next(&mut socket).await;
            }
            assert_eq!(received.close_code(), Some(4403), "{protocol}: {payload}");
        }
    }
}

#[tokio::test]
async fn a_subscription_ends_when_its_token_expires() {
    let app = spawn_app().await;
    let short_lived = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "x", "org": app.org.to_string(), "role": "ADMIN", "exp": chrono::Utc::now().timestamp() + 2 }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    for protocol in BOTH {
        let mut socket = connect(&app, Some(protocol)).await;
        init(&mut socket, &short_lived).await;
        subscribe(
            &mut socket,
            protocol,
            "1",
            "subscription { auditTrailAppended { action } }",
        )
        .await;
        let closed = receive(&mut socket, Duration::from_secs(5)).await;
        assert_eq!(closed.close_code(), Some(4403), "{protocol}: {closed:?}");
    }
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let app = spawn_app().await;
    let mut socket = connect(&app, Some(TRANSPORT)).await;
    // Allowed before the handshake, too.
    send(
        &mut socket,
        json!({ "type": "ping", "payload": { "n": 1 } }),
    )
    .await;
    assert_eq!(
        next(&mut socket).await.json(),
        json!({ "type": "pong", "payload": { "n": 1 } })
    );
    init(&mut socket, &app.admin()).await;
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(next(&mut socket).await.json(), json!({ "type": "pong" }));
}

#[tokio::test]
async fn the_legacy_protocol_keeps_alive_and_stops() {
    let app = spawn_app().await;
    let mut socket = connect(&app, Some(LEGACY)).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", app.admin()) } })).await;
    let ack = receive_raw_type(&mut socket).await;
    assert_eq!(ack, "connection_ack");
    assert_eq!(receive_raw_type(&mut socket).await, "ka");
    subscribe(
        &mut socket,
        LEGACY,
        "1",
        "subscription { auditTrailAppended { action } }",
    )
    .await;
    send(&mut socket, json!({ "type": "stop", "id": "1" })).await;
    send(&mut socket, json!({ "type": "connection_terminate" })).await;
    assert_eq!(next(&mut socket).await.close_code(), Some(1000));
}

async fn receive_raw_type(socket: &mut crate::ws_client::Socket) -> String {
    use futures_util::StreamExt;
    match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
        Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text)))) => {
            serde_json::from_str::<serde_json::Value>(&text).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        }
        other => panic!("expected a text message, got {other:?}"),
    }
}

#[tokio::test]
async fn no_known_subprotocol_closes_with_4406() {
    let app = spawn_app().await;
    let mut socket = connect(&app, None).await;
    assert_eq!(next(&mut socket).await.close_code(), Some(4406));
}

#[tokio::test]
async fn operations_per_connection_are_limited() {
    let app = spawn_app_with(|c| c.limits.max_subscriptions_per_connection = 2).await;
    let mut socket = connect(&app, Some(TRANSPORT)).await;
    init(&mut socket, &app.admin()).await;
    let query = "subscription { auditTrailAppended { action } }";
    for id in ["a", "b", "c"] {
        subscribe(&mut socket, TRANSPORT, id, query).await;
    }
    let refused = next(&mut socket).await.json();
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["id"], "c");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    // Completing one frees a place.
    send(&mut socket, json!({ "type": "complete", "id": "a" })).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    subscribe(&mut socket, TRANSPORT, "d", query).await;
    assert_eq!(
        receive(&mut socket, Duration::from_millis(500)).await,
        Received::Nothing,
        "d was accepted"
    );
}

#[tokio::test]
async fn document_limits_hold_on_websockets_too() {
    let app = spawn_app_with(|c| {
        c.limits.max_aliases = 1;
        c.limits.max_query_bytes = 200;
    })
    .await;
    for protocol in BOTH {
        let mut socket = connect(&app, Some(protocol)).await;
        init(&mut socket, &app.admin()).await;
        let long = format!("{{ viewer {{ subject }} }} # {}", "x".repeat(300));
        for (id, query) in [
            ("aliases", "{ a: viewer { subject } b: viewer { role } }"),
            ("long", long.as_str()),
        ] {
            subscribe(&mut socket, protocol, id, query).await;
            let refused = next(&mut socket).await.json();
            assert_eq!(refused["type"], "error", "{protocol} {id}: {refused:#}");
            assert_eq!(refused["id"], id);
            let error = if protocol == LEGACY {
                &refused["payload"]
            } else {
                &refused["payload"][0]
            };
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{refused:#}");
            assert_eq!(error["extensions"]["field"], "query", "{refused:#}");
        }
        // Within the limits, the same connection answers.
        subscribe(&mut socket, protocol, "ok", "{ a: viewer { subject } }").await;
        let answer = next(&mut socket).await.json();
        assert_eq!(
            answer["type"],
            crate::ws_client::next_type(protocol),
            "{answer:#}"
        );
    }
}

#[tokio::test]
async fn connections_per_organization_are_limited() {
    let app = spawn_app_with(|c| c.limits.max_connections_per_organization = 1).await;
    let mut first = connect(&app, Some(TRANSPORT)).await;
    init(&mut first, &app.admin()).await;
    let mut second = connect(&app, Some(TRANSPORT)).await;
    send(&mut second, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", app.token(Role::Viewer, "v")) } })).await;
    assert_eq!(next(&mut second).await.close_code(), Some(1013));
    drop(first);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = connect(&app, Some(TRANSPORT)).await;
    init(&mut third, &app.admin()).await;
}

#[tokio::test]
async fn shutdown_closes_websockets_with_going_away() {
    let mut app = spawn_app().await;
    let mut socket = connect(&app, Some(TRANSPORT)).await;
    init(&mut socket, &app.admin()).await;
    subscribe(
        &mut socket,
        TRANSPORT,
        "1",
        "subscription { auditTrailAppended { action } }",
    )
    .await;
    app.stop();
    assert_eq!(next(&mut socket).await.close_code(), Some(1001));
}

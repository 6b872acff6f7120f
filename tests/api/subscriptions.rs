//! Subscriptions: delivered after commit, to the right organization, on both protocols.

use std::time::Duration;

use entity::Role;
use serde_json::json;

use crate::{
    helpers::{create_org, spawn_app},
    ws_client::{
        LEGACY, Received, TRANSPORT, connect, init, next, next_type, receive, send, subscribe,
    },
};

const APPENDED: &str =
    "subscription { auditTrailAppended { action recordType actorSubject sequence } }";

#[tokio::test]
async fn a_change_made_over_http_reaches_its_organizations_subscribers_only() {
    let app = spawn_app().await;
    let other_org = create_org(&app.db, "Other Org").await;
    let other_admin = app.token_for(other_org, Role::Admin, "other");
    let mut ours = connect(&app, Some(TRANSPORT)).await;
    init(&mut ours, &app.token(Role::Auditor, "watcher")).await;
    subscribe(&mut ours, TRANSPORT, "1", APPENDED).await;
    let mut theirs = connect(&app, Some(TRANSPORT)).await;
    init(&mut theirs, &other_admin).await;
    subscribe(&mut theirs, TRANSPORT, "1", APPENDED).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    app.create_person(&app.admin(), "Sven Walsh", "sven@example.com")
        .await;

    let message = next(&mut ours).await.json();
    assert_eq!(message["type"], "next");
    assert_eq!(message["id"], "1");
    let entry = &message["payload"]["data"]["auditTrailAppended"];
    assert_eq!(entry["action"], "person.create");
    assert_eq!(entry["recordType"], "Person");
    assert_eq!(entry["actorSubject"], "admin");

    assert_eq!(
        receive(&mut theirs, Duration::from_millis(700)).await,
        Received::Nothing,
        "another organization hears nothing"
    );
    app.create_person(&other_admin, "Tara Novak", "tara@example.com")
        .await;
    let own = next(&mut theirs).await.json();
    assert_eq!(
        own["payload"]["data"]["auditTrailAppended"]["actorSubject"],
        "other"
    );
}

#[tokio::test]
async fn subscriptions_are_delivered_on_both_protocols() {
    let app = spawn_app().await;
    for protocol in [TRANSPORT, LEGACY] {
        let mut socket = connect(&app, Some(protocol)).await;
        init(&mut socket, &app.admin()).await;
        subscribe(&mut socket, protocol, "s1", APPENDED).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        app.create_person(&app.admin(), protocol, &format!("{protocol}@example.com"))
            .await;
        let message = next(&mut socket).await.json();
        assert_eq!(
            message["type"],
            next_type(protocol),
            "{protocol}: {message:#}"
        );
        assert_eq!(message["id"], "s1");
        assert_eq!(
            message["payload"]["data"]["auditTrailAppended"]["action"],
            "person.create"
        );

        // Queries run over the socket too, and complete.
        subscribe(&mut socket, protocol, "q1", "{ viewer { subject } }").await;
        let result = next(&mut socket).await.json();
        assert_eq!(
            result["payload"]["data"]["viewer"]["subject"], "admin",
            "{protocol}"
        );
        assert_eq!(
            next(&mut socket).await.json(),
            json!({ "type": "complete", "id": "q1" })
        );
    }
}

#[tokio::test]
async fn a_viewer_may_not_subscribe_to_the_audit_trail() {
    let app = spawn_app().await;
    let mut socket = connect(&app, Some(TRANSPORT)).await;
    init(&mut socket, &app.token(Role::Viewer, "v")).await;
    subscribe(
        &mut socket,
        TRANSPORT,
        "1",
        "subscription { auditTrailAppended { action } }",
    )
    .await;
    let error = next(&mut socket).await.json();
    let code = if error["type"] == "error" {
        error["payload"][0]["extensions"]["code"].clone()
    } else {
        error["payload"]["errors"][0]["extensions"]["code"].clone()
    };
    assert_eq!(code, "FORBIDDEN", "{error:#}");
    if error["type"] == "next" {
        assert_eq!(
            next(&mut socket).await.json(),
            json!({ "type": "complete", "id": "1" })
        );
    }
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(
        next(&mut socket).await.json()["type"],
        "pong",
        "the connection stays up"
    );
}

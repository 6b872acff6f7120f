//! Deeply nested requests (issue 10, hole 1): refused on every path before anything recursive
//! reads them, and the server stays up. Each case nests 10,000 levels.

use serde_json::{Value, json};

use crate::{
    helpers::{Gql, TestApp, spawn_app},
    ws_client::{self, LEGACY, Received, TRANSPORT},
};

const LEVELS: usize = 10_000;

/// `{ a(x: [[[…` with no token: the parser would overflow its stack.
fn nested_lists() -> String {
    format!("{{ a(x: {}1{}) }}", "[".repeat(LEVELS), "]".repeat(LEVELS))
}

/// `{ a(x: {a:{a:…` left open: 30 KB, under the query length limit.
fn nested_objects() -> String {
    format!("{{ a(x: {}", "{a:".repeat(LEVELS))
}

/// `{ a { a { …`: selection sets.
fn nested_selections() -> String {
    "{a".repeat(LEVELS)
}

fn nested_json() -> Value {
    let text = format!("{}1{}", "[".repeat(LEVELS), "]".repeat(LEVELS));
    // Built as text: serde_json would refuse to build (or drop) a value this deep.
    Value::String(text)
}

async fn assert_up(app: &TestApp) {
    let viewer = app
        .graphql(Some(&app.admin()), "{ viewer { subject } }", json!({}))
        .await
        .ok();
    assert_eq!(viewer["viewer"]["subject"], "admin");
}

fn assert_refused_on(reply: &Gql, field: &str) {
    assert_eq!(reply.status, 400, "{}", reply.body);
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some(field), "{}", reply.body);
}

#[tokio::test]
async fn deep_documents_are_refused_by_post_without_a_token() {
    let app = spawn_app().await;
    for query in [nested_lists(), nested_objects(), nested_selections()] {
        let reply = app.graphql(None, &query, json!({})).await;
        assert_refused_on(&reply, "query");
        assert!(
            reply.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("nests deeper than 32"),
            "{}",
            reply.body
        );
    }
    // A batch reaches the same check.
    let batch = json!([{ "query": "{ viewer { subject } }" }, { "query": nested_lists() }]);
    let reply = app
        .post_raw(None, "application/json", batch.to_string())
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body[1]["errors"][0]["extensions"]["field"], "query");
    assert_up(&app).await;
}

#[tokio::test]
async fn deep_variables_are_refused_before_they_are_parsed() {
    let app = spawn_app().await;
    let Value::String(deep) = nested_json() else {
        unreachable!()
    };
    let body = format!(
        r#"{{"query":"query($v: String) {{ viewer {{ subject }} }}","variables":{{"v":{deep}}}}}"#
    );
    let reply = app.post_raw(None, "application/json", body).await;
    assert_refused_on(&reply, "variables");
    // Just over the bound, where the JSON parser alone would have accepted it.
    let shallow = format!("{}1{}", "[".repeat(33), "]".repeat(33));
    let body = format!(
        r#"{{"query":"query($v: String) {{ viewer {{ subject }} }}","variables":{{"v":{shallow}}}}}"#
    );
    let reply = app
        .post_raw(Some(&app.admin()), "application/json", body)
        .await;
    assert_refused_on(&reply, "variables");
    assert_up(&app).await;
}

#[tokio::test]
async fn deep_documents_and_variables_are_refused_by_get() {
    let app = spawn_app().await;
    let get = |params: Vec<(&'static str, String)>| {
        let request = app
            .client
            .get(app.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .query(&params);
        async move {
            let response = request.send().await.unwrap();
            Gql {
                status: response.status(),
                body: response.json().await.unwrap_or(Value::Null),
            }
        }
    };
    let reply = get(vec![("query", nested_lists())]).await;
    assert_refused_on(&reply, "query");
    let Value::String(deep) = nested_json() else {
        unreachable!()
    };
    let reply = get(vec![
        ("query", "query($v: String) { viewer { subject } }".into()),
        ("variables", format!(r#"{{"v":{deep}}}"#)),
    ])
    .await;
    assert_refused_on(&reply, "variables");
    assert_up(&app).await;
}

#[tokio::test]
async fn deep_documents_and_variables_are_refused_on_both_websocket_protocols() {
    let app = spawn_app().await;
    for protocol in [TRANSPORT, LEGACY] {
        let mut socket = ws_client::connect(&app, Some(protocol)).await;
        ws_client::init(&mut socket, &app.admin()).await;
        ws_client::subscribe(&mut socket, protocol, "1", &nested_lists()).await;
        let error = ws_client::next(&mut socket).await.json();
        assert_eq!(error["type"], "error", "{error:#}");
        let first = if protocol == LEGACY {
            &error["payload"]
        } else {
            &error["payload"][0]
        };
        assert_eq!(first["extensions"]["field"], "query", "{error:#}");

        // Deep variables make the message itself too deep to read: closed as a bad message.
        let Value::String(deep) = nested_json() else {
            unreachable!()
        };
        let kind = if protocol == LEGACY {
            "start"
        } else {
            "subscribe"
        };
        let message = format!(
            r#"{{"id":"2","type":"{kind}","payload":{{"query":"{{ viewer {{ subject }} }}","variables":{{"v":{deep}}}}}}}"#
        );
        ws_client::send_text(&mut socket, &message).await;
        let closed = ws_client::next(&mut socket).await;
        assert_eq!(closed.close_code(), Some(4400), "{closed:?}");
        assert!(
            matches!(closed, Received::Closed(_, ref reason) if reason.contains("nests deeper"))
        );
    }
    assert_up(&app).await;
}

#[tokio::test]
async fn fragments_are_costed_at_their_expanded_size_without_expanding_them() {
    let app = spawn_app().await;
    // Each fragment spreads the next twice: 2^30 fields once expanded, in 1.5 KB.
    let mut query = String::from("{ ...F0 }");
    for i in 0..30 {
        query.push_str(&format!(
            " fragment F{i} on Query {{ ...F{next} ...F{next} }}",
            next = i + 1
        ));
    }
    query.push_str(" fragment F30 on Query { viewer { subject } }");
    let started = std::time::Instant::now();
    let reply = app.graphql(Some(&app.admin()), &query, json!({})).await;
    assert_refused_on(&reply, "query");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "refused in {:?}",
        started.elapsed()
    );
    assert_up(&app).await;
}

//! Resource limits: each is refused with a clear error, and the server keeps serving.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn assert_serving(app: &TestApp) {
    app.graphql(Some(&app.admin()), "{ viewer { subject } }", json!({}))
        .await
        .ok();
}

#[tokio::test]
async fn depth_is_limited() {
    let app = spawn_app_with(|c| c.limits.max_depth = 2).await;
    let refused = app
        .graphql(
            Some(&app.admin()),
            "{ viewer { organization { name } person { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(refused.status, 400);
    refused.expect_code("BAD_USER_INPUT");
    assert_serving(&app).await;
}

#[tokio::test]
async fn complexity_counts_lists_by_their_page_size() {
    let app = spawn_app_with(|c| c.limits.max_complexity = 200).await;
    let query = "query($n: Int) { people(first: $n) { edges { node { id name email role } } } }";
    app.graphql(Some(&app.admin()), query, json!({ "n": 10 }))
        .await
        .ok();
    let refused = app
        .graphql(Some(&app.admin()), query, json!({ "n": 100 }))
        .await;
    refused.expect_code("BAD_USER_INPUT");
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("omplex"),
        "{}",
        refused.body
    );
    assert_serving(&app).await;
}

#[tokio::test]
async fn aliases_directives_and_length_are_limited() {
    let app = spawn_app_with(|c| {
        c.limits.max_aliases = 3;
        c.limits.max_directives = 2;
        c.limits.max_query_bytes = 300;
    })
    .await;
    let aliases = format!(
        "{{ {} }}",
        (0..4)
            .map(|i| format!("a{i}: viewer {{ subject }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let directives = "{ viewer { subject @include(if: true) role @include(if: true) organization @skip(if: false) { name } } }";
    let long = format!("{{ viewer {{ subject }} }} # {}", "x".repeat(400));
    for query in [aliases.as_str(), directives, long.as_str()] {
        let refused = app.graphql(Some(&app.admin()), query, json!({})).await;
        assert_eq!(refused.status, 400, "{query}");
        refused.expect_code("BAD_USER_INPUT");
        assert_eq!(refused.field(), Some("query"));
    }
    app.graphql(
        Some(&app.admin()),
        "{ a: viewer { subject } b: viewer { role } }",
        json!({}),
    )
    .await
    .ok();
    assert_serving(&app).await;
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_cut_off() {
    let app = spawn_app_with(|c| c.limits.request_timeout = Duration::ZERO).await;
    let reply = app
        .graphql(Some(&app.admin()), "{ people { totalCount } }", json!({}))
        .await;
    assert_eq!(reply.status, 504);
    reply.expect_code("TIMEOUT");
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_switched_off() {
    let app = spawn_app().await;
    let suggested = app
        .graphql(Some(&app.admin()), "{ viewr { subject } }", json!({}))
        .await;
    assert!(
        suggested.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{}",
        suggested.body
    );

    let app = spawn_app_with(|c| {
        c.limits.introspection = false;
        c.limits.field_suggestions = false;
    })
    .await;
    let introspection = app
        .graphql(
            Some(&app.admin()),
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert!(
        introspection.body["data"]["__schema"].is_null(),
        "{}",
        introspection.body
    );
    let unsuggested = app
        .graphql(Some(&app.admin()), "{ viewr { subject } }", json!({}))
        .await;
    assert!(
        !unsuggested.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean")
    );
    assert_serving(&app).await;
}

#[tokio::test]
async fn ten_thousand_aliases_do_not_hurt() {
    let app = spawn_app().await;
    let query = format!(
        "{{ {} }}",
        (0..10_000)
            .map(|i| format!("a{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let refused = app.graphql(Some(&app.admin()), &query, json!({})).await;
    refused.expect_code("BAD_USER_INPUT");
    assert_serving(&app).await;
}

/// Writes a whole request, as Python's urllib does, before reading the answer.
async fn send_whole_then_read(app: &TestApp, head: &str, body: &[u8]) -> (bool, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.address).await.unwrap();
    let written = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        stream.flush().await
    }
    .await
    .is_ok();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    (written, String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn a_client_that_sends_a_too_large_body_whole_still_reads_the_413() {
    let app = spawn_app().await;
    let body = vec![b' '; 6 * 1024 * 1024];
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (written, answer) = send_whole_then_read(&app, &head, &body).await;
    assert!(written, "the server stopped reading: {answer}");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("larger than 1048576 bytes"), "{answer}");

    // The same with a chunked body, whose size is found only while reading.
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    let mut chunked = Vec::new();
    for chunk in body.chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (written, answer) = send_whole_then_read(&app, head, &chunked).await;
    assert!(written, "the server stopped reading: {answer}");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_serving(&app).await;
}

//! Health, readiness, request ids and GraphiQL.

use iso20000::config::ServeConfig;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = response
        .headers()
        .get("x-request-id")
        .expect("x-request-id")
        .to_str()
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let given = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        given.headers()["x-request-id"],
        "trace-me-42",
        "a caller's id is kept"
    );
}

#[tokio::test]
async fn graphiql_is_served_and_can_be_turned_off() {
    let app = spawn_app().await;
    let page = app.graphiql_page().await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("graphiql"));

    let app = spawn_app_with(|config: &mut ServeConfig| config.server.graphiql = false).await;
    let page = app.graphiql_page().await;
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn metrics_move_with_requests() {
    let app = spawn_app().await;
    let admin = app.admin();
    let scrape = || async {
        let response = app.client.get(app.url("/metrics")).send().await.unwrap();
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("text")
        );
        response.text().await.unwrap()
    };
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find_map(|line| {
                line.strip_prefix(series)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or(0.0)
    };
    let before = scrape().await;
    for _ in 0..2 {
        app.graphql(
            Some(&admin),
            "query Dashboard { viewer { subject } }",
            serde_json::json!({}),
        )
        .await
        .ok();
    }
    app.graphql(Some(&admin), "query Missing { person(id: \"UGVyc29uOjAxOWE0YzE2LTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA\") { name } }", serde_json::json!({}))
        .await
        .expect_code("NOT_FOUND");
    let mut socket = crate::ws_client::connect(&app, Some(crate::ws_client::TRANSPORT)).await;
    crate::ws_client::init(&mut socket, &admin).await;
    crate::ws_client::subscribe(
        &mut socket,
        crate::ws_client::TRANSPORT,
        "1",
        "subscription { auditTrailAppended { action } }",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let after = scrape().await;
    let operations = r#"iso20000_graphql_operations_total{operation="Dashboard"}"#;
    assert_eq!(
        value(&after, operations) - value(&before, operations),
        2.0,
        "{after}"
    );
    let errors = r#"iso20000_graphql_errors_total{code="NOT_FOUND"}"#;
    assert_eq!(value(&after, errors) - value(&before, errors), 1.0);
    assert!(
        value(
            &after,
            r#"iso20000_graphql_operation_duration_seconds_count{operation="Dashboard"}"#
        ) >= 2.0
    );
    assert_eq!(value(&after, "iso20000_websocket_connections"), 1.0);
    assert_eq!(value(&after, "iso20000_subscriptions"), 1.0);
    assert!(after.contains(r#"iso20000_db_pool_connections{state="idle"}"#));
}

#[tokio::test]
async fn websocket_operations_show_in_the_operation_metrics_as_http_ones_do() {
    use crate::ws_client::{LEGACY, TRANSPORT, connect, init, next, send, subscribe};
    let app = spawn_app().await;
    let admin = app.admin();
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find_map(|line| {
                line.strip_prefix(series)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or(0.0)
    };
    let before = app.metrics_text().await;
    for protocol in [TRANSPORT, LEGACY] {
        let mut socket = connect(&app, Some(protocol)).await;
        init(&mut socket, &admin).await;
        subscribe(
            &mut socket,
            protocol,
            "q",
            "query WsViewer { viewer { subject } }",
        )
        .await;
        assert_eq!(next(&mut socket).await.json()["id"], "q");
        assert_eq!(next(&mut socket).await.json()["type"], "complete");
        subscribe(
            &mut socket,
            protocol,
            "m",
            "query WsMissing { person(id: \"UGVyc29uOjAxOWE0YzE2LTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA\") { name } }",
        )
        .await;
        let missing = next(&mut socket).await.json();
        assert_eq!(
            missing["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{missing:#}"
        );
        assert_eq!(next(&mut socket).await.json()["type"], "complete");
        subscribe(
            &mut socket,
            protocol,
            "s",
            "subscription WsAudit { auditTrailAppended { action } }",
        )
        .await;
        if protocol == TRANSPORT {
            // Answered after the subscribe is handled: the subscription has started.
            send(&mut socket, serde_json::json!({ "type": "ping" })).await;
            assert_eq!(next(&mut socket).await.json()["type"], "pong");
        } else {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    let after = app.metrics_text().await;
    let delta = |series: &str| value(&after, series) - value(&before, series);
    assert_eq!(
        delta(r#"iso20000_graphql_operations_total{operation="WsViewer"}"#),
        2.0,
        "{after}"
    );
    assert_eq!(
        delta(r#"iso20000_graphql_operation_duration_seconds_count{operation="WsViewer"}"#),
        2.0
    );
    assert_eq!(
        delta(r#"iso20000_graphql_operations_total{operation="WsMissing"}"#),
        2.0
    );
    assert_eq!(
        delta(r#"iso20000_graphql_errors_total{code="NOT_FOUND"}"#),
        2.0
    );
    assert_eq!(
        delta(r#"iso20000_graphql_operations_total{operation="WsAudit"}"#),
        2.0,
        "a subscription counts once, when it starts"
    );
}

#[tokio::test]
async fn metrics_label_only_operations_that_ran_for_a_credential_and_stay_bounded() {
    let app = spawn_app().await;
    let admin = app.admin();
    let post = |token: Option<String>, name: String| {
        let body = serde_json::json!({ "query": "query Real { viewer { subject } }", "operationName": name });
        let mut request = app.client.post(app.url("/graphql")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status() }
    };
    let scrape = || app.metrics_text();
    // Names the document does not hold, with and without a token.
    for i in 0..150 {
        post(None, format!("Invented{i}")).await;
        post(Some(admin.clone()), format!("Invented{i}")).await;
    }
    let text = scrape().await;
    assert!(!text.contains("Invented"), "{text}");
    // A token's own operations are labelled, up to the cap; the rest count as `other`.
    for i in 0..(iso20000::metrics::OPERATION_LABELS_MAX + 50) {
        app.graphql(
            Some(&admin),
            &format!("query Named{i} {{ viewer {{ subject }} }}"),
            serde_json::json!({}),
        )
        .await
        .ok();
    }
    let text = scrape().await;
    let labelled = text
        .lines()
        .filter(|line| line.starts_with("iso20000_graphql_operations_total{"))
        .count();
    assert!(
        labelled <= iso20000::metrics::OPERATION_LABELS_MAX + 2,
        "{labelled} series"
    );
    assert!(text.contains(r#"iso20000_graphql_operations_total{operation="Named0"}"#));
    assert!(!text.contains(r#"operation="Named249""#));
    assert!(text.contains(r#"iso20000_graphql_operations_total{operation="other"}"#));
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let app = spawn_app_with(|c| c.server.metrics_token = Some("scraper-secret".into())).await;
    let open = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(open.status(), 401);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let scraped = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scraper-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    assert!(
        scraped
            .text()
            .await
            .unwrap()
            .contains("iso20000_db_statements_total")
    );
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_with_nothing_from_elsewhere() {
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    let page = app.graphiql_page().await;
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"));
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "{html}"
    );
    let sources: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphql/assets/"))
        .collect();
    assert_eq!(sources.len(), 6, "{sources:?}");
    for source in sources {
        let asset = app
            .client
            .get(app.url(source))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(asset.status(), 200, "{source}");
        let media = asset.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            media.starts_with("text/javascript") || media.starts_with("text/css"),
            "{media}"
        );
        let gzip = asset.headers().get("content-encoding").is_some();
        let name = source.trim_start_matches("/graphql/assets/");
        let stored = std::fs::read(format!(
            "{}/src/http/graphiql/assets/{name}{}",
            env!("CARGO_MANIFEST_DIR"),
            if gzip { ".gz" } else { "" }
        ))
        .unwrap();
        let served = asset.bytes().await.unwrap();
        assert_eq!(Sha256::digest(&served), Sha256::digest(&stored), "{source}");
    }
    // The fetcher sends the headers pane's Authorization in connection_init.
    let glue = app
        .client
        .get(app.url("/graphql/assets/iso20000-graphiql.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(glue.contains("connectionParams: { Authorization: authorization(headers) }"));
    let missing = app
        .client
        .get(app.url("/graphql/assets/x.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

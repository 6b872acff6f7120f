//! GraphQL over HTTP, MUST and SHOULD points: media types, status codes, GET, batching, CSRF,
//! body size. Each refused request changes nothing and the server keeps serving.

use std::time::Duration;

use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const CREATE: &str = r#"mutation { createPerson(input: { name: "Csrf", email: "csrf@example.com" }) { person { id } } }"#;

struct Reply {
    status: StatusCode,
    content_type: String,
    allow: Option<String>,
    body: Value,
}

async fn post(
    app: &TestApp,
    accept: Option<&str>,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(app.admin())
        .body(body);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    reply(request.send().await.unwrap()).await
}

async fn get(app: &TestApp, accept: Option<&str>, params: &[(&str, &str)]) -> Reply {
    let mut request = app
        .client
        .get(app.url("/graphql"))
        .bearer_auth(app.admin())
        .query(params);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    reply(request.send().await.unwrap()).await
}

async fn reply(response: reqwest::Response) -> Reply {
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let content_type = header(header::CONTENT_TYPE).unwrap_or_default();
    let allow = header(header::ALLOW);
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    Reply {
        status,
        content_type,
        allow,
        body,
    }
}

fn json_body(query: &str) -> String {
    json!({ "query": query }).to_string()
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = spawn_app().await;
    let query = json_body("{ viewer { subject } }");
    for (accept, expected) in [
        // No Accept header and `*/*` (Apollo Client 3): application/json, whose 200 keeps
        // the GraphQL errors of a request error readable.
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (
            Some("application/json, application/graphql-response+json"),
            "application/json",
        ),
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
        (Some("application/json"), "application/json"),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE,
        ),
        (
            Some("application/graphql-response+json;q=0.1, application/json"),
            "application/json",
        ),
    ] {
        let reply = post(&app, accept, Some("application/json"), query.clone(), &[]).await;
        assert_eq!(reply.status, 200, "{accept:?}");
        assert!(
            reply.content_type.starts_with(expected),
            "{accept:?} gave {}",
            reply.content_type
        );
        assert!(reply.content_type.contains("charset=utf-8"));
        assert_eq!(reply.body["data"]["viewer"]["subject"], "admin");
    }
    let refused = post(
        &app,
        Some("text/html"),
        Some("application/json"),
        query,
        &[],
    )
    .await;
    assert_eq!(refused.status, 406);
}

#[tokio::test]
async fn request_errors_are_400_with_graphql_response_json_and_200_with_json() {
    let app = spawn_app().await;
    for query in [
        "{ viewer { subject ",
        "{ viewer { shoeSize } }",
        "query($n: Int!) { people(first: $n) { totalCount } }",
    ] {
        let modern = post(
            &app,
            Some(GRAPHQL_RESPONSE),
            Some("application/json"),
            json_body(query),
            &[],
        )
        .await;
        assert_eq!(modern.status, 400, "{query}");
        assert!(
            modern.body.get("data").is_none(),
            "no data entry on a request error: {}",
            modern.body
        );
        assert_eq!(
            modern.body["errors"][0]["extensions"]["code"],
            "BAD_USER_INPUT"
        );
        let legacy = post(
            &app,
            Some("application/json"),
            Some("application/json"),
            json_body(query),
            &[],
        )
        .await;
        assert_eq!(legacy.status, 200, "{query}");
        assert!(legacy.body["errors"].is_array());
    }
    // A field error is not a request error: 200 with data.
    let field_error = post(
        &app,
        Some(GRAPHQL_RESPONSE),
        Some("application/json"),
        json_body(r#"{ person(id: "UGVyc29uOjAxOWE0YzE2LTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA") { name } }"#),
        &[],
    )
    .await;
    assert_eq!(field_error.status, 200);
    assert!(field_error.body.get("data").is_some());
    assert_eq!(
        field_error.body["errors"][0]["extensions"]["code"],
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn malformed_parameters_are_refused() {
    let app = spawn_app().await;
    for body in [
        json!({}),
        json!({ "query": 1 }),
        json!({ "query": ["{ a }"] }),
        json!({ "query": "{ viewer { subject } }", "operationName": 5 }),
        json!({ "query": "{ viewer { subject } }", "variables": [1] }),
        json!({ "query": "{ viewer { subject } }", "variables": "{}" }),
        json!({ "query": "{ viewer { subject } }", "extensions": 7 }),
        json!("{ viewer { subject } }"),
    ] {
        let reply = post(
            &app,
            Some(GRAPHQL_RESPONSE),
            Some("application/json"),
            body.to_string(),
            &[],
        )
        .await;
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(
            reply.body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert!(reply.body["errors"][0]["extensions"]["requestId"].is_string());
    }
    let utf16 = post(
        &app,
        None,
        Some("application/json; charset=utf-16"),
        json_body("{ viewer { subject } }"),
        &[],
    )
    .await;
    assert_eq!(utf16.status, 415);
    let missing = post(&app, None, None, json_body("{ viewer { subject } }"), &[]).await;
    assert_eq!(missing.status, 415);
    let explicit_utf8 = post(
        &app,
        None,
        Some("application/json; charset=UTF-8"),
        json_body("{ viewer { subject } }"),
        &[],
    )
    .await;
    assert_eq!(explicit_utf8.status, 200);
}

#[tokio::test]
async fn get_runs_queries_and_refuses_mutations_with_405() {
    let app = spawn_app().await;
    let reply = get(
        &app,
        None,
        &[
            (
                "query",
                "query($n: Int) { people(first: $n) { totalCount } }",
            ),
            ("variables", r#"{"n": 1}"#),
        ],
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["data"]["people"]["totalCount"], 0);
    let people = app.count_people().await;
    for params in [
        vec![("query", CREATE)],
        vec![
            (
                "query",
                "query A { viewer { subject } } mutation B { updateOrganization(input: { name: \"x\" }) { organization { name } } }",
            ),
            ("operationName", "B"),
        ],
        vec![("query", "subscription { auditTrailAppended { action } }")],
    ] {
        let refused = get(&app, None, &params).await;
        assert_eq!(refused.status, 405, "{params:?}");
        assert_eq!(refused.allow.as_deref(), Some("POST"));
        assert_eq!(
            refused.body["errors"][0]["extensions"]["code"],
            "BAD_USER_INPUT"
        );
    }
    assert_eq!(app.count_people().await, people, "nothing was created");
    let no_query = get(&app, Some(GRAPHQL_RESPONSE), &[("operationName", "X")]).await;
    assert_eq!(no_query.status, 400);
}

#[tokio::test]
async fn batches_run_up_to_the_limit() {
    let app = spawn_app_with(|c| c.limits.max_batch = 3).await;
    let batch =
        json!([{ "query": "{ viewer { subject } }" }, { "query": "{ organization { name } }" }]);
    let reply = post(&app, None, Some("application/json"), batch.to_string(), &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body[0]["data"]["viewer"]["subject"], "admin");
    assert_eq!(reply.body[1]["data"]["organization"]["name"], "Test Org");
    let too_many = json!([{ "query": CREATE }, { "query": "{ a }" }, { "query": "{ b }" }, { "query": "{ c }" }]);
    let refused = post(
        &app,
        None,
        Some("application/json"),
        too_many.to_string(),
        &[],
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    let empty = post(&app, None, Some("application/json"), "[]", &[]).await;
    assert_eq!(empty.status, 400);
    assert_eq!(app.count_people().await, 0, "a refused batch runs nothing");
}

#[tokio::test]
async fn form_like_content_types_need_the_preflight_header() {
    let app = spawn_app().await;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let refused = post(&app, None, Some(content_type), json_body(CREATE), &[]).await;
        assert_eq!(refused.status, 400, "{content_type}");
        assert!(
            refused.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("x-iso20000-preflight")
        );
        let with_header = post(
            &app,
            None,
            Some(content_type),
            json_body(CREATE),
            &[("x-iso20000-preflight", "1")],
        )
        .await;
        assert_eq!(
            with_header.status, 415,
            "{content_type}: only JSON bodies are read"
        );
    }
    assert_eq!(app.count_people().await, 0);
}

#[tokio::test]
async fn an_oversized_body_gets_413_without_being_read() {
    let app = spawn_app_with(|c| c.limits.max_body_bytes = 4 * 1024).await;
    let big =
        json!({ "query": "{ viewer { subject } }", "variables": { "pad": "x".repeat(8 * 1024) } })
            .to_string();
    let reply = post(&app, None, Some("application/json"), big, &[]).await;
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    // Announce 100 MB and send a few bytes: the answer comes at once, the rest is never read.
    let mut stream = tokio::net::TcpStream::connect(app.address).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{{\"query\":",
        app.address
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buffer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .expect("an answer before the body");
    let text = String::from_utf8_lossy(&buffer[..read.unwrap()]).to_string();
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");

    let still = post(
        &app,
        None,
        Some("application/json"),
        json_body("{ viewer { subject } }"),
        &[],
    )
    .await;
    assert_eq!(still.status, 200);
}

#[tokio::test]
async fn automatic_persisted_queries_work_as_apollos_link_expects() {
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    let query = "{ viewer { subject } }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let extension = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let hash_only = json!({ "extensions": extension }).to_string();
    let unknown = post(
        &app,
        Some("*/*"),
        Some("application/json"),
        hash_only.clone(),
        &[],
    )
    .await;
    assert_eq!(unknown.status, 200, "{}", unknown.body);
    assert_eq!(
        unknown.body["errors"][0]["message"],
        "PersistedQueryNotFound"
    );
    assert_eq!(
        unknown.body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    let with_query = json!({ "query": query, "extensions": extension }).to_string();
    let sent = post(&app, None, Some("application/json"), with_query, &[]).await;
    assert_eq!(
        sent.body["data"]["viewer"]["subject"], "admin",
        "{}",
        sent.body
    );
    let by_hash = post(&app, None, Some("application/json"), hash_only, &[]).await;
    assert_eq!(
        by_hash.body["data"]["viewer"]["subject"], "admin",
        "{}",
        by_hash.body
    );
    let by_get = get(&app, None, &[("extensions", &extension.to_string())]).await;
    assert_eq!(
        by_get.body["data"]["viewer"]["subject"], "admin",
        "{}",
        by_get.body
    );
    let mismatch = json!({ "query": "{ viewer { role } }", "extensions": extension }).to_string();
    let refused = post(&app, None, Some("application/json"), mismatch, &[]).await;
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "extensions.persistedQuery.sha256Hash"
    );
}

//! A record that is not there nulls its own field only (issue 11, point 3), and response keys
//! follow the selection, over HTTP and WebSocket alike.

use serde_json::json;

use crate::{
    helpers::spawn_app,
    ws_client::{self, TRANSPORT},
};

/// A well-formed id of a record no organization has: it answers like another organization's.
const MISSING: &str = "UGVyc29uOjAxOWE0YzE2LTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA";

#[tokio::test]
async fn a_missing_record_is_null_with_not_found_and_the_rest_stands() {
    let app = spawn_app().await;
    let missing_ids = [
        ("person", MISSING.to_owned()),
        ("service", global("Service")),
        ("process", global("Process")),
        ("tool", global("Tool")),
    ];
    for (field, id) in missing_ids {
        let reply = app
            .graphql(
                Some(&app.admin()),
                &format!(
                    "query($id: ID!) {{ a: organization {{ id }} {field}(id: $id) {{ id }} }}"
                ),
                json!({ "id": id }),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.data()["a"]["id"].is_string(), "{}", reply.body);
        assert!(reply.data()[field].is_null(), "{}", reply.body);
        assert!(reply.data().as_object().unwrap().contains_key(field));
        reply.expect_code("NOT_FOUND");
        assert_eq!(reply.body["errors"][0]["path"], json!([field]));
    }
}

fn global(kind: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{kind}:019a4c16-0000-7000-8000-000000000000"))
}

#[tokio::test]
async fn response_keys_follow_the_selection_over_http_and_websocket() {
    let app = spawn_app().await;
    let query = "{ z: viewer { subject role } a: organization { name id } m: viewer { role } }";
    let text = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(app.admin())
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let in_order = |text: &str, keys: &[&str]| {
        let positions: Vec<usize> = keys
            .iter()
            .map(|key| text.find(&format!("\"{key}\"")).unwrap_or(usize::MAX))
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{keys:?} in {text}"
        );
    };
    in_order(&text, &["z", "subject", "role", "a", "name", "id", "m"]);
    // Read as text: a parsed JSON value would not keep the order.
    let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut socket, &app.admin()).await;
    ws_client::subscribe(&mut socket, TRANSPORT, "1", query).await;
    let text = ws_client::next_text(&mut socket).await;
    let payload = &text[text.find("\"payload\"").unwrap()..];
    in_order(payload, &["z", "subject", "role", "a", "name", "id", "m"]);
}

//! The standard introspection query passes every limit (issue 11, point 1): GraphiQL,
//! graphql-codegen, graphql-inspector and Python's gql send graphql-js 16's
//! `getIntrospectionQuery()`; `fixtures/` holds its text as graphql-js 16.9.0 builds it, with
//! the default options, with every option on and with descriptions off.

use serde_json::json;

use crate::{
    helpers::{spawn_app, spawn_app_with},
    ws_client::{self, TRANSPORT},
};

const QUERIES: [(&str, &str); 3] = [
    (
        "default",
        include_str!("fixtures/introspection-default.graphql"),
    ),
    (
        "all options",
        include_str!("fixtures/introspection-all.graphql"),
    ),
    (
        "no descriptions",
        include_str!("fixtures/introspection-minimal.graphql"),
    ),
];

#[tokio::test]
async fn graphql_js_introspection_passes_the_default_limits_on_every_path() {
    let app = spawn_app().await;
    for (options, query) in QUERIES {
        // No token: introspection needs none.
        let data = app.graphql(None, query, json!({})).await;
        assert_eq!(data.status, 200, "{options}: {}", data.body);
        let data = data.ok();
        assert_eq!(data["__schema"]["queryType"]["name"], "Query", "{options}");
        assert!(
            data["__schema"]["types"].as_array().unwrap().len() > 50,
            "{options}"
        );
        let by_get = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", query)])
            .send()
            .await
            .unwrap();
        assert_eq!(by_get.status(), 200, "{options} by GET");
    }
    let mut socket = ws_client::connect(&app, Some(TRANSPORT)).await;
    ws_client::init(&mut socket, &app.admin()).await;
    ws_client::subscribe(&mut socket, TRANSPORT, "1", QUERIES[1].1).await;
    let next = ws_client::next(&mut socket).await.json();
    assert_eq!(next["type"], "next", "{next:#}");
    assert_eq!(
        next["payload"]["data"]["__schema"]["queryType"]["name"],
        "Query"
    );
}

#[tokio::test]
async fn introspection_has_a_depth_bound_of_its_own_and_data_keeps_its_own() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ __schema {{ types {{ {} name {} }} }} }}",
        "ofType { ".repeat(25),
        "}".repeat(25)
    );
    let reply = app.graphql(None, &deep, json!({})).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    reply.expect_code("BAD_USER_INPUT");
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("introspection query nests"),
        "{}",
        reply.body
    );
    // The data's bound does not count introspection, and still holds for the data.
    let app = spawn_app_with(|c| c.limits.max_depth = 4).await;
    app.graphql(
        Some(&app.admin()),
        "{ __schema { types { fields { type { ofType { name } } } } } viewer { organization { name } } }",
        json!({}),
    )
    .await
    .ok();
    let reply = app
        .graphql(
            Some(&app.admin()),
            "{ viewer { person { ownedServices { owner { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nests its fields 5 deep"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn scalars_are_described_and_name_their_specification() {
    let app = spawn_app().await;
    let data = app
        .graphql(
            None,
            r#"{ dateTime: __type(name: "DateTime") { description specifiedByURL } json: __type(name: "JSON") { description specifiedByURL } }"#,
            json!({}),
        )
        .await
        .ok();
    assert!(
        data["dateTime"]["specifiedByURL"]
            .as_str()
            .unwrap()
            .contains("rfc3339")
    );
    assert!(
        data["dateTime"]["description"]
            .as_str()
            .unwrap()
            .contains("UTC")
    );
    assert!(
        data["json"]["specifiedByURL"]
            .as_str()
            .unwrap()
            .contains("rfc8259")
    );
}

//! Every field costs what it can return (issue 10, hole 2) and whole-organization fields run
//! once per request (hole 6).

use entity::Role;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// The reported attack: lists of related records nested in each other, 49 MB on 5 services.
const NESTED_LISTS: &str = "{ services(first: 5) { edges { node { processes { services { processes { services { processes { name } } } } } } } } }";

fn assert_too_complex(reply: &crate::helpers::Gql) {
    assert_eq!(reply.status, 400, "{}", reply.body);
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("query"), "{}", reply.body);
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn lists_of_related_records_cost_the_most_records_they_hold() {
    let app = spawn_app().await;
    let viewer = app.token(Role::Viewer, "script");
    assert_too_complex(&app.graphql(Some(&viewer), NESTED_LISTS, json!({})).await);
    // Fragment spreads count at their expanded size: 89 copies of a cheaper nesting.
    let mut spread = String::from("{ ...F }  fragment F on Query { ");
    for i in 0..89 {
        spread.push_str(&format!(
            "s{}: services(first: 5) {{ edges {{ node {{ processes {{ services {{ name }} }} }} }} }} ",
            i % 30
        ));
    }
    spread.push('}');
    let reply = app.graphql(Some(&viewer), &spread, json!({})).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    // A screen's worth still passes: 20 services with their processes and people.
    app.graphql(
        Some(&viewer),
        "{ services(first: 20) { edges { node { name owner { name } processes { code owner { name } accountable { name } } } } } }",
        json!({}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn a_list_over_its_bound_answers_an_error_rather_than_more_than_it_was_costed() {
    let app = spawn_app().await;
    let admin = app.admin();
    let owner = app.create_person(&admin, "Olga", "olga@example.com").await;
    for i in 0..=iso20000::graphql::cost::MAX_RELATED {
        app.graphql(
            Some(&admin),
            "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id } } }",
            json!({ "input": { "name": format!("Service {i}"), "ownerId": owner } }),
        )
        .await
        .ok();
    }
    let reply = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { person(id: $id) { name ownedServices { name } } }",
            json!({ "id": owner }),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 100 records"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn a_response_over_its_limit_is_an_error() {
    let app = spawn_app_with(|c| c.limits.max_response_bytes = 1_000).await;
    let admin = app.admin();
    let reply = app
        .graphql(
            Some(&admin),
            "{ processes(first: 22) { edges { node { code name description } } } }",
            json!({}),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert!(reply.data().is_null(), "{}", reply.body);
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("over the response limit"),
        "{}",
        reply.body
    );
    // A batch shares one budget.
    let small = json!({ "query": "{ viewer { subject } }" });
    let batch =
        json!([small, small, { "query": "{ processes(first: 22) { edges { node { name } } } }" }]);
    let reply = app
        .post_raw(Some(&admin), "application/json", batch.to_string())
        .await;
    assert_eq!(reply.body[0]["data"]["viewer"]["subject"], "admin");
    assert_eq!(
        reply.body[2]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{}",
        reply.body
    );
    app.graphql(Some(&admin), "{ viewer { subject } }", json!({}))
        .await
        .ok();
}

/// Statements sent for `query` (the read cache is off, so every read counts).
async fn statements(app: &TestApp, query: &str) -> f64 {
    let before = app.statements().await;
    app.graphql(Some(&app.admin()), query, json!({})).await.ok();
    app.statements().await - before
}

#[tokio::test]
async fn whole_organization_fields_run_once_per_request() {
    let app = spawn_app_with(|c| c.server.read_cache_bytes = 0).await;
    for field in [
        "raciMatrix { rows { process { code } } }",
        "processMap { nodes { id } }",
        "verifyAuditTrail { valid entriesChecked }",
    ] {
        let once = statements(&app, &format!("{{ a: {field} }}")).await;
        let aliased: String = (0..20).map(|i| format!("a{i}: {field} ")).collect();
        let twenty = statements(&app, &format!("{{ {aliased} }}")).await;
        assert_eq!(once, twenty, "{field}: 20 aliases read like one");
        // Spread 2,500 times, a field costs 2,500 times: refused before it runs.
        let spread = format!(
            "{{ {} }} fragment F on Query {{ {field} }}",
            "...F ".repeat(2_500)
        );
        assert_too_complex(&app.graphql(Some(&app.admin()), &spread, json!({})).await);
    }
    // A batch of ten shares the answer too.
    let one = json!({ "query": "{ processMap { nodes { id } } }" });
    let before = app.statements().await;
    let batch = json!(vec![one.clone(); 10]);
    app.post_raw(Some(&app.admin()), "application/json", batch.to_string())
        .await;
    let ten = app.statements().await - before;
    assert_eq!(
        ten,
        statements(&app, "{ processMap { nodes { id } } }").await
    );
}

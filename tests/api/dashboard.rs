//! The portfolio dashboard costs a fixed number of SQL statements, whatever its page size:
//! every nested field goes through a batch loader. These tests count what the database path
//! costs, so their servers run without the read cache (`read_cache.rs` tests it).

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

/// 20 services with owner, their processes with owner and accountable person, and counts.
pub const DASHBOARD: &str = r#"query Dashboard($first: Int) {
    services(first: $first) {
        totalCount
        edges { node { name criticality status owner { name }
            processes { code owner { name } accountable { name } raciAssignments { role person { name } } } } }
    }
    processes { totalCount }
    people { totalCount }
}"#;

/// No read cache; and a complexity bound for 50 services with their processes' RACI, which the
/// default bound refuses (each list of related records counts as 100).
fn uncached(config: &mut iso20000::config::ServeConfig) {
    config.server.read_cache_bytes = 0;
    config.limits.max_complexity = 10_000_000;
}

async fn cost(app: &TestApp, first: i64) -> (f64, Value) {
    let before = app.statements().await;
    let data = app
        .graphql(Some(&app.admin()), DASHBOARD, json!({ "first": first }))
        .await
        .ok();
    (app.statements().await - before, data)
}

#[tokio::test]
async fn the_dashboard_costs_the_same_statements_for_5_and_50_services() {
    let app = spawn_app_with(uncached).await;
    let admin = app.admin();
    let owner = app.create_person(&admin, "Olga", "olga@example.com").await;
    let mut services = Vec::new();
    for i in 0..50 {
        let data = app
            .graphql(
                Some(&admin),
                "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id } } }",
                json!({ "input": { "name": format!("Service {i:02}"), "ownerId": owner } }),
            )
            .await
            .ok();
        services.push(data["createService"]["service"]["id"].clone());
    }
    let processes = app
        .graphql(
            Some(&admin),
            "{ processes(first: 3) { edges { node { id } } } }",
            json!({}),
        )
        .await
        .ok();
    for edge in processes["processes"]["edges"].as_array().unwrap() {
        app.graphql(
            Some(&admin),
            "mutation($id: ID!, $owner: ID!, $services: [ID!]) { updateProcess(input: { id: $id, ownerId: $owner, serviceIds: $services }) { process { id } } assignRaci(input: { processId: $id, personId: $owner, role: ACCOUNTABLE }) { raciAssignment { id } } }",
            json!({ "id": edge["node"]["id"], "owner": owner, "services": services }),
        )
        .await
        .ok();
    }

    let (small, small_data) = cost(&app, 5).await;
    let (large, large_data) = cost(&app, 50).await;
    assert_eq!(small_data["services"]["edges"].as_array().unwrap().len(), 5);
    let large_edges = large_data["services"]["edges"].as_array().unwrap();
    assert_eq!(large_edges.len(), 50);
    assert_eq!(
        large_edges[49]["node"]["processes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        large_edges[49]["node"]["processes"][0]["accountable"]["name"],
        "Olga"
    );
    eprintln!("dashboard statements: {small} for 5 services, {large} for 50");
    assert!(small > 0.0);
    // Batches close when every field of a level has asked (`graphql::batch`), not after a
    // wait, so the count is exact; an N+1 would add 45 or more.
    assert_eq!(
        large, small,
        "statements for 5 services: {small}, for 50: {large}"
    );
}

#[tokio::test]
async fn a_count_alone_reads_no_page_of_rows() {
    let app = spawn_app_with(uncached).await;
    let admin = app.admin();
    for (name, email) in [("Ann", "ann@example.com"), ("Bob", "bob@example.com")] {
        app.create_person(&admin, name, email).await;
    }
    let count_only = "{ people { totalCount } }";
    app.graphql(Some(&admin), count_only, json!({})).await.ok();
    let before = app.statements().await;
    let data = app.graphql(Some(&admin), count_only, json!({})).await.ok();
    let count_cost = app.statements().await - before;
    assert_eq!(data["people"]["totalCount"], 2);
    // The same count with the page (in any of its three shapes) costs one statement more.
    for page in [
        "{ people { totalCount edges { node { name } } } }",
        "{ people { totalCount nodes { name } } }",
        "{ people { totalCount ... on PersonConnection { pageInfo { hasNextPage } } } }",
    ] {
        let before = app.statements().await;
        let data = app.graphql(Some(&admin), page, json!({})).await.ok();
        assert_eq!(app.statements().await - before, count_cost + 1.0, "{page}");
        assert_eq!(data["people"]["totalCount"], 2, "{page}");
    }
    let data = app
        .graphql(
            Some(&admin),
            "{ people(first: 1) { nodes { name } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(data["people"]["nodes"][0]["name"], "Ann");
    assert_eq!(data["people"]["pageInfo"]["hasNextPage"], true);
}

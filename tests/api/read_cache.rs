//! Reads shared between requests: a repeated read costs the credential check alone, and every
//! change, made on this server or on another one over the same database, is seen by the next
//! read; a mutation, and what a batch reads after one, always shows the change.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// A small dashboard: services with owner, their processes with owner and accountable person,
/// and counts.
const READ: &str = "query Read { services(first: 10) { totalCount edges { node { name owner { name } processes { code owner { name } accountable { name } } } } } people { totalCount } }";

const REPLACE_ACCOUNTABLE: &str = "mutation($input: ReplaceAccountableInput!) { replaceAccountable(input: $input) { raciAssignment { process { accountable { name } } } } }";

/// What the tests change: a service owned by Olga, and a process it uses, owned by Olga with
/// Olga accountable; Bob is there to take over.
struct Portfolio {
    service: Value,
    process: Value,
    bob: String,
}

async fn portfolio(app: &TestApp) -> Portfolio {
    let admin = app.admin();
    let olga = app.create_person(&admin, "Olga", "olga@example.com").await;
    let bob = app.create_person(&admin, "Bob", "bob@example.com").await;
    let service = app
        .graphql(
            Some(&admin),
            "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id } } }",
            json!({ "input": { "name": "Hosting", "ownerId": olga } }),
        )
        .await
        .ok()["createService"]["service"]["id"]
        .clone();
    let process = app
        .graphql(
            Some(&admin),
            "{ processes(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await
        .ok()["processes"]["edges"][0]["node"]["id"]
        .clone();
    app.graphql(
        Some(&admin),
        "mutation($id: ID!, $owner: ID!, $service: ID!) { updateProcess(input: { id: $id, ownerId: $owner, serviceIds: [$service] }) { process { id } } assignRaci(input: { processId: $id, personId: $owner, role: ACCOUNTABLE }) { raciAssignment { id } } }",
        json!({ "id": process, "owner": olga, "service": service }),
    )
    .await
    .ok();
    Portfolio {
        service,
        process,
        bob,
    }
}

/// Reads with `token`: the answer, and the statements it cost the server.
async fn read(app: &TestApp, token: &str) -> (Value, f64) {
    let before = app.statements().await;
    let data = app.graphql(Some(token), READ, json!({})).await.ok();
    (data, app.statements().await - before)
}

fn accountable(data: &Value) -> &Value {
    &data["services"]["edges"][0]["node"]["processes"][0]["accountable"]["name"]
}

async fn hand_over_to_bob(app: &TestApp, portfolio: &Portfolio) -> Value {
    app.graphql(
        Some(&app.admin()),
        REPLACE_ACCOUNTABLE,
        json!({ "input": { "processId": portfolio.process, "personId": portfolio.bob } }),
    )
    .await
    .ok()
}

async fn cache_hits(app: &TestApp) -> f64 {
    app.metric(r#"iso20000_read_cache_lookups_total{outcome="hit"}"#)
        .await
}

#[tokio::test]
async fn a_repeated_read_costs_only_the_credential_check() {
    let app = spawn_app().await;
    portfolio(&app).await;
    let admin = app.admin();
    let (first, first_cost) = read(&app, &admin).await;
    let (second, second_cost) = read(&app, &admin).await;
    assert_eq!(first, second);
    assert_eq!(accountable(&second), "Olga");
    assert!(first_cost > 1.0, "the first read goes to the database");
    assert_eq!(
        second_cost, 1.0,
        "the second one only checks the credential"
    );
    assert!(cache_hits(&app).await > 0.0);
}

#[tokio::test]
async fn the_cache_can_be_turned_off() {
    let app = spawn_app_with(|config| config.server.read_cache_bytes = 0).await;
    portfolio(&app).await;
    let admin = app.admin();
    let (first, first_cost) = read(&app, &admin).await;
    let (second, second_cost) = read(&app, &admin).await;
    assert_eq!(first, second);
    assert_eq!(first_cost, second_cost);
    assert!(second_cost > 1.0);
    assert_eq!(cache_hits(&app).await, 0.0);
}

#[tokio::test]
async fn the_read_after_a_change_shows_it() {
    let app = spawn_app().await;
    let portfolio = portfolio(&app).await;
    let admin = app.admin();
    read(&app, &admin).await;
    read(&app, &admin).await;

    app.graphql(
        Some(&admin),
        "mutation($input: UpdateServiceInput!) { updateService(input: $input) { service { id } } }",
        json!({ "input": { "id": portfolio.service, "name": "Managed hosting" } }),
    )
    .await
    .ok();
    let (data, _) = read(&app, &admin).await;
    assert_eq!(
        data["services"]["edges"][0]["node"]["name"],
        "Managed hosting"
    );

    hand_over_to_bob(&app, &portfolio).await;
    let (data, _) = read(&app, &admin).await;
    assert_eq!(accountable(&data), "Bob");

    app.create_person(&admin, "Carla", "carla@example.com")
        .await;
    let (data, _) = read(&app, &admin).await;
    assert_eq!(data["people"]["totalCount"], 3);
}

#[tokio::test]
async fn a_mutation_answers_with_its_own_change() {
    let app = spawn_app().await;
    let portfolio = portfolio(&app).await;
    let admin = app.admin();
    read(&app, &admin).await;
    let (warm, _) = read(&app, &admin).await;
    assert_eq!(accountable(&warm), "Olga");

    // The process's accountable person was read (and kept) a moment ago; the mutation's own
    // answer must not be that.
    let data = hand_over_to_bob(&app, &portfolio).await;
    assert_eq!(
        data["replaceAccountable"]["raciAssignment"]["process"]["accountable"]["name"],
        "Bob"
    );
}

#[tokio::test]
async fn a_batch_reads_what_its_own_mutation_changed() {
    let app = spawn_app().await;
    let portfolio = portfolio(&app).await;
    let admin = app.admin();
    read(&app, &admin).await;
    read(&app, &admin).await;

    let batch = json!([
        { "query": READ },
        {
            "query": REPLACE_ACCOUNTABLE,
            "variables": { "input": { "processId": portfolio.process, "personId": portfolio.bob } },
        },
        { "query": READ },
    ]);
    let reply = app
        .post_raw(Some(&admin), "application/json", batch.to_string())
        .await;
    let answers = reply.body.as_array().expect("one answer per operation");
    assert_eq!(answers.len(), 3, "{:#}", reply.body);
    assert_eq!(accountable(&answers[0]["data"]), "Olga");
    assert_eq!(accountable(&answers[2]["data"]), "Bob");
}

#[tokio::test]
async fn a_change_made_on_another_server_is_seen_at_once() {
    let app = spawn_app().await;
    let portfolio = portfolio(&app).await;
    let replica = app.replica().await;
    let admin = app.admin();
    read(&replica, &admin).await;
    let (warm, cost) = read(&replica, &admin).await;
    assert_eq!(cost, 1.0, "the replica answers from its cache");
    assert_eq!(accountable(&warm), "Olga");

    hand_over_to_bob(&app, &portfolio).await;
    let (data, _) = read(&replica, &admin).await;
    assert_eq!(accountable(&data), "Bob");
}

#[tokio::test]
async fn api_token_callers_share_reads_too() {
    let app = spawn_app().await;
    let portfolio = portfolio(&app).await;
    let secret = app
        .graphql(
            Some(&app.admin()),
            "mutation { createApiToken(input: { name: \"BI\", scopes: [READ] }) { secret } }",
            json!({}),
        )
        .await
        .ok()["createApiToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    read(&app, &secret).await;
    let (warm, cost) = read(&app, &secret).await;
    assert_eq!(cost, 1.0, "the token check alone");
    assert_eq!(accountable(&warm), "Olga");

    hand_over_to_bob(&app, &portfolio).await;
    let (data, _) = read(&app, &secret).await;
    assert_eq!(accountable(&data), "Bob");
}

#[tokio::test]
async fn the_budget_counts_bytes_so_long_texts_cannot_outgrow_it() {
    const BUDGET: usize = 256 * 1024;
    let app = spawn_app_with(|config| config.server.read_cache_bytes = BUDGET).await;
    let admin = app.admin();
    let description = "d".repeat(4_000);
    for i in 0..10 {
        app.graphql(
            Some(&admin),
            "mutation($input: CreateProcessInput!) { createProcess(input: $input) { process { id } } }",
            json!({ "input": { "code": format!("CUSTOM_{i}"), "name": format!("Custom {i}"), "description": description } }),
        )
        .await
        .ok();
    }
    let held = || app.metric("iso20000_read_cache_bytes");
    app.graphql(
        Some(&admin),
        "{ processes(first: 40) { edges { node { description } } } }",
        json!({}),
    )
    .await
    .ok();
    assert!(
        held().await >= 40_000.0,
        "ten long texts weigh what they hold"
    );
    // Many distinct pages of the long texts: the cache keeps what fits and no more.
    for first in 1..=60 {
        app.graphql(
            Some(&admin),
            "query($first: Int) { processes(first: $first) { edges { node { description } } } }",
            json!({ "first": first }),
        )
        .await
        .ok();
    }
    let held = held().await;
    assert!(held > 0.0 && held <= BUDGET as f64, "{held} bytes held");
}

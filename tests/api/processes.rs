//! Processes: the built-in catalogue, the organization's own, applicability, owners.

use entity::{Role, process};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const PROCESS_FIELDS: &str = "id code name clause builtIn maturity applicable notApplicableJustification owner { name } services { name } version";

async fn process_by_code(app: &TestApp, code: &str) -> Value {
    let data = app
        .graphql(
            Some(&app.admin()),
            &format!("query($code: String!) {{ processes(filter: {{ search: $code }}, first: 100) {{ edges {{ node {{ {PROCESS_FIELDS} }} }} }} }}"),
            json!({ "code": code }),
        )
        .await
        .ok();
    data["processes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .find(|p| p["code"] == code)
        .unwrap()
}

async fn count_processes(app: &TestApp) -> u64 {
    process::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn every_organization_starts_with_the_clause_8_catalogue() {
    let app = spawn_app().await;
    let data = app
        .graphql(Some(&app.admin()), "{ processes(first: 100) { totalCount edges { node { code clause builtIn applicable } } } }", json!({}))
        .await
        .ok();
    assert_eq!(data["processes"]["totalCount"], 22);
    let first = &data["processes"]["edges"][0]["node"];
    assert_eq!(first["clause"], "8.1");
    let incident = process_by_code(&app, "INCIDENT").await;
    assert_eq!(incident["clause"], "8.6.1");
    assert_eq!(incident["builtIn"], true);
    assert_eq!(incident["maturity"], "NOT_STARTED");
}

#[tokio::test]
async fn a_process_is_owned_matured_and_applied_to_services() {
    let app = spawn_app().await;
    let admin = app.admin();
    let owner = app
        .create_person(&admin, "Dana Costa", "dana@example.com")
        .await;
    let service = app
        .graphql(
            Some(&admin),
            r#"mutation { createService(input: { name: "Hosting" }) { service { id } } }"#,
            json!({}),
        )
        .await
        .ok()["createService"]["service"]["id"]
        .clone();
    let incident = process_by_code(&app, "INCIDENT").await;
    let updated = app
        .graphql(
            Some(&admin),
            &format!("mutation($input: UpdateProcessInput!) {{ updateProcess(input: $input) {{ process {{ {PROCESS_FIELDS} }} }} }}"),
            json!({ "input": { "id": incident["id"], "expectedVersion": 1, "ownerId": owner, "maturity": "DEFINED", "serviceIds": [service], "goals": "Restore fast" } }),
        )
        .await
        .ok();
    let process = &updated["updateProcess"]["process"];
    assert_eq!(process["owner"]["name"], "Dana Costa");
    assert_eq!(process["maturity"], "DEFINED");
    assert_eq!(process["services"], json!([{ "name": "Hosting" }]));
    let owned = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { person(id: $id) { ownedProcesses { code } } }",
            json!({ "id": owner }),
        )
        .await
        .ok();
    assert_eq!(
        owned["person"]["ownedProcesses"],
        json!([{ "code": "INCIDENT" }])
    );
    let renamed = app
        .graphql(
            Some(&admin),
            "mutation($input: UpdateProcessInput!) { updateProcess(input: $input) { process { name } } }",
            json!({ "input": { "id": incident["id"], "name": "Fire fighting" } }),
        )
        .await;
    renamed.expect_code("BAD_USER_INPUT");
    assert_eq!(renamed.field(), Some("input.name"));
    app.graphql(
        Some(&admin),
        "mutation($input: UpdateProcessInput!) { updateProcess(input: $input) { process { name } } }",
        json!({ "input": { "id": incident["id"], "expectedVersion": 1, "goals": "stale" } }),
    )
    .await
    .expect_code("CONFLICT");
}

#[tokio::test]
async fn built_in_processes_cannot_be_deleted_only_marked_not_applicable() {
    let app = spawn_app().await;
    let admin = app.admin();
    let asset = process_by_code(&app, "ASSET").await;
    let before = count_processes(&app).await;
    let head = app.head(&admin).await;
    let refused = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteProcess(input: { id: $id }) { process { code } } }",
            json!({ "id": asset["id"] }),
        )
        .await;
    refused.expect_code("BAD_USER_INPUT");
    assert_eq!(refused.field(), Some("input.id"));
    let unjustified = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { setProcessApplicability(input: { id: $id, applicable: false }) { process { applicable } } }",
            json!({ "id": asset["id"] }),
        )
        .await;
    unjustified.expect_code("BAD_USER_INPUT");
    assert_eq!(unjustified.field(), Some("input.justification"));
    assert_eq!(count_processes(&app).await, before);
    assert_eq!(app.head(&admin).await, head);

    let marked = app
        .graphql(
            Some(&admin),
            r#"mutation($id: ID!) { setProcessApplicability(input: { id: $id, applicable: false, justification: "No physical assets in scope" }) { process { applicable notApplicableJustification } } }"#,
            json!({ "id": asset["id"] }),
        )
        .await
        .ok();
    assert_eq!(
        marked["setProcessApplicability"]["process"],
        json!({ "applicable": false, "notApplicableJustification": "No physical assets in scope" })
    );
    let applicable = app
        .graphql(
            Some(&admin),
            "{ processes(filter: { applicable: true }) { totalCount } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(applicable["processes"]["totalCount"], 21);
}

#[tokio::test]
async fn own_processes_are_created_and_deleted() {
    let app = spawn_app().await;
    let admin = app.admin();
    const CREATE: &str = "mutation($input: CreateProcessInput!) { createProcess(input: $input) { process { id code builtIn clause } } }";
    let created = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "code": "ACCESS", "name": "Access management" } }),
        )
        .await
        .ok();
    let process = &created["createProcess"]["process"];
    assert_eq!(process["builtIn"], false);
    assert_eq!(process["clause"], Value::Null);
    let before = count_processes(&app).await;
    for (input, field) in [
        (json!({ "code": "ACCESS", "name": "Again" }), "input.code"),
        (
            json!({ "code": "INCIDENT", "name": "Clash with the catalogue" }),
            "input.code",
        ),
        (json!({ "code": "lower", "name": "x" }), "input.code"),
        (json!({ "code": "X", "name": "" }), "input.name"),
        (
            json!({ "code": "X", "name": "x".repeat(201) }),
            "input.name",
        ),
        (
            json!({ "code": "X", "name": "x", "serviceIds": ["garbage"] }),
            "input.serviceIds",
        ),
    ] {
        let response = app
            .graphql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        response.expect_code("BAD_USER_INPUT");
        assert_eq!(response.field(), Some(field), "{input}");
    }
    for role in [Role::ProcessOwner, Role::Auditor, Role::Viewer] {
        app.graphql(
            Some(&app.token(role, "r")),
            CREATE,
            json!({ "input": { "code": "NOPE", "name": "Nope" } }),
        )
        .await
        .expect_code("FORBIDDEN");
    }
    assert_eq!(count_processes(&app).await, before);
    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { deleteProcess(input: { id: $id }) { process { code } } }",
        json!({ "id": process["id"] }),
    )
    .await
    .ok();
    assert_eq!(count_processes(&app).await, before - 1);
}

#[tokio::test]
async fn gaps_are_listable() {
    let app = spawn_app().await;
    let admin = app.admin();
    let owner = app.create_person(&admin, "Eve", "eve@example.com").await;
    let change = process_by_code(&app, "CHANGE").await;
    app.graphql(
        Some(&admin),
        "mutation($id: ID!, $owner: ID!) { updateProcess(input: { id: $id, ownerId: $owner }) { process { id } } assignRaci(input: { processId: $id, personId: $owner, role: ACCOUNTABLE }) { raciAssignment { id } } }",
        json!({ "id": change["id"], "owner": owner }),
    )
    .await
    .ok();
    let gaps = app
        .graphql(
            Some(&admin),
            "{ noOwner: processes(filter: { withoutOwner: true }) { totalCount } noAccountable: processes(filter: { withoutAccountable: true }) { totalCount } covered: processes(filter: { withoutAccountable: false }) { edges { node { code accountable { name } } } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(gaps["noOwner"]["totalCount"], 21);
    assert_eq!(gaps["noAccountable"]["totalCount"], 21);
    assert_eq!(
        gaps["covered"]["edges"],
        json!([{ "node": { "code": "CHANGE", "accountable": { "name": "Eve" } } }])
    );
}

//! Services: create, update, retire, list with filters and sort; bad input changes nothing.

use entity::{Role, service};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CREATE: &str = "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id name customer criticality status owner { name } restoreTargets { priority minutes } availabilityTarget version } } }";
const UPDATE: &str = "mutation($input: UpdateServiceInput!) { updateService(input: $input) { service { id name criticality status owner { name } availabilityTarget version } } }";
const RETIRE: &str = "mutation($input: RetireServiceInput!) { retireService(input: $input) { service { status version } } }";

async fn count_services(app: &TestApp) -> u64 {
    service::Entity::find().count(&app.db).await.unwrap()
}

async fn create(app: &TestApp, input: Value) -> Value {
    app.graphql(Some(&app.admin()), CREATE, json!({ "input": input }))
        .await
        .ok()["createService"]["service"]
        .clone()
}

#[tokio::test]
async fn a_service_is_created_updated_and_retired() {
    let app = spawn_app().await;
    let owner = app
        .create_person(&app.admin(), "Olga Ivanova", "olga@example.com")
        .await;
    let service = create(
        &app,
        json!({
            "name": " Managed Hosting ", "customer": "Retail BU", "criticality": "HIGH", "ownerId": owner,
            "restoreTargets": [{ "priority": "P2", "minutes": 480 }, { "priority": "P1", "minutes": 120 }],
            "availabilityTarget": 99.9
        }),
    )
    .await;
    assert_eq!(service["name"], "Managed Hosting");
    assert_eq!(service["status"], "PIPELINE");
    assert_eq!(service["owner"]["name"], "Olga Ivanova");
    assert_eq!(
        service["restoreTargets"],
        json!([{ "priority": "P1", "minutes": 120 }, { "priority": "P2", "minutes": 480 }])
    );
    let id = service["id"].as_str().unwrap();

    let updated = app
        .graphql(
            Some(&app.admin()),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "status": "LIVE", "ownerId": null, "availabilityTarget": null } }),
        )
        .await
        .ok();
    let service = &updated["updateService"]["service"];
    assert_eq!(service["status"], "LIVE");
    assert_eq!(service["owner"], Value::Null);
    assert_eq!(service["availabilityTarget"], Value::Null);
    assert_eq!(service["criticality"], "HIGH", "omitted fields stay");

    let retired = app
        .graphql(
            Some(&app.admin()),
            RETIRE,
            json!({ "input": { "id": id, "expectedVersion": 2 } }),
        )
        .await
        .ok();
    assert_eq!(
        retired["retireService"]["service"],
        json!({ "status": "RETIRED", "version": 3 })
    );
    let stale = app
        .graphql(
            Some(&app.admin()),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 2, "name": "X" } }),
        )
        .await;
    stale.expect_code("CONFLICT");

    let trail = app
        .graphql(
            Some(&app.admin()),
            "query($id: ID!) { auditTrail(filter: { recordId: $id }) { edges { node { action } } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    let actions: Vec<_> = trail["auditTrail"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].clone())
        .collect();
    assert_eq!(
        actions,
        [
            json!("service.create"),
            json!("service.update"),
            json!("service.retire")
        ]
    );
}

#[tokio::test]
async fn bad_service_input_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    create(&app, json!({ "name": "Backup" })).await;
    let other_org = crate::helpers::create_org(&app.db, "Other").await;
    let foreign_person = app
        .create_person(
            &app.token_for(other_org, Role::Admin, "o"),
            "Foreign",
            "f@example.com",
        )
        .await;
    let before = count_services(&app).await;
    let head = app.head(&app.admin()).await;
    for (input, code, field) in [
        (json!({ "name": "" }), "BAD_USER_INPUT", Some("input.name")),
        (
            json!({ "name": "x".repeat(201) }),
            "BAD_USER_INPUT",
            Some("input.name"),
        ),
        (json!({ "name": "backup" }), "", None),
        (
            json!({ "name": "Backup" }),
            "BAD_USER_INPUT",
            Some("input.name"),
        ),
        (
            json!({ "name": "S", "description": "d".repeat(4001) }),
            "BAD_USER_INPUT",
            Some("input.description"),
        ),
        (
            json!({ "name": "S", "availabilityTarget": 100.5 }),
            "BAD_USER_INPUT",
            Some("input.availabilityTarget"),
        ),
        (
            json!({ "name": "S", "restoreTargets": [{ "priority": "P7", "minutes": 5 }] }),
            "BAD_USER_INPUT",
            Some("input.restoreTargets"),
        ),
        (
            json!({ "name": "S", "restoreTargets": [{ "priority": "P1", "minutes": 0 }] }),
            "BAD_USER_INPUT",
            Some("input.restoreTargets"),
        ),
        (
            json!({ "name": "S", "ownerId": foreign_person }),
            "NOT_FOUND",
            None,
        ),
        (
            json!({ "name": "S", "ownerId": "garbage" }),
            "BAD_USER_INPUT",
            Some("input.ownerId"),
        ),
        (
            json!({ "name": "S", "criticality": "EXTREME" }),
            "BAD_USER_INPUT",
            None,
        ),
    ] {
        if code.is_empty() {
            continue;
        }
        let response = app
            .graphql(Some(&app.admin()), CREATE, json!({ "input": input }))
            .await;
        response.expect_code(code);
        if field.is_some() {
            assert_eq!(response.field(), field, "{input}");
        }
    }
    assert_eq!(count_services(&app).await, before);
    assert_eq!(app.head(&app.admin()).await, head);
    for role in [Role::ProcessOwner, Role::Auditor, Role::Viewer] {
        app.graphql(
            Some(&app.token(role, "r")),
            CREATE,
            json!({ "input": { "name": "Nope" } }),
        )
        .await
        .expect_code("FORBIDDEN");
    }
    assert_eq!(count_services(&app).await, before);
}

#[tokio::test]
async fn services_are_filtered_and_sorted() {
    let app = spawn_app().await;
    let owner = app
        .create_person(&app.admin(), "Pat", "pat@example.com")
        .await;
    for (name, criticality, status) in [
        ("Email", "HIGH", "LIVE"),
        ("Archive", "LOW", "PIPELINE"),
        ("Colocation", "CRITICAL", "LIVE"),
    ] {
        create(&app, json!({ "name": name, "criticality": criticality, "status": status, "customer": "Acme", "ownerId": if name == "Email" { Some(owner.clone()) } else { None } })).await;
    }
    let names = |data: &Value| -> Vec<String> {
        data["services"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let query = "query($filter: ServiceFilterInput, $order: ServiceOrder, $first: Int, $after: String) { services(filter: $filter, orderBy: $order, first: $first, after: $after) { totalCount edges { node { name } } pageInfo { endCursor hasNextPage } } }";
    let run = |vars: Value| {
        let app = &app;
        async move { app.graphql(Some(&app.admin()), query, vars).await.ok() }
    };
    assert_eq!(
        names(&run(json!({})).await),
        ["Email", "Archive", "Colocation"]
    );
    assert_eq!(
        names(&run(json!({ "order": "NAME" })).await),
        ["Archive", "Colocation", "Email"]
    );
    let page = run(json!({ "order": "NAME", "first": 2 })).await;
    assert_eq!(names(&page), ["Archive", "Colocation"]);
    let next = run(
        json!({ "order": "NAME", "first": 2, "after": page["services"]["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(names(&next), ["Email"]);
    assert_eq!(
        names(&run(json!({ "filter": { "status": "LIVE" } })).await),
        ["Email", "Colocation"]
    );
    assert_eq!(
        names(&run(json!({ "filter": { "criticality": "LOW" } })).await),
        ["Archive"]
    );
    assert_eq!(
        names(&run(json!({ "filter": { "ownerId": owner } })).await),
        ["Email"]
    );
    assert_eq!(
        names(&run(json!({ "filter": { "search": "COLO" } })).await),
        ["Colocation"]
    );
    assert_eq!(
        run(json!({ "filter": { "search": "acme" } })).await["services"]["totalCount"],
        3
    );
}

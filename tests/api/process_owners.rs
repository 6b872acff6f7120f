//! Process owners maintain the processes they own (not who owns them), and nothing else; a
//! process's services are part of its audit entries; unique clashes name the field at fault.

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const UPDATE: &str = "mutation($input: UpdateProcessInput!) { updateProcess(input: $input) { process { goals version owner { name } } } }";
const ASSIGN: &str =
    "mutation($input: AssignRaciInput!) { assignRaci(input: $input) { raciAssignment { id } } }";

/// A person with a PROCESS_OWNER login `subject`.
async fn owner_with_login(app: &TestApp, name: &str, subject: &str) -> String {
    let data = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": name, "email": format!("{subject}@example.com"), "loginSubject": subject, "role": "PROCESS_OWNER" } }),
        )
        .await
        .ok();
    data["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn set_owner(app: &TestApp, process: &str, owner: &str) {
    app.graphql(
        Some(&app.admin()),
        UPDATE,
        json!({ "input": { "id": process, "ownerId": owner } }),
    )
    .await
    .ok();
}

#[tokio::test]
async fn a_process_owner_maintains_their_own_processes_only() {
    let app = spawn_app().await;
    let pat = owner_with_login(&app, "Pat Owner", "pat").await;
    let other = owner_with_login(&app, "Olu Other", "olu").await;
    let incident = app.process_id("INCIDENT").await;
    let change = app.process_id("CHANGE").await;
    set_owner(&app, &incident, &pat).await;
    set_owner(&app, &change, &other).await;
    let token = app.token(Role::ProcessOwner, "pat");

    // Their own process: its records, and its RACI.
    let updated = app
        .graphql(
            Some(&token),
            UPDATE,
            json!({ "input": { "id": incident, "goals": "Restore service fast" } }),
        )
        .await
        .ok();
    assert_eq!(
        updated["updateProcess"]["process"]["goals"],
        "Restore service fast"
    );
    app.graphql(
        Some(&token),
        ASSIGN,
        json!({ "input": { "processId": incident, "personId": other, "role": "CONSULTED" } }),
    )
    .await
    .ok();

    // Not who owns it, not another's process, not another's RACI.
    let head = app.head(&app.admin()).await;
    for (query, input) in [
        (
            UPDATE,
            json!({ "id": incident, "ownerId": other, "goals": "x" }),
        ),
        (UPDATE, json!({ "id": change, "goals": "Taken over" })),
        (
            ASSIGN,
            json!({ "processId": change, "personId": pat, "role": "CONSULTED" }),
        ),
    ] {
        app.graphql(Some(&token), query, json!({ "input": input }))
            .await
            .expect_code("FORBIDDEN");
    }
    assert_eq!(
        app.head(&app.admin()).await,
        head,
        "a refusal changed nothing"
    );

    // A process owner without a person of their own owns nothing.
    app.graphql(
        Some(&app.token(Role::ProcessOwner, "nobody")),
        UPDATE,
        json!({ "input": { "id": incident, "goals": "x" } }),
    )
    .await
    .expect_code("FORBIDDEN");
}

#[tokio::test]
async fn a_process_audit_entry_shows_its_services() {
    let app = spawn_app().await;
    let admin = app.admin();
    let service = app
        .graphql(
            Some(&admin),
            r#"mutation { createService(input: { name: "Hosting" }) { service { id } } }"#,
            json!({}),
        )
        .await
        .ok()["createService"]["service"]["id"]
        .clone();
    let incident = app.process_id("INCIDENT").await;
    app.graphql(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": incident, "serviceIds": [service] } }),
    )
    .await
    .ok();
    let trail = app
        .graphql(
            Some(&admin),
            r#"query($id: ID!) { auditTrail(filter: { recordId: $id, action: "process.update" }, last: 1) { nodes { before after } } }"#,
            json!({ "id": incident }),
        )
        .await
        .ok();
    let entry = &trail["auditTrail"]["nodes"][0];
    assert_eq!(entry["before"]["serviceIds"], json!([]));
    assert_eq!(entry["after"]["serviceIds"], json!([service]));
}

#[tokio::test]
async fn a_clashing_login_subject_is_reported_on_its_own_field() {
    let app = spawn_app().await;
    owner_with_login(&app, "First", "same").await;
    let response = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": "Second", "email": "second@example.com", "loginSubject": "same" } }),
        )
        .await;
    response.expect_code("BAD_USER_INPUT");
    assert_eq!(response.field(), Some("input.loginSubject"));
    let clash: Value = response.body.clone();
    assert!(
        clash.to_string().contains("login subject"),
        "{clash}: the message names the login subject, not the e-mail"
    );
}

//! Nothing crosses organizations: another organization's id answers exactly like a missing one,
//! and no list or `node`/`nodes` returns another organization's records. Every later area adds
//! its types and id arguments here.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, create_org, spawn_app};

fn global(type_name: &str, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// The records of one organization that tests try to reach from the other.
struct Tenant {
    admin: String,
    person: String,
    organization: String,
    audit_entry: String,
    api_token: String,
    service: String,
    process: String,
    raci: String,
}

async fn tenant(app: &TestApp, org: Uuid, email: &str) -> Tenant {
    let admin = app.token_for(org, Role::Admin, "admin");
    let person = app.create_person(&admin, "Someone", email).await;
    let token = app
        .graphql(
            Some(&admin),
            r#"mutation { createApiToken(input: { name: "t", scopes: [READ] }) { apiToken { id } } }"#,
            json!({}),
        )
        .await
        .ok();
    let service = app
        .graphql(
            Some(&admin),
            r#"mutation { createService(input: { name: "Hosting" }) { service { id } } }"#,
            json!({}),
        )
        .await
        .ok();
    let processes = app
        .graphql(
            Some(&admin),
            "{ processes(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await
        .ok();
    let process = processes["processes"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let raci = app
        .graphql(
            Some(&admin),
            "mutation($p: ID!, $who: ID!) { assignRaci(input: { processId: $p, personId: $who, role: ACCOUNTABLE }) { raciAssignment { id } } }",
            json!({ "p": process, "who": person }),
        )
        .await
        .ok();
    let data = app
        .graphql(
            Some(&admin),
            "{ organization { id } auditTrail(last: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await
        .ok();
    Tenant {
        person,
        organization: data["organization"]["id"].as_str().unwrap().to_owned(),
        audit_entry: data["auditTrail"]["edges"][0]["node"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        api_token: token["createApiToken"]["apiToken"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        service: service["createService"]["service"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        raci: raci["assignRaci"]["raciAssignment"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        process,
        admin,
    }
}

/// The body without the request ids, which differ between any two requests.
fn without_request_id(mut body: Value) -> Value {
    for error in body["errors"].as_array_mut().into_iter().flatten() {
        if let Some(extensions) = error["extensions"].as_object_mut() {
            extensions.remove("requestId");
        }
    }
    body
}

fn ids_in(value: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    fn walk(value: &Value, ids: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if key == "id" || key == "recordId" || key == "personId" {
                        if let Some(id) = v.as_str() {
                            ids.push(id.to_owned());
                        }
                    }
                    walk(v, ids);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, ids)),
            _ => {}
        }
    }
    walk(value, &mut ids);
    ids
}

#[tokio::test]
async fn another_organizations_ids_answer_like_missing_ones() {
    let app = spawn_app().await;
    let a = tenant(&app, app.org, "a@example.com").await;
    let other_org = create_org(&app.db, "Other Org").await;
    let b = tenant(&app, other_org, "b@example.com").await;
    let people_before = app.count_people().await;
    let head_b = app.head(&b.admin).await;

    // Every query and mutation that takes an id, given B's id and a missing id of the same type.
    let others: Vec<(&str, &str, &str)> = vec![
        (
            "query($id: ID!) { person(id: $id) { name } }",
            &b.person,
            "Person",
        ),
        (
            "mutation($id: ID!) { updatePerson(input: { id: $id, name: \"Stolen\" }) { person { name } } }",
            &b.person,
            "Person",
        ),
        (
            "mutation($id: ID!) { updatePerson(input: { id: $id, role: ADMIN, loginSubject: \"x\" }) { person { name } } }",
            &b.person,
            "Person",
        ),
        (
            "mutation($id: ID!) { deactivatePerson(input: { id: $id }) { person { name } } }",
            &b.person,
            "Person",
        ),
        (
            "mutation($id: ID!) { reactivatePerson(input: { id: $id }) { person { name } } }",
            &b.person,
            "Person",
        ),
        (
            "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } } }",
            &b.api_token,
            "ApiToken",
        ),
        (
            "query($id: ID!) { service(id: $id) { name } }",
            &b.service,
            "Service",
        ),
        (
            "mutation($id: ID!) { updateService(input: { id: $id, name: \"Stolen\" }) { service { name } } }",
            &b.service,
            "Service",
        ),
        (
            "mutation($id: ID!) { retireService(input: { id: $id }) { service { name } } }",
            &b.service,
            "Service",
        ),
        (
            "mutation($id: ID!) { createService(input: { name: \"Mine\", ownerId: $id }) { service { name } } }",
            &b.person,
            "Person",
        ),
        (
            "mutation($id: ID!) { updateService(input: { id: $id }) { service { name } } }",
            &b.service,
            "Service",
        ),
        (
            "query($id: ID!) { process(id: $id) { name } }",
            &b.process,
            "Process",
        ),
        (
            "mutation($id: ID!) { updateProcess(input: { id: $id, goals: \"Stolen\" }) { process { name } } }",
            &b.process,
            "Process",
        ),
        (
            "mutation($id: ID!) { setProcessApplicability(input: { id: $id, applicable: false, justification: \"x\" }) { process { name } } }",
            &b.process,
            "Process",
        ),
        (
            "mutation($id: ID!) { deleteProcess(input: { id: $id }) { process { name } } }",
            &b.process,
            "Process",
        ),
        (
            "mutation($id: ID!) { createProcess(input: { code: \"MINE\", name: \"Mine\", serviceIds: [$id] }) { process { name } } }",
            &b.service,
            "Service",
        ),
        (
            "mutation($id: ID!) { assignRaci(input: { processId: $id, personId: \"PLACEHOLDER\", role: INFORMED }) { raciAssignment { id } } }",
            &b.process,
            "Process",
        ),
        (
            "mutation($id: ID!) { replaceAccountable(input: { processId: $id, personId: \"PLACEHOLDER\" }) { raciAssignment { id } } }",
            &b.process,
            "Process",
        ),
        (
            "mutation($id: ID!) { updateRaciAssignment(input: { id: $id, responsibilities: \"x\" }) { raciAssignment { id } } }",
            &b.raci,
            "RaciAssignment",
        ),
        (
            "mutation($id: ID!) { removeRaciAssignment(input: { id: $id }) { raciAssignment { id } } }",
            &b.raci,
            "RaciAssignment",
        ),
    ];
    // Operations that also take one of A's own ids get it in place of PLACEHOLDER.
    let others: Vec<(String, &str, &str)> = others
        .into_iter()
        .map(|(operation, id, type_name)| {
            (operation.replace("PLACEHOLDER", &a.person), id, type_name)
        })
        .collect();
    for (operation, foreign_id, type_name) in &others {
        let operation = operation.as_str();
        let foreign = app
            .graphql(Some(&a.admin), operation, json!({ "id": foreign_id }))
            .await;
        let missing = app
            .graphql(
                Some(&a.admin),
                operation,
                json!({ "id": global(type_name, Uuid::now_v7()) }),
            )
            .await;
        foreign.expect_code("NOT_FOUND");
        assert_eq!(
            without_request_id(foreign.body),
            without_request_id(missing.body),
            "{operation}"
        );
    }

    // node and nodes see nothing of B.
    for id in [
        &b.person,
        &b.organization,
        &b.audit_entry,
        &b.api_token,
        &b.service,
        &b.process,
        &b.raci,
    ] {
        let data = app
            .graphql(
                Some(&a.admin),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await
            .ok();
        assert!(data["node"].is_null(), "node({id}) leaked: {data:#}");
    }
    let data = app
        .graphql(
            Some(&a.admin),
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [b.person, b.organization, b.audit_entry, a.person, a.organization, a.audit_entry] }),
        )
        .await
        .ok();
    assert_eq!(
        data["nodes"].as_array().unwrap()[0..3],
        [Value::Null, Value::Null, Value::Null]
    );
    assert_eq!(data["nodes"][3]["id"], a.person.as_str());
    assert_eq!(data["nodes"][4]["id"], a.organization.as_str());
    assert_eq!(data["nodes"][5]["id"], a.audit_entry.as_str());

    // Lists never show B's records.
    let lists = app
        .graphql(
            Some(&a.admin),
            r#"query($b: ID!) {
                people(first: 100) { totalCount edges { node { id } } }
                everyone: people(first: 100, filter: { search: "example.com" }) { edges { node { id } } }
                auditTrail(first: 100) { totalCount edges { node { id recordId } } }
                apiTokens(first: 100) { totalCount edges { node { id } } }
                services(first: 100) { totalCount edges { node { id owner { id } } } }
                processes(first: 50) { edges { node { id owner { id } accountable { id } services { id } raciAssignments { id person { id } } } } }
                raciMatrix { people { id } rows { process { id } cells { personId } } }
                ofB: auditTrail(filter: { recordId: $b }) { totalCount }
                organization { id }
                viewer { organization { id } }
            }"#,
            json!({ "b": b.person }),
        )
        .await
        .ok();
    let seen = ids_in(&lists);
    for foreign in [
        &b.person,
        &b.organization,
        &b.audit_entry,
        &b.api_token,
        &b.service,
        &b.process,
        &b.raci,
    ] {
        assert!(
            !seen.contains(foreign),
            "{foreign} leaked into a list: {lists:#}"
        );
    }
    assert_eq!(lists["people"]["totalCount"], 1);
    assert_eq!(lists["ofB"]["totalCount"], 0);
    let verification = app
        .graphql(
            Some(&a.admin),
            "{ verifyAuditTrail { valid entriesChecked } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        verification["verifyAuditTrail"]["entriesChecked"], lists["auditTrail"]["totalCount"],
        "verification covers only the caller's chain"
    );

    // Nothing of B changed.
    assert_eq!(app.count_people().await, people_before);
    assert_eq!(app.head(&b.admin).await, head_b);
    let b_person = app
        .graphql(
            Some(&b.admin),
            "query($id: ID!) { person(id: $id) { name active } }",
            json!({ "id": b.person }),
        )
        .await
        .ok();
    assert_eq!(
        b_person["person"],
        json!({ "name": "Someone", "active": true })
    );
}

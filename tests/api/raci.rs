//! RACI: exactly one ACCOUNTABLE per process, even under concurrency; the matrix in one request.

use entity::raci_assignment;
use futures_util::future::join_all;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const ASSIGN: &str = "mutation($input: AssignRaciInput!) { assignRaci(input: $input) { raciAssignment { id role responsibilities person { name } process { code } } } }";

async fn count(app: &TestApp) -> u64 {
    raci_assignment::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_accountable_is_refused_and_replacing_is_one_step() {
    let app = spawn_app().await;
    let admin = app.admin();
    let incident = app.process_id("INCIDENT").await;
    let ana = app.create_person(&admin, "Ana", "ana@example.com").await;
    let ben = app.create_person(&admin, "Ben", "ben@example.com").await;
    let first = app
        .graphql(Some(&admin), ASSIGN, json!({ "input": { "processId": incident, "personId": ana, "role": "ACCOUNTABLE", "responsibilities": "Owns the outcome" } }))
        .await
        .ok();
    assert_eq!(
        first["assignRaci"]["raciAssignment"]["person"]["name"],
        "Ana"
    );
    let before = count(&app).await;
    let second = app
        .graphql(
            Some(&admin),
            ASSIGN,
            json!({ "input": { "processId": incident, "personId": ben, "role": "ACCOUNTABLE" } }),
        )
        .await;
    second.expect_code("CONFLICT");
    let duplicate = app
        .graphql(
            Some(&admin),
            ASSIGN,
            json!({ "input": { "processId": incident, "personId": ana, "role": "ACCOUNTABLE" } }),
        )
        .await;
    duplicate.expect_code("CONFLICT");
    assert_eq!(count(&app).await, before);
    app.graphql(
        Some(&admin),
        ASSIGN,
        json!({ "input": { "processId": incident, "personId": ben, "role": "RESPONSIBLE" } }),
    )
    .await
    .ok();

    let replaced = app
        .graphql(
            Some(&admin),
            "mutation($input: ReplaceAccountableInput!) { replaceAccountable(input: $input) { raciAssignment { role person { name } } } }",
            json!({ "input": { "processId": incident, "personId": ben } }),
        )
        .await
        .ok();
    assert_eq!(
        replaced["replaceAccountable"]["raciAssignment"],
        json!({ "role": "ACCOUNTABLE", "person": { "name": "Ben" } })
    );
    let process = app
        .graphql(Some(&admin), "query($id: ID!) { process(id: $id) { accountable { name } raciAssignments { role person { name } } } }", json!({ "id": incident }))
        .await
        .ok();
    assert_eq!(process["process"]["accountable"]["name"], "Ben");
    assert_eq!(
        process["process"]["raciAssignments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_accountables_exactly_one_wins() {
    let app = spawn_app().await;
    let admin = app.admin();
    let change = app.process_id("CHANGE").await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(
            app.create_person(
                &admin,
                &format!("Racer {i}"),
                &format!("racer{i}@example.com"),
            )
            .await,
        );
    }
    let responses = join_all(people.iter().map(|person| {
        app.graphql(
            Some(&admin),
            ASSIGN,
            json!({ "input": { "processId": change, "personId": person, "role": "ACCOUNTABLE" } }),
        )
    }))
    .await;
    let wins = responses.iter().filter(|r| r.code().is_none()).count();
    assert_eq!(
        wins,
        1,
        "{:#?}",
        responses.iter().map(|r| r.body.clone()).collect::<Vec<_>>()
    );
    for response in responses.iter().filter(|r| r.code().is_some()) {
        response.expect_code("CONFLICT");
    }
    assert_eq!(count(&app).await, 1);
}

#[tokio::test]
async fn bad_raci_input_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin();
    let incident = app.process_id("INCIDENT").await;
    let ana = app.create_person(&admin, "Ana", "ana@example.com").await;
    for (input, code) in [
        (
            json!({ "processId": incident, "personId": ana, "role": "OWNER" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "processId": "garbage", "personId": ana, "role": "RESPONSIBLE" }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "processId": incident, "personId": incident, "role": "RESPONSIBLE" }),
            "NOT_FOUND",
        ),
        (
            json!({ "processId": incident, "personId": ana, "role": "RESPONSIBLE", "responsibilities": "r".repeat(4001) }),
            "BAD_USER_INPUT",
        ),
    ] {
        app.graphql(Some(&admin), ASSIGN, json!({ "input": input }))
            .await
            .expect_code(code);
    }
    app.graphql(
        Some(&app.token(entity::Role::Viewer, "v")),
        ASSIGN,
        json!({ "input": { "processId": incident, "personId": ana, "role": "RESPONSIBLE" } }),
    )
    .await
    .expect_code("FORBIDDEN");
    assert_eq!(count(&app).await, 0);
}

#[tokio::test]
async fn the_matrix_comes_in_one_request() {
    let app = spawn_app().await;
    let admin = app.admin();
    let incident = app.process_id("INCIDENT").await;
    let change = app.process_id("CHANGE").await;
    let ana = app.create_person(&admin, "Ana", "ana@example.com").await;
    let ben = app.create_person(&admin, "Ben", "ben@example.com").await;
    for (process, person, role) in [
        (&incident, &ana, "ACCOUNTABLE"),
        (&incident, &ben, "RESPONSIBLE"),
        (&incident, &ben, "CONSULTED"),
        (&change, &ben, "ACCOUNTABLE"),
    ] {
        app.graphql(
            Some(&admin),
            ASSIGN,
            json!({ "input": { "processId": process, "personId": person, "role": role } }),
        )
        .await
        .ok();
    }
    let matrix = app
        .graphql(Some(&admin), "{ raciMatrix { people { id name } rows { process { code } cells { personId roles } } } }", json!({}))
        .await
        .ok();
    let people: Vec<Value> = matrix["raciMatrix"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(people, [json!("Ana"), json!("Ben")]);
    let rows = matrix["raciMatrix"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 22);
    let incident_row = rows
        .iter()
        .find(|r| r["process"]["code"] == "INCIDENT")
        .unwrap();
    assert_eq!(
        incident_row["cells"],
        json!([{ "personId": ana, "roles": ["ACCOUNTABLE"] }, { "personId": ben, "roles": ["RESPONSIBLE", "CONSULTED"] }])
    );
    let ben_view = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { person(id: $id) { raciAssignments { role process { code } } } }",
            json!({ "id": ben }),
        )
        .await
        .ok();
    assert_eq!(
        ben_view["person"]["raciAssignments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

//! Training: sessions with attendance, and the coverage of each process's RESPONSIBLE and
//! ACCOUNTABLE people over a period.

use chrono::{Months, Utc};
use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CREATE: &str =
    "mutation($input: CreateTrainingSessionInput!) { createTrainingSession(input: $input) {
    trainingSession { id heldOn processes { code } attendance { attended person { name } } } } }";
const COVERAGE: &str = "query($months: Int) { trainingCoverage(months: $months) { since
    processes { process { code } trained { name } untrained { name } }
    people { person { name } trainedFor { code } untrainedFor { code } } } }";

async fn assign(app: &TestApp, process: &str, person: &str, role: &str) {
    app.graphql(
        Some(&app.admin()),
        "mutation($input: AssignRaciInput!) { assignRaci(input: $input) { raciAssignment { id } } }",
        json!({ "input": { "processId": process, "personId": person, "role": role } }),
    )
    .await
    .ok();
}

fn months_ago(months: u32) -> String {
    let day = Utc::now().date_naive() - Months::new(months);
    day.format("%Y-%m-%d").to_string()
}

async fn coverage(app: &TestApp, months: i64) -> Value {
    app.graphql(
        Some(&app.token(Role::Auditor, "ines")),
        COVERAGE,
        json!({ "months": months }),
    )
    .await
    .ok()["trainingCoverage"]
        .clone()
}

#[tokio::test]
async fn coverage_names_who_attended_a_recent_session_on_their_process() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ana = app.create_person(&admin, "Ana", "ana@example.com").await;
    let ben = app.create_person(&admin, "Ben", "ben@example.com").await;
    let cy = app.create_person(&admin, "Cy", "cy@example.com").await;
    let incident = app.process_id("INCIDENT").await;
    assign(&app, &incident, &ana, "ACCOUNTABLE").await;
    assign(&app, &incident, &ben, "RESPONSIBLE").await;
    assign(&app, &incident, &cy, "CONSULTED").await;
    let recent = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "title": "Incident logging", "heldOn": months_ago(2), "trainerId": cy,
                "processIds": [incident],
                "attendees": [{ "personId": ana, "attended": true }, { "personId": ben, "attended": false }] } }),
        )
        .await
        .ok();
    assert_eq!(
        recent["createTrainingSession"]["trainingSession"]["attendance"],
        json!([
            { "attended": true, "person": { "name": "Ana" } },
            { "attended": false, "person": { "name": "Ben" } },
        ])
    );
    app.graphql(
        Some(&admin),
        CREATE,
        json!({ "input": { "title": "Incident basics", "heldOn": months_ago(20), "processIds": [incident],
            "attendees": [{ "personId": ben, "attended": true }] } }),
    )
    .await
    .ok();

    let year = coverage(&app, 12).await;
    assert_eq!(year["since"], json!(months_ago(12)));
    let of_incident = year["processes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["process"]["code"] == "INCIDENT")
        .expect("the incident process has R and A people")
        .clone();
    assert_eq!(of_incident["trained"], json!([{ "name": "Ana" }]));
    assert_eq!(
        of_incident["untrained"],
        json!([{ "name": "Ben" }]),
        "absent, and Cy is only consulted"
    );
    let ben_row = year["people"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["person"]["name"] == "Ben")
        .expect("Ben")
        .clone();
    assert_eq!(ben_row["untrainedFor"], json!([{ "code": "INCIDENT" }]));
    let two_years = coverage(&app, 24).await;
    let of_incident = two_years["processes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["process"]["code"] == "INCIDENT")
        .expect("incident")
        .clone();
    assert_eq!(
        of_incident["untrained"],
        json!([]),
        "the older session counts over two years"
    );

    // The people of the coverage load together: more of them cost no more statements. Each
    // measure follows a change, so that neither reads from the read cache.
    app.create_person(&admin, "Gus", "gus@example.com").await;
    let before = app.statements().await;
    untrained(&app).await;
    let few = app.statements().await - before;
    for name in ["Dee", "Eve", "Fay"] {
        let person = app
            .create_person(
                &admin,
                name,
                &format!("{}@example.com", name.to_lowercase()),
            )
            .await;
        assign(&app, &incident, &person, "RESPONSIBLE").await;
    }
    let before = app.statements().await;
    untrained(&app).await;
    assert_eq!(
        app.statements().await - before,
        few,
        "statements for 1 and 4 untrained"
    );
    assert_eq!(
        coverage(&app, 6).await["people"].as_array().map(Vec::len),
        Some(5)
    );

    // Bad inputs name their field.
    let reply = app
        .graphql(Some(&admin), COVERAGE, json!({ "months": 0 }))
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("months"));
    let head = app.head(&admin).await;
    let reply = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "title": "Twice", "heldOn": months_ago(1),
                "attendees": [{ "personId": ana, "attended": true }, { "personId": ana, "attended": false }] } }),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("input.attendees[1].personId"));
    assert_eq!(app.head(&admin).await, head);
}

/// Only the untrained people of each process: the people load nowhere else in the request.
async fn untrained(app: &TestApp) -> Value {
    app.graphql(
        Some(&app.token(Role::Auditor, "ines")),
        "{ trainingCoverage(months: 6) { processes { untrained { name } } } }",
        json!({}),
    )
    .await
    .ok()
}

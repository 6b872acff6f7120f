//! The remediation plan: the task state machine, overdue tasks, and process owners planning
//! for their own processes only.

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CREATE: &str = "mutation($input: CreateRemediationTaskInput!) { createRemediationTask(input: $input) {
    remediationTask { id status phase overdue dueDate owner { name } clauses { number } processes { code } } } }";
const STATUS: &str =
    "mutation($input: SetRemediationTaskStatusInput!) { setRemediationTaskStatus(input: $input) {
    remediationTask { status version } } }";
const STATUSES: [&str; 4] = ["OPEN", "IN_PROGRESS", "DONE", "CANCELLED"];

async fn iso_cycle(app: &TestApp) -> (String, Value) {
    let data = app
        .graphql(
            Some(&app.admin()),
            "{ frameworks(first: 10) { nodes { id code allClauses { id number } } } }",
            json!({}),
        )
        .await
        .ok();
    let iso = data["frameworks"]["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|f| f["code"] == "iso20000-1")
        .expect("built in")
        .clone();
    let cycle = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreateCycleInput!) { createCycle(input: $input) { cycle { id } } }",
            json!({ "input": { "name": "Pilot", "frameworkIds": [iso["id"]] } }),
        )
        .await
        .ok();
    (
        cycle["createCycle"]["cycle"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
        iso["allClauses"].clone(),
    )
}

fn clause(clauses: &Value, number: &str) -> Value {
    clauses
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["number"] == number)
        .expect("the clause")["id"]
        .clone()
}

async fn read_task(app: &TestApp, id: &str) -> Value {
    app.graphql(
        Some(&app.admin()),
        "query($id: ID!) { remediationTask(id: $id) { status version title } }",
        json!({ "id": id }),
    )
    .await
    .ok()["remediationTask"]
        .clone()
}

#[tokio::test]
async fn a_task_moves_only_as_its_state_machine_allows() {
    let app = spawn_app().await;
    let (cycle, clauses) = iso_cycle(&app).await;
    let data = app
        .graphql(
            Some(&app.admin()),
            CREATE,
            json!({ "input": { "cycleId": cycle, "title": "Change controls", "clauseIds": [clause(&clauses, "8.5.1.1")] } }),
        )
        .await
        .ok();
    let task = &data["createRemediationTask"]["remediationTask"];
    assert_eq!(task["status"], "OPEN");
    assert_eq!(task["phase"], "PLAN", "the cycle's phase");
    assert_eq!(task["clauses"], json!([{ "number": "8.5.1.1" }]));
    let id = task["id"].as_str().expect("an id");
    let allowed = |from: &str, to: &str| {
        matches!(
            (from, to),
            ("OPEN", "IN_PROGRESS")
                | ("OPEN", "DONE")
                | ("OPEN", "CANCELLED")
                | ("IN_PROGRESS", "OPEN")
                | ("IN_PROGRESS", "DONE")
                | ("IN_PROGRESS", "CANCELLED")
                | ("DONE", "IN_PROGRESS")
        )
    };
    let mut at = "OPEN";
    for next in [
        "IN_PROGRESS",
        "OPEN",
        "DONE",
        "IN_PROGRESS",
        "DONE",
        "IN_PROGRESS",
        "CANCELLED",
    ] {
        for refused in STATUSES.iter().filter(|to| !allowed(at, to)) {
            let before = read_task(&app, id).await;
            let reply = app
                .graphql(
                    Some(&app.admin()),
                    STATUS,
                    json!({ "input": { "id": id, "status": refused } }),
                )
                .await;
            reply.expect_code("BAD_USER_INPUT");
            assert_eq!(reply.field(), Some("input.status"), "{at} -> {refused}");
            assert_eq!(read_task(&app, id).await, before);
        }
        let moved = app
            .graphql(
                Some(&app.admin()),
                STATUS,
                json!({ "input": { "id": id, "status": next } }),
            )
            .await
            .ok();
        assert_eq!(
            moved["setRemediationTaskStatus"]["remediationTask"]["status"],
            next
        );
        at = next;
    }
    // CANCELLED is final: every move is refused.
    for refused in STATUSES {
        app.graphql(
            Some(&app.admin()),
            STATUS,
            json!({ "input": { "id": id, "status": refused } }),
        )
        .await
        .expect_code("BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn a_task_names_only_clauses_of_its_cycles_frameworks() {
    let app = spawn_app().await;
    let (cycle, _) = iso_cycle(&app).await;
    let other = app
        .graphql(
            Some(&app.admin()),
            "{ frameworks(first: 10) { nodes { code clauseByNumber(number: \"4.1\") { id } } } }",
            json!({}),
        )
        .await
        .ok();
    let quality = other["frameworks"]["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|f| f["code"] == "iso9001")
        .expect("built in")["clauseByNumber"]["id"]
        .clone();
    let reply = app
        .graphql(
            Some(&app.admin()),
            CREATE,
            json!({ "input": { "cycleId": cycle, "title": "Elsewhere", "clauseIds": [quality] } }),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("input.clauseIds"));
}

#[tokio::test]
async fn overdue_tasks_are_listed_until_done() {
    let app = spawn_app().await;
    let (cycle, _) = iso_cycle(&app).await;
    let mut ids = Vec::new();
    for (title, due) in [
        ("Late", "2026-01-15"),
        ("Later", "2099-01-01"),
        ("Undated", ""),
    ] {
        let mut input = json!({ "cycleId": cycle, "title": title });
        if !due.is_empty() {
            input["dueDate"] = json!(due);
        }
        let data = app
            .graphql(Some(&app.admin()), CREATE, json!({ "input": input }))
            .await
            .ok();
        let task = &data["createRemediationTask"]["remediationTask"];
        assert_eq!(task["overdue"], title == "Late", "{title}");
        ids.push(task["id"].as_str().expect("an id").to_owned());
    }
    let overdue = "{ remediationTasks(filter: { overdue: true }) { totalCount nodes { title } } }";
    let data = app
        .graphql(Some(&app.token(Role::Viewer, "v")), overdue, json!({}))
        .await
        .ok();
    assert_eq!(
        data["remediationTasks"]["nodes"],
        json!([{ "title": "Late" }])
    );
    app.graphql(
        Some(&app.admin()),
        STATUS,
        json!({ "input": { "id": ids[0], "status": "DONE" } }),
    )
    .await
    .ok();
    let data = app
        .graphql(Some(&app.admin()), overdue, json!({}))
        .await
        .ok();
    assert_eq!(data["remediationTasks"]["totalCount"], 0);
}

#[tokio::test]
async fn a_process_owner_plans_for_their_own_processes_only() {
    let app = spawn_app().await;
    let (cycle, _) = iso_cycle(&app).await;
    let pat = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": "Pat", "email": "pat@example.com", "loginSubject": "pat", "role": "PROCESS_OWNER" } }),
        )
        .await
        .ok()["createPerson"]["person"]["id"]
        .clone();
    let incident = app.process_id("INCIDENT").await;
    let change = app.process_id("CHANGE").await;
    app.graphql(
        Some(&app.admin()),
        "mutation($input: UpdateProcessInput!) { updateProcess(input: $input) { process { id } } }",
        json!({ "input": { "id": incident, "ownerId": pat } }),
    )
    .await
    .ok();
    let token = app.token(Role::ProcessOwner, "pat");
    let mine = app
        .graphql(
            Some(&token),
            CREATE,
            json!({ "input": { "cycleId": cycle, "title": "Incident logging", "processIds": [incident], "ownerId": pat } }),
        )
        .await
        .ok();
    let mine = mine["createRemediationTask"]["remediationTask"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let head = app.head(&app.admin()).await;
    for input in [
        json!({ "cycleId": cycle, "title": "Not theirs", "processIds": [change] }),
        json!({ "cycleId": cycle, "title": "Mixed", "processIds": [incident, change] }),
        json!({ "cycleId": cycle, "title": "Unlinked" }),
    ] {
        app.graphql(Some(&token), CREATE, json!({ "input": input }))
            .await
            .expect_code("FORBIDDEN");
    }
    let update = "mutation($input: UpdateRemediationTaskInput!) { updateRemediationTask(input: $input) { remediationTask { title } } }";
    app.graphql(
        Some(&token),
        update,
        json!({ "input": { "id": mine, "processIds": [change] } }),
    )
    .await
    .expect_code("FORBIDDEN");
    assert_eq!(app.head(&app.admin()).await, head, "nothing changed");
    let theirs = app
        .graphql(
            Some(&app.admin()),
            CREATE,
            json!({ "input": { "cycleId": cycle, "title": "Change controls", "processIds": [change] } }),
        )
        .await
        .ok();
    let theirs = theirs["createRemediationTask"]["remediationTask"]["id"].clone();
    app.graphql(
        Some(&token),
        STATUS,
        json!({ "input": { "id": theirs, "status": "DONE" } }),
    )
    .await
    .expect_code("FORBIDDEN");
    let renamed = app
        .graphql(
            Some(&token),
            update,
            json!({ "input": { "id": mine, "title": "Consistent incident logging" } }),
        )
        .await
        .ok();
    assert_eq!(
        renamed["updateRemediationTask"]["remediationTask"]["title"],
        "Consistent incident logging"
    );
}

//! Readiness: each rule moves its item from NOT_MET through PARTIAL to MET, each blocker comes
//! and goes with the record that causes it, a fixed number of statements, history read back.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Two assessable clauses, so that one assessed is PARTIAL.
const SMALL: &str = r#"
code: small-sms
version: "1"
name: Small requirements
publisher: Tests
clauses:
  - { number: "1", title: Plan }
  - { number: "2", title: Operate }
"#;

pub const READINESS: &str = "query($id: ID!) { readiness(cycleId: $id) {
    score ready past evaluatedAt
    items { item state fraction met total weight missingCount satisfiedCount
        missing { id ... on Clause { number } ... on Process { code } } }
    blockers { ruleId recordId message record { id } }
    clauses { recordId state checks { ruleId met } }
    processes { recordId state fraction checks { ruleId met } }
} }";

/// A cycle over the small framework (and `processes` in scope), with the framework's clauses.
pub struct Plan {
    pub app: TestApp,
    pub admin: String,
    pub cycle: String,
    pub clauses: Vec<String>,
}

impl Plan {
    pub async fn new(processes: &[&str]) -> Self {
        let app = spawn_app().await;
        Self::on(app, processes).await
    }

    pub async fn on(app: TestApp, processes: &[&str]) -> Self {
        let admin = app.admin();
        let imported = app
            .graphql(
                Some(&admin),
                "mutation($document: String!) { importFramework(input: { document: $document }) {
                    framework { id allClauses { id number } } } }",
                json!({ "document": SMALL }),
            )
            .await
            .ok();
        let framework = &imported["importFramework"]["framework"];
        let mut process_ids = Vec::new();
        for code in processes {
            process_ids.push(app.process_id(code).await);
        }
        let cycle = app
            .graphql(
                Some(&admin),
                "mutation($input: CreateCycleInput!) { createCycle(input: $input) { cycle { id } } }",
                json!({ "input": { "name": "Pilot", "frameworkIds": [framework["id"]], "processIds": process_ids } }),
            )
            .await
            .ok()["createCycle"]["cycle"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let clauses = framework["allClauses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        Self {
            app,
            admin,
            cycle,
            clauses,
        }
    }

    pub async fn readiness(&self) -> Value {
        self.app
            .graphql(Some(&self.admin), READINESS, json!({ "id": self.cycle }))
            .await
            .ok()["readiness"]
            .clone()
    }

    pub async fn assess(&self, clause: usize, status: &str) {
        self.app
            .graphql(
                Some(&self.admin),
                "mutation($input: AssessClausesInput!) { assessClauses(input: $input) { assessments { id } } }",
                json!({ "input": { "cycleId": self.cycle, "assessments": [
                    { "clauseId": self.clauses[clause], "status": status, "justification": "seen" }
                ] } }),
            )
            .await
            .ok();
    }

    pub async fn task(&self, clause: usize, due: &str) -> String {
        self.app
            .graphql(
                Some(&self.admin),
                "mutation($input: CreateRemediationTaskInput!) { createRemediationTask(input: $input) { remediationTask { id } } }",
                json!({ "input": { "cycleId": self.cycle, "title": "Close the gap", "clauseIds": [self.clauses[clause]], "dueDate": due } }),
            )
            .await
            .ok()["createRemediationTask"]["remediationTask"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

pub fn item<'a>(readiness: &'a Value, which: &str) -> &'a Value {
    readiness["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == which)
        .unwrap_or_else(|| panic!("{which} in {readiness:#}"))
}

pub fn blocker_rules(readiness: &Value) -> Vec<String> {
    readiness["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["ruleId"].as_str().unwrap().to_owned())
        .collect()
}

fn state(readiness: &Value, which: &str) -> (String, i64, i64) {
    let item = item(readiness, which);
    (
        item["state"].as_str().unwrap().to_owned(),
        item["met"].as_i64().unwrap(),
        item["total"].as_i64().unwrap(),
    )
}

fn yesterday() -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string()
}

#[tokio::test]
async fn the_gap_analysis_rules_move_item_1_and_its_blockers_follow_their_records() {
    let plan = Plan::new(&[]).await;
    let r = plan.readiness().await;
    assert_eq!(state(&r, "GAP_ANALYSIS"), ("NOT_MET".into(), 0, 2), "{r:#}");
    assert_eq!(r["past"], false);
    assert_eq!(item(&r, "GAP_ANALYSIS")["missing"][0]["number"], "1");
    // Items no area evaluates yet are never met; nor is one with nothing to check.
    for later in ["AUDITS_AND_CORRECTIVE_ACTIONS", "MANAGEMENT_REVIEW"] {
        assert_eq!(item(&r, later)["state"], "NOT_EVALUATED");
    }
    assert_eq!(
        state(&r, "EVIDENCE_AND_REPORTING"),
        ("NOT_MET".into(), 0, 0)
    );
    assert_eq!(r["ready"], false);

    plan.assess(0, "IMPLEMENTED").await;
    let r = plan.readiness().await;
    assert_eq!(state(&r, "GAP_ANALYSIS"), ("PARTIAL".into(), 1, 2));
    assert!(!blocker_rules(&r).contains(&"compliance.gaps-have-tasks".into()));

    // A GAP without a task: assessed, but not planned, and a blocker on that clause.
    plan.assess(1, "GAP").await;
    let r = plan.readiness().await;
    assert_eq!(state(&r, "GAP_ANALYSIS"), ("PARTIAL".into(), 2, 3));
    let gap_blocker = r["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["ruleId"] == "compliance.gaps-have-tasks")
        .unwrap_or_else(|| panic!("a blocker in {r:#}"))
        .clone();
    assert_eq!(gap_blocker["recordId"], plan.clauses[1]);
    assert_eq!(gap_blocker["record"]["id"], plan.clauses[1]);
    assert!(
        gap_blocker["message"]
            .as_str()
            .unwrap()
            .contains("createRemediationTask")
    );
    let cell = r["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["recordId"] == plan.clauses[1])
        .unwrap();
    assert_eq!(
        cell["state"], "PARTIAL",
        "assessed but not planned: {cell:#}"
    );

    // A task closes the gap: MET, that blocker gone; overdue, it blocks in turn.
    let task = plan.task(1, &yesterday()).await;
    let r = plan.readiness().await;
    assert_eq!(state(&r, "GAP_ANALYSIS"), ("MET".into(), 3, 3));
    let compliance: Vec<&Value> = r["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["ruleId"].as_str().unwrap().starts_with("compliance."))
        .collect();
    assert_eq!(compliance.len(), 1, "{r:#}");
    assert_eq!(compliance[0]["ruleId"], "compliance.tasks-on-time");
    assert_eq!(compliance[0]["recordId"], task);
    // 25 (gap analysis); no process in scope gives item 2 nothing.
    assert_eq!(r["score"], 25);

    plan.app
        .graphql(
            Some(&plan.admin),
            "mutation($input: SetRemediationTaskStatusInput!) { setRemediationTaskStatus(input: $input) { remediationTask { status } } }",
            json!({ "input": { "id": task, "status": "IN_PROGRESS" } }),
        )
        .await
        .ok();
    plan.app
        .graphql(
            Some(&plan.admin),
            "mutation($input: SetRemediationTaskStatusInput!) { setRemediationTaskStatus(input: $input) { remediationTask { status } } }",
            json!({ "input": { "id": task, "status": "DONE" } }),
        )
        .await
        .ok();
    let r = plan.readiness().await;
    assert!(
        blocker_rules(&r)
            .iter()
            .all(|b| b != "compliance.tasks-on-time"),
        "{r:#}"
    );
}

#[tokio::test]
async fn the_process_rules_move_item_2_and_its_blockers_follow_their_records() {
    let plan = Plan::new(&["INCIDENT"]).await;
    let app = &plan.app;
    let process = app.process_id("INCIDENT").await;
    let r = plan.readiness().await;
    assert_eq!(
        state(&r, "PROCESSES_DOCUMENTED"),
        ("NOT_MET".into(), 0, 3),
        "{r:#}"
    );
    let rules = blocker_rules(&r);
    assert!(
        rules.contains(&"portfolio.processes-owned".into()),
        "{rules:?}"
    );
    assert!(rules.contains(&"portfolio.processes-accountable".into()));
    assert_eq!(r["processes"][0]["recordId"], process);
    assert_eq!(r["processes"][0]["state"], "NOT_MET");

    let owner = app
        .create_person(&plan.admin, "Olga Owner", "olga@example.com")
        .await;
    app.graphql(
        Some(&plan.admin),
        "mutation($input: UpdateProcessInput!) { updateProcess(input: $input) { process { id } } }",
        json!({ "input": { "id": process, "ownerId": owner } }),
    )
    .await
    .ok();
    let r = plan.readiness().await;
    assert_eq!(state(&r, "PROCESSES_DOCUMENTED"), ("PARTIAL".into(), 1, 3));
    assert!(!blocker_rules(&r).contains(&"portfolio.processes-owned".into()));

    app.graphql(
        Some(&plan.admin),
        "mutation($input: AssignRaciInput!) { assignRaci(input: $input) { raciAssignment { id } } }",
        json!({ "input": { "processId": process, "personId": owner, "role": "ACCOUNTABLE" } }),
    )
    .await
    .ok();
    let r = plan.readiness().await;
    assert_eq!(state(&r, "PROCESSES_DOCUMENTED"), ("PARTIAL".into(), 2, 3));
    assert!(!blocker_rules(&r).contains(&"portfolio.processes-accountable".into()));
    assert_eq!(
        item(&r, "PROCESSES_DOCUMENTED")["missing"][0]["code"],
        "INCIDENT"
    );

    approved_procedure(app, &plan.admin, &process).await;
    let r = plan.readiness().await;
    assert_eq!(
        state(&r, "PROCESSES_DOCUMENTED"),
        ("MET".into(), 3, 3),
        "{r:#}"
    );
    // The process's own checks are met; the evidence it still lacks is the evidence rule's.
    for check in r["processes"][0]["checks"].as_array().unwrap() {
        let evidence = check["ruleId"].as_str().unwrap().starts_with("evidence.");
        assert_eq!(check["met"], !evidence, "{check}");
    }
}

#[tokio::test]
async fn the_evidence_rule_moves_item_3_and_its_blocker_follows_the_evidence() {
    let plan = Plan::new(&["INCIDENT", "CHANGE"]).await;
    let app = &plan.app;
    let incident = app.process_id("INCIDENT").await;
    let change = app.process_id("CHANGE").await;
    let evidenced = |r: &Value| {
        r["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["ruleId"] == "evidence.processes-evidenced")
            .map(|b| b["recordId"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let r = plan.readiness().await;
    assert_eq!(
        state(&r, "EVIDENCE_AND_REPORTING"),
        ("NOT_MET".into(), 0, 2),
        "{r:#}"
    );
    let mut blocked = evidenced(&r);
    blocked.sort();
    let mut both = vec![incident.clone(), change.clone()];
    both.sort();
    assert_eq!(blocked, both);

    let admin = &plan.admin;
    let add = |process: String, collected: String, valid_until: Option<String>| async move {
        app.graphql(
            Some(admin),
            "mutation($input: CreateEvidenceInput!) { createEvidence(input: $input) { evidence { id } } }",
            json!({ "input": { "title": "Ticket export", "kind": "EXPORT", "processIds": [process],
                "collectedAt": collected, "validUntil": valid_until } }),
        )
        .await
        .ok()["createEvidence"]["evidence"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let now = chrono::Utc::now();
    let recent = now.to_rfc3339();
    let old = (now - chrono::Duration::days(400)).to_rfc3339();
    add(incident.clone(), recent.clone(), None).await;
    let r = plan.readiness().await;
    assert_eq!(
        state(&r, "EVIDENCE_AND_REPORTING"),
        ("PARTIAL".into(), 1, 2)
    );
    assert_eq!(evidenced(&r), vec![change.clone()]);

    // Evidence too old to be recent, or expired, clears the blocker but not the check.
    add(change.clone(), old, None).await;
    let expired = add(change.clone(), recent.clone(), Some(yesterday())).await;
    let r = plan.readiness().await;
    assert_eq!(
        state(&r, "EVIDENCE_AND_REPORTING"),
        ("PARTIAL".into(), 1, 2)
    );
    assert!(evidenced(&r).is_empty(), "{r:#}");
    assert_eq!(
        item(&r, "EVIDENCE_AND_REPORTING")["missing"][0]["code"],
        "CHANGE"
    );

    app.graphql(
        Some(&plan.admin),
        "mutation($input: UpdateEvidenceInput!) { updateEvidence(input: $input) { evidence { freshness } } }",
        json!({ "input": { "id": expired, "validUntil": null } }),
    )
    .await
    .ok();
    let r = plan.readiness().await;
    assert_eq!(
        state(&r, "EVIDENCE_AND_REPORTING"),
        ("MET".into(), 2, 2),
        "{r:#}"
    );
}

/// A PROCEDURE of `process` with an APPROVED version, approved by a second person.
pub async fn approved_procedure(app: &TestApp, admin: &str, process: &str) {
    let approver = app
        .graphql(
            Some(admin),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": "Abe Approver", "email": "abe@example.com", "loginSubject": "abe", "role": "MANAGER" } }),
        )
        .await
        .ok()["createPerson"]["person"]["id"]
        .clone();
    let document = app
        .graphql(
            Some(admin),
            "mutation($input: CreateDocumentInput!) { createDocument(input: $input) { document { id latestVersion { id } } } }",
            json!({ "input": { "kind": "PROCEDURE", "title": "Incident procedure", "processId": process, "body": "Steps" } }),
        )
        .await
        .ok()["createDocument"]["document"]
        .clone();
    app.graphql(
        Some(admin),
        "mutation($input: SetDocumentApproversInput!) { setDocumentApprovers(input: $input) { document { id } } }",
        json!({ "input": { "id": document["id"], "approverIds": [approver] } }),
    )
    .await
    .ok();
    let version = document["latestVersion"]["id"].clone();
    let submitted = app
        .graphql(
            Some(admin),
            "mutation($input: DocumentVersionStepInput!) { submitDocumentVersion(input: $input) { documentVersion { contentHash } } }",
            json!({ "input": { "id": version } }),
        )
        .await
        .ok();
    let hash = submitted["submitDocumentVersion"]["documentVersion"]["contentHash"].clone();
    app.graphql(
        Some(&app.token(entity::Role::Manager, "abe")),
        "mutation($input: ApproveDocumentVersionInput!) { approveDocumentVersion(input: $input) { documentVersion { state } } }",
        json!({ "input": { "id": version, "contentHash": hash } }),
    )
    .await
    .ok();
}

#[tokio::test]
async fn readiness_costs_the_same_statements_for_a_small_and_a_large_cycle() {
    let plan = Plan::new(&["INCIDENT"]).await;
    let app = &plan.app;
    // The evaluation only: no lists of nodes, which cost a statement per type they hold.
    const COUNTED: &str = "query($id: ID!) { readiness(cycleId: $id) { score
        items { item state met total } blockers { ruleId recordId } clauses { recordId state } processes { recordId state } } }";
    let before = app.statements().await;
    app.graphql(Some(&plan.admin), COUNTED, json!({ "id": plan.cycle }))
        .await
        .ok();
    let small = app.statements().await - before;

    // The same organization, a cycle over the built-in standards with every process in scope.
    let frameworks = app
        .graphql(
            Some(&plan.admin),
            "{ frameworks(first: 10) { nodes { id } } }",
            json!({}),
        )
        .await
        .ok();
    let processes = app
        .graphql(
            Some(&plan.admin),
            "{ processes(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await
        .ok();
    let big = app
        .graphql(
            Some(&plan.admin),
            "mutation($input: CreateCycleInput!) { createCycle(input: $input) { cycle { id } } }",
            json!({ "input": { "name": "Everything",
                "frameworkIds": frameworks["frameworks"]["nodes"].as_array().unwrap().iter().map(|f| f["id"].clone()).collect::<Vec<_>>(),
                "processIds": processes["processes"]["nodes"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect::<Vec<_>>() } }),
        )
        .await
        .ok()["createCycle"]["cycle"]["id"]
        .clone();
    let before = app.statements().await;
    let r = app
        .graphql(Some(&plan.admin), COUNTED, json!({ "id": big }))
        .await
        .ok();
    let large = app.statements().await - before;
    assert!(
        item(&r["readiness"], "GAP_ANALYSIS")["total"]
            .as_i64()
            .unwrap()
            > 100
    );
    assert_eq!(
        small,
        large,
        "statements for a cycle of 2 and of {} clauses",
        item(&r["readiness"], "GAP_ANALYSIS")["total"]
    );
}

#[tokio::test]
async fn readiness_as_of_a_past_moment_is_the_state_recorded_then() {
    let plan = Plan::new(&[]).await;
    let app = &plan.app;
    let history = |from: String, to: String| {
        let (app, admin, cycle) = (&plan.app, plan.admin.clone(), plan.cycle.clone());
        async move {
            app.graphql(
                Some(&admin),
                "query($id: ID!, $from: DateTime!, $to: DateTime!) { readinessHistory(cycleId: $id, from: $from, to: $to) { hasMore points { recordedAt score items { item state } } } }",
                json!({ "id": cycle, "from": from, "to": to }),
            )
            .await
            .ok()["readinessHistory"]
                .clone()
        }
    };
    let start = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let far = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    // The creation is recorded once the server has recomputed.
    let first = wait_for(
        || history(start.clone(), far.clone()),
        |h| h["points"].as_array().unwrap().len() == 1,
    )
    .await;
    assert_eq!(first["points"][0]["score"], 0);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let between = chrono::Utc::now().to_rfc3339();
    tokio::time::sleep(Duration::from_millis(50)).await;

    plan.assess(0, "IMPLEMENTED").await;
    plan.assess(1, "IMPLEMENTED").await;
    let later = wait_for(
        || history(start.clone(), far.clone()),
        |h| h["points"].as_array().unwrap().last().unwrap()["score"] == 25,
    )
    .await;
    assert!(later["points"].as_array().unwrap().len() >= 2);
    assert_eq!(later["hasMore"], false);

    let past = app
        .graphql(
            Some(&plan.admin),
            "query($id: ID!, $at: DateTime!) { readiness(cycleId: $id, asOf: $at) { score past clauses { recordId } items { item state } } }",
            json!({ "id": plan.cycle, "at": between }),
        )
        .await
        .ok();
    let past = &past["readiness"];
    assert_eq!(past["score"], 0, "{past:#}");
    assert_eq!(past["past"], true);
    assert_eq!(past["clauses"], Value::Null);
    assert_eq!(item(past, "GAP_ANALYSIS")["state"], "NOT_MET");
    assert_eq!(plan.readiness().await["score"], 25);

    let before_any = app
        .graphql(
            Some(&plan.admin),
            "query($id: ID!, $at: DateTime!) { readiness(cycleId: $id, asOf: $at) { score } }",
            json!({ "id": plan.cycle, "at": start }),
        )
        .await
        .ok();
    assert_eq!(before_any["readiness"], Value::Null);

    // A range backwards is refused on its field.
    let refused = app
        .graphql(
            Some(&plan.admin),
            "query($id: ID!, $from: DateTime!, $to: DateTime!) { readinessHistory(cycleId: $id, from: $from, to: $to) { hasMore } }",
            json!({ "id": plan.cycle, "from": far, "to": start }),
        )
        .await;
    refused.expect_code("BAD_USER_INPUT");
    assert_eq!(refused.field(), Some("to"));
}

#[tokio::test]
async fn the_forecast_names_the_tasks_that_push_the_date_out() {
    let plan = Plan::new(&[]).await;
    plan.assess(0, "GAP").await;
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(40)).to_string();
    plan.task(0, &due).await;
    let forecast = plan
        .app
        .graphql(
            Some(&plan.admin),
            "query($id: ID!) { readiness(cycleId: $id) { forecast { readyOn tasksDoneOn onTrack assumptions latestTasks { dueDate } } } }",
            json!({ "id": plan.cycle }),
        )
        .await
        .ok()["readiness"]["forecast"]
        .clone();
    assert_eq!(forecast["tasksDoneOn"], due.as_str(), "{forecast:#}");
    assert_eq!(forecast["latestTasks"][0]["dueDate"], due.as_str());
    assert!(!forecast["assumptions"].as_array().unwrap().is_empty());
}

/// Polls `read` until `done` holds of its answer, for at most five seconds.
pub async fn wait_for<F, Fut>(read: F, done: impl Fn(&Value) -> bool) -> Value
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let value = read().await;
        if done(&value) || tokio::time::Instant::now() > deadline {
            assert!(done(&value), "still {value:#}");
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

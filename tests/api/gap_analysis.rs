//! The gap analysis: bulk assessments all or nothing, the analysis per chapter with its gaps
//! and tasks in a fixed number of statements, IMPLEMENTED held back by open tasks, and the
//! cycle seen through another framework's mappings.

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const ASSESS: &str = "mutation($input: AssessClausesInput!) { assessClauses(input: $input) {
    assessments { id status justification overrideReason assessedBy version clause { number } } } }";

const ANALYSIS: &str = "query($cycle: ID!, $as: ID) { gapAnalysis(cycleId: $cycle, asFramework: $as) {
    percentAssessed framework { code }
    totals { notAssessed gap partial implemented notApplicable total }
    chapters { clause { number } counts { gap partial implemented notApplicable notAssessed total } }
    gaps { clause { number reference } status inferred assessment { id } inferredFrom { reference }
           remediationTasks { title status } } } }";

/// `code`'s framework id and its clause ids by number.
async fn framework(
    app: &TestApp,
    code: &str,
) -> (String, std::collections::HashMap<String, String>) {
    let data = app
        .graphql(
            Some(&app.admin()),
            "{ frameworks(first: 20) { nodes { id code allClauses { id number } } } }",
            json!({}),
        )
        .await
        .ok();
    let framework = data["frameworks"]["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|f| f["code"] == code)
        .expect("in the library")
        .clone();
    let clauses = framework["allClauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .map(|c| {
            (
                c["number"].as_str().expect("number").to_owned(),
                c["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect();
    (framework["id"].as_str().expect("id").to_owned(), clauses)
}

async fn cycle(app: &TestApp, name: &str, frameworks: &[&str]) -> String {
    let data = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreateCycleInput!) { createCycle(input: $input) { cycle { id } } }",
            json!({ "input": { "name": name, "frameworkIds": frameworks } }),
        )
        .await
        .ok();
    data["createCycle"]["cycle"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

async fn task(app: &TestApp, cycle: &str, title: &str, clause: &str) -> String {
    let data = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreateRemediationTaskInput!) { createRemediationTask(input: $input) { remediationTask { id } } }",
            json!({ "input": { "cycleId": cycle, "title": title, "clauseIds": [clause], "dueDate": "2026-01-15" } }),
        )
        .await
        .ok();
    data["createRemediationTask"]["remediationTask"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

async fn analysis(app: &TestApp, cycle: &str, seen_as: Option<&str>) -> Value {
    let data = app
        .graphql(
            Some(&app.token(Role::Viewer, "vic")),
            ANALYSIS,
            json!({ "cycle": cycle, "as": seen_as }),
        )
        .await
        .ok();
    data["gapAnalysis"].clone()
}

#[tokio::test]
async fn a_bulk_assessment_with_one_bad_item_changes_nothing_and_names_it() {
    let app = spawn_app().await;
    let (iso, clauses) = framework(&app, "iso20000-1").await;
    let (_, quality) = framework(&app, "iso9001").await;
    let cycle = cycle(&app, "Pilot", &[&iso]).await;
    let head = app.head(&app.admin()).await;
    let good = json!({ "clauseId": clauses["4.1"], "status": "IMPLEMENTED" });
    for (bad, field) in [
        (
            json!({ "clauseId": clauses["4.2"], "status": "NOT_APPLICABLE" }),
            "input.assessments[1].justification",
        ),
        (
            json!({ "clauseId": quality["4.2"], "status": "GAP" }),
            "input.assessments[1].clauseId",
        ),
        (
            json!({ "clauseId": clauses["8"], "status": "GAP" }),
            "input.assessments[1].clauseId",
        ),
        (
            json!({ "clauseId": clauses["4.1"], "status": "GAP" }),
            "input.assessments[1].clauseId",
        ),
        (
            json!({ "clauseId": "not-an-id", "status": "GAP" }),
            "input.assessments[1].clauseId",
        ),
    ] {
        let reply = app
            .graphql(
                Some(&app.admin()),
                ASSESS,
                json!({ "input": { "cycleId": cycle, "assessments": [good.clone(), bad] } }),
            )
            .await;
        reply.expect_code("BAD_USER_INPUT");
        assert_eq!(reply.field(), Some(field), "{}", reply.body);
        assert_eq!(app.head(&app.admin()).await, head, "nothing changed");
    }
    assert_eq!(analysis(&app, &cycle, None).await["percentAssessed"], 0.0);
}

#[tokio::test]
async fn the_analysis_counts_each_chapter_and_lists_gaps_with_their_tasks() {
    let app = spawn_app().await;
    let (iso, clauses) = framework(&app, "iso20000-1").await;
    let cycle = cycle(&app, "Pilot", &[&iso]).await;
    let assess = |items: Value| {
        let app = &app;
        let cycle = cycle.clone();
        async move {
            app.graphql(
                Some(&app.admin()),
                ASSESS,
                json!({ "input": { "cycleId": cycle, "assessments": items } }),
            )
            .await
        }
    };
    let saved = assess(json!([
        { "clauseId": clauses["4.1"], "status": "IMPLEMENTED" },
        { "clauseId": clauses["4.2"], "status": "PARTIAL", "notes": "Interested parties listed, not reviewed" },
        { "clauseId": clauses["4.3"], "status": "NOT_APPLICABLE", "justification": "Scope fixed by the group" },
        { "clauseId": clauses["8.5.1.1"], "status": "GAP", "notes": "No change controls" },
    ]))
    .await
    .ok();
    assert_eq!(
        saved["assessClauses"]["assessments"][2]["justification"],
        "Scope fixed by the group"
    );
    assert_eq!(
        saved["assessClauses"]["assessments"][0]["assessedBy"],
        "admin"
    );
    let change_controls = task(
        &app,
        &cycle,
        "Introduce change controls",
        &clauses["8.5.1.1"],
    )
    .await;

    let result = analysis(&app, &cycle, None).await;
    let total = result["totals"]["total"].as_i64().expect("a total");
    assert!(
        total > 40,
        "every assessable clause of 20000-1 counts: {total}"
    );
    assert_eq!(result["totals"]["gap"], 1);
    assert_eq!(result["totals"]["notAssessed"], total - 4);
    let chapter_4 = &result["chapters"][0];
    assert_eq!(chapter_4["clause"]["number"], "4");
    assert_eq!(
        chapter_4["counts"],
        json!({ "gap": 0, "partial": 1, "implemented": 1, "notApplicable": 1, "notAssessed": chapter_4["counts"]["total"].as_i64().unwrap() - 3, "total": chapter_4["counts"]["total"] })
    );
    let chapters: Vec<&str> = result["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .map(|c| c["clause"]["number"].as_str().expect("number"))
        .collect();
    assert_eq!(chapters, ["4", "5", "6", "7", "8", "9", "10"]);
    assert_eq!(result["gaps"].as_array().map(Vec::len), Some(2));
    assert_eq!(result["gaps"][0]["clause"]["number"], "4.2");
    assert_eq!(result["gaps"][1]["status"], "GAP");
    assert_eq!(
        result["gaps"][1]["remediationTasks"],
        json!([{ "title": "Introduce change controls", "status": "OPEN" }])
    );
    assert_eq!(result["gaps"][1]["inferred"], false);
    let percent = result["percentAssessed"].as_f64().expect("percent");
    assert!(
        (percent - (400.0 / total as f64).round_to(1)).abs() < 0.051,
        "{percent}"
    );

    // IMPLEMENTED waits for the open task, unless a reason is recorded.
    let implemented = json!([{ "clauseId": clauses["8.5.1.1"], "status": "IMPLEMENTED" }]);
    let reply = assess(implemented.clone()).await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("input.assessments[0].status"));
    let overridden = assess(json!([{ "clauseId": clauses["8.5.1.1"], "status": "IMPLEMENTED", "overrideReason": "Controls live, task paperwork pending" }]))
        .await
        .ok();
    let assessment = &overridden["assessClauses"]["assessments"][0];
    assert_eq!(
        assessment["overrideReason"],
        "Controls live, task paperwork pending"
    );
    assert_eq!(assessment["version"], 2);
    assess(json!([{ "clauseId": clauses["8.5.1.1"], "status": "GAP" }]))
        .await
        .ok();
    app.graphql(
        Some(&app.admin()),
        "mutation($input: SetRemediationTaskStatusInput!) { setRemediationTaskStatus(input: $input) { remediationTask { status } } }",
        json!({ "input": { "id": change_controls, "status": "DONE" } }),
    )
    .await
    .ok();
    let done = assess(implemented).await.ok();
    assert_eq!(
        done["assessClauses"]["assessments"][0]["overrideReason"],
        Value::Null
    );
}

trait Round {
    fn round_to(self, digits: i32) -> f64;
}

impl Round for f64 {
    fn round_to(self, digits: i32) -> f64 {
        let factor = 10f64.powi(digits);
        (self * factor).round() / factor
    }
}

#[tokio::test]
async fn seen_through_27001_results_are_inferred_never_assessed() {
    let app = spawn_app().await;
    let (iso, clauses) = framework(&app, "iso20000-1").await;
    let (isms, _) = framework(&app, "iso27001").await;
    let cycle = cycle(&app, "Pilot", &[&iso]).await;
    app.graphql(
        Some(&app.admin()),
        ASSESS,
        json!({ "input": { "cycleId": cycle, "assessments": [
            { "clauseId": clauses["5.2"], "status": "GAP" },
            { "clauseId": clauses["4.1"], "status": "IMPLEMENTED" },
        ] } }),
    )
    .await
    .ok();
    let seen = analysis(&app, &cycle, Some(&isms)).await;
    assert_eq!(seen["framework"]["code"], "iso27001");
    let gaps = seen["gaps"].as_array().expect("gaps");
    assert!(!gaps.is_empty(), "{seen:#}");
    for gap in gaps {
        assert_eq!(gap["inferred"], true, "{gap}");
        assert_eq!(gap["assessment"], Value::Null);
        assert!(
            gap["clause"]["reference"]
                .as_str()
                .is_some_and(|r| r.starts_with("iso27001:2022/")),
            "{gap}"
        );
        assert!(!gap["inferredFrom"].as_array().expect("sources").is_empty());
    }
    let policy = gaps
        .iter()
        .find(|g| g["clause"]["number"] == "5.2")
        .expect("27001's 5.2 inherits the policy gap");
    assert_eq!(policy["status"], "GAP");
    assert_eq!(
        policy["inferredFrom"],
        json!([{ "reference": "iso20000-1:2018/5.2" }])
    );
    assert!(seen["totals"]["total"].as_i64().unwrap() > 20);
    // Seen as its own framework, nothing is inferred.
    let own = analysis(&app, &cycle, Some(&iso)).await;
    assert!(
        own["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["inferred"] == false)
    );
}

/// A framework of `chapters` chapters with `per_chapter` assessable clauses each.
fn big_framework(code: &str, chapters: usize, per_chapter: usize) -> String {
    let mut text = format!("code: {code}\nversion: '1'\nname: Big\npublisher: Test\nclauses:\n");
    for chapter in 1..=chapters {
        text.push_str(&format!(
            "  - {{ number: '{chapter}', title: Chapter {chapter} }}\n"
        ));
        for clause in 1..=per_chapter {
            text.push_str(&format!(
                "  - {{ number: '{chapter}.{clause}', title: Requirement {clause} }}\n"
            ));
        }
    }
    text
}

#[tokio::test]
async fn the_analysis_costs_the_same_statements_for_20_and_500_assessments() {
    let app = spawn_app_with(|config| {
        config.server.read_cache_bytes = 0;
        config.limits.max_complexity = 10_000_000;
    })
    .await;
    let admin = app.admin();
    let imported = app
        .graphql(
            Some(&admin),
            "mutation($document: String!) { importFramework(input: { document: $document }) { framework { id } } }",
            json!({ "document": big_framework("big", 5, 100) }),
        )
        .await
        .ok();
    let big = imported["importFramework"]["framework"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    // More clauses than a plain list holds: read them by number, 25 per request (the alias
    // bound is 30).
    let mut clauses = std::collections::HashMap::new();
    for (chapter, part) in (1..=5).flat_map(|c| (0..4).map(move |p| (c, p))) {
        let fields: Vec<String> = (part * 25 + 1..=part * 25 + 25)
            .map(|i| format!("c{i}: clauseByNumber(number: \"{chapter}.{i}\") {{ id number }}"))
            .collect();
        let data = app
            .graphql(
                Some(&admin),
                &format!(
                    "query($id: ID!) {{ framework(id: $id) {{ {} }} }}",
                    fields.join(" ")
                ),
                json!({ "id": big }),
            )
            .await
            .ok();
        for clause in data["framework"].as_object().expect("clauses").values() {
            clauses.insert(
                clause["number"].as_str().expect("number").to_owned(),
                clause["id"].as_str().expect("id").to_owned(),
            );
        }
    }
    let mut cost = Vec::new();
    for (name, count) in [("Small", 20), ("Large", 500)] {
        let cycle = cycle(&app, name, &[&big]).await;
        let items: Vec<Value> = (0..count)
            .map(|i| {
                let number = format!("{}.{}", i / 100 + 1, i % 100 + 1);
                let status = if i % 3 == 0 { "GAP" } else { "IMPLEMENTED" };
                json!({ "clauseId": clauses[&number], "status": status })
            })
            .collect();
        app.graphql(
            Some(&admin),
            ASSESS,
            json!({ "input": { "cycleId": cycle, "assessments": items } }),
        )
        .await
        .ok();
        task(&app, &cycle, "Close the first gap", &clauses["1.1"]).await;
        let before = app.statements().await;
        let result = analysis(&app, &cycle, None).await;
        cost.push(app.statements().await - before);
        assert_eq!(result["totals"]["total"], 500);
        assert_eq!(
            result["totals"]["notAssessed"],
            500 - count,
            "{name}: every assessment counted"
        );
    }
    eprintln!(
        "gapAnalysis statements: {} for 20 assessments, {} for 500",
        cost[0], cost[1]
    );
    assert_eq!(cost[0], cost[1]);
}

#[tokio::test]
async fn a_process_owner_assesses_the_clauses_of_their_own_processes_only() {
    let app = spawn_app().await;
    let (iso, clauses) = framework(&app, "iso20000-1").await;
    let cycle = cycle(&app, "Pilot", &[&iso]).await;
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
    let assess = |items: Value| {
        let app = &app;
        let token = token.clone();
        let cycle = cycle.clone();
        async move {
            app.graphql(
                Some(&token),
                ASSESS,
                json!({ "input": { "cycleId": cycle, "assessments": items } }),
            )
            .await
        }
    };
    // Linked to their process: theirs to assess, and to re-assess.
    let mine = assess(
        json!([{ "clauseId": clauses["8.6.1"], "status": "PARTIAL", "processIds": [incident] }]),
    )
    .await
    .ok();
    assert_eq!(mine["assessClauses"]["assessments"][0]["assessedBy"], "pat");
    assess(json!([{ "clauseId": clauses["8.6.1"], "status": "IMPLEMENTED" }]))
        .await
        .ok();
    // Not linked to one of theirs, or linked to someone else's: refused, nothing changes.
    let head = app.head(&app.admin()).await;
    for items in [
        json!([{ "clauseId": clauses["8.5.1.1"], "status": "GAP" }]),
        json!([{ "clauseId": clauses["8.5.1.1"], "status": "GAP", "processIds": [change] }]),
        json!([{ "clauseId": clauses["8.6.1"], "status": "GAP", "processIds": [incident, change] }]),
    ] {
        assess(items).await.expect_code("FORBIDDEN");
    }
    assert_eq!(app.head(&app.admin()).await, head);
}

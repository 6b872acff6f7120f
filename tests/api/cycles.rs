//! Certification cycles: the plan, the PDCA phase machine with its history, the status machine,
//! and a later cycle carrying over what still applies.

use entity::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CYCLE: &str = "id name scopeStatement targetDate status statusReason phase version
    sponsor { name } frameworks { code } carriedOverFrom { id }
    services { carriedOver service { name } } processes { carriedOver process { code } }
    objectives { description target position carriedOver }
    phaseHistory { phase enteredBy note }";

const PHASES: [&str; 5] = ["PLAN", "DO", "CHECK", "ACT", "CERTIFICATION"];

async fn framework(app: &TestApp, code: &str) -> String {
    let data = app
        .graphql(
            Some(&app.admin()),
            "{ frameworks(first: 10) { nodes { id code } } }",
            json!({}),
        )
        .await
        .ok();
    data["frameworks"]["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|f| f["code"] == code)
        .expect("built in")["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

async fn service(app: &TestApp, name: &str) -> String {
    let data = app
        .graphql(
            Some(&app.admin()),
            "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id } } }",
            json!({ "input": { "name": name } }),
        )
        .await
        .ok();
    data["createService"]["service"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

async fn create(app: &TestApp, input: Value) -> Value {
    let data = app
        .graphql(
            Some(&app.token(Role::Manager, "mira")),
            &format!("mutation($input: CreateCycleInput!) {{ createCycle(input: $input) {{ cycle {{ {CYCLE} }} }} }}"),
            json!({ "input": input }),
        )
        .await
        .ok();
    data["createCycle"]["cycle"].clone()
}

async fn read(app: &TestApp, id: &str) -> Value {
    let data = app
        .graphql(
            Some(&app.admin()),
            &format!("query($id: ID!) {{ cycle(id: $id) {{ {CYCLE} }} }}"),
            json!({ "id": id }),
        )
        .await
        .ok();
    data["cycle"].clone()
}

async fn move_phase(app: &TestApp, id: &str, phase: &str) -> crate::helpers::Gql {
    app.graphql(
        Some(&app.token(Role::Manager, "mira")),
        "mutation($input: MoveCyclePhaseInput!) { moveCyclePhase(input: $input) { cycle { phase } } }",
        json!({ "input": { "id": id, "phase": phase, "note": format!("to {phase}") } }),
    )
    .await
}

async fn set_status(app: &TestApp, id: &str, status: &str) -> crate::helpers::Gql {
    app.graphql(
        Some(&app.admin()),
        "mutation($input: SetCycleStatusInput!) { setCycleStatus(input: $input) { cycle { status } } }",
        json!({ "input": { "id": id, "status": status, "reason": "decided" } }),
    )
    .await
}

#[tokio::test]
async fn a_cycle_holds_its_plan_and_starts_in_plan() {
    let app = spawn_app().await;
    let sponsor = app
        .create_person(&app.admin(), "Sam Sponsor", "sam@example.com")
        .await;
    let hosting = service(&app, "Hosting").await;
    let incident = app.process_id("INCIDENT").await;
    let (sequence, _) = app.head(&app.admin()).await;
    let cycle = create(
        &app,
        json!({
            "name": "Pilot 2027", "scopeStatement": "Hosting for EU customers",
            "sponsorId": sponsor, "targetDate": "2027-06-30",
            "frameworkIds": [framework(&app, "iso20000-1").await],
            "serviceIds": [hosting], "processIds": [incident],
            "objectives": [{ "description": "Certify hosting", "target": "by June" }, { "description": "MTRS under 4 h" }],
        }),
    )
    .await;
    assert_eq!(cycle["status"], "ACTIVE");
    assert_eq!(cycle["phase"], "PLAN");
    assert_eq!(cycle["targetDate"], "2027-06-30");
    assert_eq!(cycle["sponsor"]["name"], "Sam Sponsor");
    assert_eq!(cycle["frameworks"], json!([{ "code": "iso20000-1" }]));
    assert_eq!(
        cycle["services"],
        json!([{ "carriedOver": false, "service": { "name": "Hosting" } }])
    );
    assert_eq!(
        cycle["processes"],
        json!([{ "carriedOver": false, "process": { "code": "INCIDENT" } }])
    );
    assert_eq!(cycle["objectives"][1]["position"], 1);
    assert_eq!(cycle["objectives"][0]["target"], "by June");
    assert_eq!(
        cycle["phaseHistory"],
        json!([{ "phase": "PLAN", "enteredBy": "mira", "note": "" }])
    );
    assert_eq!(
        app.head(&app.admin()).await.0,
        sequence + 1,
        "one audit entry"
    );

    // Bad inputs name their field and change nothing.
    let manager = app.token(Role::Manager, "mira");
    let create_op =
        "mutation($input: CreateCycleInput!) { createCycle(input: $input) { cycle { id } } }";
    for (input, field) in [
        (json!({ "name": "No framework" }), "input.frameworkIds"),
        (
            json!({ "name": "Pilot 2027", "frameworkIds": [framework(&app, "iso9001").await] }),
            "input.name",
        ),
        (
            json!({ "name": "Long", "objectives": (0..51).map(|i| json!({ "description": format!("o{i}") })).collect::<Vec<_>>() }),
            "input.objectives",
        ),
        (
            json!({ "name": "Blank", "objectives": [{ "description": " " }] }),
            "input.objectives[0].description",
        ),
    ] {
        let before = app.head(&app.admin()).await;
        let reply = app
            .graphql(Some(&manager), create_op, json!({ "input": input }))
            .await;
        reply.expect_code("BAD_USER_INPUT");
        assert_eq!(reply.field(), Some(field), "{}", reply.body);
        assert_eq!(app.head(&app.admin()).await, before);
    }
    let reply = app
        .graphql(
            Some(&manager),
            create_op,
            json!({ "input": { "name": "Date", "targetDate": "2027-02-30" } }),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("RFC 3339 full-date")),
        "{}",
        reply.body
    );

    // A plan is changed with the version read; a stale version is a conflict.
    let update = "mutation($input: UpdateCycleInput!) { updateCycle(input: $input) { cycle { name version targetDate sponsor { name } } } }";
    let id = cycle["id"].as_str().expect("an id");
    let data = app
        .graphql(
            Some(&manager),
            update,
            json!({ "input": { "id": id, "expectedVersion": 1, "name": "Pilot", "targetDate": null, "sponsorId": null } }),
        )
        .await
        .ok();
    assert_eq!(
        data["updateCycle"]["cycle"],
        json!({ "name": "Pilot", "version": 2, "targetDate": null, "sponsor": null })
    );
    app.graphql(
        Some(&manager),
        update,
        json!({ "input": { "id": id, "expectedVersion": 1, "name": "Again" } }),
    )
    .await
    .expect_code("CONFLICT");
}

#[tokio::test]
async fn phases_follow_pdca_and_every_other_move_changes_nothing() {
    let app = spawn_app().await;
    let cycle = create(
        &app,
        json!({ "name": "Phases", "frameworkIds": [framework(&app, "iso20000-1").await] }),
    )
    .await;
    let id = cycle["id"].as_str().expect("an id");
    // Round once, on to the audit, back to ACT, and to the audit again.
    let path = [
        "DO",
        "CHECK",
        "ACT",
        "PLAN",
        "DO",
        "CHECK",
        "ACT",
        "CERTIFICATION",
        "ACT",
        "CERTIFICATION",
    ];
    let allowed = |from: &str, to: &str| {
        matches!(
            (from, to),
            ("PLAN", "DO")
                | ("DO", "CHECK")
                | ("CHECK", "ACT")
                | ("ACT", "PLAN")
                | ("ACT", "CERTIFICATION")
                | ("CERTIFICATION", "ACT")
        )
    };
    let mut at = "PLAN";
    for next in path {
        for refused in PHASES.iter().filter(|to| !allowed(at, to)) {
            let before = read(&app, id).await;
            let reply = move_phase(&app, id, refused).await;
            reply.expect_code("BAD_USER_INPUT");
            assert_eq!(reply.field(), Some("input.phase"), "{at} -> {refused}");
            assert_eq!(
                read(&app, id).await,
                before,
                "{at} -> {refused} changed nothing"
            );
        }
        let data = move_phase(&app, id, next).await.ok();
        assert_eq!(data["moveCyclePhase"]["cycle"]["phase"], next);
        at = next;
    }
    let history: Vec<Value> = read(&app, id).await["phaseHistory"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|entry| entry["phase"].clone())
        .collect();
    let mut expected = vec![json!("PLAN")];
    expected.extend(path.iter().map(|p| json!(p)));
    assert_eq!(history, expected);
    assert_eq!(
        read(&app, id).await["phaseHistory"][1],
        json!({ "phase": "DO", "enteredBy": "mira", "note": "to DO" })
    );
}

#[tokio::test]
async fn a_cycle_is_certified_from_the_audit_or_abandoned_and_then_final() {
    let app = spawn_app().await;
    let iso = framework(&app, "iso20000-1").await;
    let abandoned = create(&app, json!({ "name": "Given up", "frameworkIds": [iso] })).await;
    let abandoned = abandoned["id"].as_str().expect("an id");
    let certified = create(&app, json!({ "name": "Done", "frameworkIds": [iso] })).await;
    let certified = certified["id"].as_str().expect("an id");

    // Certified only from the CERTIFICATION phase; ACTIVE is no change.
    for status in ["CERTIFIED", "ACTIVE"] {
        let before = read(&app, certified).await;
        let reply = set_status(&app, certified, status).await;
        reply.expect_code("BAD_USER_INPUT");
        assert_eq!(reply.field(), Some("input.status"));
        assert_eq!(read(&app, certified).await, before);
    }
    for phase in ["DO", "CHECK", "ACT", "CERTIFICATION"] {
        move_phase(&app, certified, phase).await.ok();
    }
    let data = set_status(&app, certified, "CERTIFIED").await.ok();
    assert_eq!(data["setCycleStatus"]["cycle"]["status"], "CERTIFIED");
    let data = set_status(&app, abandoned, "ABANDONED").await.ok();
    assert_eq!(data["setCycleStatus"]["cycle"]["status"], "ABANDONED");
    assert_eq!(read(&app, abandoned).await["statusReason"], "decided");

    // Both are final: no status, phase or plan change.
    for id in [certified, abandoned] {
        let before = read(&app, id).await;
        for status in ["ACTIVE", "CERTIFIED", "ABANDONED"] {
            set_status(&app, id, status)
                .await
                .expect_code("BAD_USER_INPUT");
        }
        for phase in PHASES {
            move_phase(&app, id, phase)
                .await
                .expect_code("BAD_USER_INPUT");
        }
        app.graphql(
            Some(&app.admin()),
            "mutation($input: UpdateCycleInput!) { updateCycle(input: $input) { cycle { id } } }",
            json!({ "input": { "id": id, "name": "Changed" } }),
        )
        .await
        .expect_code("BAD_USER_INPUT");
        assert_eq!(read(&app, id).await, before);
    }
}

#[tokio::test]
async fn a_later_cycle_carries_over_what_still_applies_until_confirmed() {
    let app = spawn_app().await;
    let admin = app.admin();
    let hosting = service(&app, "Hosting").await;
    let legacy = service(&app, "Legacy mail").await;
    let backup = service(&app, "Backup").await;
    let first = create(
        &app,
        json!({
            "name": "Pilot", "frameworkIds": [framework(&app, "iso20000-1").await],
            "serviceIds": [hosting, legacy], "processIds": [app.process_id("INCIDENT").await],
            "objectives": [{ "description": "Certify hosting" }],
        }),
    )
    .await;
    app.graphql(
        Some(&admin),
        "mutation($input: RetireServiceInput!) { retireService(input: $input) { service { id } } }",
        json!({ "input": { "id": legacy } }),
    )
    .await
    .ok();
    let second = create(
        &app,
        json!({
            "name": "Wider", "carryOverFrom": first["id"], "serviceIds": [backup],
            "objectives": [{ "description": "Add backup" }],
        }),
    )
    .await;
    assert_eq!(second["carriedOverFrom"]["id"], first["id"]);
    assert_eq!(second["frameworks"], json!([{ "code": "iso20000-1" }]));
    let mut services: Vec<(String, bool)> = second["services"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["service"]["name"].as_str().expect("a name").to_owned(),
                s["carriedOver"] == true,
            )
        })
        .collect();
    services.sort();
    assert_eq!(
        services,
        [("Backup".to_owned(), false), ("Hosting".to_owned(), true)],
        "the retired service is not carried over"
    );
    assert_eq!(
        second["processes"],
        json!([{ "carriedOver": true, "process": { "code": "INCIDENT" } }])
    );
    assert_eq!(
        second["objectives"],
        json!([
            { "description": "Certify hosting", "target": null, "position": 0, "carriedOver": true },
            { "description": "Add backup", "target": null, "position": 1, "carriedOver": false },
        ])
    );

    let data = app
        .graphql(
            Some(&admin),
            &format!("mutation($input: ConfirmCycleCarryOverInput!) {{ confirmCycleCarryOver(input: $input) {{ cycle {{ {CYCLE} }} }} }}"),
            json!({ "input": { "id": second["id"], "expectedVersion": 1 } }),
        )
        .await
        .ok();
    let confirmed = &data["confirmCycleCarryOver"]["cycle"];
    let flags = |list: &Value| -> Vec<bool> {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|item| item["carriedOver"] == true)
            .collect()
    };
    assert_eq!(flags(&confirmed["services"]), [false, false]);
    assert_eq!(flags(&confirmed["processes"]), [false]);
    assert_eq!(flags(&confirmed["objectives"]), [false, false]);
    // The first cycle is as it was.
    assert_eq!(
        read(&app, first["id"].as_str().expect("an id")).await["services"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

const IMPORT: &str = "mutation($document: String!) { importFramework(input: { document: $document }) { framework { id allClauses { id number } } } }";

/// Version `version` of the organization's own framework `acme`, with stable references.
fn acme(version: &str, clauses: &[(&str, &str, &str)]) -> String {
    let mut text =
        format!("code: acme\nversion: '{version}'\nname: ACME\npublisher: ACME\nclauses:\n");
    for (reference, number, title) in clauses {
        text.push_str(&format!(
            "  - {{ number: '{number}', title: '{title}', reference: '{reference}' }}\n"
        ));
    }
    text
}

#[tokio::test]
async fn a_cycle_moves_to_a_newer_version_and_hears_what_changed() {
    let app = spawn_app().await;
    let admin = app.admin();
    let import = |document: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.graphql(Some(&admin), IMPORT, json!({ "document": document }))
                .await
                .ok()["importFramework"]["framework"]
                .clone()
        }
    };
    let v1 = import(acme(
        "1",
        &[
            ("acme/1", "1", "Scope"),
            ("acme/2", "2", "Policy"),
            ("acme/3", "3", "Suppliers"),
        ],
    ))
    .await;
    let v2 = import(acme(
        "2",
        &[
            ("acme/1", "1", "Scope"),
            ("acme/2", "2", "Service policy"),
            ("acme/4", "3", "Risks"),
        ],
    ))
    .await;
    let clause_of = |framework: &Value, number: &str| {
        framework["allClauses"]
            .as_array()
            .expect("clauses")
            .iter()
            .find(|c| c["number"] == number)
            .expect("the clause")["id"]
            .clone()
    };
    let cycle = create(&app, json!({ "name": "On v1", "frameworkIds": [v1["id"]] })).await;
    let id = cycle["id"].as_str().expect("an id");
    app.graphql(
        Some(&admin),
        "mutation($input: AssessClausesInput!) { assessClauses(input: $input) { assessments { id } } }",
        json!({ "input": { "cycleId": id, "assessments": [{ "clauseId": clause_of(&v1, "2"), "status": "GAP" }] } }),
    )
    .await
    .ok();

    // A newer version does not move the cycle by itself.
    assert_eq!(
        read(&app, id).await["frameworks"],
        json!([{ "code": "acme" }])
    );
    let iso = framework(&app, "iso20000-1").await;
    let moving = "mutation($input: MoveCycleFrameworkInput!) { moveCycleFramework(input: $input) {
        cycle { frameworks { version } } added { number title } removed { number title }
        renamed { from { number title } to { number title } } } }";
    let reply = app
        .graphql(
            Some(&admin),
            moving,
            json!({ "input": { "id": id, "fromFrameworkId": v1["id"], "toFrameworkId": iso } }),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("input.toFrameworkId"));
    let moved = app
        .graphql(
            Some(&admin),
            moving,
            json!({ "input": { "id": id, "fromFrameworkId": v1["id"], "toFrameworkId": v2["id"] } }),
        )
        .await
        .ok();
    let moved = &moved["moveCycleFramework"];
    assert_eq!(moved["cycle"]["frameworks"], json!([{ "version": "2" }]));
    assert_eq!(moved["added"], json!([{ "number": "3", "title": "Risks" }]));
    assert_eq!(
        moved["removed"],
        json!([{ "number": "3", "title": "Suppliers" }])
    );
    assert_eq!(
        moved["renamed"],
        json!([{ "from": { "number": "2", "title": "Policy" }, "to": { "number": "2", "title": "Service policy" } }])
    );
    // The assessment followed its clause, to be re-confirmed.
    let analysis = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { gapAnalysis(cycleId: $id) { totals { gap total } gaps { clause { title } assessment { carriedOver } } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(
        analysis["gapAnalysis"]["totals"],
        json!({ "gap": 1, "total": 3 })
    );
    assert_eq!(
        analysis["gapAnalysis"]["gaps"],
        json!([{ "clause": { "title": "Service policy" }, "assessment": { "carriedOver": true } }])
    );
}

//! Evidence records: what they hold and link, who brought them in, freshness derived from
//! their dates, the list's filters, bad input refused whole, idempotent creates by external
//! key (50 at once leave one record), and what a process owner may add.

use entity::Role;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, spawn_app},
    ws_client::{TRANSPORT, connect, init, next, subscribe},
};

const CREATE: &str = "mutation($input: CreateEvidenceInput!) { createEvidence(input: $input) {
    evidence { id title kind source tags freshness externalKey version
        collectedAt periodStart periodEnd validUntil createdAt
        apiToken { id } owner { id } processes { code } services { id } clauses { number }
        cycles { id } documentVersions { id } } } }";

const LIST: &str = "query($filter: EvidenceFilterInput) {
    evidenceRecords(first: 50, filter: $filter) { totalCount edges { node { title } } } }";

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    app.graphql(Some(token), CREATE, json!({ "input": input }))
        .await
        .ok()["createEvidence"]["evidence"]
        .clone()
}

async fn titles(app: &TestApp, filter: Value) -> Vec<String> {
    let data = app
        .graphql(Some(&app.admin()), LIST, json!({ "filter": filter }))
        .await
        .ok();
    let mut titles: Vec<String> = data["evidenceRecords"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

async fn count(app: &TestApp) -> i64 {
    app.graphql(Some(&app.admin()), LIST, json!({})).await.ok()["evidenceRecords"]["totalCount"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn evidence_keeps_what_it_is_what_it_serves_and_who_brought_it() {
    let app = spawn_app().await;
    let admin = app.admin();
    let process = app.process_id("INCIDENT").await;
    let owner = app
        .create_person(&admin, "Eve Evidence", "eve@example.com")
        .await;
    let evidence = create(
        &app,
        &admin,
        json!({ "title": "  November ticket export ", "kind": "EXPORT", "ownerId": owner,
            "tags": ["Monthly", "tickets", "monthly"], "collectedAt": "2026-11-30T17:00:00Z",
            "periodStart": "2026-11-01", "periodEnd": "2026-11-30", "validUntil": day(90),
            "processIds": [process] }),
    )
    .await;
    assert_eq!(evidence["title"], "November ticket export");
    assert_eq!(evidence["kind"], "EXPORT");
    assert_eq!(evidence["source"], "MANUAL");
    assert_eq!(evidence["apiToken"], Value::Null);
    assert_eq!(evidence["tags"], json!(["monthly", "tickets"]));
    assert_eq!(evidence["collectedAt"], "2026-11-30T17:00:00Z");
    assert_eq!(evidence["periodEnd"], "2026-11-30");
    assert_eq!(evidence["owner"]["id"], owner);
    assert_eq!(evidence["processes"][0]["code"], "INCIDENT");
    assert_eq!(evidence["freshness"], "FRESH");

    // An integration's evidence says so, and names its token to those who may see tokens.
    let token = app
        .graphql(
            Some(&admin),
            "mutation { createApiToken(input: { name: \"collector\", scopes: [EVIDENCE_WRITE, READ] }) { apiToken { id } secret } }",
            json!({}),
        )
        .await
        .ok();
    let secret = token["createApiToken"]["secret"].as_str().unwrap();
    let sent = create(
        &app,
        secret,
        json!({ "title": "Backup log", "kind": "LOG" }),
    )
    .await;
    assert_eq!(sent["source"], "INTEGRATION");
    let read = |token: String| {
        let app = &app;
        let id = sent["id"].clone();
        async move {
            app.graphql(
                Some(&token),
                "query($id: ID!) { evidence(id: $id) { source apiToken { id } } }",
                json!({ "id": id }),
            )
            .await
            .ok()["evidence"]
                .clone()
        }
    };
    assert_eq!(
        read(admin.clone()).await["apiToken"]["id"],
        token["createApiToken"]["apiToken"]["id"]
    );
    let viewer = read(app.token(Role::Viewer, "viewer")).await;
    assert_eq!(viewer["source"], "INTEGRATION");
    assert_eq!(viewer["apiToken"], Value::Null);

    // The audit trail keeps the record with its tags and links.
    let trail = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditTrail(filter: { recordId: $id }) { edges { node { action after } } } }",
            json!({ "id": evidence["id"] }),
        )
        .await
        .ok();
    let entry = &trail["auditTrail"]["edges"][0]["node"];
    assert_eq!(entry["action"], "evidence.create");
    assert_eq!(entry["after"]["tags"], json!(["monthly", "tickets"]));
    assert_eq!(entry["after"]["processIds"], json!([process]));
}

#[tokio::test]
async fn freshness_is_derived_from_valid_until_and_the_list_filters_by_it_and_the_rest() {
    let app = spawn_app().await;
    let admin = app.admin();
    let incident = app.process_id("INCIDENT").await;
    let change = app.process_id("CHANGE").await;
    for (title, valid_until, kind, process, tag) in [
        (
            "Expired SLA report",
            Some(day(-1)),
            "REPORT",
            &incident,
            "sla",
        ),
        (
            "Expiring CAB minutes",
            Some(day(0)),
            "MINUTES",
            &change,
            "cab",
        ),
        (
            "Expiring in a month",
            Some(day(30)),
            "REPORT",
            &incident,
            "sla",
        ),
        ("Fresh export", Some(day(31)), "EXPORT", &change, "tickets"),
        ("Lasting policy record", None, "RECORD", &incident, "policy"),
    ] {
        let made = create(
            &app,
            &admin,
            json!({ "title": title, "kind": kind, "validUntil": valid_until,
                "processIds": [process], "tags": [tag] }),
        )
        .await;
        let expected = if title.starts_with("Expired") {
            "EXPIRED"
        } else if title.starts_with("Expiring") {
            "EXPIRING"
        } else {
            "FRESH"
        };
        assert_eq!(made["freshness"], expected, "{title}");
    }
    assert_eq!(
        titles(&app, json!({ "freshness": "EXPIRED" })).await,
        ["Expired SLA report"]
    );
    assert_eq!(
        titles(&app, json!({ "freshness": "EXPIRING" })).await,
        ["Expiring CAB minutes", "Expiring in a month"]
    );
    assert_eq!(
        titles(&app, json!({ "freshness": "FRESH" })).await,
        ["Fresh export", "Lasting policy record"]
    );
    assert_eq!(
        titles(&app, json!({ "processId": change })).await,
        ["Expiring CAB minutes", "Fresh export"]
    );
    assert_eq!(
        titles(&app, json!({ "kind": "REPORT", "tag": "SLA" })).await,
        ["Expired SLA report", "Expiring in a month"]
    );
    assert_eq!(
        titles(&app, json!({ "search": "cab" })).await,
        ["Expiring CAB minutes"]
    );
    assert_eq!(
        titles(&app, json!({ "source": "INTEGRATION" })).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn bad_input_is_refused_whole_with_the_field_at_fault_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin();
    let tags: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    let cases = [
        (
            json!({ "title": " ", "kind": "LOG" }),
            "BAD_USER_INPUT",
            Some("input.title"),
        ),
        (
            json!({ "title": "x", "kind": "LOG", "periodStart": "2026-11-30", "periodEnd": "2026-11-01" }),
            "BAD_USER_INPUT",
            Some("input.periodEnd"),
        ),
        (
            json!({ "title": "x", "kind": "LOG", "tags": tags }),
            "BAD_USER_INPUT",
            Some("input.tags"),
        ),
        (
            json!({ "title": "x", "kind": "LOG", "tags": ["ok", ""] }),
            "BAD_USER_INPUT",
            Some("input.tags[1]"),
        ),
        (
            json!({ "title": "x", "kind": "LOG", "externalUrl": "ftp://files" }),
            "BAD_USER_INPUT",
            Some("input.externalUrl"),
        ),
        (
            json!({ "title": "x", "kind": "LOG", "externalKey": "k".repeat(201) }),
            "BAD_USER_INPUT",
            Some("input.externalKey"),
        ),
        (
            json!({ "title": "x", "kind": "LOG", "processIds": ["UHJvY2VzczowMTk0YTU2Zi0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA"] }),
            "NOT_FOUND",
            None,
        ),
    ];
    let too_many: Vec<String> = (0..101).map(|i| format!("id-{i}")).collect();
    let cases = cases.into_iter().chain([
        (
            json!({ "title": "x", "kind": "LOG", "processIds": too_many }),
            "BAD_USER_INPUT",
            Some("input.processIds"),
        ),
        (
            json!({ "title": "x", "kind": "LOG", "collectedAt": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339() }),
            "BAD_USER_INPUT",
            Some("input.collectedAt"),
        ),
        (
            // Lower-casing some letters makes them longer: the bound holds on the stored form.
            json!({ "title": "x", "kind": "LOG", "tags": ["İ".repeat(50)] }),
            "BAD_USER_INPUT",
            Some("input.tags[0]"),
        ),
    ]);
    let before = app.head(&admin).await;
    for (input, code, field) in cases {
        let reply = app
            .graphql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        reply.expect_code(code);
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    assert_eq!(app.head(&admin).await, before, "nothing was written");
    assert_eq!(count(&app).await, 0);
}

#[tokio::test]
async fn a_repeat_with_the_same_external_key_returns_the_first_record_and_another_create_conflicts()
{
    let app = spawn_app().await;
    let admin = app.admin();
    let input = json!({ "title": "Backup report 2026-11", "kind": "REPORT",
        "externalKey": "backup/2026-11", "collectedAt": "2026-11-30T00:00:00Z" });
    let first = create(&app, &admin, input.clone()).await;
    let head = app.head(&admin).await;
    let again = create(&app, &admin, input.clone()).await;
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["version"], 1);
    assert_eq!(app.head(&admin).await, head, "a repeat writes nothing");

    let mut other = input;
    other["title"] = json!("Backup report, corrected");
    let reply = app
        .graphql(Some(&admin), CREATE, json!({ "input": other }))
        .await;
    reply.expect_code("CONFLICT");
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("externalKey"),
        "{}",
        reply.body
    );
    assert_eq!(count(&app).await, 1);
}

#[tokio::test]
async fn fifty_concurrent_creates_with_one_key_leave_one_record() {
    let app = spawn_app().await;
    let admin = app.admin();
    let input = json!({ "title": "Nightly scan", "kind": "LOG", "externalKey": "scan/2026-12-01",
        "collectedAt": "2026-12-01T02:00:00Z" });
    let replies = futures_util::future::join_all(
        (0..50).map(|_| app.graphql(Some(&admin), CREATE, json!({ "input": input.clone() }))),
    )
    .await;
    let mut ids: Vec<String> = replies
        .into_iter()
        .map(|reply| {
            reply.ok()["createEvidence"]["evidence"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "every create answers the one record");
    assert_eq!(count(&app).await, 1);
    let creates = app
        .graphql(
            Some(&admin),
            "{ auditTrail(filter: { action: \"evidence.create\" }) { totalCount } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(creates["auditTrail"]["totalCount"], 1);
}

#[tokio::test]
async fn a_process_owner_adds_and_changes_evidence_of_their_own_processes_only() {
    let app = spawn_app().await;
    let admin = app.admin();
    let owner = app
        .graphql(
            Some(&admin),
            "mutation { createPerson(input: { name: \"Pat Owner\", email: \"pat@example.com\", loginSubject: \"pat\", role: PROCESS_OWNER }) { person { id } } }",
            json!({}),
        )
        .await
        .ok()["createPerson"]["person"]["id"]
        .clone();
    let incident = app.process_id("INCIDENT").await;
    let change = app.process_id("CHANGE").await;
    app.graphql(
        Some(&admin),
        "mutation($input: UpdateProcessInput!) { updateProcess(input: $input) { process { id } } }",
        json!({ "input": { "id": incident, "ownerId": owner } }),
    )
    .await
    .ok();
    let pat = app.token(Role::ProcessOwner, "pat");
    let own = create(
        &app,
        &pat,
        json!({ "title": "Major incident review", "kind": "MINUTES", "processIds": [incident] }),
    )
    .await;
    assert_eq!(own["processes"][0]["code"], "INCIDENT");
    for input in [
        json!({ "title": "Nothing of mine", "kind": "OTHER" }),
        json!({ "title": "Not mine", "kind": "OTHER", "processIds": [change] }),
        json!({ "title": "Partly mine", "kind": "OTHER", "processIds": [incident, change] }),
    ] {
        app.graphql(Some(&pat), CREATE, json!({ "input": input }))
            .await
            .expect_code("FORBIDDEN");
    }
    let theirs = create(
        &app,
        &admin,
        json!({ "title": "CAB minutes", "kind": "MINUTES", "processIds": [change] }),
    )
    .await;
    app.graphql(
        Some(&pat),
        "mutation($input: DeleteEvidenceInput!) { deleteEvidence(input: $input) { evidence { id } } }",
        json!({ "input": { "id": theirs["id"] } }),
    )
    .await
    .expect_code("FORBIDDEN");
    const UPDATE: &str = "mutation($input: UpdateEvidenceInput!) { updateEvidence(input: $input) { evidence { title } } }";
    app.graphql(
        Some(&pat),
        UPDATE,
        json!({ "input": { "id": own["id"], "title": "Major incident review, final" } }),
    )
    .await
    .ok();
    // Neither evidence of no process nor someone else's link can be taken over.
    let unlinked = create(
        &app,
        &admin,
        json!({ "title": "Supplier list", "kind": "RECORD" }),
    )
    .await;
    let shared = create(
        &app,
        &admin,
        json!({ "title": "Post-incident change", "kind": "RECORD", "processIds": [incident, change] }),
    )
    .await;
    for input in [
        json!({ "id": unlinked["id"], "processIds": [incident] }),
        json!({ "id": shared["id"], "processIds": [incident] }),
        json!({ "id": shared["id"], "title": "Mine now" }),
    ] {
        app.graphql(Some(&pat), UPDATE, json!({ "input": input }))
            .await
            .expect_code("FORBIDDEN");
    }
    assert_eq!(count(&app).await, 4);
}

#[tokio::test]
async fn updates_check_the_version_read_and_a_deletion_keeps_the_links_in_the_trail() {
    let app = spawn_app().await;
    let admin = app.admin();
    let process = app.process_id("INCIDENT").await;
    let made = create(
        &app,
        &admin,
        json!({ "title": "Survey results", "kind": "REPORT", "processIds": [process], "tags": ["survey"] }),
    )
    .await;
    const UPDATE: &str = "mutation($input: UpdateEvidenceInput!) { updateEvidence(input: $input) { evidence { version tags processes { code } } } }";
    let updated = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": made["id"], "expectedVersion": 1, "tags": ["csat"], "processIds": [] } }),
        )
        .await
        .ok();
    assert_eq!(updated["updateEvidence"]["evidence"]["version"], 2);
    assert_eq!(
        updated["updateEvidence"]["evidence"]["tags"],
        json!(["csat"])
    );
    assert_eq!(
        updated["updateEvidence"]["evidence"]["processes"],
        json!([])
    );
    app.graphql(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": made["id"], "expectedVersion": 1, "title": "Stale" } }),
    )
    .await
    .expect_code("CONFLICT");
    let reply = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": made["id"], "periodStart": "2026-11-30", "periodEnd": "2026-11-01" } }),
        )
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("input.periodEnd"));
    app.graphql(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": made["id"], "periodEnd": "2026-11-01" } }),
    )
    .await
    .ok();
    let reply = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": made["id"], "periodStart": "2026-11-30" } }),
        )
        .await;
    assert_eq!(reply.field(), Some("input.periodStart"), "{}", reply.body);

    // Lists an update leaves alone are not rewritten: changing the tags costs their delete
    // and insert more than changing the title.
    let start = app.statements().await;
    app.graphql(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": made["id"], "title": "Survey, final" } }),
    )
    .await
    .ok();
    let titled = app.statements().await;
    app.graphql(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": made["id"], "tags": ["nps"] } }),
    )
    .await
    .ok();
    let tagged = app.statements().await;
    assert_eq!(tagged - titled, titled - start + 2.0);

    app.graphql(
        Some(&admin),
        "mutation($input: DeleteEvidenceInput!) { deleteEvidence(input: $input) { evidence { id } } }",
        json!({ "input": { "id": made["id"] } }),
    )
    .await
    .ok();
    let trail = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditTrail(last: 1, filter: { recordId: $id }) { edges { node { action before after } } } }",
            json!({ "id": made["id"] }),
        )
        .await
        .ok();
    let entry = &trail["auditTrail"]["edges"][0]["node"];
    assert_eq!(entry["action"], "evidence.delete");
    assert_eq!(entry["before"]["tags"], json!(["nps"]));
    assert_eq!(entry["after"], Value::Null);
    assert_eq!(count(&app).await, 0);
}

#[tokio::test]
async fn record_changed_subscribers_hear_of_new_evidence() {
    let app = spawn_app().await;
    let mut socket = connect(&app, Some(TRANSPORT)).await;
    init(&mut socket, &app.token(Role::Viewer, "sync")).await;
    subscribe(
        &mut socket,
        TRANSPORT,
        "e",
        r#"subscription { recordChanged(types: ["Evidence"]) { kind type id version action } }"#,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let made = create(
        &app,
        &app.admin(),
        json!({ "title": "Backup log", "kind": "LOG" }),
    )
    .await;
    let message = next(&mut socket).await.json();
    let change = &message["payload"]["data"]["recordChanged"];
    assert_eq!(change["kind"], "CREATED", "{message:#}");
    assert_eq!(change["type"], "Evidence");
    assert_eq!(change["id"], made["id"]);
    assert_eq!(change["action"], "evidence.create");
}

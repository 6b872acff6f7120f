//! The audit trail is hash-chained: editing, deleting or reordering rows, or cutting the trail
//! short, is reported at the first broken entry.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::{audit_chain_head, audit_entry};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const VERIFY: &str = "query($anchor: AuditAnchorInput) { verifyAuditTrail(anchor: $anchor) {
    valid entriesChecked head { sequence hash } firstBrokenEntry { sequence entryId kind message } } }";

/// An app whose organization has a trail of a few entries (organization creation + 4 people).
async fn app_with_trail() -> (TestApp, String) {
    let app = spawn_app().await;
    let admin = app.admin();
    for i in 0..4 {
        app.create_person(&admin, &format!("Member {i}"), &format!("m{i}@example.com"))
            .await;
    }
    (app, admin)
}

async fn verify(app: &TestApp, token: &str, anchor: Option<(i64, String)>) -> Value {
    let anchor = anchor.map(|(sequence, hash)| json!({ "sequence": sequence, "hash": hash }));
    app.graphql(Some(token), VERIFY, json!({ "anchor": anchor }))
        .await
        .ok()["verifyAuditTrail"]
        .clone()
}

fn entries(app: &TestApp) -> sea_orm::Select<audit_entry::Entity> {
    audit_entry::Entity::find().filter(audit_entry::Column::OrganizationId.eq(app.org))
}

async fn entry(app: &TestApp, sequence: i64) -> audit_entry::Model {
    entries(app)
        .filter(audit_entry::Column::Sequence.eq(sequence))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

/// The organization's creation, its built-in processes, its built-in document templates (each
/// a document and its approved version), and the four people of `app_with_trail`.
fn trail_length() -> i64 {
    1 + iso20000::portfolio::catalogue::BUILT_IN.len() as i64
        + 2 * iso20000::compliance::documents::templates::TEMPLATES.len() as i64
        + 4
}

fn global_entry_id(entry: &audit_entry::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!("AuditEntry:{}", entry.id))
}

#[tokio::test]
async fn an_untouched_trail_verifies_and_lists_every_change() {
    let (app, admin) = app_with_trail().await;
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], true, "{result:#}");
    assert_eq!(result["entriesChecked"], trail_length());
    assert_eq!(result["head"]["sequence"], trail_length());
    let trail = app
        .graphql(
            Some(&admin),
            "{ auditTrail { totalCount edges { node { sequence action previousHash hash } } } }",
            json!({}),
        )
        .await
        .ok();
    let edges = trail["auditTrail"]["edges"].as_array().unwrap();
    assert_eq!(edges[0]["node"]["action"], "organization.create");
    for pair in edges.windows(2) {
        assert_eq!(pair[1]["node"]["previousHash"], pair[0]["node"]["hash"]);
    }
    let newest = app
        .graphql(
            Some(&admin),
            "{ auditTrail(last: 1) { edges { node { sequence } } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        newest["auditTrail"]["edges"][0]["node"]["sequence"],
        trail_length()
    );
}

#[tokio::test]
async fn an_edited_row_is_reported() {
    let (app, admin) = app_with_trail().await;
    audit_entry::Entity::update_many()
        .col_expr(
            audit_entry::Column::After,
            Expr::value(r#"{"name":"Forged"}"#),
        )
        .filter(audit_entry::Column::OrganizationId.eq(app.org))
        .filter(audit_entry::Column::Sequence.eq(3))
        .exec(&app.db)
        .await
        .unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], false);
    assert_eq!(result["firstBrokenEntry"]["sequence"], 3);
    assert_eq!(result["firstBrokenEntry"]["kind"], "CONTENT_MISMATCH");
    assert_eq!(
        result["firstBrokenEntry"]["entryId"],
        global_entry_id(&entry(&app, 3).await)
    );
    assert_eq!(result["entriesChecked"], 2);
}

#[tokio::test]
async fn an_edited_actor_is_reported() {
    let (app, admin) = app_with_trail().await;
    audit_entry::Entity::update_many()
        .col_expr(
            audit_entry::Column::ActorSubject,
            Expr::value("someone-else"),
        )
        .filter(audit_entry::Column::OrganizationId.eq(app.org))
        .filter(audit_entry::Column::Sequence.eq(2))
        .exec(&app.db)
        .await
        .unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["firstBrokenEntry"]["sequence"], 2);
}

#[tokio::test]
async fn a_deleted_row_is_reported() {
    let (app, admin) = app_with_trail().await;
    audit_entry::Entity::delete_many()
        .filter(audit_entry::Column::OrganizationId.eq(app.org))
        .filter(audit_entry::Column::Sequence.eq(2))
        .exec(&app.db)
        .await
        .unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], false);
    assert_eq!(result["firstBrokenEntry"]["sequence"], 3);
    assert_eq!(result["firstBrokenEntry"]["kind"], "SEQUENCE_GAP");
}

#[tokio::test]
async fn reordered_rows_are_reported() {
    let (app, admin) = app_with_trail().await;
    let set_sequence = |from: i64, to: i64| {
        audit_entry::Entity::update_many()
            .col_expr(audit_entry::Column::Sequence, Expr::value(to))
            .filter(audit_entry::Column::OrganizationId.eq(app.org))
            .filter(audit_entry::Column::Sequence.eq(from))
            .exec(&app.db)
    };
    set_sequence(2, -1).await.unwrap();
    set_sequence(3, 2).await.unwrap();
    set_sequence(-1, 3).await.unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], false);
    assert_eq!(result["firstBrokenEntry"]["sequence"], 2);
}

#[tokio::test]
async fn deleting_the_newest_rows_is_caught_by_the_head_and_by_a_kept_anchor() {
    let (app, admin) = app_with_trail().await;
    let anchor = app.head(&admin).await;
    assert_eq!(anchor.0, trail_length());
    audit_entry::Entity::delete_many()
        .filter(audit_entry::Column::OrganizationId.eq(app.org))
        .filter(audit_entry::Column::Sequence.gt(3))
        .exec(&app.db)
        .await
        .unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], false);
    assert_eq!(result["firstBrokenEntry"]["kind"], "HEAD_MISMATCH");
    assert_eq!(result["firstBrokenEntry"]["sequence"], 4);

    // Someone who also rewrites the head escapes the head check, but not the anchor.
    let last = entries(&app)
        .order_by_desc(audit_entry::Column::Sequence)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    audit_chain_head::Entity::update_many()
        .col_expr(
            audit_chain_head::Column::Sequence,
            Expr::value(last.sequence),
        )
        .col_expr(
            audit_chain_head::Column::Hash,
            Expr::value(last.hash.clone()),
        )
        .filter(audit_chain_head::Column::OrganizationId.eq(app.org))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        verify(&app, &admin, None).await["valid"],
        true,
        "without an anchor the cut is invisible"
    );
    let result = verify(&app, &admin, Some(anchor)).await;
    assert_eq!(result["valid"], false);
    assert_eq!(result["firstBrokenEntry"]["kind"], "ANCHOR_MISMATCH");
    assert_eq!(result["firstBrokenEntry"]["sequence"], 4);
}

#[tokio::test]
async fn an_anchor_checks_out_while_the_trail_grows() {
    let (app, admin) = app_with_trail().await;
    let anchor = app.head(&admin).await;
    app.create_person(&admin, "Later", "later@example.com")
        .await;
    let result = verify(&app, &admin, Some(anchor.clone())).await;
    assert_eq!(result["valid"], true, "{result:#}");
    let forged = verify(&app, &admin, Some((anchor.0, "ab".repeat(32)))).await;
    assert_eq!(forged["firstBrokenEntry"]["kind"], "ANCHOR_MISMATCH");
    let malformed = app
        .graphql(
            Some(&admin),
            VERIFY,
            json!({ "anchor": { "sequence": 1, "hash": "xyz" } }),
        )
        .await;
    malformed.expect_code("BAD_USER_INPUT");
    assert_eq!(malformed.field(), Some("anchor.hash"));
}

#[tokio::test]
async fn the_trail_is_filtered() {
    let (app, admin) = app_with_trail().await;
    let data = app
        .graphql(
            Some(&admin),
            r#"{
                people: auditTrail(filter: { recordType: "Person" }) { totalCount }
                creates: auditTrail(filter: { action: "person.create", actorSubject: "admin" }) { totalCount }
                nobody: auditTrail(filter: { actorSubject: "nobody" }) { totalCount }
                future: auditTrail(filter: { occurredFrom: "2999-01-01T00:00:00Z" }) { totalCount }
            }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(data["people"]["totalCount"], 4);
    assert_eq!(data["creates"]["totalCount"], 4);
    assert_eq!(data["nobody"]["totalCount"], 0);
    assert_eq!(data["future"]["totalCount"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verification_while_writers_append_reports_no_false_break() {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };

    let (app, admin) = app_with_trail().await;
    let app = Arc::new(app);
    let mut people = Vec::new();
    for i in 0..4 {
        people.push(
            app.create_person(&admin, &format!("Writer {i}"), &format!("w{i}@example.com"))
                .await,
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let (app, admin, stop) = (app.clone(), admin.clone(), stop.clone());
            // Each renaming writer has its own person, so that no write is refused as a conflict.
            let person = people[writer / 2].clone();
            tokio::spawn(async move {
                let mut round = 0;
                while !stop.load(Ordering::Relaxed) {
                    round += 1;
                    if writer % 2 == 0 {
                        app.graphql(
                            Some(&admin),
                            "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id } } }",
                            json!({ "input": { "id": person, "name": format!("Writer {writer} r{round}") } }),
                        )
                        .await
                        .ok();
                    } else {
                        app.graphql(
                            Some(&admin),
                            "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id } } }",
                            json!({ "input": { "name": format!("Service {writer}-{round}") } }),
                        )
                        .await
                        .ok();
                    }
                }
                round
            })
        })
        .collect();

    let mut checked = Vec::new();
    for _ in 0..30 {
        let result = verify(&app, &admin, None).await;
        assert_eq!(
            result["valid"], true,
            "a valid chain was reported broken while writers appended: {result:#}"
        );
        checked.push(result["entriesChecked"].as_i64().unwrap());
    }
    stop.store(true, Ordering::Relaxed);
    let mut writes = 0;
    for writer in writers {
        writes += writer.await.unwrap();
    }
    assert!(writes > 30, "the writers should have appended meanwhile");
    assert!(
        checked.first() < checked.last(),
        "verifications should have seen the trail grow: {checked:?}"
    );
    let last = verify(&app, &admin, None).await;
    assert_eq!(last["valid"], true, "{last:#}");
}

#[tokio::test]
async fn a_changed_entry_id_or_sequence_is_reported() {
    let (app, admin) = app_with_trail().await;
    let original = entry(&app, 3).await;
    let set_id = |from: uuid::Uuid, to: uuid::Uuid| {
        audit_entry::Entity::update_many()
            .col_expr(audit_entry::Column::Id, Expr::value(to))
            .filter(audit_entry::Column::Id.eq(from))
            .exec(&app.db)
    };
    let forged_id = uuid::Uuid::now_v7();
    set_id(original.id, forged_id).await.unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(
        result["valid"], false,
        "a new id must break the entry: {result:#}"
    );
    assert_eq!(result["firstBrokenEntry"]["sequence"], 3);
    assert_eq!(result["firstBrokenEntry"]["kind"], "CONTENT_MISMATCH");
    set_id(forged_id, original.id).await.unwrap();
    assert_eq!(verify(&app, &admin, None).await["valid"], true);

    // Moving the newest entry to a later position, head included, is caught too.
    let (head, _) = app.head(&admin).await;
    audit_entry::Entity::update_many()
        .col_expr(audit_entry::Column::Sequence, Expr::value(head + 1))
        .filter(audit_entry::Column::OrganizationId.eq(app.org))
        .filter(audit_entry::Column::Sequence.eq(head))
        .exec(&app.db)
        .await
        .unwrap();
    audit_chain_head::Entity::update_many()
        .col_expr(audit_chain_head::Column::Sequence, Expr::value(head + 1))
        .filter(audit_chain_head::Column::OrganizationId.eq(app.org))
        .exec(&app.db)
        .await
        .unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], false, "{result:#}");
    assert_eq!(result["firstBrokenEntry"]["sequence"], head + 1);
}

#[tokio::test]
async fn a_trail_hashed_before_version_2_still_verifies_and_goes_on_in_version_2() {
    use iso20000::audit_trail::chain::{GENESIS_HASH, HashVersion, hash_as};
    use sea_orm::ActiveValue::Set;

    // Rewrite the trail as a server before hash version 2 wrote it.
    let (app, admin) = app_with_trail().await;
    let mut previous = GENESIS_HASH.to_owned();
    let rows = entries(&app)
        .order_by_asc(audit_entry::Column::Sequence)
        .all(&app.db)
        .await
        .unwrap();
    for mut row in rows {
        row.hash_version = HashVersion::V1.column();
        row.previous_hash.clone_from(&previous);
        row.hash = hash_as(&row, HashVersion::V1);
        previous.clone_from(&row.hash);
        audit_entry::Entity::update(audit_entry::ActiveModel {
            id: Set(row.id),
            hash_version: Set(row.hash_version),
            previous_hash: Set(row.previous_hash),
            hash: Set(row.hash),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();
    }
    audit_chain_head::Entity::update_many()
        .col_expr(audit_chain_head::Column::Hash, Expr::value(previous))
        .filter(audit_chain_head::Column::OrganizationId.eq(app.org))
        .exec(&app.db)
        .await
        .unwrap();
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], true, "{result:#}");

    app.create_person(&admin, "After the upgrade", "after@example.com")
        .await;
    let result = verify(&app, &admin, None).await;
    assert_eq!(result["valid"], true, "{result:#}");
    assert_eq!(result["entriesChecked"], trail_length() + 1);
    let trail = app
        .graphql(
            Some(&admin),
            "{ auditTrail(last: 2) { edges { node { hashVersion } } } }",
            json!({}),
        )
        .await
        .ok();
    let versions: Vec<_> = trail["auditTrail"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["hashVersion"].clone())
        .collect();
    assert_eq!(versions, [json!(1), json!(2)]);
}

#[tokio::test]
async fn deleting_a_process_or_a_tool_records_the_assignments_and_links_it_takes_along() {
    let app = spawn_app().await;
    let admin = app.admin();
    let ana = app.create_person(&admin, "Ana", "ana@example.com").await;
    let data = app
        .graphql(
            Some(&admin),
            r#"mutation {
                p: createProcess(input: { code: "ACCESS", name: "Access management" }) { process { id } }
                t: createTool(input: { name: "Vault", kind: OTHER }) { tool { id } }
            }"#,
            json!({}),
        )
        .await
        .ok();
    let process = data["p"]["process"]["id"].as_str().unwrap().to_owned();
    let tool = data["t"]["tool"]["id"].as_str().unwrap().to_owned();
    let incident = app
        .graphql(
            Some(&admin),
            r#"{ processes(filter: { search: "INCIDENT" }) { edges { node { id code } } } }"#,
            json!({}),
        )
        .await
        .ok()["processes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["code"] == "INCIDENT")
        .unwrap()["node"]["id"]
        .clone();
    let made = app
        .graphql(
            Some(&admin),
            r#"mutation($p: ID!, $ana: ID!, $tool: ID!, $incident: ID!) {
                a: assignRaci(input: { processId: $p, personId: $ana, role: ACCOUNTABLE }) { raciAssignment { id } }
                r: assignRaci(input: { processId: $p, personId: $ana, role: RESPONSIBLE }) { raciAssignment { id } }
                uses: linkProcessToTool(input: { processId: $p, toolId: $tool, description: "secrets" }) { processLink { id } }
                dependsOn: addProcessDependency(input: { processId: $p, dependsOnProcessId: $incident }) { processLink { id } }
                dependedOn: addProcessDependency(input: { processId: $incident, dependsOnProcessId: $p }) { processLink { id } }
            }"#,
            json!({ "p": process, "ana": ana, "tool": tool, "incident": incident }),
        )
        .await
        .ok();
    let id_of = |alias: &str, field: &str| made[alias][field]["id"].as_str().unwrap().to_owned();
    let mut gone = vec![
        id_of("a", "raciAssignment"),
        id_of("r", "raciAssignment"),
        id_of("uses", "processLink"),
        id_of("dependsOn", "processLink"),
        id_of("dependedOn", "processLink"),
    ];
    gone.sort();

    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { deleteProcess(input: { id: $id }) { process { id } } }",
        json!({ "id": process }),
    )
    .await
    .ok();

    let trail = app
        .graphql(
            Some(&admin),
            "{ auditTrail(last: 6) { edges { node { action recordType recordId actorSubject before after } } } }",
            json!({}),
        )
        .await
        .ok();
    let nodes: Vec<Value> = trail["auditTrail"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let (cascaded, deleted) = nodes.split_at(5);
    assert_eq!(deleted[0]["action"], "process.delete", "{nodes:#?}");
    let mut recorded: Vec<String> = cascaded
        .iter()
        .map(|n| n["recordId"].as_str().unwrap().to_owned())
        .collect();
    recorded.sort();
    assert_eq!(
        recorded, gone,
        "every removed row has its entry: {nodes:#?}"
    );
    for node in cascaded {
        let expected = match node["recordType"].as_str().unwrap() {
            "RaciAssignment" => "raci.remove",
            "ProcessLink" => "process_link.delete",
            other => panic!("unexpected {other}"),
        };
        assert_eq!(node["action"], expected);
        assert_eq!(node["actorSubject"], "admin");
        assert_eq!(node["after"], Value::Null);
        let before = &node["before"];
        // Shown as the API names it: the process by its global id.
        assert!(
            before["processId"] == process.as_str()
                || before["dependsOnProcessId"] == process.as_str(),
            "the entry keeps the removed row: {before:#}"
        );
    }

    // A tool takes its links along in the same way.
    let other = app
        .graphql(
            Some(&admin),
            r#"mutation($tool: ID!, $incident: ID!) { linkProcessToTool(input: { processId: $incident, toolId: $tool, description: "keys" }) { processLink { id } } }"#,
            json!({ "tool": tool, "incident": incident }),
        )
        .await
        .ok()["linkProcessToTool"]["processLink"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { deleteTool(input: { id: $id }) { tool { id } } }",
        json!({ "id": tool }),
    )
    .await
    .ok();
    let link = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditTrail(filter: { recordId: $id }) { edges { node { action before } } } }",
            json!({ "id": other }),
        )
        .await
        .ok();
    let actions: Vec<_> = link["auditTrail"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].clone())
        .collect();
    assert_eq!(
        actions,
        [json!("process_link.create"), json!("process_link.delete")]
    );
    assert_eq!(
        link["auditTrail"]["edges"][1]["node"]["before"]["description"],
        "keys"
    );
    assert_eq!(verify(&app, &admin, None).await["valid"], true);
}

#[tokio::test]
async fn entries_show_records_as_the_api_names_them_without_secrets() {
    let app = spawn_app().await;
    let admin = app.admin();
    let person = app.create_person(&admin, "Ana", "ana@example.com").await;
    app.graphql(
        Some(&admin),
        "mutation { createApiToken(input: { name: \"sync\", scopes: [READ] }) { secret } }",
        json!({}),
    )
    .await
    .ok();
    let data = app
        .graphql(
            Some(&admin),
            "{ auditTrail(last: 2) { edges { node { recordType after } } } }",
            json!({}),
        )
        .await
        .ok();
    let edges = data["auditTrail"]["edges"].as_array().unwrap();
    let created = &edges[0]["node"]["after"];
    assert_eq!(edges[0]["node"]["recordType"], "Person");
    assert_eq!(created["id"], person.as_str(), "{created:#}");
    assert!(created["organizationId"].is_string(), "{created:#}");
    assert!(created.get("organization_id").is_none(), "{created:#}");
    let token = &edges[1]["node"]["after"];
    assert_eq!(edges[1]["node"]["recordType"], "ApiToken");
    assert_eq!(token["name"], "sync");
    assert!(
        token.get("secretHash").is_none() && token.get("secret_hash").is_none(),
        "{token:#}"
    );
    // The stored text is untouched: the chain still verifies.
    let verified = app
        .graphql(Some(&admin), "{ verifyAuditTrail { valid } }", json!({}))
        .await
        .ok();
    assert_eq!(verified["verifyAuditTrail"]["valid"], true);
}

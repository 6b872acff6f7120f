//! The framework library: the built-in standards, their clause trees and the mappings between
//! them, read both ways. That another organization's own frameworks look missing is a case of
//! the enumerated tenancy test.

use entity::Role;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, create_org, spawn_app},
    records::Records,
};

const FRAMEWORKS: &str =
    "{ frameworks(first: 10) { totalCount nodes { id code version name publisher builtIn } } }";

const TREE: &str = "query($id: ID!) { framework(id: $id) {
    clauses { number title position children { number } }
    allClauses { number assessable parent { number } } } }";

async fn framework_id(app: &TestApp, token: &str, code: &str) -> String {
    let data = app.graphql(Some(token), FRAMEWORKS, json!({})).await.ok();
    data["frameworks"]["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("{code} is in the library"))["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

#[tokio::test]
async fn every_organization_reads_the_three_built_in_standards() {
    let app = spawn_app().await;
    let viewer = app.token(Role::Viewer, "viewer");
    // Another organization's own framework is not among them.
    Records::create(&app, create_org(&app.db, "Other Org").await, "b").await;
    let data = app.graphql(Some(&viewer), FRAMEWORKS, json!({})).await.ok();
    assert_eq!(data["frameworks"]["totalCount"], 3);
    let mut codes: Vec<(String, String, bool)> = data["frameworks"]["nodes"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().expect("text").to_owned();
            (text("code"), text("version"), f["builtIn"] == true)
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            ("iso20000-1".to_owned(), "2018".to_owned(), true),
            ("iso27001".to_owned(), "2022".to_owned(), true),
            ("iso9001".to_owned(), "2015".to_owned(), true),
        ]
    );
}

#[tokio::test]
async fn the_iso20000_tree_holds_every_clause_in_the_standards_order() {
    let app = spawn_app().await;
    let viewer = app.token(Role::Viewer, "viewer");
    let id = framework_id(&app, &viewer, "iso20000-1").await;
    let data = app
        .graphql(Some(&viewer), TREE, json!({ "id": id }))
        .await
        .ok();
    let all = data["framework"]["allClauses"].as_array().expect("a list");
    let numbers: Vec<&str> = all
        .iter()
        .map(|c| c["number"].as_str().expect("a number"))
        .collect();
    let expected: Vec<&str> = migration::library::framework("iso20000-1")
        .expect("built in")
        .clauses
        .iter()
        .map(|(number, _)| *number)
        .collect();
    assert_eq!(numbers, expected, "the whole tree, depth first, in order");
    let clause = |number: &str| all.iter().find(|c| c["number"] == number).expect("held");
    let assessable = |number: &str| clause(number)["assessable"] == true;
    assert_eq!(clause("8.3.4.1")["parent"]["number"], "8.3.4");
    assert_eq!(clause("4")["parent"], Value::Null);
    assert!(!assessable("8"), "a chapter only groups");
    assert!(
        !assessable("8.5.1"),
        "change management groups 8.5.1.1 to 8.5.1.3"
    );
    assert!(assessable("8.5.1.2"));
    assert!(assessable("9.4"));
    let top = &data["framework"]["clauses"];
    assert_eq!(top[0]["number"], "4");
    assert_eq!(top[0]["title"], "Context of the organization");
    assert_eq!(top[6]["number"], "10");
    assert_eq!(top[6]["position"], 6);
    assert_eq!(
        top[6]["children"],
        json!([{ "number": "10.1" }, { "number": "10.2" }])
    );
}

#[tokio::test]
async fn a_clause_is_found_by_number_or_reference_with_its_place_in_the_tree() {
    let app = spawn_app().await;
    let viewer = app.token(Role::Viewer, "viewer");
    let id = framework_id(&app, &viewer, "iso20000-1").await;
    let query = "query($id: ID!, $number: String!, $reference: String!) { framework(id: $id) {
        byNumber: clauseByNumber(number: $number) { id reference title parent { number } children { number } framework { code } }
        byReference: clauseByReference(reference: $reference) { id number }
        missing: clauseByNumber(number: \"99.9\") { id } } }";
    let data = app
        .graphql(
            Some(&viewer),
            query,
            json!({ "id": id, "number": "8.5.1", "reference": "iso20000-1:2018/8.5.1" }),
        )
        .await
        .ok();
    let clause = &data["framework"]["byNumber"];
    assert_eq!(clause["reference"], "iso20000-1:2018/8.5.1");
    assert_eq!(clause["title"], "Change management");
    assert_eq!(clause["parent"]["number"], "8.5");
    assert_eq!(
        clause["children"],
        json!([{ "number": "8.5.1.1" }, { "number": "8.5.1.2" }, { "number": "8.5.1.3" }])
    );
    assert_eq!(clause["framework"]["code"], "iso20000-1");
    assert_eq!(data["framework"]["byReference"]["id"], clause["id"]);
    assert_eq!(data["framework"]["missing"], Value::Null);
    let node = app
        .graphql(
            Some(&viewer),
            "query($id: ID!) { node(id: $id) { ... on Clause { number } } }",
            json!({ "id": clause["id"] }),
        )
        .await
        .ok();
    assert_eq!(node["node"]["number"], "8.5.1");

    let empty = app
        .graphql(
            Some(&viewer),
            query,
            json!({ "id": id, "number": "", "reference": "x".repeat(201) }),
        )
        .await;
    assert_eq!(empty.code(), Some("BAD_USER_INPUT"));
    assert!(
        matches!(empty.field(), Some("number" | "reference")),
        "{:?}",
        empty.body
    );
}

#[tokio::test]
async fn mappings_are_read_from_either_side() {
    let app = spawn_app().await;
    let viewer = app.token(Role::Viewer, "viewer");
    let mapped = "query($id: ID!, $number: String!) { framework(id: $id) { clauseByNumber(number: $number) {
        mappedClauses { relationship rationale clause { reference } mapping { relationship fromClause { reference } toClause { reference } } } } } }";
    let read = |code: &'static str, number: &'static str| {
        let (app, viewer) = (&app, &viewer);
        async move {
            let id = framework_id(app, viewer, code).await;
            let data = app
                .graphql(Some(viewer), mapped, json!({ "id": id, "number": number }))
                .await
                .ok();
            data["framework"]["clauseByNumber"]["mappedClauses"].clone()
        }
    };
    let of = |list: &Value, reference: &str| {
        list.as_array()
            .expect("a list")
            .iter()
            .find(|m| m["clause"]["reference"] == reference)
            .unwrap_or_else(|| panic!("{reference} is mapped: {list}"))
            .clone()
    };

    // Numbers moved between the standards: the mapping follows the subject.
    let nonconformity = read("iso20000-1", "10.1").await;
    let to_27001 = of(&nonconformity, "iso27001:2022/10.2");
    assert_eq!(to_27001["relationship"], "EQUAL");
    assert!(
        to_27001["rationale"]
            .as_str()
            .expect("text")
            .contains("10.2")
    );
    of(&nonconformity, "iso9001:2015/10.2");

    // One clause to several: 20000-1's 7.1 covers each part of 9001's 7.1.
    let resources = read("iso20000-1", "7.1").await;
    for part in ["7.1.1", "7.1.2", "7.1.3", "7.1.4", "7.1.5"] {
        assert_eq!(
            of(&resources, &format!("iso9001:2015/{part}"))["relationship"],
            "SUPERSET"
        );
    }

    // Read from the other side, the relationship is turned around; the mapping stays as written.
    let people = read("iso9001", "7.1.2").await;
    let back = of(&people, "iso20000-1:2018/7.1");
    assert_eq!(back["relationship"], "SUBSET");
    assert_eq!(back["mapping"]["relationship"], "SUPERSET");
    assert_eq!(
        back["mapping"]["fromClause"]["reference"],
        "iso20000-1:2018/7.1"
    );
    assert_eq!(
        back["mapping"]["toClause"]["reference"],
        "iso9001:2015/7.1.2"
    );

    // 9.4 service reporting is 20000-1's own.
    assert_eq!(read("iso20000-1", "9.4").await, json!([]));
}

const IMPORT: &str =
    "mutation($document: String!) { importFramework(input: { document: $document }) {
    clauseCount mappingCount framework { id code version builtIn } } }";

/// A small framework of the organization's own, mapped to two built-in clauses.
const ACME: &str = r#"
code: acme-sms
version: "2025"
name: ACME service management requirements
publisher: ACME
clauses:
  - { number: "1", title: Scope }
  - { number: "1.1", title: Services in scope }
  - { number: "1.2", title: Exclusions, reference: "acme-sms/1.2" }
  - { number: "2", title: Leadership }
mappings:
  - { from: "1.1", to: "iso20000-1:2018/4.3", relationship: SUBSET, rationale: "Scope only" }
  - { from: "iso27001:2022/5.1", to: "2", relationship: RELATED }
"#;

#[tokio::test]
async fn an_admin_imports_a_framework_that_reads_like_a_built_in_one() {
    let app = spawn_app().await;
    let admin = app.admin();
    let (sequence, _) = app.head(&admin).await;
    let data = app
        .graphql(Some(&admin), IMPORT, json!({ "document": ACME }))
        .await
        .ok();
    let imported = &data["importFramework"];
    assert_eq!(imported["clauseCount"], 4);
    assert_eq!(imported["mappingCount"], 2);
    assert_eq!(imported["framework"]["builtIn"], false);
    let id = imported["framework"]["id"].as_str().expect("an id");

    let tree = app
        .graphql(Some(&admin), TREE, json!({ "id": id }))
        .await
        .ok();
    let clauses = &tree["framework"]["clauses"];
    assert_eq!(clauses[0]["number"], "1");
    assert_eq!(
        clauses[0]["children"],
        json!([{ "number": "1.1" }, { "number": "1.2" }])
    );
    assert_eq!(
        tree["framework"]["allClauses"][1],
        json!({ "number": "1.1", "assessable": true, "parent": { "number": "1" } })
    );
    assert_eq!(tree["framework"]["allClauses"][0]["assessable"], false);

    // The mappings read from both sides, the built-in side included.
    let mapped = "query($id: ID!, $number: String!) { framework(id: $id) {
        clauseByNumber(number: $number) { reference mappedClauses { relationship clause { reference } } } } }";
    let scope = app
        .graphql(Some(&admin), mapped, json!({ "id": id, "number": "1.1" }))
        .await
        .ok();
    assert_eq!(
        scope["framework"]["clauseByNumber"]["mappedClauses"],
        json!([{ "relationship": "SUBSET", "clause": { "reference": "iso20000-1:2018/4.3" } }])
    );
    let exclusions = app
        .graphql(Some(&admin), mapped, json!({ "id": id, "number": "1.2" }))
        .await
        .ok();
    assert_eq!(
        exclusions["framework"]["clauseByNumber"]["reference"],
        "acme-sms/1.2"
    );
    let iso = framework_id(&app, &admin, "iso20000-1").await;
    let built_in = app
        .graphql(Some(&admin), mapped, json!({ "id": iso, "number": "4.3" }))
        .await
        .ok();
    let listed = built_in["framework"]["clauseByNumber"]["mappedClauses"]
        .as_array()
        .expect("a list");
    assert!(
        listed.contains(
            &json!({ "relationship": "SUPERSET", "clause": { "reference": "acme-sms:2025/1.1" } })
        ),
        "{listed:#?}"
    );

    // One audit entry holds the whole import.
    let (after, _) = app.head(&admin).await;
    assert_eq!(after, sequence + 1);
    let trail = app
        .graphql(
            Some(&admin),
            "{ auditTrail(last: 1) { nodes { action recordType } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        trail["auditTrail"]["nodes"][0],
        json!({ "action": "framework.import", "recordType": "Framework" })
    );

    // Another organization does not read it; the same version again is a conflict; a newer
    // version stands beside it, in JSON this time.
    let other = app.token_for(create_org(&app.db, "Other Org").await, Role::Admin, "b");
    let theirs = app.graphql(Some(&other), FRAMEWORKS, json!({})).await.ok();
    assert_eq!(theirs["frameworks"]["totalCount"], 3);
    app.graphql(Some(&admin), IMPORT, json!({ "document": ACME }))
        .await
        .expect_code("CONFLICT");
    let newer = json!({
        "code": "acme-sms", "version": "2026", "name": "ACME", "publisher": "ACME",
        "clauses": [{ "number": "1", "title": "Scope" }]
    })
    .to_string();
    app.graphql(Some(&admin), IMPORT, json!({ "document": newer }))
        .await
        .ok();
    let mine = app.graphql(Some(&admin), FRAMEWORKS, json!({})).await.ok();
    assert_eq!(mine["frameworks"]["totalCount"], 5);
}

/// Imports `document` as the ADMIN and returns the problems listed, after checking that the
/// answer is BAD_USER_INPUT on the document and that nothing was written.
async fn rejected(app: &TestApp, document: &str) -> String {
    let admin = app.admin();
    let head = app.head(&admin).await;
    let reply = app
        .graphql(Some(&admin), IMPORT, json!({ "document": document }))
        .await;
    reply.expect_code("BAD_USER_INPUT");
    assert_eq!(reply.field(), Some("input.document"));
    assert_eq!(app.head(&admin).await, head, "nothing was written");
    let count = app.graphql(Some(&admin), FRAMEWORKS, json!({})).await.ok();
    assert_eq!(count["frameworks"]["totalCount"], 3);
    reply.body["errors"][0]["message"]
        .as_str()
        .expect("a message")
        .to_owned()
}

#[tokio::test]
async fn a_bad_file_is_rejected_whole_with_each_place_at_fault() {
    let app = spawn_app().await;
    let head = "code: bad\nversion: '1'\nname: Bad\npublisher: Me\nclauses:\n";
    let duplicate =
        format!("{head}  - {{ number: '1', title: A }}\n  - {{ number: '1', title: B }}\n");
    let message = rejected(&app, &duplicate).await;
    assert!(
        message.contains("line 7, clauses[1].number: number `1` is already used by clauses[0]"),
        "{message}"
    );
    let orphan =
        format!("{head}  - {{ number: '1', title: A }}\n  - {{ number: '2.1', title: B }}\n");
    let message = rejected(&app, &orphan).await;
    assert!(
        message.contains("line 7, clauses[1].number: unknown parent `2`"),
        "{message}"
    );
    let cycle = format!(
        "{head}  - {{ number: A, title: A, parent: C }}\n  - {{ number: B, title: B, parent: A }}\n  - {{ number: C, title: C, parent: B }}\n"
    );
    let message = rejected(&app, &cycle).await;
    assert!(
        message.contains("line 6, clauses[0].parent: the parents form a cycle: A -> C -> B -> A"),
        "{message}"
    );
    // Problems only the library can tell are named the same way.
    let unknown = format!(
        "{head}  - {{ number: '1', title: A }}\nmappings:\n  - {{ from: '1', to: 'iso27001:2013/5.1', relationship: EQUAL }}\n  - {{ from: '1', to: 'iso9001:2015/99', relationship: EQUAL }}\n"
    );
    let message = rejected(&app, &unknown).await;
    assert!(
        message.contains("line 8, mappings[0].to: unknown framework `iso27001:2013`"),
        "{message}"
    );
    assert!(
        message.contains("line 9, mappings[1].to: framework `iso9001:2015` has no clause `99`"),
        "{message}"
    );
    let message = rejected(&app, "code: [unclosed").await;
    assert!(message.contains("line 1"), "{message}");
}

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

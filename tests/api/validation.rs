//! Bad input gets a clear error with a code (and the field), changes nothing, and the server
//! keeps serving.

use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

const CREATE: &str =
    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }";

async fn assert_still_serving(app: &TestApp) {
    let status = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success());
    app.graphql(Some(&app.admin()), "{ viewer { subject } }", json!({}))
        .await
        .ok();
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_a_code() {
    let app = spawn_app().await;
    let admin = app.admin();
    for body in ["{", "not json", "[1, 2", "{\"query\": 42}", ""] {
        let response = app.post_raw(Some(&admin), "application/json", body).await;
        assert_eq!(response.status, 400, "{body}");
        response.expect_code("BAD_USER_INPUT");
    }
    let wrong_type = app
        .post_raw(
            Some(&admin),
            "application/xml",
            r#"{"query":"{ viewer { subject } }"}"#,
        )
        .await;
    assert_eq!(wrong_type.status, 415);
    wrong_type.expect_code("BAD_USER_INPUT");
    let bad_query = app
        .graphql(Some(&admin), "{ viewer { subject ", json!({}))
        .await;
    bad_query.expect_code("BAD_USER_INPUT");
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn unknown_fields_and_wrong_enum_values_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.admin();
    let people = app.count_people().await;
    let head = app.head(&admin).await;

    app.graphql(Some(&admin), "{ viewer { shoeSize } }", json!({}))
        .await
        .expect_code("BAD_USER_INPUT");
    let unknown_input = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Olga", "email": "olga@example.com", "shoeSize": 38 } }),
        )
        .await;
    unknown_input.expect_code("BAD_USER_INPUT");
    let wrong_enum = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Olga", "email": "olga@example.com", "role": "KING" } }),
        )
        .await;
    wrong_enum.expect_code("BAD_USER_INPUT");
    let inline_enum = app
        .graphql(
            Some(&admin),
            r#"mutation { createPerson(input: { name: "Olga", email: "olga@example.com", role: KING }) { person { id } } }"#,
            json!({}),
        )
        .await;
    inline_enum.expect_code("BAD_USER_INPUT");
    let missing_field = app
        .graphql(Some(&admin), CREATE, json!({ "input": { "name": "Olga" } }))
        .await;
    missing_field.expect_code("BAD_USER_INPUT");
    let wrong_type = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": 7, "email": "olga@example.com" } }),
        )
        .await;
    wrong_type.expect_code("BAD_USER_INPUT");

    assert_eq!(app.count_people().await, people);
    assert_eq!(app.head(&admin).await, head);
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn empty_over_long_and_malformed_strings_name_their_field() {
    let app = spawn_app().await;
    let admin = app.admin();
    let id = app
        .create_person(&admin, "Pedro Santos", "pedro@example.com")
        .await;
    let people = app.count_people().await;
    let head = app.head(&admin).await;

    let cases = [
        (
            json!({ "name": "", "email": "a@example.com" }),
            "input.name",
        ),
        (
            json!({ "name": "   ", "email": "a@example.com" }),
            "input.name",
        ),
        (
            json!({ "name": "x".repeat(201), "email": "a@example.com" }),
            "input.name",
        ),
        (
            json!({ "name": "Tab\tName", "email": "a@example.com" }),
            "input.name",
        ),
        (json!({ "name": "Quinn", "email": "" }), "input.email"),
        (
            json!({ "name": "Quinn", "email": "not-an-address" }),
            "input.email",
        ),
        (
            json!({ "name": "Quinn", "email": format!("{}@example.com", "q".repeat(250)) }),
            "input.email",
        ),
        (
            json!({ "name": "Quinn", "email": "q@example.com", "loginSubject": "" }),
            "input.loginSubject",
        ),
        (
            json!({ "name": "Quinn", "email": "q@example.com", "loginSubject": "s".repeat(256) }),
            "input.loginSubject",
        ),
    ];
    for (input, field) in cases {
        let response = app
            .graphql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        response.expect_code("BAD_USER_INPUT");
        assert_eq!(response.field(), Some(field), "{input}");
    }
    let update = app
        .graphql(
            Some(&admin),
            "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id } } }",
            json!({ "input": { "id": id, "name": "" } }),
        )
        .await;
    update.expect_code("BAD_USER_INPUT");
    assert_eq!(update.field(), Some("input.name"));
    let bad_id = app
        .graphql(
            Some(&admin),
            "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id } } }",
            json!({ "input": { "id": "%%%", "name": "X" } }),
        )
        .await;
    bad_id.expect_code("BAD_USER_INPUT");
    assert_eq!(bad_id.field(), Some("input.id"));
    let rename = app
        .graphql(
            Some(&admin),
            "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { name } } }",
            json!({ "input": { "name": "o".repeat(201) } }),
        )
        .await;
    rename.expect_code("BAD_USER_INPUT");
    assert_eq!(rename.field(), Some("input.name"));

    assert_eq!(app.count_people().await, people);
    assert_eq!(app.head(&admin).await, head);
    assert_still_serving(&app).await;
}

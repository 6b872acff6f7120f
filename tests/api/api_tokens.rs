//! API tokens: created by an ADMIN, shown once, stored hashed, scoped by the same guards as
//! roles, revocable and expiring with immediate effect.

use entity::{Role, api_token};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CREATE_TOKEN: &str = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id name displayPrefix scopes expiresAt lastUsedAt revokedAt createdBy } } }";
const REVOKE_TOKEN: &str = "mutation($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { apiToken { revokedAt } } }";
const CREATE_PERSON: &str =
    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }";

async fn create_token(app: &TestApp, scopes: Value) -> (String, Value) {
    let data = app
        .graphql(
            Some(&app.admin()),
            CREATE_TOKEN,
            json!({ "input": { "name": "ITSM sync", "scopes": scopes } }),
        )
        .await
        .ok();
    let payload = &data["createApiToken"];
    (
        payload["secret"].as_str().unwrap().to_owned(),
        payload["apiToken"].clone(),
    )
}

#[tokio::test]
async fn a_token_acts_as_itself_within_its_scopes() {
    let app = spawn_app().await;
    let (secret, token) = create_token(&app, json!(["READ", "PEOPLE_WRITE"])).await;
    assert!(secret.starts_with("iso20k_"), "recognizable: {secret}");
    assert!(secret.starts_with(token["displayPrefix"].as_str().unwrap()));
    assert_eq!(token["scopes"], json!(["READ", "PEOPLE_WRITE"]));
    assert_eq!(token["createdBy"], "admin");

    let me = app
        .graphql(
            Some(&secret),
            "{ viewer { role scopes organization { name } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        me["viewer"],
        json!({ "role": null, "scopes": ["READ", "PEOPLE_WRITE"], "organization": { "name": "Test Org" } })
    );
    app.graphql(
        Some(&secret),
        CREATE_PERSON,
        json!({ "input": { "name": "From Script", "email": "script@example.com" } }),
    )
    .await
    .ok();

    let trail = app
        .graphql(Some(&app.admin()), r#"{ auditTrail(filter: { action: "person.create" }) { edges { node { actorKind actorSubject } } } }"#, json!({}))
        .await
        .ok();
    let id = token["id"].as_str().unwrap();
    let (_, uuid) = decode(id);
    assert_eq!(
        trail["auditTrail"]["edges"][0]["node"],
        json!({ "actorKind": "API_TOKEN", "actorSubject": format!("api-token:{uuid}") })
    );

    let listed = app
        .graphql(
            Some(&app.admin()),
            "{ apiTokens { totalCount edges { node { name lastUsedAt } } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(listed["apiTokens"]["totalCount"], 1);
    assert!(
        listed["apiTokens"]["edges"][0]["node"]["lastUsedAt"].is_string(),
        "last use is recorded"
    );
}

fn decode(id: &str) -> (String, String) {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).unwrap()).unwrap();
    let (kind, uuid) = text.split_once(':').unwrap();
    (kind.to_owned(), uuid.to_owned())
}

#[tokio::test]
async fn scopes_are_enforced_like_roles() {
    let app = spawn_app().await;
    let (read_only, _) = create_token(&app, json!(["READ"])).await;
    let people = app.count_people().await;
    app.graphql(Some(&read_only), "{ people { totalCount } }", json!({}))
        .await
        .ok();
    let refused = app
        .graphql(
            Some(&read_only),
            CREATE_PERSON,
            json!({ "input": { "name": "Nope", "email": "nope@example.com" } }),
        )
        .await;
    refused.expect_code("FORBIDDEN");
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("PEOPLE_WRITE")
    );
    app.graphql(Some(&read_only), "{ auditTrail { totalCount } }", json!({}))
        .await
        .expect_code("FORBIDDEN");
    assert_eq!(app.count_people().await, people);

    // No scope reaches access management: a token cannot mint tokens or grant roles.
    let (everything, _) =
        create_token(&app, json!(["READ", "PEOPLE_WRITE", "AUDIT_TRAIL_READ"])).await;
    app.graphql(
        Some(&everything),
        CREATE_TOKEN,
        json!({ "input": { "name": "child", "scopes": ["READ"] } }),
    )
    .await
    .expect_code("FORBIDDEN");
    app.graphql(Some(&everything), "{ apiTokens { totalCount } }", json!({}))
        .await
        .expect_code("FORBIDDEN");
    app.graphql(
        Some(&everything),
        CREATE_PERSON,
        json!({ "input": { "name": "Root", "email": "root@example.com", "role": "ADMIN" } }),
    )
    .await
    .expect_code("FORBIDDEN");
    app.graphql(
        Some(&everything),
        "{ auditTrail { totalCount } }",
        json!({}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn only_admins_manage_tokens() {
    let app = spawn_app().await;
    for role in [
        Role::Manager,
        Role::ProcessOwner,
        Role::Auditor,
        Role::Viewer,
    ] {
        let token = app.token(role, "someone");
        app.graphql(
            Some(&token),
            CREATE_TOKEN,
            json!({ "input": { "name": "x", "scopes": ["READ"] } }),
        )
        .await
        .expect_code("FORBIDDEN");
    }
    assert_eq!(
        api_token::Entity::find().all(&app.db).await.unwrap().len(),
        0
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once() {
    let app = spawn_app().await;
    let (secret, token) = create_token(&app, json!(["READ"])).await;
    app.graphql(Some(&secret), "{ viewer { scopes } }", json!({}))
        .await
        .ok();
    let revoked = app
        .graphql(
            Some(&app.admin()),
            REVOKE_TOKEN,
            json!({ "input": { "id": token["id"] } }),
        )
        .await
        .ok();
    assert!(revoked["revokeApiToken"]["apiToken"]["revokedAt"].is_string());
    app.graphql(Some(&secret), "{ viewer { scopes } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    let (secret, _) = create_token(&app, json!(["READ"])).await;
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(api_token::Column::OrganizationId.eq(app.org))
        .exec(&app.db)
        .await
        .unwrap();
    app.graphql(Some(&secret), "{ viewer { scopes } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
    app.graphql(Some("iso20k_made-up"), "{ viewer { scopes } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
}

#[tokio::test]
async fn bad_token_input_is_refused() {
    let app = spawn_app().await;
    for (input, field) in [
        (json!({ "name": "", "scopes": ["READ"] }), "input.name"),
        (json!({ "name": "x", "scopes": [] }), "input.scopes"),
        (
            json!({ "name": "x", "scopes": ["READ"], "expiresAt": "2000-01-01T00:00:00Z" }),
            "input.expiresAt",
        ),
    ] {
        let response = app
            .graphql(Some(&app.admin()), CREATE_TOKEN, json!({ "input": input }))
            .await;
        response.expect_code("BAD_USER_INPUT");
        assert_eq!(response.field(), Some(field));
    }
    app.graphql(
        Some(&app.admin()),
        CREATE_TOKEN,
        json!({ "input": { "name": "x", "scopes": ["EVERYTHING"] } }),
    )
    .await
    .expect_code("BAD_USER_INPUT");
    assert_eq!(
        api_token::Entity::find().all(&app.db).await.unwrap().len(),
        0
    );
}

#[tokio::test]
async fn the_secret_is_not_stored_in_clear() {
    let app = spawn_app().await;
    let (secret, _) = create_token(&app, json!(["READ"])).await;
    let random_part = &secret["iso20k_".len()..];
    let row = api_token::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let stored = format!("{row:?}");
    assert!(
        !stored.contains(random_part),
        "the secret is in the row: {stored}"
    );
    let trail = app
        .graphql(
            Some(&app.admin()),
            "{ auditTrail { edges { node { after } } } }",
            json!({}),
        )
        .await
        .ok();
    assert!(!trail.to_string().contains(random_part));
    assert!(
        !trail.to_string().contains(&row.secret_hash),
        "not even the hash reaches the audit trail"
    );
}

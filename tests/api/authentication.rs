//! Every way a credential can be bad answers UNAUTHENTICATED.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::Role;
use iso20000::config::JwtAlgorithm;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{SECRET, TestApp, spawn_app, spawn_app_with};

const VIEWER_QUERY: &str = "{ viewer { subject role organization { name } } }";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims for the app's organization, adjustable per test.
fn claims(app: &TestApp) -> Value {
    json!({ "sub": "ada", "org": app.org.to_string(), "role": "ADMIN", "exp": now() + 300 })
}

fn hs256(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn rs256(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(include_bytes!("../fixtures/rsa-private.pem")).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

async fn assert_refused(app: &TestApp, token: Option<&str>) {
    let response = app.graphql(token, VIEWER_QUERY, json!({})).await;
    response.expect_code("UNAUTHENTICATED");
    assert!(response.data().is_null(), "{:#}", response.body);
}

#[tokio::test]
async fn a_valid_token_names_its_bearer() {
    let app = spawn_app().await;
    let data = app
        .graphql(
            Some(&hs256(&claims(&app), SECRET.as_bytes())),
            VIEWER_QUERY,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(data["viewer"]["subject"], "ada");
    assert_eq!(data["viewer"]["role"], "ADMIN");
    assert_eq!(data["viewer"]["organization"]["name"], "Test Org");
}

#[tokio::test]
async fn no_token_or_a_malformed_header_is_refused() {
    let app = spawn_app().await;
    assert_refused(&app, None).await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("authorization", "Basic YWRhOnNlY3JldA==")
        .json(&json!({ "query": VIEWER_QUERY }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        response["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    assert_refused(&app, Some("not.a.jwt")).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    let mut expired = claims(&app);
    expired["exp"] = json!(now() - 120);
    assert_refused(&app, Some(&hs256(&expired, SECRET.as_bytes()))).await;
}

#[tokio::test]
async fn a_token_without_exp_is_refused() {
    let app = spawn_app().await;
    let mut no_exp = claims(&app);
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_refused(&app, Some(&hs256(&no_exp, SECRET.as_bytes()))).await;
}

#[tokio::test]
async fn a_token_not_valid_yet_is_refused() {
    let app = spawn_app().await;
    let mut future = claims(&app);
    future["nbf"] = json!(now() + 3600);
    assert_refused(&app, Some(&hs256(&future, SECRET.as_bytes()))).await;
}

#[tokio::test]
async fn a_wrong_signature_is_refused() {
    let app = spawn_app().await;
    assert_refused(
        &app,
        Some(&hs256(
            &claims(&app),
            b"another-secret-0123456789abcdef0123",
        )),
    )
    .await;
}

#[tokio::test]
async fn alg_none_is_refused() {
    let app = spawn_app().await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(&app).to_string());
    assert_refused(&app, Some(&format!("{header}.{payload}."))).await;
}

#[tokio::test]
async fn an_rs256_token_is_refused_by_an_hs256_server() {
    let app = spawn_app().await;
    assert_refused(&app, Some(&rs256(&claims(&app)))).await;
}

fn rs256_config(config: &mut iso20000::config::ServeConfig) {
    config.jwt.jwt_algorithm = JwtAlgorithm::Rs256;
    config.jwt.jwt_secret = None;
    config.jwt.jwt_public_key_file =
        Some(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rsa-public.pem").into());
}

#[tokio::test]
async fn an_rs256_server_accepts_rs256_and_refuses_hs256() {
    let app = spawn_app_with(rs256_config).await;
    app.graphql(Some(&rs256(&claims(&app))), VIEWER_QUERY, json!({}))
        .await
        .ok();
    // The classic confusion attack: HMAC keyed with the server's public key.
    let public_key = include_bytes!("../fixtures/rsa-public.pem");
    assert_refused(&app, Some(&hs256(&claims(&app), public_key))).await;
    assert_refused(&app, Some(&hs256(&claims(&app), SECRET.as_bytes()))).await;
}

#[tokio::test]
async fn an_es256_server_accepts_es256_tokens() {
    let app = spawn_app_with(|config| {
        config.jwt.jwt_algorithm = JwtAlgorithm::Es256;
        config.jwt.jwt_secret = None;
        config.jwt.jwt_public_key_file =
            Some(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ec-public.pem").into());
    })
    .await;
    let key = EncodingKey::from_ec_pem(include_bytes!("../fixtures/ec-private.pem")).unwrap();
    let token = jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims(&app), &key).unwrap();
    app.graphql(Some(&token), VIEWER_QUERY, json!({}))
        .await
        .ok();
    assert_refused(&app, Some(&rs256(&claims(&app)))).await;
}

#[tokio::test]
async fn issuer_and_audience_are_checked_when_configured() {
    let app = spawn_app_with(|config| {
        config.jwt.jwt_issuer = Some("https://idp.example".into());
        config.jwt.jwt_audience = Some("iso20000".into());
    })
    .await;
    let mut good = claims(&app);
    good["iss"] = json!("https://idp.example");
    good["aud"] = json!("iso20000");
    app.graphql(
        Some(&hs256(&good, SECRET.as_bytes())),
        VIEWER_QUERY,
        json!({}),
    )
    .await
    .ok();

    for (claim, value) in [
        ("iss", json!("https://evil.example")),
        ("aud", json!("someone-else")),
    ] {
        let mut wrong = good.clone();
        wrong[claim] = value;
        assert_refused(&app, Some(&hs256(&wrong, SECRET.as_bytes()))).await;
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove(claim);
        assert_refused(&app, Some(&hs256(&missing, SECRET.as_bytes()))).await;
    }
}

#[tokio::test]
async fn a_token_naming_an_unknown_organization_is_refused() {
    let app = spawn_app().await;
    let mut unknown = claims(&app);
    unknown["org"] = json!(Uuid::now_v7().to_string());
    assert_refused(&app, Some(&hs256(&unknown, SECRET.as_bytes()))).await;
}

#[tokio::test]
async fn a_token_with_an_unknown_role_or_no_role_is_refused() {
    let app = spawn_app().await;
    let mut king = claims(&app);
    king["role"] = json!("KING");
    assert_refused(&app, Some(&hs256(&king, SECRET.as_bytes()))).await;
    let mut none = claims(&app);
    none.as_object_mut().unwrap().remove("role");
    assert_refused(&app, Some(&hs256(&none, SECRET.as_bytes()))).await;
}

#[tokio::test]
async fn custom_claim_names_are_read() {
    let app = spawn_app_with(|config| {
        config.jwt.jwt_organization_claim = "tenant".into();
        config.jwt.jwt_role_claim = "https://iso20000.example/role".into();
    })
    .await;
    let custom = json!({
        "sub": "ada", "tenant": app.org.to_string(), "https://iso20000.example/role": "AUDITOR", "exp": now() + 300
    });
    let data = app
        .graphql(
            Some(&hs256(&custom, SECRET.as_bytes())),
            VIEWER_QUERY,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(data["viewer"]["role"], "AUDITOR");
    assert_refused(&app, Some(&hs256(&claims(&app), SECRET.as_bytes()))).await;
}

#[tokio::test]
async fn a_deactivated_persons_login_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin();
    let data = app
        .graphql(
            Some(&admin),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "name": "Bo Lindqvist", "email": "bo@example.com", "loginSubject": "bo", "role": "MANAGER" } }),
        )
        .await
        .ok();
    let id = data["createPerson"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bo = app.token(Role::Manager, "bo");
    let me = app
        .graphql(Some(&bo), "{ viewer { person { name } } }", json!({}))
        .await
        .ok();
    assert_eq!(me["viewer"]["person"]["name"], "Bo Lindqvist");

    app.graphql(
        Some(&admin),
        "mutation($input: SetPersonActiveInput!) { deactivatePerson(input: $input) { person { active } } }",
        json!({ "input": { "id": id } }),
    )
    .await
    .ok();
    assert_refused(&app, Some(&bo)).await;
}

#[tokio::test]
async fn introspection_needs_no_token_but_data_does() {
    let app = spawn_app().await;
    let data = app
        .graphql(None, "{ __schema { queryType { name } } }", json!({}))
        .await
        .ok();
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}

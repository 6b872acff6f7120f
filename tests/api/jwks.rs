//! Keys from an identity provider's JWKS URL: rotation is picked up, unknown `kid`s do not
//! cause a flood of fetches, and no header of a token chooses where keys come from.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{Json, Router, extract::State, routing::get};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

/// A stand-in identity provider serving a JWKS that tests can change, counting fetches (as
/// they start), and answering after `delay`.
#[derive(Clone)]
struct Provider {
    jwks: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
    delay: Arc<Mutex<Duration>>,
    url: String,
}

async fn serve_jwks(State(provider): State<Provider>) -> Json<Value> {
    provider.fetches.fetch_add(1, Ordering::SeqCst);
    let delay = *provider.delay.lock().unwrap();
    tokio::time::sleep(delay).await;
    Json(provider.jwks.lock().unwrap().clone())
}

async fn provider(keys: Value) -> Provider {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let provider = Provider {
        jwks: Arc::new(Mutex::new(json!({ "keys": keys }))),
        fetches: Arc::new(AtomicUsize::new(0)),
        delay: Arc::new(Mutex::new(Duration::ZERO)),
        url,
    };
    let router = Router::new()
        .route("/jwks.json", get(serve_jwks))
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    provider
}

fn key_1() -> Value {
    serde_json::from_str(include_str!("../fixtures/rsa-jwk.json")).unwrap()
}

fn key_2() -> Value {
    serde_json::from_str(include_str!("../fixtures/rsa2-jwk.json")).unwrap()
}

fn sign(app: &TestApp, private_pem: &[u8], header: Header) -> String {
    let claims = json!({ "sub": "ada", "org": app.org.to_string(), "role": "ADMIN", "exp": chrono::Utc::now().timestamp() + 300 });
    jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(private_pem).unwrap(),
    )
    .unwrap()
}

fn with_kid(kid: &str) -> Header {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    header
}

const KEY_1: &[u8] = include_bytes!("../fixtures/rsa-private.pem");
const KEY_2: &[u8] = include_bytes!("../fixtures/rsa2-private.pem");

async fn app_for(provider: &Provider, min_refresh: Duration) -> TestApp {
    let url = provider.url.clone();
    spawn_app_with(move |c| {
        c.jwt.jwt_algorithm = iso20000::config::JwtAlgorithm::Rs256;
        c.jwt.jwt_secret = None;
        c.jwt.jwt_jwks_url = Some(url);
        c.jwt.jwt_jwks_min_refresh = min_refresh;
    })
    .await
}

async fn code(app: &TestApp, token: &str) -> Option<String> {
    app.graphql(Some(token), "{ viewer { subject } }", json!({}))
        .await
        .code()
        .map(str::to_owned)
}

#[tokio::test]
async fn a_key_rotation_at_the_provider_is_picked_up() {
    let provider = provider(json!([key_1()])).await;
    let app = app_for(&provider, Duration::from_millis(300)).await;
    let old = sign(&app, KEY_1, with_kid("key-1"));
    assert_eq!(code(&app, &old).await, None, "key-1 works");

    *provider.jwks.lock().unwrap() = json!({ "keys": [key_2()] });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let new = sign(&app, KEY_2, with_kid("key-2"));
    assert_eq!(
        code(&app, &new).await,
        None,
        "the new key is fetched on its first use"
    );
    assert_eq!(
        code(&app, &old).await.as_deref(),
        Some("UNAUTHENTICATED"),
        "the retired key is gone"
    );
    // A token claiming key-2 but signed with key-1 is still a bad signature.
    assert_eq!(
        code(&app, &sign(&app, KEY_1, with_kid("key-2")))
            .await
            .as_deref(),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn unknown_kids_do_not_flood_the_provider() {
    let provider = provider(json!([key_1()])).await;
    let app = app_for(&provider, Duration::from_secs(30)).await;
    assert_eq!(
        code(&app, &sign(&app, KEY_1, with_kid("key-1"))).await,
        None
    );
    let fetches = provider.fetches.load(Ordering::SeqCst);
    for i in 0..25 {
        let token = sign(&app, KEY_1, with_kid(&format!("made-up-{i}")));
        assert_eq!(code(&app, &token).await.as_deref(), Some("UNAUTHENTICATED"));
    }
    assert_eq!(
        provider.fetches.load(Ordering::SeqCst),
        fetches,
        "no refetch within the minimum interval"
    );
    let no_kid = sign(&app, KEY_1, Header::new(Algorithm::RS256));
    assert_eq!(
        code(&app, &no_kid).await.as_deref(),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn key_pointing_headers_are_refused_and_never_followed() {
    let provider = provider(json!([key_1()])).await;
    let elsewhere = self::provider(json!([key_1()])).await;
    let app = app_for(&provider, Duration::from_millis(10)).await;
    let mut jku = with_kid("key-1");
    jku.jku = Some(elsewhere.url.clone());
    let mut x5u = with_kid("key-1");
    x5u.x5u = Some(elsewhere.url.clone());
    let mut jwk = with_kid("key-1");
    jwk.jwk = Some(serde_json::from_value(key_1()).unwrap());
    for header in [jku, x5u, jwk] {
        assert_eq!(
            code(&app, &sign(&app, KEY_1, header)).await.as_deref(),
            Some("UNAUTHENTICATED")
        );
    }
    assert_eq!(
        elsewhere.fetches.load(Ordering::SeqCst),
        0,
        "the token's URL was never fetched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_provider_stalls_no_login_whose_key_is_cached() {
    const SLOW: Duration = Duration::from_secs(4);
    let provider = provider(json!([key_1()])).await;
    let app = app_for(&provider, Duration::from_millis(100)).await;
    let known = sign(&app, KEY_1, with_kid("key-1"));
    assert_eq!(
        code(&app, &known).await,
        None,
        "key-1 is fetched and cached"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    *provider.delay.lock().unwrap() = SLOW;
    let fetches = provider.fetches.load(Ordering::SeqCst);

    // Tokens naming a key the server has not seen make it ask the provider, which is slow.
    let app = &app;
    let unknown = futures_util::future::join_all((0..5).map(|i| {
        let token = sign(app, KEY_1, with_kid(&format!("not-yet-{i}")));
        async move { code(app, &token).await }
    }));
    let cached_login = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while provider.fetches.load(Ordering::SeqCst) == fetches {
            assert!(tokio::time::Instant::now() < deadline, "no fetch started");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let started = std::time::Instant::now();
        let answer = code(app, &known).await;
        (answer, started.elapsed())
    };
    let (unknown, (answer, took)) = tokio::join!(unknown, cached_login);

    assert_eq!(answer, None);
    assert!(
        took < Duration::from_millis(1500),
        "a login with a cached key waited {took:?} for the provider"
    );
    for answer in unknown {
        assert_eq!(answer.as_deref(), Some("UNAUTHENTICATED"));
    }
    assert_eq!(
        provider.fetches.load(Ordering::SeqCst),
        fetches + 1,
        "the callers that waited used the fetch in flight instead of each fetching"
    );
}

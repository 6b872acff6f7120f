//! `spawn_app()` and the helpers every test uses.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use entity::Role;
use iso20000::{
    auth::jwt::JwtIssuer,
    config::{DatabaseConfig, JwtConfig, ServeConfig, ServerConfig},
    events::EventBus,
    organization::store as organization_store,
    startup::Application,
};
use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

/// The HS256 secret of test servers.
pub const SECRET: &str = "test-secret-0123456789abcdef0123456789";

/// A database of its own for one test: a SQLite file in a temporary folder, or a PostgreSQL
/// database cloned from a migrated template when `TEST_DATABASE_URL` names a server.
pub struct TestDatabase {
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
        {
            Some(admin_url) => {
                // Named after the server's database, so that a CI run can drop everything it made.
                let name = format!(
                    "{}_t_{}",
                    database_name(&admin_url),
                    Uuid::now_v7().simple()
                );
                let template = ensure_template(&admin_url).await;
                let admin = sea_orm::Database::connect(&admin_url)
                    .await
                    .expect("PostgreSQL reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                Self {
                    url: replace_database(&admin_url, &name),
                    postgres: Some((admin_url, name)),
                    _dir: dir,
                }
            }
            None => Self {
                url: format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
                postgres: None,
                _dir: dir,
            },
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async; a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = sea_orm::Database::connect(&admin_url).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
    }
}

fn database_name(url: &str) -> &str {
    let base = url.split_once('?').map_or(url, |(b, _)| b);
    base.rsplit_once('/').map_or("test", |(_, name)| name)
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// A migrated template database, made once per migration set (by whichever test process gets
/// there first: nextest runs each test in its own process).
async fn ensure_template(admin_url: &str) -> String {
    let fingerprint: String = migration::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect::<Vec<_>>()
        .join(",");
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(fingerprint.as_bytes()))
    };
    let template = format!("{}_tpl_{}", database_name(admin_url), &digest[..12]);
    let admin = sea_orm::Database::connect(admin_url)
        .await
        .expect("PostgreSQL reachable");
    admin
        .execute_unprepared("SELECT pg_advisory_lock(20000)")
        .await
        .expect("template lock");
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{template}'"),
        ))
        .await
        .expect("template lookup")
        .is_some();
    if !exists {
        admin
            .execute_unprepared(&format!("CREATE DATABASE {template}"))
            .await
            .expect("create template");
        let db = sea_orm::Database::connect(replace_database(admin_url, &template))
            .await
            .expect("connect template");
        iso20000::db::migrate(&db).await.expect("migrate template");
        db.close().await.ok();
    }
    admin
        .execute_unprepared("SELECT pg_advisory_unlock(20000)")
        .await
        .expect("template unlock");
    admin.close().await.ok();
    template
}

/// A running server and what tests need to talk to it.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    /// A direct connection to the server's database, to arrange and to check.
    pub db: DatabaseConnection,
    pub jwt: JwtConfig,
    pub data_dir: PathBuf,
    /// The organization every test starts with.
    pub org: Uuid,
    /// What the server was started with, for replicas.
    config: ServeConfig,
    /// Dropped with the app (not with its replicas): the PostgreSQL database goes with it.
    _database: Option<TestDatabase>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A server with the default test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server whose configuration `customize` adjusts first.
pub async fn spawn_app_with(customize: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let database = TestDatabase::new().await;
    let data_dir = database._dir.path().to_path_buf();
    let mut config = ServeConfig {
        limits: iso20000::config::LimitsConfig::default(),
        evidence: iso20000::config::EvidenceConfig::default(),
        server: ServerConfig {
            host: [127, 0, 0, 1].into(),
            port: 0,
            graphiql: true,
            shutdown_timeout: Duration::from_secs(2),
            read_cache_bytes: 64 * 1024 * 1024,
            metrics_token: None,
        },
        database: DatabaseConfig {
            database_url: Some(database.url.clone()),
            data_dir: data_dir.clone(),
            db_max_connections: 5,
        },
        jwt: JwtConfig::with_secret(SECRET),
    };
    customize(&mut config);
    let (address, stop) = start(&config).await;
    let db = iso20000::db::connect(&DatabaseConfig {
        db_max_connections: 3,
        ..config.database.clone()
    })
    .await
    .expect("test connection");
    let org = create_org(&db, "Test Org").await;
    TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        jwt: config.jwt.clone(),
        data_dir,
        org,
        config,
        _database: Some(database),
        stop: Some(stop),
    }
}

/// Starts a server; it stops when the sender is dropped or used.
async fn start(config: &ServeConfig) -> (SocketAddr, oneshot::Sender<()>) {
    let app = Application::build(config.clone())
        .await
        .expect("server builds");
    let address = app.local_addr().expect("bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (address, stop)
}

impl TestApp {
    /// SQL statements this server has sent so far, from its /metrics.
    pub async fn statements(&self) -> f64 {
        // After a change the server recomputes readiness in the background (a pass starts
        // within 100 ms and takes a few statements): let it finish, so that a count measures
        // the request alone.
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.metric("iso20000_db_statements_total").await
    }

    /// The text GET /metrics answers.
    pub async fn metrics_text(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The value of the /metrics sample named `series` (with its labels, if any); 0 if absent.
    pub async fn metric(&self, series: &str) -> f64 {
        let text = self.metrics_text().await;
        text.lines()
            .find_map(|line| {
                line.strip_prefix(series)
                    .and_then(|v| v.trim().parse().ok())
            })
            .unwrap_or(0.0)
    }

    /// A second server on the same database and signing key, as a scaled-out deployment runs
    /// one: the same tokens work on both.
    pub async fn replica(&self) -> TestApp {
        let (address, stop) = start(&self.config).await;
        let mut replica = self.served_at(address);
        replica.stop = Some(stop);
        replica
    }
}

/// Creates an organization the way the CLI does.
pub async fn create_org(db: &DatabaseConnection, name: &str) -> Uuid {
    organization_store::create(db, &EventBus::default(), name, "test")
        .await
        .map_err(iso20000::error::AppError::into_anyhow)
        .expect("organization created")
        .id
}

/// A GraphQL response, with helpers to read it.
#[derive(Debug)]
pub struct Gql {
    pub status: reqwest::StatusCode,
    pub body: Value,
}

impl Gql {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// The code of the first error, if any.
    pub fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// The field of the first error, if any.
    pub fn field(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["field"].as_str()
    }

    /// Panics with the whole body unless there are no errors.
    pub fn ok(self) -> Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {:#}",
            self.body
        );
        self.body["data"].clone()
    }

    /// Panics with the whole body unless the first error has `code`.
    pub fn expect_code(&self, code: &str) -> &Self {
        assert_eq!(self.code(), Some(code), "expected {code}: {:#}", self.body);
        self
    }
}

impl TestApp {
    /// Starts the server's graceful shutdown, as SIGTERM would.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// GET /graphql as a browser asks for it (GraphiQL).
    pub async fn graphiql_page(&self) -> reqwest::Response {
        self.client
            .get(self.url("/graphql"))
            .header("accept", "text/html")
            .send()
            .await
            .expect("GET /graphql")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// This app's database and keys, served from `address` (a server this test started some
    /// other way, such as a second process).
    pub fn served_at(&self, address: SocketAddr) -> TestApp {
        TestApp {
            address,
            client: reqwest::Client::new(),
            db: self.db.clone(),
            jwt: self.jwt.clone(),
            data_dir: self.data_dir.clone(),
            org: self.org,
            config: self.config.clone(),
            _database: None,
            stop: None,
        }
    }

    /// The URL of the server's database.
    pub fn database_url(&self) -> Option<String> {
        self.config.database.database_url.clone()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/graphql/ws", self.address)
    }

    /// A token for the default organization.
    pub fn token(&self, role: Role, subject: &str) -> String {
        self.token_for(self.org, role, subject)
    }

    /// A token for any organization.
    pub fn token_for(&self, org: Uuid, role: Role, subject: &str) -> String {
        JwtIssuer::from_config(&self.jwt, &self.data_dir)
            .expect("issuer")
            .mint(org, role, subject, Duration::from_secs(600))
            .expect("token")
    }

    pub fn admin(&self) -> String {
        self.token(Role::Admin, "admin")
    }

    /// POSTs a query with an optional bearer token.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let body = json!({ "query": query, "variables": variables });
        // A modern client: request errors answer 400, which the tests assert.
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let body = response.json::<Value>().await.expect("JSON body");
        Gql { status, body }
    }

    /// POSTs a raw body with a content type.
    pub async fn post_raw(
        &self,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Gql {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header("content-type", content_type)
            .header("accept", "application/graphql-response+json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        Gql { status, body }
    }

    /// The global id of the default organization's process with this code.
    pub async fn process_id(&self, code: &str) -> String {
        let data = self
            .graphql(
                Some(&self.admin()),
                "query($code: String!) { processes(filter: { search: $code }, first: 100) { edges { node { id code } } } }",
                json!({ "code": code }),
            )
            .await
            .ok();
        data["processes"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["node"]["code"] == code)
            .expect("the process")["node"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Creates a person as ADMIN and returns its global id.
    pub async fn create_person(&self, token: &str, name: &str, email: &str) -> String {
        let data = self
            .graphql(
                Some(token),
                "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
                json!({ "input": { "name": name, "email": email } }),
            )
            .await
            .ok();
        data["createPerson"]["person"]["id"]
            .as_str()
            .expect("person id")
            .to_owned()
    }

    /// The audit trail head of the token's organization: (sequence, hash).
    pub async fn head(&self, token: &str) -> (i64, String) {
        let data = self
            .graphql(
                Some(token),
                "{ auditTrailHead { sequence hash } }",
                json!({}),
            )
            .await
            .ok();
        (
            data["auditTrailHead"]["sequence"]
                .as_i64()
                .expect("sequence"),
            data["auditTrailHead"]["hash"]
                .as_str()
                .expect("hash")
                .to_owned(),
        )
    }

    /// Number of people rows in the whole database.
    pub async fn count_people(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::person::Entity::find()
            .count(&self.db)
            .await
            .expect("count")
    }
}

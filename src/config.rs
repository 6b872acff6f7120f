//! Every setting of the server, from flags and environment variables, with defaults that run out
//! of the box: no flag at all gives a SQLite file in `./data` on 127.0.0.1:8080.

use std::{net::IpAddr, path::PathBuf, time::Duration};

use clap::{Args, ValueEnum};

/// Where the data lives.
#[derive(Args, Clone, Debug)]
pub struct DatabaseConfig {
    /// Database URL: `postgres://user@host/db` for PostgreSQL or `sqlite://path` for a SQLite
    /// file. Unset: a SQLite file `iso20000.db` in the data folder.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder for the embedded database and the development signing secret; created if missing.
    #[arg(long, env = "ISO20000_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Largest number of database connections this process opens.
    #[arg(long, env = "ISO20000_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
}

/// JWT algorithms accepted for login tokens. The algorithm comes from here, never from a token.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[value(rename_all = "UPPER")]
pub enum JwtAlgorithm {
    /// HMAC with SHA-256 and a shared secret.
    Hs256,
    /// RSA PKCS#1 v1.5 with SHA-256; needs a PEM public key.
    Rs256,
    /// ECDSA P-256 with SHA-256; needs a PEM public key.
    Es256,
}

/// How login tokens are checked (and minted by `iso20000 token`).
#[derive(Args, Clone, Debug)]
pub struct JwtConfig {
    /// Signature algorithm that tokens must use.
    #[arg(
        long,
        env = "ISO20000_JWT_ALGORITHM",
        value_enum,
        default_value = "HS256"
    )]
    pub jwt_algorithm: JwtAlgorithm,

    /// Shared secret for HS256 (at least 32 bytes). Unset: a random secret kept in the data
    /// folder, for development.
    #[arg(long, env = "ISO20000_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// PEM file with the public key for RS256 or ES256.
    #[arg(long, env = "ISO20000_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,

    /// PEM file with the private key, used only by `iso20000 token` for RS256 or ES256.
    #[arg(long, env = "ISO20000_JWT_PRIVATE_KEY_FILE")]
    pub jwt_private_key_file: Option<PathBuf>,

    /// Required `iss` claim; unchecked when unset.
    #[arg(long, env = "ISO20000_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,

    /// Required `aud` claim; unchecked when unset.
    #[arg(long, env = "ISO20000_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,

    /// JWKS URL of an identity provider: RS256/ES256 keys are taken from it by `kid` instead of
    /// a key file. Fetched at first use, cached, refreshed when a token names an unknown `kid`.
    #[arg(long, env = "ISO20000_JWT_JWKS_URL")]
    pub jwt_jwks_url: Option<String>,

    /// Shortest time between two JWKS fetches, however many unknown `kid`s arrive.
    #[arg(long, env = "ISO20000_JWT_JWKS_MIN_REFRESH", default_value = "30s", value_parser = humantime::parse_duration)]
    pub jwt_jwks_min_refresh: Duration,

    /// How long fetched JWKS keys are used before they are fetched again.
    #[arg(long, env = "ISO20000_JWT_JWKS_MAX_AGE", default_value = "10m", value_parser = humantime::parse_duration)]
    pub jwt_jwks_max_age: Duration,

    /// Clock skew tolerated on `exp` and `nbf`.
    #[arg(long, env = "ISO20000_JWT_LEEWAY", default_value = "5s", value_parser = humantime::parse_duration)]
    pub jwt_leeway: Duration,

    /// Claim that carries the login subject.
    #[arg(long, env = "ISO20000_JWT_SUBJECT_CLAIM", default_value = "sub")]
    pub jwt_subject_claim: String,

    /// Claim that carries the organization id.
    #[arg(long, env = "ISO20000_JWT_ORGANIZATION_CLAIM", default_value = "org")]
    pub jwt_organization_claim: String,

    /// Claim that carries the role (ADMIN, MANAGER, PROCESS_OWNER, AUDITOR, VIEWER).
    #[arg(long, env = "ISO20000_JWT_ROLE_CLAIM", default_value = "role")]
    pub jwt_role_claim: String,
}

/// Log line format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines, for development.
    Pretty,
    /// One JSON object per line, for log shippers.
    Json,
}

/// The HTTP listener and what it serves.
#[derive(Args, Clone, Debug)]
pub struct ServerConfig {
    /// Address to listen on.
    #[arg(long, env = "ISO20000_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on; 0 picks a free one.
    #[arg(long, env = "ISO20000_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Serve GraphiQL at GET /graphql.
    #[arg(long, env = "ISO20000_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,

    /// How long shutdown waits for in-flight requests after SIGINT or SIGTERM.
    #[arg(long, env = "ISO20000_SHUTDOWN_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub shutdown_timeout: Duration,

    /// Most bytes kept in memory, in answers to reads (pages, relations, counts), for reuse by
    /// later requests until their organization's data changes; 0 reads everything from the
    /// database every time.
    #[arg(long, env = "ISO20000_READ_CACHE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub read_cache_bytes: usize,

    /// Bearer token that GET /metrics requires; unset, /metrics is open to whoever reaches the
    /// listener (the default listener is loopback only). Set it when the server listens on a
    /// public address.
    #[arg(long, env = "ISO20000_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

/// Bounds on what one request or connection may cost. Each is answered with a clear error, and
/// the server keeps serving.
#[derive(Args, Clone, Debug)]
pub struct LimitsConfig {
    /// Deepest selection nesting of a query.
    #[arg(long, env = "ISO20000_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,

    /// Deepest nesting of brackets in a query (selection sets, lists, input objects, argument
    /// lists) and of the variables' JSON; checked on the text before it is parsed.
    #[arg(long, env = "ISO20000_MAX_NESTING", default_value_t = 32)]
    pub max_nesting: usize,

    /// Largest query complexity: each field costs 1, a connection its page size times its
    /// selection, a list of related records 100 times its selection, a whole-organization
    /// field (raciMatrix, processMap, verifyAuditTrail) 1,000.
    #[arg(long, env = "ISO20000_MAX_COMPLEXITY", default_value_t = 50_000)]
    pub max_complexity: usize,

    /// Most aliased fields in one document.
    #[arg(long, env = "ISO20000_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,

    /// Most directives in one document.
    #[arg(long, env = "ISO20000_MAX_DIRECTIVES", default_value_t = 30)]
    pub max_directives: usize,

    /// Longest query text, in bytes.
    #[arg(long, env = "ISO20000_MAX_QUERY_BYTES", default_value_t = 32 * 1024)]
    pub max_query_bytes: usize,

    /// Most operations in one batched request.
    #[arg(long, env = "ISO20000_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,

    /// Largest request body, in bytes; a larger one gets 413 without being read.
    #[arg(long, env = "ISO20000_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Largest response, in bytes (a batch's responses together); past it an operation answers
    /// an error instead of its data.
    #[arg(long, env = "ISO20000_MAX_RESPONSE_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_response_bytes: usize,

    /// Longest time one HTTP request may run.
    #[arg(long, env = "ISO20000_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,

    /// Answer introspection queries (turn off in production if the schema is private).
    #[arg(long, env = "ISO20000_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    /// Suggest field names in validation errors ("did you mean ...").
    #[arg(long, env = "ISO20000_FIELD_SUGGESTIONS", default_value_t = true, action = clap::ArgAction::Set)]
    pub field_suggestions: bool,

    /// Time a WebSocket client has to send `connection_init`.
    #[arg(long, env = "ISO20000_WS_INIT_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub ws_init_timeout: Duration,

    /// Most subscriptions open on one WebSocket connection.
    #[arg(
        long,
        env = "ISO20000_MAX_SUBSCRIPTIONS_PER_CONNECTION",
        default_value_t = 20
    )]
    pub max_subscriptions_per_connection: usize,

    /// Most WebSocket connections open for one organization.
    #[arg(
        long,
        env = "ISO20000_MAX_CONNECTIONS_PER_ORGANIZATION",
        default_value_t = 200
    )]
    pub max_connections_per_organization: usize,

    /// Most WebSocket connections open for one credential (a login's subject or an API token),
    /// so that one holder cannot take all of its organization's.
    #[arg(
        long,
        env = "ISO20000_MAX_CONNECTIONS_PER_CREDENTIAL",
        default_value_t = 20
    )]
    pub max_connections_per_credential: usize,

    /// Most WebSocket connections open before `connection_init` authenticated them, over all
    /// clients; further upgrades get 503.
    #[arg(
        long,
        env = "ISO20000_MAX_UNAUTHENTICATED_WEBSOCKETS",
        default_value_t = 64
    )]
    pub max_unauthenticated_websockets: usize,

    /// Largest WebSocket message (and frame), in bytes; default: the HTTP body limit.
    #[arg(long, env = "ISO20000_WS_MAX_MESSAGE_BYTES")]
    pub ws_max_message_bytes: Option<usize>,

    /// How often an open WebSocket's credential is checked again (also at every `subscribe`,
    /// and at once when its API token or person changes); a failed check closes it with 4403.
    #[arg(long, env = "ISO20000_WS_RECHECK_INTERVAL", default_value = "60s", value_parser = humantime::parse_duration)]
    pub ws_recheck_interval: Duration,
}

impl Default for LimitsConfig {
    /// The command line's defaults, so that code and `--help` cannot disagree.
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            limits: LimitsConfig,
        }
        <Defaults as clap::Parser>::try_parse_from(["iso20000"])
            .map(|d| d.limits)
            .unwrap_or_else(|e| panic!("limit defaults do not parse: {e}"))
    }
}

/// How the evidence repository judges evidence.
#[derive(Args, Clone, Debug)]
pub struct EvidenceConfig {
    /// Evidence whose `validUntil` is this many days away or fewer reads EXPIRING.
    #[arg(long, env = "ISO20000_EVIDENCE_EXPIRING_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub evidence_expiring_days: u32,

    /// Evidence collected this many days ago or fewer is recent: what readiness asks of every
    /// in-scope process.
    #[arg(long, env = "ISO20000_EVIDENCE_RECENT_DAYS", default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub evidence_recent_days: u32,
}

impl Default for EvidenceConfig {
    /// The command line's defaults.
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            evidence: EvidenceConfig,
        }
        <Defaults as clap::Parser>::try_parse_from(["iso20000"])
            .map(|d| d.evidence)
            .unwrap_or_else(|e| panic!("evidence defaults do not parse: {e}"))
    }
}

/// Everything `serve` needs.
#[derive(Args, Clone, Debug)]
pub struct ServeConfig {
    #[command(flatten)]
    pub server: ServerConfig,
    #[command(flatten)]
    pub limits: LimitsConfig,
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub jwt: JwtConfig,
    #[command(flatten)]
    pub evidence: EvidenceConfig,
}

impl JwtConfig {
    /// Defaults as the command line gives them, for embedding and tests.
    pub fn with_secret(secret: impl Into<String>) -> Self {
        Self {
            jwt_algorithm: JwtAlgorithm::Hs256,
            jwt_secret: Some(secret.into()),
            jwt_public_key_file: None,
            jwt_private_key_file: None,
            jwt_issuer: None,
            jwt_audience: None,
            jwt_leeway: Duration::from_secs(5),
            jwt_jwks_url: None,
            jwt_jwks_min_refresh: Duration::from_secs(30),
            jwt_jwks_max_age: Duration::from_secs(600),
            jwt_subject_claim: "sub".into(),
            jwt_organization_claim: "org".into(),
            jwt_role_claim: "role".into(),
        }
    }
}

//! Load driver: runs named GraphQL operations with concurrent clients for a fixed time after a
//! warm-up, and prints one JSON line per operation (throughput, latency percentiles, errors,
//! the server's peak memory).
//!
//! With no `--url` it starts the server in-process on a fresh SQLite file (or `--database-url`),
//! creates an organization of `--people` people and mints its own token.

// The JSON lines on stdout are this program's output.
#![allow(clippy::print_stdout)]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use clap::Parser;
use iso20000::{
    auth::jwt::JwtIssuer,
    config::{DatabaseConfig, JwtConfig, ServeConfig, ServerConfig},
    startup::Application,
};
use serde_json::{Value, json};

/// The same allocator as the server binary, so that the in-process figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod baseline;
mod operations;
mod population;
mod subscribers;

/// Drive the API with concurrent clients and report throughput and latency.
#[derive(Parser)]
struct Args {
    /// Operations to run, by name (see `operations.rs`).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "viewer,people_page,dashboard,dashboard_baseline"
    )]
    operations: Vec<String>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Measured time per operation.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// Unmeasured time per operation before measuring.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    warmup: Duration,
    /// People in the generated organization (in-process server only).
    #[arg(long, default_value_t = 200)]
    people: usize,
    /// Services in the generated organization (in-process server only).
    #[arg(long, default_value_t = 100)]
    services: usize,
    /// Total requests per second across all clients; unset: as fast as they can (closed loop).
    #[arg(long)]
    rate: Option<f64>,
    /// Writes per second sent beside each measured operation, each of which empties the
    /// organization's read cache: how reads fare while others change the data. 0: none.
    #[arg(long, default_value_t = 0.0)]
    writes: f64,
    /// Clients sending the most expensive query the limits allow (`attack`, closed loop)
    /// beside each measured operation: how the others fare under that load. 0: none.
    #[arg(long, default_value_t = 0)]
    attack: usize,
    /// Connection pool size of the in-process server (the server's own default).
    #[arg(long, default_value_t = 10)]
    db_max_connections: u32,
    /// Read cache size (bytes) of the in-process server (the server's own default); 0 turns it off.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    read_cache_bytes: usize,
    /// Database for the in-process server (default: a fresh SQLite file).
    #[arg(long)]
    database_url: Option<String>,
    /// An already running server's /graphql URL; needs --token.
    #[arg(long, requires = "token")]
    url: Option<String>,
    /// Bearer token for --url.
    #[arg(long)]
    token: Option<String>,
    /// Process id of an external server, to report its peak memory.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Instead of the operations: this many WebSocket subscribers to `readinessChanged`, and
    /// the delivery of `--rounds` changes to all of them (`subscribers.rs`). Give an external
    /// server (`--url`, `--token`, `--server-pid`) for its memory per subscriber.
    #[arg(long)]
    subscribers: Option<usize>,
    /// Changes sent to the subscribers.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

struct Target {
    url: String,
    /// The baseline server, when the server runs in-process.
    baseline: Option<String>,
    token: String,
    server_pid: u32,
    _data: Option<tempfile::TempDir>,
}

async fn in_process(args: &Args) -> anyhow::Result<Target> {
    let data = tempfile::tempdir()?;
    let secret = "bench-secret-0123456789abcdef0123456789";
    let database = DatabaseConfig {
        database_url: args.database_url.clone(),
        data_dir: data.path().to_path_buf(),
        db_max_connections: args.db_max_connections,
    };
    let config = ServeConfig {
        limits: iso20000::config::LimitsConfig::default(),
        evidence: iso20000::config::EvidenceConfig::default(),
        server: ServerConfig {
            host: [127, 0, 0, 1].into(),
            port: 0,
            graphiql: false,
            shutdown_timeout: Duration::from_secs(1),
            read_cache_bytes: args.read_cache_bytes,
            metrics_token: None,
        },
        database,
        jwt: JwtConfig::with_secret(secret),
    };
    let app = Application::build(config.clone()).await?;
    let address = app.local_addr()?;
    let started = Instant::now();
    let size = population::Size {
        people: args.people,
        services: args.services,
    };
    let organization = population::generate(app.state(), size).await?;
    population::cycle(app.state(), organization).await?;
    eprintln!(
        "generated an organization of {} people and {} services in {:.1}s",
        args.people,
        args.services,
        started.elapsed().as_secs_f64()
    );
    let baseline = baseline::serve(app.state().db.clone(), organization).await?;
    tokio::spawn(app.run_until(std::future::pending()));
    let token = JwtIssuer::from_config(&config.jwt, data.path())?.mint(
        organization,
        entity::Role::Admin,
        "bench",
        Duration::from_secs(24 * 3600),
    )?;
    Ok(Target {
        url: format!("http://{address}/graphql"),
        baseline: Some(format!("http://{baseline}")),
        token,
        server_pid: std::process::id(),
        _data: Some(data),
    })
}

/// Peak resident memory (VmHWM) of a process, in MiB, where /proc has it.
fn peak_memory_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// What the driver reads of an answer: whether it has errors.
#[derive(serde::Deserialize)]
struct Answer {
    errors: Option<serde::de::IgnoredAny>,
}

/// One prepared request of an operation.
#[derive(Clone)]
enum Prepared {
    GraphQL {
        url: String,
        token: String,
        body: Arc<Value>,
    },
    Get {
        url: String,
    },
}

impl Prepared {
    /// `request` for `target`; a request that depends on the target's data reads it first.
    async fn prepare(
        target: &Target,
        client: &reqwest::Client,
        request: operations::Request,
    ) -> anyhow::Result<Self> {
        let operations::Request::GraphQLOn { query, lookup } = request else {
            return Self::new(target, request);
        };
        let found: Value = client
            .post(&target.url)
            .bearer_auth(&target.token)
            .json(&json!({ "query": lookup }))
            .send()
            .await?
            .json()
            .await?;
        let id = found["data"]
            .as_object()
            .and_then(|data| data.values().next())
            .and_then(|list| list["nodes"][0]["id"].as_str())
            .with_context(|| format!("the target has nothing for {lookup}: {found}"))?
            .to_owned();
        Ok(Self::GraphQL {
            url: target.url.clone(),
            token: target.token.clone(),
            body: Arc::new(json!({ "query": query, "variables": { "id": id } })),
        })
    }

    fn new(target: &Target, request: operations::Request) -> anyhow::Result<Self> {
        Ok(match request {
            operations::Request::GraphQL(query) => Self::GraphQL {
                url: target.url.clone(),
                token: target.token.clone(),
                body: Arc::new(json!({ "query": query })),
            },
            operations::Request::GraphQLOn { .. } => {
                anyhow::bail!("a request on the target's data is prepared with `prepare`")
            }
            operations::Request::Baseline(path) => Self::Get {
                url: format!(
                    "{}{path}",
                    target
                        .baseline
                        .as_deref()
                        .context("the baseline runs only with the in-process server")?
                ),
            },
        })
    }

    /// Sends it; the body if it succeeded without errors.
    async fn send(&self, client: &reqwest::Client) -> Option<bytes::Bytes> {
        let request = match self {
            Self::GraphQL { url, token, body } => client.post(url).bearer_auth(token).json(&**body),
            Self::Get { url } => client.get(url),
        };
        let response = request
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success())?;
        let body = response.bytes().await.ok()?;
        // Checked without building the JSON tree: the driver shares the cores with the server
        // it measures, so what it spends on each answer is taken from the figures.
        serde_json::from_slice::<Answer>(&body)
            .ok()
            .filter(|answer| answer.errors.is_none())
            .map(|_| body)
    }
}

/// Runs one operation with `concurrency` clients until `until`, each paced to its share of
/// `rate` when given; returns latencies and errors.
async fn drive(
    client: &reqwest::Client,
    request: &Prepared,
    concurrency: usize,
    rate: Option<f64>,
    until: Instant,
) -> (Vec<Duration>, u64) {
    let pace = rate.map(|rate| Duration::from_secs_f64(concurrency as f64 / rate));
    // Collected first: a lazy iterator would spawn each worker only when the previous one ended.
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let client = client.clone();
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let mut ticks = pace.map(|pace| {
                    // Staggered, so that the clients do not all fire at once.
                    let offset = pace.mul_f64(worker as f64 / concurrency as f64);
                    let mut ticks =
                        tokio::time::interval_at(tokio::time::Instant::now() + offset, pace);
                    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    ticks
                });
                while Instant::now() < until {
                    if let Some(ticks) = ticks.as_mut() {
                        ticks.tick().await;
                    }
                    let start = Instant::now();
                    let ok = request.send(&client).await.is_some();
                    latencies.push(start.elapsed());
                    errors += u64::from(!ok);
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        if let Ok((l, e)) = worker.await {
            latencies.extend(l);
            errors += e;
        }
    }
    (latencies, errors)
}

/// Sends `write` at `rate` per second until `until`; returns how many succeeded.
async fn write_steadily(
    client: reqwest::Client,
    write: Prepared,
    rate: f64,
    until: Instant,
) -> u64 {
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut written = 0;
    while Instant::now() < until {
        ticks.tick().await;
        written += u64::from(write.send(&client).await.is_some());
    }
    written
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    iso20000::startup::install_crypto_provider();
    let target = match (&args.url, &args.token) {
        (Some(url), Some(token)) => Target {
            url: url.clone(),
            baseline: None,
            token: token.clone(),
            server_pid: args.server_pid.unwrap_or(0),
            _data: None,
        },
        _ => in_process(&args)
            .await
            .context("starting the in-process server failed")?,
    };
    if let Some(count) = args.subscribers {
        let line = subscribers::run(
            &target.url,
            &target.token,
            target.server_pid,
            count,
            args.rounds,
        )
        .await?;
        println!("{line}");
        return Ok(());
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let mut throughput: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for name in &args.operations {
        let request = operations::request(name).with_context(|| {
            format!(
                "unknown operation {name}; known: {}",
                operations::NAMES.join(", ")
            )
        })?;
        let request = Prepared::prepare(&target, &client, request).await?;
        drive(
            &client,
            &request,
            args.concurrency,
            args.rate,
            Instant::now() + args.warmup,
        )
        .await;
        let started = Instant::now();
        let attacker = (args.attack > 0)
            .then(|| Prepared::new(&target, operations::Request::GraphQL(operations::ATTACK)))
            .transpose()?
            .map(|attack| {
                let client = client.clone();
                let (clients, until) = (args.attack, started + args.duration);
                tokio::spawn(async move { drive(&client, &attack, clients, None, until).await })
            });
        let writer = if args.writes > 0.0 {
            let write = Prepared::new(&target, operations::Request::GraphQL(operations::WRITE))?;
            Some(tokio::spawn(write_steadily(
                client.clone(),
                write,
                args.writes,
                started + args.duration,
            )))
        } else {
            None
        };
        let (mut latencies, errors) = drive(
            &client,
            &request,
            args.concurrency,
            args.rate,
            started + args.duration,
        )
        .await;
        let elapsed = started.elapsed().as_secs_f64();
        let writes = match writer {
            Some(writer) => writer.await.unwrap_or(0),
            None => 0,
        };
        let (attacks, attack_errors, attack_p50) = match attacker {
            Some(attacker) => {
                let (mut latencies, errors) = attacker.await.unwrap_or_default();
                latencies.sort_unstable();
                (latencies.len(), errors, percentile(&latencies, 0.50))
            }
            None => (0, 0, 0.0),
        };
        latencies.sort_unstable();
        let rps = (latencies.len() as f64 / elapsed).round();
        throughput.insert(name.clone(), rps);
        let line = json!({
            "operation": name,
            "concurrency": args.concurrency,
            "rate": args.rate,
            "duration_s": (elapsed * 100.0).round() / 100.0,
            "requests": latencies.len(),
            "throughput_rps": rps,
            "p50_ms": percentile(&latencies, 0.50),
            "p95_ms": percentile(&latencies, 0.95),
            "p99_ms": percentile(&latencies, 0.99),
            "errors": errors,
            "writes": writes,
            "attack_clients": args.attack,
            "attack_requests": attacks,
            "attack_errors": attack_errors,
            "attack_p50_ms": attack_p50,
            "server_peak_memory_mib": peak_memory_mib(target.server_pid),
        });
        println!("{line}");
    }
    if let (Some(api), Some(bare)) = (
        throughput.get("dashboard"),
        throughput.get("dashboard_baseline"),
    ) {
        // Both answer the same JSON, or the ratio would mean nothing.
        let same = match (
            Prepared::new(&target, operations::Request::GraphQL(operations::DASHBOARD))?
                .send(&client)
                .await,
            Prepared::new(&target, operations::Request::Baseline("/dashboard"))?
                .send(&client)
                .await,
        ) {
            (Some(a), Some(b)) => {
                serde_json::from_slice::<Value>(&a).ok() == serde_json::from_slice::<Value>(&b).ok()
            }
            _ => false,
        };
        let line = json!({ "comparison": "dashboard / dashboard_baseline", "ratio": (api / bare * 100.0).round() / 100.0, "same_json": same });
        println!("{line}");
    }
    Ok(())
}

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

mod operations;
mod population;

/// Drive the API with concurrent clients and report throughput and latency.
#[derive(Parser)]
struct Args {
    /// Operations to run, by name (see `operations.rs`).
    #[arg(long, value_delimiter = ',', default_value = "viewer,people_page")]
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
}

struct Target {
    url: String,
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
        db_max_connections: 16,
    };
    let config = ServeConfig {
        limits: iso20000::config::LimitsConfig::default(),
        server: ServerConfig {
            host: [127, 0, 0, 1].into(),
            port: 0,
            graphiql: false,
            shutdown_timeout: Duration::from_secs(1),
        },
        database,
        jwt: JwtConfig::with_secret(secret),
    };
    let app = Application::build(config.clone()).await?;
    let address = app.local_addr()?;
    let started = Instant::now();
    let organization = population::generate(app.state(), args.people).await?;
    eprintln!(
        "generated an organization of {} people in {:.1}s",
        args.people,
        started.elapsed().as_secs_f64()
    );
    tokio::spawn(app.run_until(std::future::pending()));
    let token = JwtIssuer::from_config(&config.jwt, data.path())?.mint(
        organization,
        entity::Role::Admin,
        "bench",
        Duration::from_secs(24 * 3600),
    )?;
    Ok(Target {
        url: format!("http://{address}/graphql"),
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

/// Runs one operation with `concurrency` clients until `until`; returns latencies and errors.
async fn drive(
    client: &reqwest::Client,
    target: &Target,
    body: Arc<Value>,
    concurrency: usize,
    until: Instant,
) -> (Vec<Duration>, u64) {
    // Collected first: a lazy iterator would spawn each worker only when the previous one ended.
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let client = client.clone();
            let url = target.url.clone();
            let token = target.token.clone();
            let body = body.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                while Instant::now() < until {
                    let start = Instant::now();
                    let ok = match client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&*body)
                        .send()
                        .await
                    {
                        Ok(response) if response.status().is_success() => response
                            .json::<Value>()
                            .await
                            .map(|v| v.get("errors").is_none())
                            .unwrap_or(false),
                        _ => false,
                    };
                    latencies.push(start.elapsed());
                    if !ok {
                        errors += 1;
                    }
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    iso20000::startup::install_crypto_provider();
    let target = match (&args.url, &args.token) {
        (Some(url), Some(token)) => Target {
            url: url.clone(),
            token: token.clone(),
            server_pid: args.server_pid.unwrap_or(0),
            _data: None,
        },
        _ => in_process(&args)
            .await
            .context("starting the in-process server failed")?,
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    for name in &args.operations {
        let query = operations::query(name).with_context(|| {
            format!(
                "unknown operation {name}; known: {}",
                operations::NAMES.join(", ")
            )
        })?;
        let body = Arc::new(json!({ "query": query, "operationName": null }));
        drive(
            &client,
            &target,
            body.clone(),
            args.concurrency,
            Instant::now() + args.warmup,
        )
        .await;
        let started = Instant::now();
        let (mut latencies, errors) = drive(
            &client,
            &target,
            body,
            args.concurrency,
            started + args.duration,
        )
        .await;
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort_unstable();
        let line = json!({
            "operation": name,
            "concurrency": args.concurrency,
            "duration_s": (elapsed * 100.0).round() / 100.0,
            "requests": latencies.len(),
            "throughput_rps": (latencies.len() as f64 / elapsed).round(),
            "p50_ms": percentile(&latencies, 0.50),
            "p95_ms": percentile(&latencies, 0.95),
            "p99_ms": percentile(&latencies, 0.99),
            "errors": errors,
            "server_peak_memory_mib": peak_memory_mib(target.server_pid),
        });
        println!("{line}");
    }
    Ok(())
}

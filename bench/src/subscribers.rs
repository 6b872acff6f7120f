//! `--subscribers N`: N WebSocket clients (graphql-transport-ws), each on its own connection,
//! subscribed to `readinessChanged` of the target's first cycle; then rounds of a change that
//! moves readiness, each timed from just before the mutation is sent to each subscriber's push.
//! Reports the delivery percentiles and the server's memory per subscriber (the growth of its
//! resident memory while the subscribers connected, over N): run it against a server in its
//! own process (`--url`, `--token`, `--server-pid`), so that the clients' memory is not counted.

use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{
    Message, client::IntoClientRequest, http::HeaderValue, protocol::WebSocketConfig,
};

/// Connections opened at once while connecting.
const CONNECTING_AT_ONCE: usize = 100;
/// How long one round waits for every push.
const ROUND_TIMEOUT: Duration = Duration::from_secs(20);

/// Resident memory (VmRSS) of a process, in KiB.
fn resident_kib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let answer: Value = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    anyhow::ensure!(answer.get("errors").is_none(), "{answer}");
    Ok(answer["data"].clone())
}

/// Opens one subscriber; returns once it is subscribed. Each push is reported on `pushes`.
async fn subscriber(
    ws_url: String,
    token: String,
    cycle: String,
    pushes: mpsc::UnboundedSender<Instant>,
) -> anyhow::Result<()> {
    let mut request = ws_url.into_client_request()?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    // Small client buffers: the driver holds N sockets too.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), false).await?;
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "token": token } }).to_string(),
        ))
        .await?;
    match socket.next().await {
        Some(Ok(Message::Text(text))) if text.contains("connection_ack") => {}
        other => anyhow::bail!("no connection_ack: {other:?}"),
    }
    let query = format!(
        "subscription {{ readinessChanged(cycleId: \"{cycle}\") {{ previousScore readiness {{ score }} }} }}"
    );
    socket
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
        ))
        .await?;
    tokio::spawn(async move {
        while let Some(Ok(message)) = socket.next().await {
            match message {
                Message::Text(text) if text.contains("\"next\"") => {
                    let _ = pushes.send(Instant::now());
                }
                Message::Text(text) if text.contains("\"ping\"") => {
                    let _ = socket.send(Message::text(r#"{"type":"pong"}"#)).await;
                }
                Message::Close(_) => break,
                _ => {}
            }
        }
    });
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Runs the measurement and returns its JSON line.
pub async fn run(
    url: &str,
    token: &str,
    server_pid: u32,
    count: usize,
    rounds: usize,
) -> anyhow::Result<Value> {
    let client = reqwest::Client::new();
    let cycles = post(
        &client,
        url,
        token,
        json!({ "query": "{ cycles(first: 1) { nodes { id } } }" }),
    )
    .await?;
    let cycle = cycles["cycles"]["nodes"][0]["id"]
        .as_str()
        .context("the target has no cycle")?
        .to_owned();
    let analysis = post(
        &client,
        url,
        token,
        json!({ "query": "query($id: ID!) { gapAnalysis(cycleId: $id) { gaps { status clause { id } } } }", "variables": { "id": cycle } }),
    )
    .await?;
    let gap = &analysis["gapAnalysis"]["gaps"][0];
    let clause = gap["clause"]["id"]
        .as_str()
        .context("the cycle has no gap to toggle")?
        .to_owned();
    let status = gap["status"].as_str().unwrap_or("GAP").to_owned();
    let ws_url = url
        .replacen("http://", "ws://", 1)
        .replacen("/graphql", "/graphql/ws", 1);

    let before = resident_kib(server_pid);
    let (pushes, mut received) = mpsc::unbounded_channel();
    let started = Instant::now();
    let mut opened = 0;
    while opened < count {
        let batch = (count - opened).min(CONNECTING_AT_ONCE);
        let connecting: Vec<_> = (0..batch)
            .map(|_| {
                subscriber(
                    ws_url.clone(),
                    token.to_owned(),
                    cycle.clone(),
                    pushes.clone(),
                )
            })
            .collect();
        for result in futures_util::future::join_all(connecting).await {
            result.context("a subscriber could not connect")?;
        }
        opened += batch;
        if opened % 1000 == 0 {
            eprintln!(
                "{opened} subscribers connected ({:.1}s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    // Let every subscription start and the allocator settle.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = resident_kib(server_pid);
    let mut latencies = Vec::with_capacity(count * rounds);
    let mut missed = 0;
    for round in 0..rounds {
        let next = if round % 2 == 0 {
            "IMPLEMENTED"
        } else {
            status.as_str()
        };
        let assess = json!({
            "query": "mutation($input: AssessClausesInput!) { assessClauses(input: $input) { assessments { id } } }",
            "variables": { "input": { "cycleId": cycle, "assessments": [
                { "clauseId": clause, "status": next, "justification": "bench", "overrideReason": "bench" }
            ] } },
        });
        let sent = Instant::now();
        post(&client, url, token, assess).await?;
        let mut got = 0;
        let deadline = tokio::time::Instant::now() + ROUND_TIMEOUT;
        while got < count {
            match tokio::time::timeout_at(deadline, received.recv()).await {
                Ok(Some(at)) => {
                    latencies.push(at.saturating_duration_since(sent));
                    got += 1;
                }
                _ => break,
            }
        }
        missed += count - got;
        // Pushes of this round that came late are not counted in the next.
        tokio::time::sleep(Duration::from_millis(500)).await;
        while received.try_recv().is_ok() {}
    }
    latencies.sort_unstable();
    let per_subscriber = match (before, after) {
        (Some(before), Some(after)) => {
            Some(((after - before) / count as f64 * 10.0).round() / 10.0)
        }
        _ => None,
    };
    Ok(json!({
        "operation": "readiness_subscribers",
        "subscribers": count,
        "rounds": rounds,
        "pushes": latencies.len(),
        "missed": missed,
        "p50_ms": percentile(&latencies, 0.50),
        "p95_ms": percentile(&latencies, 0.95),
        "p99_ms": percentile(&latencies, 0.99),
        "max_ms": percentile(&latencies, 1.0),
        "server_rss_before_kib": before,
        "server_rss_after_kib": after,
        "server_kib_per_subscriber": per_subscriber,
    }))
}

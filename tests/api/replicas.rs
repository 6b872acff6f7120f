//! Scale-out: two `iso20000 serve` processes on one PostgreSQL database. A subscriber on one
//! sees readiness and record changes made through the other, and again after the listening
//! connections are killed.

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::Duration,
};

use entity::Role;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::Value;

use crate::{
    helpers::{SECRET, TestApp, spawn_app},
    readiness::Plan,
    ws_client::{Received, TRANSPORT, connect, init, receive, subscribe},
};

/// A server process; killed when dropped.
struct Serve {
    child: Child,
    address: SocketAddr,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(database_url: &str, data_dir: &std::path::Path) -> Serve {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iso20000"))
        .args(["serve", "--port", "0", "--log-format", "json", "--data-dir"])
        .arg(data_dir)
        .env("DATABASE_URL", database_url)
        .env("ISO20000_JWT_SECRET", SECRET)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            // Shown with a failure; the address line is read from here too.
            eprintln!("{line}");
            let _ = lines_tx.send(line);
        }
    });
    let address = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the server logs its address");
        if let Ok(value) = serde_json::from_str::<Value>(&line)
            && value["message"] == "listening"
        {
            break value["address"].as_str().unwrap().parse().unwrap();
        }
    };
    Serve { child, address }
}

async fn listeners(app: &TestApp) -> i64 {
    app.db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT count(*)::bigint AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

/// The next `next` message of operation `id`, skipping others, within five seconds.
async fn next_of(socket: &mut crate::ws_client::Socket, id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match receive(socket, left).await {
            Received::Json(message) if message["id"] == id => return message,
            Received::Json(_) => continue,
            other => panic!("no message for {id}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_subscriber_on_one_replica_hears_changes_made_through_another_and_after_reconnecting() {
    let app = spawn_app().await;
    let Some(url) = app.database_url().filter(|u| u.starts_with("postgres")) else {
        // One process is the only replica on SQLite: nothing to bridge.
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (serve(&url, dir.path()), serve(&url, dir.path()));
    let plan = Plan::on(app.served_at(a.address), &[]).await;
    let on_b = app.served_at(b.address);
    let mut socket = connect(&on_b, Some(TRANSPORT)).await;
    init(&mut socket, &app.token(Role::Viewer, "screen")).await;
    subscribe(
        &mut socket,
        TRANSPORT,
        "r",
        &format!(r#"subscription {{ readinessChanged(cycleId: "{}") {{ refetch readiness {{ items {{ met }} }} }} }}"#, plan.cycle),
    )
    .await;
    subscribe(
        &mut socket,
        TRANSPORT,
        "c",
        r#"subscription { recordChanged(types: ["ClauseAssessment"]) { kind type } }"#,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    plan.assess(0, "IMPLEMENTED").await;
    both_arrive(&mut socket, 1).await;

    // Kill every replica's listening connection (the test's own server is one more); each
    // reconnects and says to refetch.
    let listening = listeners(&app).await;
    assert!(listening >= 2, "{listening} listening");
    app.db
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await
        .unwrap();
    let refetch = next_of(&mut socket, "c").await;
    assert_eq!(
        refetch["payload"]["data"]["recordChanged"]["kind"], "RESYNC",
        "{refetch:#}"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while listeners(&app).await < listening {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the replicas listen again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    plan.assess(1, "IMPLEMENTED").await;
    both_arrive(&mut socket, 2).await;
}

/// The push of readiness with `met` checks of item 1 and the record change of the assessment,
/// in either order; only refetches may come between.
async fn both_arrive(socket: &mut crate::ws_client::Socket, met: i64) {
    let (mut readiness, mut record) = (false, false);
    while !(readiness && record) {
        let Received::Json(message) = receive(socket, Duration::from_secs(5)).await else {
            panic!("readiness {readiness}, record {record}");
        };
        let data = &message["payload"]["data"];
        if data["readinessChanged"]["readiness"]["items"][0]["met"] == met {
            readiness = true;
        } else if data["recordChanged"]["kind"] == "CREATED" {
            assert_eq!(data["recordChanged"]["type"], "ClauseAssessment");
            record = true;
        } else {
            let refetch = data["readinessChanged"]["refetch"] == true
                || data["recordChanged"]["kind"] == "RESYNC";
            assert!(refetch, "only refetches come between: {message:#}");
        }
    }
}

//! The command line: `schema`, `org create`, `token` and `framework import` work together with
//! the server.

use std::process::Command;

use iso20000::config::{DatabaseConfig, JwtConfig, ServeConfig, ServerConfig};
use serde_json::{Value, json};

fn iso20000(data_dir: &std::path::Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_iso20000"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("ISO20000_JWT_SECRET")
        .env("RUST_LOG", "error")
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

#[test]
fn schema_prints_the_checked_in_sdl() {
    let output = Command::new(env!("CARGO_BIN_EXE_iso20000"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(output.status.success());
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim_end(),
        checked_in.trim_end()
    );
}

#[tokio::test]
async fn org_create_and_token_mint_tokens_the_server_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let created = iso20000(dir.path(), &["org", "create", "--name", "Cli Org"]);
    let org_id = created
        .lines()
        .find_map(|l| l.strip_prefix("organization id: "))
        .expect("an organization id line")
        .to_owned();
    let admin_token = created
        .lines()
        .find_map(|l| {
            l.split(": ")
                .nth(1)
                .filter(|_| l.starts_with("admin token"))
        })
        .expect("a token line")
        .to_owned();
    let auditor_token = iso20000(
        dir.path(),
        &[
            "token", "--org", &org_id, "--role", "AUDITOR", "--sub", "ines", "--ttl", "5m",
        ],
    );

    // A server on the same data folder: the development secret is shared.
    let app = iso20000::startup::Application::build(ServeConfig {
        limits: iso20000::config::LimitsConfig::default(),
        evidence: iso20000::config::EvidenceConfig::default(),
        server: ServerConfig {
            host: [127, 0, 0, 1].into(),
            port: 0,
            graphiql: false,
            shutdown_timeout: std::time::Duration::from_secs(1),
            read_cache_bytes: 64 * 1024 * 1024,
            metrics_token: None,
        },
        database: DatabaseConfig {
            database_url: None,
            data_dir: dir.path().to_path_buf(),
            db_max_connections: 2,
        },
        jwt: JwtConfig {
            jwt_secret: None,
            ..JwtConfig::with_secret("")
        },
    })
    .await
    .unwrap();
    let url = format!("http://{}/graphql", app.local_addr().unwrap());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();
    for (token, role) in [
        (admin_token.trim(), "ADMIN"),
        (auditor_token.trim(), "AUDITOR"),
    ] {
        let body: Value = client
            .post(&url)
            .bearer_auth(token)
            .json(&json!({ "query": "{ viewer { role organization { name } } }" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["data"]["viewer"]["role"], role, "{body:#}");
        assert_eq!(body["data"]["viewer"]["organization"]["name"], "Cli Org");
    }
}

/// The server as a user runs it, logging at debug level in JSON: no line carries a token, and
/// request lines carry the request id.
#[tokio::test]
async fn logs_carry_request_ids_and_never_tokens() {
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let created = iso20000(dir.path(), &["org", "create", "--name", "Log Org"]);
    let token = created
        .lines()
        .find_map(|l| {
            l.split(": ")
                .nth(1)
                .filter(|_| l.starts_with("admin token"))
        })
        .unwrap()
        .trim()
        .to_owned();
    let mut server = Command::new(env!("CARGO_BIN_EXE_iso20000"))
        .args(["serve", "--port", "0", "--log-format", "json", "--data-dir"])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("ISO20000_JWT_SECRET")
        .env("RUST_LOG", "debug")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // A reader thread, so that a silent server fails the test instead of hanging it.
    let stderr = server.stderr.take().unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let mut log = String::new();
    let address = loop {
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no listening line in the log: {log}"));
        log.push_str(&line);
        log.push('\n');
        if let Ok(value) = serde_json::from_str::<Value>(&line)
            && value["message"] == "listening"
        {
            break value["address"].as_str().unwrap().to_owned();
        }
    };
    iso20000::startup::install_crypto_provider();
    let client = reqwest::Client::new();
    let url = format!("http://{address}/graphql");
    for bearer in [
        token.as_str(),
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
    ] {
        let response = client
            .post(&url)
            .bearer_auth(bearer)
            .json(&json!({ "query": "{ viewer { subject } }" }))
            .send()
            .await
            .unwrap();
        assert!(response.headers().contains_key("x-request-id"));
    }
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status();
    let status = server.wait().unwrap();
    assert!(status.success(), "SIGTERM is a clean exit");
    reader.join().unwrap();
    log.extend(lines.try_iter().map(|line| line + "\n"));
    assert!(!log.contains(&token), "a token reached the log");
    assert!(!log.contains("c2lnbmF0dXJl"), "a bad token reached the log");
    assert!(
        log.contains("request_id"),
        "request lines carry the id: {log}"
    );
}

/// `serve --demo` as the README says: the token it prints answers queries about the demo
/// organization, with its people, services, process owners and RACI.
#[tokio::test]
async fn serve_demo_prints_a_token_that_works() {
    use std::{io::BufRead, process::Stdio};

    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_iso20000"))
        .args(["serve", "--demo", "--port", "0", "--data-dir"])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("ISO20000_JWT_SECRET")
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let (mut token, mut address) = (None, None);
    while token.is_none() || address.is_none() {
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the demo prints a token and an address");
        if let Some(rest) = line.strip_prefix("admin token (valid 12h): ") {
            token = Some(rest.trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("GraphiQL: ") {
            address = rest.split_whitespace().next().map(str::to_owned);
        }
    }
    iso20000::startup::install_crypto_provider();
    let (url, token) = (address.unwrap(), token.unwrap());
    let client = reqwest::Client::new();
    let body: Value = client
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({ "query": r#"{
            viewer { role organization { name } }
            people { totalCount }
            services { totalCount }
            unowned: processes(filter: { withoutOwner: true }) { totalCount }
            unaccountable: processes(filter: { withoutAccountable: false }) { totalCount }
            raciMatrix { rows { process { code } cells { roles } } }
            processMap { nodes { kind } edges { kind } }
            cycles { nodes { id name phase services { id } processes { id } } }
            overdue: remediationTasks(filter: { overdue: true }) { nodes { clauses { number } } }
            own: documents(filter: { search: "Harbor" }) { nodes { title latestVersion { state } } }
            procedures: documents(filter: { kind: PROCEDURE }, first: 20) { nodes { title latestVersion { state } } }
            trainingSessions { nodes { title material { title } attendance { attended } } }
        }"# }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cycle = body["data"]["cycles"]["nodes"][0]["id"].clone();
    let on_cycle = async |query: &str| -> Value {
        client
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "query": query, "variables": { "id": cycle } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    let analysis = on_cycle("query($id: ID!) { gapAnalysis(cycleId: $id) { percentAssessed totals { gap partial } gaps { clause { number } remediationTasks { title } } } }").await;
    let readiness = on_cycle("query($id: ID!) { readiness(cycleId: $id) { score items { item state } blockers { ruleId message } } }").await;
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status();
    let _ = server.wait();
    // High on what is evaluated so far (50 points), with the demo's overdue task as blocker.
    let readiness = &readiness["data"]["readiness"];
    assert!(readiness["score"].as_i64().unwrap() >= 40, "{readiness:#}");
    assert_eq!(readiness["items"][0]["state"], "MET");
    assert_eq!(
        readiness["blockers"].as_array().unwrap().len(),
        1,
        "{readiness:#}"
    );
    assert_eq!(
        readiness["blockers"][0]["ruleId"],
        "compliance.tasks-on-time"
    );
    let data = &body["data"];
    assert_eq!(data["viewer"]["role"], "ADMIN", "{body:#}");
    assert_eq!(
        data["viewer"]["organization"]["name"],
        "Harbor Hosted Services"
    );
    assert_eq!(data["people"]["totalCount"], 80);
    assert_eq!(data["services"]["totalCount"], 5);
    assert_eq!(data["unowned"]["totalCount"], 0);
    assert_eq!(
        data["unaccountable"]["totalCount"], 5,
        "the key processes have an accountable"
    );
    let incident = data["raciMatrix"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["process"]["code"] == "INCIDENT")
        .unwrap();
    assert_eq!(incident["cells"].as_array().unwrap().len(), 4);
    assert_eq!(data["processMap"]["edges"].as_array().unwrap().len(), 10);
    // The first cycle: the live hosted services in scope, in DO, its gap analysis complete with
    // the seed's two findings, each with a task, one overdue.
    let cycle = &data["cycles"]["nodes"][0];
    assert_eq!(cycle["phase"], "DO");
    assert_eq!(cycle["services"].as_array().unwrap().len(), 4);
    assert_eq!(cycle["processes"].as_array().unwrap().len(), 5);
    assert_eq!(
        data["overdue"]["nodes"],
        json!([{ "clauses": [{ "number": "8.6.1" }] }])
    );
    assert_eq!(
        data["own"]["nodes"],
        json!([{ "title": "Harbor service management policy", "latestVersion": { "state": "APPROVED" } }])
    );
    let procedures: Vec<(&str, &str)> = data["procedures"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["title"].as_str().unwrap(),
                d["latestVersion"]["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        procedures,
        [
            ("Incident management procedure", "APPROVED"),
            ("Change management procedure", "APPROVED"),
            ("Service level management procedure", "IN_REVIEW"),
        ]
    );
    let session = &data["trainingSessions"]["nodes"][0];
    assert_eq!(
        session["material"]["title"],
        "Incident management procedure"
    );
    let absent = session["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["attended"] == false)
        .count();
    assert_eq!(absent, 1, "one absentee");
    let analysis = &analysis["data"]["gapAnalysis"];
    assert_eq!(analysis["percentAssessed"], 100.0, "{analysis:#}");
    assert_eq!(analysis["totals"], json!({ "gap": 1, "partial": 1 }));
    let gaps: Vec<(&str, usize)> = analysis["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["clause"]["number"].as_str().unwrap(),
                g["remediationTasks"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(gaps, [("8.5.1.1", 1), ("8.6.1", 1)]);
}

/// A development secret file cut short is refused by every command that signs or checks
/// tokens, with what to do about it, and is left as it was.
#[test]
fn a_too_short_secret_file_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("jwt-secret");
    std::fs::write(&secret, "0123456789abcdef\n").unwrap();
    let org = uuid::Uuid::now_v7().to_string();
    for args in [
        vec!["token", "--org", &org, "--role", "ADMIN", "--sub", "ada"],
        vec!["serve", "--port", "0"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iso20000"))
            .args(&args)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("ISO20000_JWT_SECRET")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A server that accepted the secret would run on: stop it rather than hang the suite.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success(),
            "{args:?} ran with a 16-byte secret"
        );
        assert!(output.stdout.is_empty(), "{args:?} printed something");
        for expected in [
            "jwt-secret",
            "16 bytes",
            "delete the file",
            "ISO20000_JWT_SECRET",
        ] {
            assert!(
                stderr.contains(expected),
                "{args:?}: {expected:?} not in {stderr}"
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "0123456789abcdef\n"
    );
}

/// `framework import` writes a good file and says what it wrote; a bad one is refused with each
/// line at fault and what to do, and writes nothing.
#[test]
fn framework_import_reports_progress_and_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    let created = iso20000(dir.path(), &["org", "create", "--name", "Cli Org"]);
    let org = created
        .lines()
        .find_map(|l| l.strip_prefix("organization id: "))
        .expect("an organization id line")
        .to_owned();
    let good = dir.path().join("acme.yaml");
    std::fs::write(
        &good,
        "code: acme\nversion: '1'\nname: ACME\npublisher: ACME\nclauses:\n  - { number: '1', title: Scope }\nmappings:\n  - { from: '1', to: 'iso20000-1:2018/4.3', relationship: EQUAL }\n",
    )
    .unwrap();
    let output = iso20000(
        dir.path(),
        &["framework", "import", good.to_str().unwrap(), "--org", &org],
    );
    assert!(
        output.contains("acme 1: 1 clauses, 1 mappings; writing"),
        "{output}"
    );
    assert!(output.contains("imported acme 1 ("), "{output}");

    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "code: bad\nversion: '1'\nname: Bad\npublisher: Me\nclauses:\n  - { number: '1', title: A }\n  - { number: '1', title: B }\n  - { number: '3.1', title: C }\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_iso20000"))
        .args(["framework", "import", bad.to_str().unwrap(), "--org", &org])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("line 7, clauses[1].number: number `1` is already used by clauses[0]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 8, clauses[2].number: unknown parent `3`"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nothing was written: correct the 3 place(s) above"),
        "{stderr}"
    );
}

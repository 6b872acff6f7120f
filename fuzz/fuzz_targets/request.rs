//! Raw bytes to an HTTP request through the real router, as the server serves it: body and
//! content negotiation, JSON and query-string decoding, the request limits, GraphQL parsing,
//! validation and execution against a migrated SQLite database.
//!
//! The first byte chooses how the rest is sent (the seeds use printable ones, `0x40 | bits`):
//!
//! | bits   | meaning                                                                       |
//! |--------|-------------------------------------------------------------------------------|
//! | `0..2` | 0: POST the rest verbatim as an `application/json` body                       |
//! |        | 1: POST `{"query": <rest up to NUL>, "variables": <rest after NUL, verbatim>}` |
//! |        | 2: GET `/graphql?query=<rest up to NUL>&variables=<rest after NUL>`           |
//! |        | 3: POST a batch, `[{"query": <piece>}, ...]`, the rest split at each NUL      |
//! | `2..4` | credential: 0 none, 1 VIEWER token, 2 ADMIN token, 3 a bearer that is no JWT  |
//! | `4`    | `Accept`: 0 `application/graphql-response+json`, 1 `application/json`        |
//!
//! Two operators in the rest put deep nesting a mutation or two away: `0x01 n k` and the `k`
//! bytes after them stand for those bytes repeated `16·n` times; `0x02 n k` does the same and
//! also closes what they open (`[`, `{`, `(`), in reverse order, at the next `0x03` or at the
//! end: `{ a(x: 0x02 0x60 0x01 [ 1 0x03) }` nests 1,536 lists. Every other byte is itself.
//!
//! A panic anywhere (libfuzzer-sys turns it into an abort), a stack overflow, or a 5xx other
//! than the request timeout's 504 is a crash. `ISO20000_FUZZ_PRINT=1` prints each response.

#![no_main]

use std::{
    future::Future,
    sync::OnceLock,
    time::Duration,
};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use entity::Role;
use iso20000::{
    auth::jwt::JwtIssuer,
    config::{DatabaseConfig, JwtConfig, LimitsConfig, ServeConfig, ServerConfig},
    organization::store as organization_store,
    startup::Application,
};
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// The HS256 secret of the fuzzed server.
const SECRET: &str = "fuzz-secret-0123456789abcdef0123456789";

/// Built once per process: the runtime, the router and the tokens of its one organization.
struct Harness {
    runtime: Runtime,
    router: Router,
    viewer: String,
    admin: String,
    /// Keeps the database folder until the process ends.
    _dir: tempfile::TempDir,
    /// Keeps the server's state alive.
    _app: Application,
    /// Print each response (`ISO20000_FUZZ_PRINT`), to see what an input reaches.
    print: bool,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        signal_stack::report_overflows_on_alternate_stacks();
        // Worker threads keep tokio's default 2 MiB stack, as in the served binary: requests
        // run on them below, so a recursion that would overflow the server overflows here.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .on_thread_start(signal_stack::install)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let dir = tempfile::tempdir().expect("temporary folder");
        let (router, viewer, admin, app) = runtime.block_on(build(dir.path()));
        Harness {
            runtime,
            router,
            viewer,
            admin,
            _dir: dir,
            _app: app,
            print: std::env::var_os("ISO20000_FUZZ_PRINT").is_some(),
        }
    })
}

/// The server as `serve` builds it (its listener on a free port, never used): the router, the
/// tokens of its one organization, and the application, kept so that nothing shuts down.
async fn build(dir: &std::path::Path) -> (Router, String, String, Application) {
    let config = ServeConfig {
        server: ServerConfig {
            host: [127, 0, 0, 1].into(),
            port: 0,
            graphiql: true,
            shutdown_timeout: Duration::from_secs(1),
            read_cache_bytes: 64 * 1024 * 1024,
            metrics_token: None,
        },
        // The limits the server ships with: they are what is being fuzzed.
        limits: LimitsConfig::default(),
        evidence: iso20000::config::EvidenceConfig::default(),
        database: DatabaseConfig {
            database_url: Some(format!(
                "sqlite://{}?mode=rwc",
                dir.join("fuzz.db").display()
            )),
            data_dir: dir.to_path_buf(),
            db_max_connections: 5,
        },
        jwt: JwtConfig::with_secret(SECRET),
    };
    let app = Application::build(config.clone()).await.expect("server");
    let state = app.state();
    let org = organization_store::create(&state.db, &state.bus, "Fuzz Org", "fuzz")
        .await
        .map_err(iso20000::error::AppError::into_anyhow)
        .expect("organization")
        .id;
    let issuer = JwtIssuer::from_config(&config.jwt, dir).expect("JWT issuer");
    // Valid for as long as anyone fuzzes.
    let ttl = Duration::from_secs(10 * 365 * 24 * 3600);
    let viewer = issuer
        .mint(org, Role::Viewer, "fuzz-viewer", ttl)
        .expect("viewer token");
    let admin = issuer
        .mint(org, Role::Admin, "fuzz-admin", ttl)
        .expect("admin token");
    (app.router(), viewer, admin, app)
}

/// Percent-encodes every byte but the unreserved ones, for a query-string value.
fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A JSON string literal of `bytes` (invalid UTF-8 replaced).
fn json_string(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Largest expansion of an input: a little over the default body limit, so that it is reached.
const MAX_EXPANDED: usize = 1_100_000;

/// Appends `chunk` `times` times, within [`MAX_EXPANDED`]; how many it appended.
fn repeat(out: &mut Vec<u8>, chunk: &[u8], times: usize) -> usize {
    let mut done = 0;
    while done < times && !chunk.is_empty() && out.len() + chunk.len() <= MAX_EXPANDED {
        out.extend_from_slice(chunk);
        done += 1;
    }
    done
}

/// Expands the nesting operators of `data` (see the module documentation).
fn expand(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    // What each open `0x02` still has to close, and how many times.
    let mut closers: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i..] {
            [op @ (1 | 2), n, k, ..] => {
                let start = i + 3;
                let end = (start + usize::from(k)).min(data.len());
                let chunk = &data[start..end];
                let times = repeat(&mut out, chunk, usize::from(n) * 16);
                if op == 2 {
                    let closer = chunk
                        .iter()
                        .rev()
                        .filter_map(|b| match b {
                            b'[' => Some(b']'),
                            b'{' => Some(b'}'),
                            b'(' => Some(b')'),
                            _ => None,
                        })
                        .collect();
                    closers.push((closer, times));
                }
                i = end;
            }
            [3, ..] if !closers.is_empty() => {
                if let Some((closer, times)) = closers.pop() {
                    repeat(&mut out, &closer, times);
                }
                i += 1;
            }
            _ => {
                out.push(data[i]);
                i += 1;
            }
        }
    }
    while let Some((closer, times)) = closers.pop() {
        repeat(&mut out, &closer, times);
    }
    out
}

/// The request `data` stands for (see the module documentation); `None` when it cannot be
/// one (a URI longer than the `http` crate's 64 KiB, which no client can send either).
fn request(harness: &Harness, data: &[u8]) -> Option<Request<Body>> {
    let (&selector, rest) = data.split_first().unwrap_or((&0, &[]));
    let rest = &expand(rest)[..];
    let (document, variables) = match rest.iter().position(|&b| b == 0) {
        Some(nul) => (&rest[..nul], Some(&rest[nul + 1..])),
        None => (rest, None),
    };
    let (method, uri, body) = match selector & 3 {
        0 => (Method::POST, "/graphql".to_owned(), rest.to_vec()),
        1 => {
            let mut body = format!("{{\"query\":{}", json_string(document)).into_bytes();
            if let Some(variables) = variables {
                body.extend_from_slice(b",\"variables\":");
                body.extend_from_slice(variables);
            }
            body.push(b'}');
            (Method::POST, "/graphql".to_owned(), body)
        }
        2 => {
            let mut uri = format!("/graphql?query={}", percent_encode(document));
            if let Some(variables) = variables {
                uri.push_str("&variables=");
                uri.push_str(&percent_encode(variables));
            }
            (Method::GET, uri, Vec::new())
        }
        _ => {
            let pieces: Vec<String> = rest
                .split(|&b| b == 0)
                .map(|piece| format!("{{\"query\":{}}}", json_string(piece)))
                .collect();
            let body = format!("[{}]", pieces.join(",")).into_bytes();
            (Method::POST, "/graphql".to_owned(), body)
        }
    };
    let accept = if selector & 0x10 == 0 {
        "application/graphql-response+json"
    } else {
        "application/json"
    };
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::ACCEPT, accept);
    if method == Method::POST {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    let bearer = match (selector >> 2) & 3 {
        0 => None,
        1 => Some(harness.viewer.as_str()),
        2 => Some(harness.admin.as_str()),
        _ => Some("not-a-jwt"),
    };
    if let Some(bearer) = bearer {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {bearer}"));
    }
    builder.body(Body::from(body)).ok()
}

/// Runs `future` on a worker thread, as the server runs a connection, and waits for it.
fn on_worker<F>(harness: &Harness, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let task = harness.runtime.spawn(future);
    match harness.runtime.block_on(task) {
        Ok(output) => output,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => panic!("request task cancelled: {error}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let harness = harness();
    let Some(request) = request(harness, data) else {
        return;
    };
    let router = harness.router.clone();
    let (status, body) = on_worker(harness, async move {
        let response = router
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        (status, body)
    });
    let body = body.expect("the response body can be read");
    if harness.print {
        eprintln!("{status} {}", String::from_utf8_lossy(&body));
    }
    assert!(
        !status.is_server_error() || status == StatusCode::GATEWAY_TIMEOUT,
        "{status}: {}",
        String::from_utf8_lossy(&body)
    );
});

/// A stack overflow is reported by libFuzzer (message, crash input saved) only if its signal
/// handler can run, which on an overflowed stack needs an alternate one. The Rust runtime and
/// AddressSanitizer each set that up, but neither is there: libFuzzer's `main` starts the
/// process, and stable Rust has no sanitizers (`--sanitizer none`). Without this, an overflow
/// kills the fuzzer with a bare SIGSEGV and the input that did it is lost.
#[allow(unsafe_code)]
mod signal_stack {
    const SIZE: usize = 256 * 1024;

    /// Makes libFuzzer's SIGSEGV and SIGBUS handlers (installed before the first input) run on
    /// the alternate stack of the faulting thread.
    pub fn report_overflows_on_alternate_stacks() {
        install();
        for signal in [libc::SIGSEGV, libc::SIGBUS] {
            // SAFETY: reads the installed action into a zeroed struct and writes it back with
            // one more flag; no handler is changed.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut action) == 0 {
                    action.sa_flags |= libc::SA_ONSTACK;
                    libc::sigaction(signal, &action, std::ptr::null_mut());
                }
            }
        }
    }

    /// Gives the calling thread an alternate signal stack, freed when the thread ends.
    pub fn install() {
        thread_local! {
            static STACK: AlternateStack = AlternateStack::new();
        }
        STACK.with(|_| {});
    }

    /// Owns the memory registered as the thread's alternate stack.
    struct AlternateStack(#[allow(dead_code)] Box<[u8]>);

    impl AlternateStack {
        fn new() -> Self {
            let mut memory = vec![0u8; SIZE].into_boxed_slice();
            let stack = libc::stack_t {
                ss_sp: memory.as_mut_ptr().cast(),
                ss_flags: 0,
                ss_size: SIZE,
            };
            // SAFETY: the memory lives until `drop`, which unregisters it first.
            unsafe {
                libc::sigaltstack(&stack, std::ptr::null_mut());
            }
            Self(memory)
        }
    }

    impl Drop for AlternateStack {
        fn drop(&mut self) {
            let disable = libc::stack_t {
                ss_sp: std::ptr::null_mut(),
                ss_flags: libc::SS_DISABLE,
                ss_size: 0,
            };
            // SAFETY: only unregisters this thread's alternate stack, before its memory goes.
            unsafe {
                libc::sigaltstack(&disable, std::ptr::null_mut());
            }
        }
    }
}

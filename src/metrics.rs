//! Prometheus metrics, served at `/metrics` in the OpenMetrics text format: GraphQL operations by
//! name, their latency, errors by code, open WebSocket connections and subscriptions, the
//! database pool and statements, and the read cache's hits and misses.

use std::{
    sync::{Arc, atomic::AtomicI64},
    time::Duration,
};

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::{Metric, Registry},
};
use sea_orm::DatabaseConnection;

use crate::error::code;

/// Longest operation name kept as a label; longer or odd names are folded, so that clients
/// cannot blow up the number of series.
const OPERATION_LABEL_MAX: usize = 64;

/// Most distinct operation names labelled; later ones count as `other`. A deployment's clients
/// send a few dozen named operations; a script inventing names cannot grow /metrics past this.
pub const OPERATION_LABELS_MAX: usize = 200;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LookupLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

struct Inner {
    registry: Registry,
    operations: Family<OperationLabels, Counter>,
    latency: Family<OperationLabels, Histogram, fn() -> Histogram>,
    errors: Family<CodeLabels, Counter>,
    websockets: Gauge<i64, AtomicI64>,
    subscriptions: Gauge<i64, AtomicI64>,
    pool: Family<PoolLabels, Gauge<i64, AtomicI64>>,
    statements: Counter,
    read_cache: Family<LookupLabels, Counter>,
    read_cache_bytes: Gauge<i64, AtomicI64>,
    /// The operation names labelled so far, at most `OPERATION_LABELS_MAX`.
    labelled: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// The process's metrics; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

/// Registers `metric` in `registry` and hands it back, to be kept and updated.
fn registered<M: Metric + Clone>(registry: &mut Registry, name: &str, help: &str, metric: M) -> M {
    registry.register(name, help, metric.clone());
    metric
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("iso20000");
        let inner = Inner {
            operations: registered(
                &mut registry,
                "graphql_operations",
                "GraphQL operations executed (a subscription once, when it starts), by operation name",
                Family::default(),
            ),
            latency: registered(
                &mut registry,
                "graphql_operation_duration_seconds",
                "Time to execute a GraphQL operation",
                Family::new_with_constructor(latency_histogram),
            ),
            errors: registered(
                &mut registry,
                "graphql_errors",
                "GraphQL errors returned, by extensions.code",
                Family::default(),
            ),
            websockets: registered(
                &mut registry,
                "websocket_connections",
                "Open WebSocket connections",
                Gauge::default(),
            ),
            subscriptions: registered(
                &mut registry,
                "subscriptions",
                "Running WebSocket operations",
                Gauge::default(),
            ),
            pool: registered(
                &mut registry,
                "db_pool_connections",
                "Database pool connections, by state",
                Family::default(),
            ),
            statements: registered(
                &mut registry,
                "db_statements",
                "SQL statements sent to the database",
                Counter::default(),
            ),
            read_cache: registered(
                &mut registry,
                "read_cache_lookups",
                "Read cache lookups, by outcome (hit, miss)",
                Family::default(),
            ),
            read_cache_bytes: registered(
                &mut registry,
                "read_cache_bytes",
                "Bytes the read cache holds (estimated), over all organizations",
                Gauge::default(),
            ),
            // Moved in last, once every metric above is registered in it.
            registry,
            labelled: Default::default(),
        };
        Self(Arc::new(inner))
    }
}

/// What is known of an operation's name for its label.
#[derive(Clone, Copy, Debug)]
pub enum OperationName<'a> {
    /// An authenticated caller ran the operation of this name, found in its document.
    Ran(&'a str),
    /// An authenticated caller ran an operation without a name.
    Anonymous,
    /// Anything else: refused before it ran, no credential, a name not in the document.
    Unlabelled,
}

const OTHER: &str = "other";

impl Metrics {
    /// The label for an operation: its name when short, plain and among the first
    /// `OPERATION_LABELS_MAX` seen, otherwise folded into `other`.
    fn operation_label(&self, name: OperationName<'_>) -> String {
        let name = match name {
            OperationName::Anonymous => return "anonymous".to_owned(),
            OperationName::Unlabelled => return OTHER.to_owned(),
            OperationName::Ran(name) => name,
        };
        let plain = name.len() <= OPERATION_LABEL_MAX
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !plain {
            return OTHER.to_owned();
        }
        let mut labelled = self
            .0
            .labelled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if labelled.contains(name) {
            return name.to_owned();
        }
        if labelled.len() >= OPERATION_LABELS_MAX {
            return OTHER.to_owned();
        }
        labelled.insert(name.to_owned());
        name.to_owned()
    }
}

impl Metrics {
    /// Records a query or mutation that answered (or a document refused): its count, its
    /// duration and its errors.
    pub fn response(
        &self,
        name: OperationName<'_>,
        took: Duration,
        response: &async_graphql::Response,
    ) {
        let labels = OperationLabels {
            operation: self.operation_label(name),
        };
        self.0.operations.get_or_create(&labels).inc();
        self.0
            .latency
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        self.errors(response);
    }

    /// Records a subscription that started: counted among the operations, without a duration,
    /// since it lasts as long as its client listens; its events' errors count as they are sent.
    pub fn subscribed(&self, name: OperationName<'_>) {
        let labels = OperationLabels {
            operation: self.operation_label(name),
        };
        self.0.operations.get_or_create(&labels).inc();
    }

    /// Counts a response's errors by code. Errors without a code are the request's own (parse,
    /// validation), which the HTTP layer answers as BAD_USER_INPUT, and so does this count.
    pub fn errors(&self, response: &async_graphql::Response) {
        for error in &response.errors {
            let given = error
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .and_then(|value| match value {
                    async_graphql::Value::String(given) => Some(given.as_str()),
                    _ => None,
                });
            self.error(given.unwrap_or(code::BAD_USER_INPUT));
        }
    }

    /// Counts one error by its code: an operation's (through `errors`), or a timeout's, which
    /// ends a request before its operation answers.
    pub fn error(&self, code: &str) {
        self.0
            .errors
            .get_or_create(&CodeLabels {
                code: code.to_owned(),
            })
            .inc();
    }

    /// Sets the read cache's size, read when /metrics is scraped.
    pub fn set_read_cache_bytes(&self, bytes: usize) {
        self.0
            .read_cache_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }

    /// The counters of read cache hits and misses, for `ReadCache::new`.
    pub fn read_cache_lookups(&self) -> (Counter, Counter) {
        let counter = |outcome| {
            self.0
                .read_cache
                .get_or_create(&LookupLabels { outcome })
                .clone()
        };
        (counter("hit"), counter("miss"))
    }

    /// Counts every statement the pool sends, so that N+1 patterns show on a dashboard (and in
    /// the tests that guard against them).
    pub fn count_statements(&self, db: &mut DatabaseConnection) {
        let statements = self.0.statements.clone();
        db.set_metric_callback(move |_| {
            statements.inc();
        });
    }

    /// Counts a WebSocket connection opened in a protocol the server speaks, authenticated or not.
    pub fn websocket_opened(&self) {
        self.0.websockets.inc();
    }

    /// Counts a WebSocket connection closed, however it ended.
    pub fn websocket_closed(&self) {
        self.0.websockets.dec();
    }

    /// Counts a running WebSocket operation until the returned guard is dropped.
    pub fn subscription(&self) -> SubscriptionGuard {
        self.0.subscriptions.inc();
        SubscriptionGuard(self.clone())
    }

    /// Open WebSocket connections.
    pub fn open_websockets(&self) -> i64 {
        self.0.websockets.get()
    }

    /// The text exposition, with the pool read at scrape time.
    pub fn render(&self, db: &DatabaseConnection) -> String {
        let (size, idle) = pool_state(db);
        self.0
            .pool
            .get_or_create(&PoolLabels {
                state: "idle".into(),
            })
            .set(idle);
        self.0
            .pool
            .get_or_create(&PoolLabels {
                state: "active".into(),
            })
            .set(size - idle);
        let mut text = String::new();
        if let Err(err) = encode(&mut text, &self.0.registry) {
            tracing::error!(error = %err, "metrics encoding failed");
        }
        text
    }
}

/// Decrements the running-operations gauge when the operation ends, however it ends.
pub struct SubscriptionGuard(Metrics);

impl Drop for SubscriptionGuard {
    fn drop(&mut self) {
        self.0.0.subscriptions.dec();
    }
}

fn pool_state(db: &DatabaseConnection) -> (i64, i64) {
    use sea_orm::DbBackend;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (i64::from(pool.size()), pool.num_idle() as i64)
        }
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_bounded() {
        let metrics = Metrics::default();
        let label = |name: OperationName<'_>| metrics.operation_label(name);
        assert_eq!(
            label(OperationName::Ran("PortfolioDashboard")),
            "PortfolioDashboard"
        );
        assert_eq!(label(OperationName::Anonymous), "anonymous");
        assert_eq!(label(OperationName::Unlabelled), "other");
        assert_eq!(label(OperationName::Ran(&"x".repeat(65))), "other");
        assert_eq!(label(OperationName::Ran("a b")), "other");
        for i in 0..OPERATION_LABELS_MAX {
            label(OperationName::Ran(&format!("Op{i}")));
        }
        assert_eq!(label(OperationName::Ran("OneTooMany")), "other");
        assert_eq!(
            label(OperationName::Ran("PortfolioDashboard")),
            "PortfolioDashboard"
        );
    }
}

//! Connecting to the database: a SQLite file by default, PostgreSQL by URL; pragmas, pool,
//! migrations, and the write transactions every mutation runs in.

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    AccessMode, ConnectOptions, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    IsolationLevel, SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::config::DatabaseConfig;

/// Name of the embedded database file inside the data folder.
const SQLITE_FILE: &str = "iso20000.db";

/// How long a SQLite writer waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The URL the configuration resolves to: the given one, or the embedded SQLite file.
pub fn database_url(config: &DatabaseConfig) -> anyhow::Result<String> {
    if let Some(url) = &config.database_url {
        return Ok(url.clone());
    }
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}; choose another with --data-dir",
            config.data_dir.display()
        )
    })?;
    let path = config.data_dir.join(SQLITE_FILE);
    Ok(format!("sqlite://{}?mode=rwc", path.display()))
}

/// Opens the pool. SQLite gets WAL (readers never wait for the writer), foreign keys and a
/// busy timeout, so concurrent writers queue instead of failing.
pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<DatabaseConnection> {
    let url = database_url(config)?;
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(config.db_max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .create_if_missing(true)
        });
    sea_orm::Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(&url)))
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("database migration failed")
}

/// Starts the transaction a mutation runs in. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later can fail with
/// SQLITE_BUSY, where this one simply waits its turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = TransactionOptions {
        sqlite_transaction_mode: (db.get_database_backend() == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}

/// Starts a read-only transaction whose reads all see one snapshot, for answers that must be
/// consistent across several statements while writers go on (verifying the audit trail).
/// PostgreSQL needs REPEATABLE READ for that (READ COMMITTED takes a snapshot per statement);
/// a SQLite read transaction in WAL mode already keeps the snapshot of its first read, and
/// SQLite has no isolation level to set.
pub async fn begin_read(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
        }
        _ => db.begin().await,
    }
}

/// A URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::*;

    /// `.cargo/config.toml` builds SQLite with its query planner stability guarantee; a build
    /// without it would silently compile every `LIMIT ?` statement again on each execution.
    #[tokio::test]
    async fn sqlite_keeps_its_query_plans() {
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let found = db
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "SELECT compile_options FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG'",
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            found.is_some(),
            "SQLite was built without SQLITE_ENABLE_QPSG"
        );
    }

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/iso"),
            "postgres://app:***@db:5432/iso"
        );
        assert_eq!(redact("postgres://app@db/iso"), "postgres://app@db/iso");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}

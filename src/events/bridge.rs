//! The bus across replicas on PostgreSQL: NOTIFY in each change's transaction, LISTEN in each
//! replica.

use std::time::Duration;

use entity::audit_entry;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Statement, sqlx::postgres::PgListener,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ChangeEvent, EventBus};
use crate::error::{AppError, AppResult};

/// The one channel every replica listens on.
pub const CHANNEL: &str = "iso20000_changes";

/// How long the bridge waits before connecting again after a failure.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// A notification: a few dozen bytes whatever the change (PostgreSQL refuses payloads over
/// 8,000 bytes); the replicas that hear it read the entries themselves.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Notice {
    /// The replica that made the change.
    r: Uuid,
    /// The organization.
    o: Uuid,
    /// The first and last audit sequence the change wrote.
    f: i64,
    l: i64,
}

/// Queues the notification of `entries` in `txn`; PostgreSQL sends it when (and only if) the
/// transaction commits. Nothing on SQLite, where one process is the only replica.
pub async fn notify(
    txn: &DatabaseTransaction,
    bus: &EventBus,
    entries: &[audit_entry::Model],
) -> AppResult<()> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let mut organizations: Vec<Uuid> = entries.iter().map(|e| e.organization_id).collect();
    organizations.sort_unstable();
    organizations.dedup();
    for organization in organizations {
        let sequences = entries
            .iter()
            .filter(|e| e.organization_id == organization)
            .map(|e| e.sequence);
        let (Some(first), Some(last)) = (sequences.clone().min(), sequences.max()) else {
            continue;
        };
        let notice = Notice {
            r: bus.replica(),
            o: organization,
            f: first,
            l: last,
        };
        let payload = serde_json::to_string(&notice).map_err(|e| AppError::Internal(e.into()))?;
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [sea_orm::Value::from(CHANNEL), payload.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Listens for the other replicas' changes and re-broadcasts them on `bus`, until the process
/// ends; nothing to do on SQLite.
pub async fn run(db: DatabaseConnection, bus: EventBus) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let mut connected_before = false;
    loop {
        let mut listener = match listen(&db).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot LISTEN for other replicas' changes; retrying");
                tokio::time::sleep(RECONNECT_AFTER).await;
                continue;
            }
        };
        if connected_before {
            tracing::info!("listening for other replicas' changes again; subscribers refetch");
            bus.resync();
        }
        connected_before = true;
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    if let Err(error) = relay(&db, &bus, notification.payload()).await {
                        tracing::warn!(
                            ?error,
                            "a change notification could not be relayed; subscribers refetch"
                        );
                        bus.resync();
                    }
                }
                Ok(None) | Err(_) => {
                    tracing::warn!("lost the connection that listens for other replicas' changes");
                    // Whatever is in flight is lost: say so now, and again once listening.
                    bus.resync();
                    break;
                }
            }
        }
    }
}

async fn listen(db: &DatabaseConnection) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(db.get_postgres_connection_pool()).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Reads the entries a notification names and publishes them, unless this replica made them.
async fn relay(db: &DatabaseConnection, bus: &EventBus, payload: &str) -> AppResult<()> {
    let notice: Notice = serde_json::from_str(payload)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("notification {payload:?}: {e}")))?;
    if notice.r == bus.replica() {
        return Ok(());
    }
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::OrganizationId.eq(notice.o))
        .filter(audit_entry::Column::Sequence.between(notice.f, notice.l))
        .order_by_asc(audit_entry::Column::Sequence)
        .all(db)
        .await?;
    for entry in entries {
        bus.publish(ChangeEvent {
            entry: std::sync::Arc::new(entry),
            local: false,
        });
    }
    Ok(())
}

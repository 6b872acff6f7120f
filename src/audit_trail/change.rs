use entity::audit_entry;
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait, Select};
use serde::Serialize;
use uuid::Uuid;

use super::store::{self, NewEntry};
use crate::{
    auth::Actor,
    db,
    error::{AppError, AppResult},
    events::{ChangeEvent, EventBus},
};

/// The unit of work of one mutation: one transaction, an audit entry per changed record in that
/// same transaction, and the change events published only after the commit succeeded.
pub struct Change {
    txn: DatabaseTransaction,
    actor: Actor,
    entries: Vec<audit_entry::Model>,
}

impl Change {
    /// Opens the transaction.
    pub async fn begin(db: &DatabaseConnection, actor: &Actor) -> AppResult<Self> {
        Ok(Self {
            txn: db::begin_write(db).await?,
            actor: actor.clone(),
            entries: Vec::new(),
        })
    }

    /// The transaction, for the reads and writes of the change.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Who makes the change.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Appends the audit entry for one changed record: `before` is `None` for a creation.
    pub async fn record<T: Serialize>(
        &mut self,
        action: &str,
        record_type: &str,
        record_id: Uuid,
        before: Option<&T>,
        after: Option<&T>,
    ) -> AppResult<()> {
        let json = |value: Option<&T>| -> AppResult<Option<String>> {
            value
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| AppError::Internal(e.into()))
        };
        let entry = store::append(
            &self.txn,
            &self.actor,
            NewEntry {
                action,
                record_type,
                record_id,
                before: json(before)?,
                after: json(after)?,
            },
        )
        .await?;
        self.entries.push(entry);
        Ok(())
    }

    /// Records the rows the database is about to delete along with a record (`ON DELETE
    /// CASCADE`): call it with the dependent rows' query before deleting the record.
    ///
    /// Each row gets an entry of its own, with `action` (the one an explicit removal of such a
    /// row records) and the row as `before`, rather than being folded into the record's delete
    /// entry: an auditor asking when and by whom an assignment or a link ended filters the trail
    /// by that record, or by its removal action, and must find every ending whatever caused it.
    /// The cause is not lost: a change's entries are contiguous in the chain (each append holds
    /// the chain head until the commit), so the record's own delete entry follows them directly.
    pub async fn record_cascade<E>(
        &mut self,
        action: &str,
        record_type: &str,
        rows: Select<E>,
        id: impl Fn(&E::Model) -> Uuid,
    ) -> AppResult<()>
    where
        E: EntityTrait,
        E::Model: Serialize,
    {
        for row in rows.all(&self.txn).await? {
            self.record(action, record_type, id(&row), Some(&row), None)
                .await?;
        }
        Ok(())
    }

    /// Commits, then tells subscribers.
    pub async fn commit(self, bus: &EventBus) -> AppResult<()> {
        self.txn.commit().await?;
        for entry in self.entries {
            bus.publish(ChangeEvent::from(entry));
        }
        Ok(())
    }
}

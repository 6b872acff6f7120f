//! The unit of work of a mutation.

use entity::audit_entry;
use sea_orm::{DatabaseConnection, DatabaseTransaction, QueryOrder, Select};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    audit_trail::store::{self as trail, NewEntry},
    auth::Actor,
    db,
    error::{AppError, AppResult},
    events::{ChangeEvent, EventBus},
    record::Record,
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

    /// Appends the audit entry for one changed row of `E`: `before` is `None` for a creation,
    /// `after` for a deletion.
    pub async fn record<E>(
        &mut self,
        action: &str,
        before: Option<&E::Model>,
        after: Option<&E::Model>,
    ) -> AppResult<()>
    where
        E: Record,
        E::Model: Serialize,
    {
        let Some(row) = after.or(before) else {
            return Ok(());
        };
        self.record_snapshot::<E, _>(action, E::id_of(row), before, after)
            .await
    }

    /// Appends the audit entry for row `id` of `E` as `before` and `after` show it: a row with
    /// what belongs to it (a process with its services), where the row alone would not tell
    /// what changed.
    pub async fn record_snapshot<E: Record, T: Serialize>(
        &mut self,
        action: &str,
        id: Uuid,
        before: Option<&T>,
        after: Option<&T>,
    ) -> AppResult<()> {
        let json = |value: Option<&T>| -> AppResult<Option<String>> {
            value
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| AppError::Internal(e.into()))
        };
        let entry = trail::append(
            &self.txn,
            &self.actor,
            NewEntry {
                action,
                record_type: E::TYPE,
                record_id: id,
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
    pub async fn record_cascade<E>(&mut self, action: &str, rows: Select<E>) -> AppResult<()>
    where
        E: Record,
        E::Model: Serialize,
    {
        for row in rows.order_by_asc(E::id_column()).all(&self.txn).await? {
            self.record::<E>(action, Some(&row), None).await?;
        }
        Ok(())
    }

    /// Commits, then tells subscribers.
    pub async fn commit(self, bus: &EventBus) -> AppResult<()> {
        crate::events::bridge::notify(&self.txn, bus, &self.entries).await?;
        self.txn.commit().await?;
        for entry in self.entries {
            bus.publish(ChangeEvent::from(entry));
        }
        Ok(())
    }
}

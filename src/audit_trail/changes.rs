//! `recordChanged`: the organization's changes as they are committed, one event per changed
//! record (its type, id, kind and version), for integrations that keep a copy.

use async_graphql::{Context, Enum, ID, Object, Subscription};
use entity::audit_entry;
use futures_util::{Stream, StreamExt};
use std::sync::Arc;
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use crate::{
    auth::{Permission, Require},
    error::AppError,
    events::BusEvent,
    graphql::{ContextExt, ids::global_id_of},
};

/// Most type names one subscription filters on.
const TYPES_MAX: usize = 100;

/// What happened to a record, or that changes may have been missed.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum RecordChangeKind {
    /// The record was created.
    Created,
    /// The record changed.
    Updated,
    /// The record was deleted.
    Deleted,
    /// Changes may have been missed (this subscriber fell behind, or the server lost touch with
    /// the other replicas): refetch what is kept. `type` and `id` are null.
    Resync,
}

/// One event of `recordChanged`.
pub struct RecordChange {
    entry: Option<Arc<audit_entry::Model>>,
}

impl RecordChange {
    fn change_kind(&self) -> RecordChangeKind {
        match self.entry.as_deref() {
            None => RecordChangeKind::Resync,
            Some(entry) if entry.before.is_none() => RecordChangeKind::Created,
            Some(entry) if entry.after.is_none() => RecordChangeKind::Deleted,
            Some(_) => RecordChangeKind::Updated,
        }
    }
}

/// A committed change of one record.
#[Object]
impl RecordChange {
    /// CREATED, UPDATED, DELETED, or RESYNC.
    async fn kind(&self) -> RecordChangeKind {
        self.change_kind()
    }
    /// The record's GraphQL type; null for RESYNC.
    #[graphql(name = "type")]
    async fn record_type(&self) -> Option<&str> {
        self.entry.as_deref().map(|e| e.record_type.as_str())
    }
    /// The record's global id (fetch it with `node`); null for RESYNC.
    async fn id(&self) -> Option<ID> {
        self.entry
            .as_deref()
            .map(|e| global_id_of(&e.record_type, e.record_id))
    }
    /// The record's version after the change, for versioned records that still exist.
    async fn version(&self) -> Option<i64> {
        let after = self.entry.as_deref()?.after.as_deref()?;
        #[derive(serde::Deserialize)]
        struct Versioned {
            version: Option<i64>,
        }
        serde_json::from_str::<Versioned>(after).ok()?.version
    }
    /// The action the audit trail records (`update`, `assess`, `approve`, ...); null for
    /// RESYNC.
    async fn action(&self) -> Option<&str> {
        self.entry.as_deref().map(|e| e.action.as_str())
    }
}

/// Record change subscriptions.
#[derive(Default)]
pub struct RecordChangeSubscription;

#[Subscription]
impl RecordChangeSubscription {
    /// Each record of the caller's organization created, updated or deleted, after its change
    /// is committed (on any replica), optionally of some types only. A subscriber too slow to
    /// keep up gets RESYNC where it missed events, and the events after it.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn record_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Record types (GraphQL type names, as `Node` implements them) to receive, at most 100; omitted: all."
        )]
        types: Option<Vec<String>>,
    ) -> async_graphql::Result<impl Stream<Item = RecordChange> + use<>> {
        let organization_id = ctx.actor()?.organization_id;
        if let Some(types) = &types {
            if types.len() > TYPES_MAX {
                return Err(
                    AppError::bad_input("types", format!("at most {TYPES_MAX} types")).into(),
                );
            }
            let known = node_types(ctx);
            if let Some((index, name)) = types.iter().enumerate().find(|(_, t)| !known.contains(t))
            {
                return Err(AppError::bad_input(
                    format!("types[{index}]"),
                    format!("`{name}` is no record type; the types are those implementing Node"),
                )
                .into());
            }
        }
        let events = BroadcastStream::new(ctx.state().bus.subscribe());
        Ok(events.filter_map(move |event| {
            let wanted = match &event {
                Ok(BusEvent::Change(change)) => {
                    change.entry.organization_id == organization_id
                        && types
                            .as_ref()
                            .is_none_or(|t| t.contains(&change.entry.record_type))
                }
                _ => true,
            };
            let change = match event {
                Ok(BusEvent::Change(change)) if wanted => Some(RecordChange {
                    entry: Some(change.entry),
                }),
                Ok(BusEvent::Change(_)) => None,
                Ok(BusEvent::Resync) | Err(BroadcastStreamRecvError::Lagged(_)) => {
                    Some(RecordChange { entry: None })
                }
            };
            async move { change }
        }))
    }
}

/// The GraphQL names of the record types: what the schema's `Node` interface is implemented by.
fn node_types(ctx: &Context<'_>) -> Vec<String> {
    let node = <crate::schema::Node as async_graphql::OutputType>::type_name();
    match ctx.schema_env.registry.types.get(node.as_ref()) {
        Some(async_graphql::registry::MetaType::Interface { possible_types, .. }) => {
            possible_types.iter().cloned().collect()
        }
        _ => Vec::new(),
    }
}

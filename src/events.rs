//! The change bus: every committed change is announced here, and subscriptions listen.
//!
//! Within one process this is a broadcast channel. On PostgreSQL each replica also tells the
//! others: a change's transaction NOTIFYs one channel with a small payload (organization and
//! the range of audit sequences it wrote), which PostgreSQL delivers at commit, and each
//! replica's [`bridge`] LISTENs, reads those entries and re-broadcasts them here. When the
//! listening connection is lost, the bridge reconnects and announces [`BusEvent::Resync`]:
//! what happened in between is unknown, so subscribers refetch.

pub mod bridge;

use std::sync::Arc;

use entity::audit_entry;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Events kept for slow subscribers before they start to miss some (and are told so).
const CAPACITY: usize = 1024;

/// One committed change of one record.
#[derive(Clone, Debug)]
pub struct ChangeEvent {
    /// The audit entry that records the change. Subscribers filter on its organization and
    /// record, so the event holds no copies of them that could drift from the entry.
    pub entry: Arc<audit_entry::Model>,
    /// Made through this replica (not heard from another): what is derived from a change and
    /// stored (readiness history) is written once, by the replica that made it.
    pub local: bool,
}

impl From<audit_entry::Model> for ChangeEvent {
    fn from(entry: audit_entry::Model) -> Self {
        Self {
            entry: Arc::new(entry),
            local: true,
        }
    }
}

/// What the bus carries.
#[derive(Clone, Debug)]
pub enum BusEvent {
    Change(ChangeEvent),
    /// Changes may have been missed (the replicas' channel was down): refetch what is kept.
    Resync,
}

/// Publishes committed changes to every subscriber of the process.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<BusEvent>,
    /// The changes that may end a credential's rights (people and API tokens), and resyncs:
    /// what every WebSocket connection watches. A channel of their own, so that the many
    /// other changes do not wake every open connection.
    credentials: broadcast::Sender<BusEvent>,
    /// This process among the replicas, so that it skips its own notifications.
    replica: Uuid,
}

impl Default for EventBus {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            credentials: broadcast::channel(CAPACITY).0,
            replica: Uuid::now_v7(),
        }
    }
}

impl EventBus {
    /// Announces a change; nobody listening is fine.
    pub fn publish(&self, event: ChangeEvent) {
        let record_type = event.entry.record_type.as_str();
        if record_type == <entity::person::Entity as crate::record::Record>::TYPE
            || record_type == <entity::api_token::Entity as crate::record::Record>::TYPE
        {
            let _ = self.credentials.send(BusEvent::Change(event.clone()));
        }
        let _ = self.sender.send(BusEvent::Change(event));
    }

    /// Tells every subscriber that changes may have been missed.
    pub fn resync(&self) {
        let _ = self.credentials.send(BusEvent::Resync);
        let _ = self.sender.send(BusEvent::Resync);
    }

    /// A receiver of the changes that may end a credential's rights (people, API tokens) and
    /// of resyncs, from now on.
    pub fn subscribe_credentials(&self) -> broadcast::Receiver<BusEvent> {
        self.credentials.subscribe()
    }

    /// A receiver of every event from now on (all organizations: filter by the subscriber's).
    pub fn subscribe(&self) -> broadcast::Receiver<BusEvent> {
        self.sender.subscribe()
    }

    /// This replica's id in notifications.
    pub fn replica(&self) -> Uuid {
        self.replica
    }
}

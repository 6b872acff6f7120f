//! The change bus: every committed change is announced here, and subscriptions listen.
//!
//! Within one process this is a broadcast channel. Bridging replicas over PostgreSQL
//! LISTEN/NOTIFY is the scale-out step DESIGN.md describes and comes with it.

use std::sync::Arc;

use entity::audit_entry;
use tokio::sync::broadcast;

/// Events kept for slow subscribers before they start to miss some (and are told so).
const CAPACITY: usize = 1024;

/// One committed change of one record.
#[derive(Clone, Debug)]
pub struct ChangeEvent {
    /// The audit entry that records the change. Subscribers filter on its organization and
    /// record, so the event holds no copies of them that could drift from the entry.
    pub entry: Arc<audit_entry::Model>,
}

impl From<audit_entry::Model> for ChangeEvent {
    fn from(entry: audit_entry::Model) -> Self {
        Self {
            entry: Arc::new(entry),
        }
    }
}

/// Publishes committed changes to every subscriber of the process.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<ChangeEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
        }
    }
}

impl EventBus {
    /// Announces a change; nobody listening is fine.
    pub fn publish(&self, event: ChangeEvent) {
        let _ = self.sender.send(event);
    }

    /// A receiver of every change from now on (all organizations: filter by the subscriber's).
    pub fn subscribe(&self) -> broadcast::Receiver<ChangeEvent> {
        self.sender.subscribe()
    }
}

//! Open WebSocket connections per organization, so one tenant cannot hold them all.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use uuid::Uuid;

/// Counts open connections per organization.
#[derive(Clone, Default)]
pub struct ConnectionRegistry {
    open: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One registered connection; unregisters itself when dropped.
pub struct Registration {
    registry: ConnectionRegistry,
    organization_id: Uuid,
}

impl ConnectionRegistry {
    /// Registers a connection of `organization_id` unless it already has `limit` open.
    pub fn register(&self, organization_id: Uuid, limit: usize) -> Option<Registration> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(organization_id).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(Registration {
            registry: self.clone(),
            organization_id,
        })
    }

    /// Connections open across all organizations.
    pub fn total(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .sum()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut open = self
            .registry
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.organization_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.organization_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_organization_is_refused_until_one_leaves() {
        let registry = ConnectionRegistry::default();
        let org = Uuid::now_v7();
        let first = registry.register(org, 2);
        let second = registry.register(org, 2);
        assert!(first.is_some() && second.is_some());
        assert!(registry.register(org, 2).is_none());
        assert!(
            registry.register(Uuid::now_v7(), 2).is_some(),
            "other organizations are unaffected"
        );
        drop(first);
        assert!(registry.register(org, 2).is_some());
    }
}

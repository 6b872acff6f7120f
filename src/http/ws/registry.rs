//! Open WebSocket connections counted by who holds them (an organization, a credential, or
//! nobody yet), so that no one holder can take every slot.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
};

use uuid::Uuid;

/// Counts open connections per key.
pub struct ConnectionRegistry<K = Uuid> {
    open: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K> Clone for ConnectionRegistry<K> {
    fn clone(&self) -> Self {
        Self {
            open: self.open.clone(),
        }
    }
}

impl<K> Default for ConnectionRegistry<K> {
    fn default() -> Self {
        Self {
            open: Arc::default(),
        }
    }
}

/// The registries of a server: by organization, by credential (organization and subject), and
/// the sockets that have not authenticated yet (one key for all of them).
#[derive(Clone, Default)]
pub struct Registries {
    pub organizations: ConnectionRegistry<Uuid>,
    pub credentials: ConnectionRegistry<(Uuid, String)>,
    pub unauthenticated: ConnectionRegistry<()>,
}

/// One registered connection; unregisters itself when dropped.
pub struct Registration<K: Hash + Eq = Uuid> {
    registry: ConnectionRegistry<K>,
    key: K,
}

impl<K: Hash + Eq + Clone> ConnectionRegistry<K> {
    /// Registers a connection of `key` unless it already has `limit` open.
    pub fn register(&self, key: K, limit: usize) -> Option<Registration<K>> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(key.clone()).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(Registration {
            registry: self.clone(),
            key,
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

impl<K: Hash + Eq> Drop for Registration<K> {
    fn drop(&mut self) {
        let mut open = self
            .registry
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_organization_is_refused_until_one_leaves() {
        let registry = ConnectionRegistry::<Uuid>::default();
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

//! Automatic persisted queries, as Apollo's link sends them: a request may carry only the
//! SHA-256 of its query (`extensions.persistedQuery.sha256Hash`); the server answers
//! PERSISTED_QUERY_NOT_FOUND until the client has sent the query with its hash once.
//!
//! The queries are kept in memory per process, at most `CAPACITY` of them, each within the
//! query length limit, the oldest going first: a script that sends new queries can only push
//! out others, never grow the process.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use sha2::{Digest, Sha256};

/// Most queries kept.
pub const CAPACITY: usize = 1_000;

/// The queries sent with their hash so far.
#[derive(Clone, Default)]
pub struct PersistedQueries {
    inner: Arc<Mutex<Kept>>,
}

#[derive(Default)]
struct Kept {
    by_hash: HashMap<String, Arc<str>>,
    order: VecDeque<String>,
}

/// Why a persisted query cannot run.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The hash is not known (yet): the client should send the query with it.
    NotFound,
    /// The query sent does not have the hash sent with it.
    HashMismatch,
    /// The extension is not `{ version: 1, sha256Hash: "<64 hex digits>" }`.
    Malformed,
}

impl PersistedQueries {
    /// The query to run: `query` when given (kept under its hash, which must match it, if it
    /// is at most `max_bytes` long: a longer one is refused by the query length limit anyway),
    /// or the one kept under the extension's hash.
    pub fn resolve(
        &self,
        query: Option<&str>,
        extension: &serde_json::Value,
        max_bytes: usize,
    ) -> Result<Arc<str>, Refusal> {
        let hash = extension
            .get("sha256Hash")
            .and_then(|h| h.as_str())
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| extension.get("version").and_then(|v| v.as_i64()) == Some(1))
            .ok_or(Refusal::Malformed)?
            .to_ascii_lowercase();
        let mut kept = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(query) = query else {
            return kept.by_hash.get(&hash).cloned().ok_or(Refusal::NotFound);
        };
        if hex::encode(Sha256::digest(query.as_bytes())) != hash {
            return Err(Refusal::HashMismatch);
        }
        let query: Arc<str> = Arc::from(query);
        if query.len() <= max_bytes && !kept.by_hash.contains_key(&hash) {
            if kept.order.len() >= CAPACITY
                && let Some(oldest) = kept.order.pop_front()
            {
                kept.by_hash.remove(&oldest);
            }
            kept.order.push_back(hash.clone());
            kept.by_hash.insert(hash, Arc::clone(&query));
        }
        Ok(query)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn extension(query: &str) -> serde_json::Value {
        json!({ "version": 1, "sha256Hash": hex::encode(Sha256::digest(query.as_bytes())) })
    }

    #[test]
    fn a_query_is_found_by_its_hash_once_sent_with_it() {
        let kept = PersistedQueries::default();
        let query = "{ viewer { subject } }";
        assert_eq!(
            kept.resolve(None, &extension(query), 100),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            kept.resolve(Some(query), &extension(query), 100).as_deref(),
            Ok(query)
        );
        assert_eq!(
            kept.resolve(None, &extension(query), 100).as_deref(),
            Ok(query)
        );
        assert_eq!(
            kept.resolve(Some("{ other }"), &extension(query), 100),
            Err(Refusal::HashMismatch)
        );
        assert_eq!(
            kept.resolve(None, &json!({ "version": 2, "sha256Hash": "ab" }), 100),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn the_oldest_query_goes_first_when_full() {
        let kept = PersistedQueries::default();
        let first = "{ q0 }";
        for i in 0..=CAPACITY {
            let query = format!("{{ q{i} }}");
            assert!(kept.resolve(Some(&query), &extension(&query), 100).is_ok());
        }
        assert_eq!(
            kept.resolve(None, &extension(first), 100),
            Err(Refusal::NotFound)
        );
        let last = format!("{{ q{CAPACITY} }}");
        assert!(kept.resolve(None, &extension(&last), 100).is_ok());
    }
}

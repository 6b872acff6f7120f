//! Reads shared between requests for as long as an organization's data stays the same.
//!
//! Every change to an organization's records goes through `audit_trail::Change`, which appends
//! to the organization's audit trail in the same transaction; the trail's head sequence is
//! therefore a version of all of the organization's data. The credential check reads it in the
//! statement it runs anyway, so each request knows the version it started at, and whatever it
//! reads afterwards is at least that new. What a request reads under version V is kept for
//! every later request that starts at V; the first request that starts at a newer version drops
//! it, and one that starts at an older version (it raced a commit) goes to the database.
//!
//! The version comes from the database, not from this process, so replicas each keep their own
//! cache and stay correct. Data written around the API (SQL by hand) is seen after the next
//! change made through it. Mutations never read from the cache: what they return must show
//! their own change (`graphql::execute`).

use std::{
    any::Any,
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use prometheus_client::metrics::counter::Counter;
use uuid::Uuid;

/// What a cached answer is the answer to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A relation loader's answer for one record: the loader's name and the record's id.
    Relation(&'static str, Uuid),
    /// What a statement reads: its kind of answer (rows, a count), its SQL and its values.
    Statement {
        answer: &'static str,
        sql: String,
        values: Vec<sea_orm::Value>,
    },
}

impl Key {
    /// The key of `answer` (rows, a count) to `statement`.
    pub fn statement(answer: &'static str, statement: sea_orm::Statement) -> Self {
        Self::Statement {
            answer,
            sql: statement.sql,
            values: statement.values.map(|values| values.0).unwrap_or_default(),
        }
    }
}

type Answer = Arc<dyn Any + Send + Sync>;

/// One organization's answers, all read at `version`.
struct Entries {
    version: i64,
    /// When a request last used them, on the cache's own clock: the least recently used
    /// organization goes first when the cache is full.
    used: u64,
    answers: HashMap<Key, Answer>,
    /// Records the answers hold.
    records: usize,
}

#[derive(Default)]
struct Organizations {
    by_id: HashMap<Uuid, Entries>,
    /// Records held, over all organizations.
    held: usize,
    clock: u64,
}

impl Organizations {
    /// The entries of `organization` at `version`, dropping older ones; none if the cache
    /// already holds a newer version.
    fn at(&mut self, organization: Uuid, version: i64) -> Option<&mut Entries> {
        self.clock += 1;
        let used = self.clock;
        let entries = self.by_id.entry(organization).or_insert_with(|| Entries {
            version,
            used,
            answers: HashMap::new(),
            records: 0,
        });
        if entries.version < version {
            self.held -= entries.records;
            entries.answers.clear();
            entries.records = 0;
            entries.version = version;
        }
        entries.used = used;
        (entries.version == version).then_some(entries)
    }

    /// Makes room for `records` more records of `keep` by dropping the least recently used
    /// other organizations; false if `keep` alone leaves no room.
    fn make_room(&mut self, budget: usize, keep: Uuid, records: usize) -> bool {
        while self.held + records > budget {
            let oldest = self
                .by_id
                .iter()
                .filter(|(id, _)| **id != keep)
                .min_by_key(|(_, entries)| entries.used)
                .map(|(id, _)| *id);
            let Some(oldest) = oldest else {
                return false;
            };
            if let Some(dropped) = self.by_id.remove(&oldest) {
                self.held -= dropped.records;
            }
        }
        true
    }
}

/// The process's cache of read answers, by organization and data version.
pub struct ReadCache {
    /// Most records held at once, over all organizations; 0 turns the cache off.
    budget: usize,
    organizations: Mutex<Organizations>,
    hits: Counter,
    misses: Counter,
}

impl ReadCache {
    /// A cache holding at most `budget` records, counting its hits and misses.
    pub fn new(budget: usize, hits: Counter, misses: Counter) -> Arc<Self> {
        Arc::new(Self {
            budget,
            organizations: Mutex::default(),
            hits,
            misses,
        })
    }

    /// What a request of `organization`, which saw its data at `version`, may share.
    pub fn reads(self: &Arc<Self>, organization: Uuid, version: i64) -> Option<CachedReads> {
        (self.budget > 0).then(|| CachedReads {
            cache: Arc::clone(self),
            organization,
            version,
        })
    }

    fn organizations(&self) -> MutexGuard<'_, Organizations> {
        // Never held across an await or foreign code; a panic cannot leave it half-updated.
        self.organizations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One request's view of the cache: its organization's answers at the version it started at.
#[derive(Clone)]
pub struct CachedReads {
    cache: Arc<ReadCache>,
    organization: Uuid,
    version: i64,
}

impl CachedReads {
    /// The answer to `key`, if one was read at this request's version.
    pub fn get<V: Clone + Send + Sync + 'static>(&self, key: &Key) -> Option<V> {
        let found = self
            .cache
            .organizations()
            .at(self.organization, self.version)
            .and_then(|entries| entries.answers.get(key))
            .and_then(|answer| answer.downcast_ref::<V>())
            .cloned();
        match found {
            Some(_) => self.cache.hits.inc(),
            None => self.cache.misses.inc(),
        };
        found
    }

    /// Keeps `answer`, which holds `records` records and was read after this request's
    /// version was seen, for the requests that see the same version.
    pub fn put<V: Send + Sync + 'static>(&self, key: Key, answer: V, records: usize) {
        self.put_all([(key, answer, records)]);
    }

    /// Keeps several answers (each with the records it holds) under one lock.
    pub fn put_all<V: Send + Sync + 'static>(
        &self,
        answers: impl IntoIterator<Item = (Key, V, usize)>,
    ) {
        let budget = self.cache.budget;
        let mut organizations = self.cache.organizations();
        for (key, answer, records) in answers {
            // Even an empty answer takes room.
            let records = records.max(1);
            let Some(entries) = organizations.at(self.organization, self.version) else {
                return;
            };
            if entries.answers.contains_key(&key) {
                continue;
            }
            if !organizations.make_room(budget, self.organization, records) {
                return;
            }
            // `make_room` never drops the organization it makes room for.
            if let Some(entries) = organizations.by_id.get_mut(&self.organization) {
                entries.answers.insert(key, Arc::new(answer));
                entries.records += records;
                organizations.held += records;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(budget: usize) -> Arc<ReadCache> {
        ReadCache::new(budget, Counter::default(), Counter::default())
    }

    fn key(n: u128) -> Key {
        Key::Relation("test", Uuid::from_u128(n))
    }

    #[test]
    fn answers_are_shared_at_one_version_only() {
        let cache = cache(100);
        let org = Uuid::from_u128(1);
        let v1 = cache.reads(org, 1).unwrap();
        v1.put(key(1), 10_u32, 1);
        assert_eq!(cache.reads(org, 1).unwrap().get::<u32>(&key(1)), Some(10));
        // A request that raced a commit and saw an older version neither reads nor writes.
        let v0 = cache.reads(org, 0).unwrap();
        assert_eq!(v0.get::<u32>(&key(1)), None);
        v0.put(key(2), 20_u32, 1);
        assert_eq!(v1.get::<u32>(&key(2)), None);
        // The first request at a newer version drops the old answers...
        let v2 = cache.reads(org, 2).unwrap();
        assert_eq!(v2.get::<u32>(&key(1)), None);
        // ...and requests still running at the old one cannot put them back.
        v1.put(key(1), 11_u32, 1);
        assert_eq!(v2.get::<u32>(&key(1)), None);
    }

    #[test]
    fn organizations_and_types_do_not_mix() {
        let cache = cache(100);
        let a = cache.reads(Uuid::from_u128(1), 5).unwrap();
        let b = cache.reads(Uuid::from_u128(2), 5).unwrap();
        a.put(key(1), 1_u32, 1);
        assert_eq!(b.get::<u32>(&key(1)), None);
        assert_eq!(a.get::<String>(&key(1)), None);
    }

    #[test]
    fn a_full_cache_drops_the_least_recently_used_organization() {
        let cache = cache(2);
        let a = cache.reads(Uuid::from_u128(1), 1).unwrap();
        let b = cache.reads(Uuid::from_u128(2), 1).unwrap();
        let c = cache.reads(Uuid::from_u128(3), 1).unwrap();
        a.put(key(1), 1_u32, 1);
        b.put(key(1), 2_u32, 1);
        assert_eq!(a.get::<u32>(&key(1)), Some(1));
        c.put(key(1), 3_u32, 1);
        assert_eq!(b.get::<u32>(&key(1)), None, "b was used least recently");
        assert_eq!(a.get::<u32>(&key(1)), Some(1));
        assert_eq!(c.get::<u32>(&key(1)), Some(3));
        // One organization alone never holds more than the budget.
        c.put_all((2..10).map(|n| (key(n), 0_u32, 1)));
        assert_eq!(cache.organizations().held, 2);
    }

    #[test]
    fn the_budget_counts_records_not_answers() {
        let cache = cache(10);
        let a = cache.reads(Uuid::from_u128(1), 1).unwrap();
        let b = cache.reads(Uuid::from_u128(2), 1).unwrap();
        a.put(key(1), vec![0_u8; 6], 6);
        b.put(key(1), vec![0_u8; 6], 6);
        assert_eq!(a.get::<Vec<u8>>(&key(1)), None, "a made room for b");
        b.put(key(2), vec![0_u8; 5], 5);
        assert_eq!(b.get::<Vec<u8>>(&key(2)), None, "no room left, even alone");
        assert_eq!(cache.organizations().held, 6);
    }

    #[test]
    fn a_zero_budget_turns_the_cache_off() {
        assert!(cache(0).reads(Uuid::from_u128(1), 1).is_none());
    }

    #[test]
    fn statement_keys_tell_values_apart() {
        let statement = |value: &str| {
            sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                "SELECT 1 WHERE name = ?",
                [value.into()],
            )
        };
        assert_eq!(
            Key::statement("rows", statement("a")),
            Key::statement("rows", statement("a"))
        );
        assert_ne!(
            Key::statement("rows", statement("a")),
            Key::statement("rows", statement("b"))
        );
        assert_ne!(
            Key::statement("rows", statement("a")),
            Key::statement("count", statement("a"))
        );
    }
}

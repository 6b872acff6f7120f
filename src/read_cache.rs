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
//! While one request reads an answer, others that ask for the same one wait for it rather than
//! read it too: after a change, every request in flight misses at once, and without this they
//! would all go to the database together.
//!
//! Answers belong to an organization, never to a caller: every read is scoped by organization
//! alone (`tenancy::Scope`), and guards on fields still run for each request.
//!
//! The version comes from the database, not from this process, so replicas each keep their own
//! cache and stay correct. Data written around the API (SQL by hand) is seen after the next
//! change made through it. Mutations never read from the cache: what they return must show
//! their own change (`graphql::Caller::prepare`).

use std::{
    any::Any,
    collections::HashMap,
    future::Future,
    hash::Hash,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use prometheus_client::metrics::counter::Counter;
use tokio::sync::oneshot;
use uuid::Uuid;

/// What a cached answer is the answer to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A relation loader's answer for one record: the loader's name and the record's id.
    Relation(&'static str, Uuid),
    /// An answer computed from several reads (the gap analysis of a cycle): its kind and its
    /// arguments.
    Computed(&'static str, String),
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

/// An answer another request is reading; `None` if that request failed or went away.
type InFlight = Shared<BoxFuture<'static, Option<Answer>>>;

/// One organization's answers, all read at `version`.
struct Entries {
    version: i64,
    /// When a request last used them, on the cache's own clock: the least recently used
    /// organization goes first when the cache is full.
    used: u64,
    answers: HashMap<Key, Answer>,
    /// Bytes the answers hold (as `weigh` estimates them).
    bytes: usize,
    /// Answers being read right now, by the request that claimed them.
    in_flight: HashMap<Key, InFlight>,
}

#[derive(Default)]
struct Organizations {
    by_id: HashMap<Uuid, Entries>,
    /// Bytes held, over all organizations.
    held: usize,
    clock: u64,
}

impl Organizations {
    /// The entries of `organization` at `version`, dropping older ones; none if the cache
    /// already holds a newer version, or holds none and `create` is false (a lookup must not
    /// bring back an organization the budget evicted).
    fn at(&mut self, organization: Uuid, version: i64, create: bool) -> Option<&mut Entries> {
        self.clock += 1;
        let used = self.clock;
        if !create && !self.by_id.contains_key(&organization) {
            return None;
        }
        let entries = self.by_id.entry(organization).or_insert_with(|| Entries {
            version,
            used,
            answers: HashMap::new(),
            bytes: 0,
            in_flight: HashMap::new(),
        });
        if entries.version < version {
            self.held -= entries.bytes;
            entries.answers.clear();
            entries.in_flight.clear();
            entries.bytes = 0;
            entries.version = version;
        }
        entries.used = used;
        (entries.version == version).then_some(entries)
    }

    /// Makes room for `bytes` more bytes of `keep` by dropping the least recently used
    /// other organizations; false if `keep` alone leaves no room.
    fn make_room(&mut self, budget: usize, keep: Uuid, bytes: usize) -> bool {
        while self.held + bytes > budget {
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
                self.held -= dropped.bytes;
            }
        }
        true
    }
}

/// The process's cache of read answers, by organization and data version.
pub struct ReadCache {
    /// Most bytes held at once, over all organizations; 0 turns the cache off.
    budget: usize,
    organizations: Mutex<Organizations>,
    hits: Counter,
    misses: Counter,
}

impl ReadCache {
    /// A cache holding at most `budget` bytes, counting its hits and misses.
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

    /// Bytes held now, over all organizations (as `weigh` estimates them).
    pub fn held(&self) -> usize {
        self.organizations().held
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
            .at(self.organization, self.version, false)
            .and_then(|entries| entries.answers.get(key))
            .and_then(|answer| answer.downcast_ref::<V>())
            .cloned();
        // Misses are counted where the answer is then claimed (`claim_all`).
        if found.is_some() {
            self.cache.hits.inc();
        }
        found
    }

    /// Keeps `answer`, which holds `bytes` bytes and was read after this request's
    /// version was seen, for the requests that see the same version.
    fn keep(&self, key: Key, answer: Answer, bytes: usize) {
        // Even an empty answer takes room.
        let bytes = bytes.max(1);
        let budget = self.cache.budget;
        let mut organizations = self.cache.organizations();
        let Some(entries) = organizations.at(self.organization, self.version, true) else {
            return;
        };
        if entries.answers.contains_key(&key) {
            return;
        }
        if !organizations.make_room(budget, self.organization, bytes) {
            return;
        }
        // `make_room` never drops the organization it makes room for.
        if let Some(entries) = organizations.by_id.get_mut(&self.organization) {
            entries.answers.insert(key, answer);
            entries.bytes += bytes;
            organizations.held += bytes;
        }
    }

    /// What the cache can do for each of `keys`, under one lock: an answer it keeps, one
    /// another request is reading (wait for it), or the caller's to read (and then keep).
    pub fn claim_all<V: Clone + Send + Sync + 'static>(
        &self,
        keys: impl IntoIterator<Item = Key>,
    ) -> Vec<Claim<V>> {
        let mut organizations = self.cache.organizations();
        let mut entries = organizations.at(self.organization, self.version, true);
        keys.into_iter()
            .map(|key| {
                let Some(entries) = entries.as_deref_mut() else {
                    // A request that raced a commit reads on its own.
                    return Claim::Yours(Promise::detached(self.clone(), key));
                };
                if let Some(answer) = entries
                    .answers
                    .get(&key)
                    .and_then(|answer| answer.downcast_ref::<V>())
                {
                    self.cache.hits.inc();
                    return Claim::Kept(answer.clone());
                }
                self.cache.misses.inc();
                if let Some(in_flight) = entries.in_flight.get(&key) {
                    return Claim::Wait(Waiting(in_flight.clone()));
                }
                let (sender, receiver) = oneshot::channel::<Answer>();
                let in_flight = async move { receiver.await.ok() }.boxed().shared();
                entries.in_flight.insert(key.clone(), in_flight.clone());
                Claim::Yours(Promise {
                    reads: self.clone(),
                    key,
                    sender: Some(sender),
                    in_flight: Some(in_flight),
                })
            })
            .collect()
    }

    /// The answer to `key`: kept, waited for while another request reads it, or read with
    /// `load` and kept (holding `bytes(answer)` bytes).
    pub async fn read<V, E, F>(
        &self,
        key: Key,
        bytes: impl FnOnce(&V) -> usize,
        load: impl FnOnce() -> F,
    ) -> Result<V, E>
    where
        V: Clone + Send + Sync + 'static,
        F: Future<Output = Result<V, E>>,
    {
        let claim = self.claim_all::<V>([key]).pop();
        match claim {
            Some(Claim::Kept(answer)) => Ok(answer),
            Some(Claim::Wait(waiting)) => match waiting.answer::<V>().await {
                Some(answer) => Ok(answer),
                None => load().await,
            },
            Some(Claim::Yours(promise)) => {
                let answer = load().await?;
                let held = bytes(&answer);
                promise.keep(answer.clone(), held);
                Ok(answer)
            }
            None => load().await,
        }
    }
}

/// An estimate of the memory `value` holds: its size plus its JSON length, which tracks the
/// heap its texts take (a 4,000-character description weighs 4,000, not 1). Computed once per
/// answer, when it is kept, without building the JSON.
pub fn weigh<T: serde::Serialize>(value: &T) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    let _ = serde_json::to_writer(&mut counter, value);
    std::mem::size_of::<T>() + counter.0
}

/// What the cache can do for one key.
pub enum Claim<V> {
    /// An answer read earlier at this version.
    Kept(V),
    /// Another request is reading it.
    Wait(Waiting),
    /// The caller reads it; others asking meanwhile wait for it.
    Yours(Promise),
}

/// An answer another request is reading.
pub struct Waiting(InFlight);

impl Waiting {
    /// The answer, once read; `None` if the reading request failed or went away, and the
    /// caller should read it itself.
    pub async fn answer<V: Clone + 'static>(self) -> Option<V> {
        self.0.await?.downcast_ref::<V>().cloned()
    }
}

/// The duty to read an answer, keep it and hand it to whoever waits for it. Dropped without
/// [`Promise::keep`] (the read failed, the request went away), it lets the waiting requests
/// read on their own, and the next one claim the answer again.
pub struct Promise {
    reads: CachedReads,
    key: Key,
    sender: Option<oneshot::Sender<Answer>>,
    /// What waiters wait on: the entry this promise removes when it is over, and only this
    /// one (after an eviction, another request may have claimed the key anew).
    in_flight: Option<InFlight>,
}

impl Promise {
    /// A promise nobody waits for: the request's version is not the cache's.
    fn detached(reads: CachedReads, key: Key) -> Self {
        Self {
            reads,
            key,
            sender: None,
            in_flight: None,
        }
    }

    /// Keeps `answer`, which holds `bytes` bytes, and hands it to the waiting requests.
    pub fn keep<V: Send + Sync + 'static>(mut self, answer: V, bytes: usize) {
        let answer: Answer = Arc::new(answer);
        self.reads
            .keep(self.key.clone(), Arc::clone(&answer), bytes);
        if let Some(sender) = self.sender.take() {
            let _ = sender.send(answer);
        }
    }
}

impl Drop for Promise {
    fn drop(&mut self) {
        // Kept or not, the read is over: later requests find the answer, or claim it anew.
        let Some(mine) = &self.in_flight else {
            return;
        };
        let mut organizations = self.reads.cache.organizations();
        if let Some(entries) = organizations.at(self.reads.organization, self.reads.version, false)
            && entries
                .in_flight
                .get(&self.key)
                .is_some_and(|current| current.ptr_eq(mine))
        {
            entries.in_flight.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(budget: usize) -> Arc<ReadCache> {
        ReadCache::new(budget, Counter::default(), Counter::default())
    }

    /// One request's reads for each of organizations 1, 2, ..., all at `version`.
    fn readers<const N: usize>(cache: &Arc<ReadCache>, version: i64) -> [CachedReads; N] {
        std::array::from_fn(|i| {
            let organization = Uuid::from_u128(1 + i as u128);
            cache.reads(organization, version).unwrap()
        })
    }

    fn key(n: u128) -> Key {
        Key::Relation("test", Uuid::from_u128(n))
    }

    /// Reads `answer` as the request `reads` would, if the cache lets it.
    fn put<V: Clone + Send + Sync + 'static>(
        reads: &CachedReads,
        key: Key,
        answer: V,
        bytes: usize,
    ) {
        if let Some(Claim::Yours(promise)) = reads.claim_all::<V>([key]).pop() {
            promise.keep(answer, bytes);
        }
    }

    #[tokio::test]
    async fn a_second_reader_waits_for_the_first() {
        let cache = cache(100);
        let org = Uuid::from_u128(1);
        let (first, second) = (cache.reads(org, 1).unwrap(), cache.reads(org, 1).unwrap());
        let Some(Claim::Yours(promise)) = first.claim_all::<u32>([key(1)]).pop() else {
            panic!("the first reader reads");
        };
        let Some(Claim::Wait(waiting)) = second.claim_all::<u32>([key(1)]).pop() else {
            panic!("the second one waits");
        };
        promise.keep(7_u32, 1);
        assert_eq!(waiting.answer::<u32>().await, Some(7));
        assert_eq!(second.get::<u32>(&key(1)), Some(7));
    }

    #[tokio::test]
    async fn a_reader_that_gives_up_lets_the_others_read() {
        let cache = cache(100);
        let reads = cache.reads(Uuid::from_u128(1), 1).unwrap();
        let Some(Claim::Yours(promise)) = reads.claim_all::<u32>([key(1)]).pop() else {
            panic!("the first reader reads");
        };
        let Some(Claim::Wait(waiting)) = reads.claim_all::<u32>([key(1)]).pop() else {
            panic!("the second one waits");
        };
        drop(promise);
        assert_eq!(waiting.answer::<u32>().await, None, "it reads on its own");
        assert!(matches!(
            reads.claim_all::<u32>([key(1)]).pop(),
            Some(Claim::Yours(_))
        ));
    }

    #[test]
    fn a_reader_evicted_meanwhile_leaves_the_next_readers_claim_alone() {
        let cache = cache(1);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let first = cache.reads(a, 1).unwrap();
        let Some(Claim::Yours(stale)) = first.claim_all::<u32>([key(1)]).pop() else {
            panic!("the first reader reads");
        };
        // Another organization fills the cache, and `a` is evicted with its claim.
        put(&cache.reads(b, 1).unwrap(), key(1), 0_u32, 1);
        put(&cache.reads(b, 1).unwrap(), key(2), 0_u32, 1);
        let second = cache.reads(a, 1).unwrap();
        let Some(Claim::Yours(_current)) = second.claim_all::<u32>([key(1)]).pop() else {
            panic!("after the eviction the key is claimed anew");
        };
        drop(stale);
        assert!(
            matches!(
                second.claim_all::<u32>([key(1)]).pop(),
                Some(Claim::Wait(_))
            ),
            "the second claim still stands"
        );
    }

    #[tokio::test]
    async fn concurrent_reads_of_one_answer_load_it_once() {
        let cache = cache(100);
        let reads = cache.reads(Uuid::from_u128(1), 1).unwrap();
        let loads = std::sync::atomic::AtomicUsize::new(0);
        let load = || async {
            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(5_u64)
        };
        let (a, b) = tokio::join!(
            reads.read(key(1), |_| 1, load),
            reads.read(key(1), |_| 1, load)
        );
        assert_eq!((a, b), (Ok(5), Ok(5)));
        assert_eq!(loads.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn answers_are_shared_at_one_version_only() {
        let cache = cache(100);
        let org = Uuid::from_u128(1);
        let v1 = cache.reads(org, 1).unwrap();
        put(&v1, key(1), 10_u32, 1);
        assert_eq!(cache.reads(org, 1).unwrap().get::<u32>(&key(1)), Some(10));
        // A request that raced a commit and saw an older version neither reads nor writes.
        let v0 = cache.reads(org, 0).unwrap();
        assert_eq!(v0.get::<u32>(&key(1)), None);
        put(&v0, key(2), 20_u32, 1);
        assert_eq!(v1.get::<u32>(&key(2)), None);
        // The first request at a newer version drops the old answers...
        let v2 = cache.reads(org, 2).unwrap();
        assert_eq!(v2.get::<u32>(&key(1)), None);
        // ...and requests still running at the old one cannot put them back.
        put(&v1, key(1), 11_u32, 1);
        assert_eq!(v2.get::<u32>(&key(1)), None);
    }

    #[test]
    fn organizations_and_types_do_not_mix() {
        let cache = cache(100);
        let [a, b] = readers(&cache, 5);
        put(&a, key(1), 1_u32, 1);
        assert_eq!(b.get::<u32>(&key(1)), None);
        assert_eq!(a.get::<String>(&key(1)), None);
    }

    #[test]
    fn a_full_cache_drops_the_least_recently_used_organization() {
        let cache = cache(2);
        let [a, b, c] = readers(&cache, 1);
        put(&a, key(1), 1_u32, 1);
        put(&b, key(1), 2_u32, 1);
        assert_eq!(a.get::<u32>(&key(1)), Some(1));
        put(&c, key(1), 3_u32, 1);
        assert_eq!(b.get::<u32>(&key(1)), None, "b was used least recently");
        assert_eq!(a.get::<u32>(&key(1)), Some(1));
        assert_eq!(c.get::<u32>(&key(1)), Some(3));
        // One organization alone never holds more than the budget.
        for n in 2..10 {
            put(&c, key(n), 0_u32, 1);
        }
        assert_eq!(cache.organizations().held, 2);
    }

    #[test]
    fn the_budget_counts_records_not_answers() {
        let cache = cache(10);
        let [a, b] = readers(&cache, 1);
        put(&a, key(1), vec![0_u8; 6], 6);
        put(&b, key(1), vec![0_u8; 6], 6);
        assert_eq!(a.get::<Vec<u8>>(&key(1)), None, "a made room for b");
        put(&b, key(2), vec![0_u8; 5], 5);
        assert_eq!(b.get::<Vec<u8>>(&key(2)), None, "no room left, even alone");
        assert_eq!(cache.organizations().held, 6);
    }

    #[test]
    fn long_texts_weigh_what_they_hold() {
        let short = weigh(&vec!["a".to_owned(); 10]);
        let long = weigh(&vec!["a".repeat(4_000); 10]);
        assert!(long > 40_000 && long > 100 * short, "{short} {long}");
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

//! Per-request batching of relation lookups, collected inside the request's own task.
//!
//! async-graphql resolves the fields of one level concurrently within one task, so the lookups
//! of a level arrive together, but in an order nobody promises: how the siblings are joined
//! decides which is polled when, and tokio's habit of waking a yielded task only at the end of
//! its poll pass is not part of its contract. So a batch does not infer from the poll order
//! that its level is complete. It stays open while lookups keep joining it, and closes after a
//! yield during which none did. In the orders the tests try (joined in turn, and unordered)
//! that is after the whole level joined; in any other order the worst case is a sibling that
//! comes after its batch closed: it opens the next batch, which costs one more statement and
//! answers it just as well. Unlike async-graphql's `DataLoader`, no timer decides when a batch
//! is complete, so a level does not wait a fixed time. Answers are kept for the rest of the
//! request, so a person named by many rows is read once, and values are shared (`Arc`), not
//! copied. A batcher given the request's `CachedReads` also shares its answers with later
//! requests that see the same data version, and asks the database only for keys none of them
//! has read yet.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex, MutexGuard, PoisonError, Weak},
};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use sea_orm::DbErr;
use tracing::Instrument;
use uuid::Uuid;

use crate::read_cache::{CachedReads, Claim, Key, Waiting};

/// One query for many keys.
pub trait BatchLoad: Send + Sync + 'static {
    /// What a key maps to; cheap to clone (an `Arc`).
    type Value: Clone + Send + Sync + 'static;

    /// The memory `value` holds, which is what the read cache's budget counts.
    fn weight(value: &Self::Value) -> usize;

    /// The values of the keys that have one; keys without a value are left out.
    fn load(
        &self,
        keys: &[Uuid],
    ) -> impl Future<Output = Result<HashMap<Uuid, Self::Value>, DbErr>> + Send;
}

/// A batch being collected or running; every key waiting on it shares it.
type Batch = Shared<BoxFuture<'static, Result<(), Arc<DbErr>>>>;

struct State<V> {
    /// Answers so far, including "no value".
    known: HashMap<Uuid, Option<V>>,
    /// Keys asked for but not answered yet, with the batch that answers them.
    waiting: HashMap<Uuid, Batch>,
    /// The batch still taking keys: it has not queried yet.
    open: Option<Open>,
}

/// The batch still taking keys.
struct Open {
    keys: Vec<Uuid>,
    batch: Batch,
    /// The lookups that joined it so far: new keys, and keys already waiting on it. A repeated
    /// key counts too, since it is a sibling still arriving: counting only new keys would close
    /// the batch while siblings with repeated keys are polled, before the ones after them.
    joins: usize,
}

struct Inner<L: BatchLoad> {
    loader: L,
    state: Mutex<State<L::Value>>,
    /// Answers shared with other requests, under this loader's name.
    cache: Option<(CachedReads, &'static str)>,
}

impl<L: BatchLoad> Inner<L> {
    fn state(&self) -> MutexGuard<'_, State<L::Value>> {
        // The lock is never held across an await or user code, so poisoning cannot leave the
        // maps half-updated.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Batches and remembers the lookups of one loader for one request.
pub struct Batcher<L: BatchLoad> {
    inner: Arc<Inner<L>>,
}

impl<L: BatchLoad> Clone for Batcher<L> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<L: BatchLoad> Batcher<L> {
    pub fn new(loader: L) -> Self {
        Self::sharing(loader, None)
    }

    /// A batcher that also shares its answers through `cache`, as loader `name`.
    pub fn sharing(loader: L, cache: Option<(CachedReads, &'static str)>) -> Self {
        Self {
            inner: Arc::new(Inner {
                loader,
                state: Mutex::new(State {
                    known: HashMap::new(),
                    waiting: HashMap::new(),
                    open: None,
                }),
                cache,
            }),
        }
    }

    /// The value of `key`, batched with the other keys asked for at the same level.
    pub async fn load_one(&self, key: Uuid) -> Result<Option<L::Value>, Arc<DbErr>> {
        // Every relation field of a request comes through here, most of them answered from
        // memory without a pause: spending the task's budget makes a request that resolves
        // thousands of them yield now and then, so that others on the same worker are served.
        tokio::task::consume_budget().await;
        let batch = {
            let mut state = self.inner.state();
            if let Some(value) = state.known.get(&key) {
                return Ok(value.clone());
            }
            let shared =
                self.inner.cache.as_ref().and_then(|(cache, name)| {
                    cache.get::<Option<L::Value>>(&Key::Relation(name, key))
                });
            if let Some(value) = shared {
                state.known.insert(key, value.clone());
                return Ok(value);
            }
            match state.waiting.get(&key).cloned() {
                Some(batch) => {
                    if let Some(open) = &mut state.open
                        && open.batch.ptr_eq(&batch)
                    {
                        open.joins += 1;
                    }
                    batch
                }
                None => {
                    let batch = match &mut state.open {
                        Some(open) => {
                            open.keys.push(key);
                            open.joins += 1;
                            open.batch.clone()
                        }
                        None => {
                            let batch = run(&self.inner);
                            state.open = Some(Open {
                                keys: vec![key],
                                batch: batch.clone(),
                                joins: 1,
                            });
                            batch
                        }
                    };
                    state.waiting.insert(key, batch.clone());
                    batch
                }
            }
        };
        batch.await?;
        Ok(self.inner.state().known.get(&key).cloned().flatten())
    }
}

/// The batch's work: let the siblings add their keys, then close it and query once.
///
/// The batch holds its loader weakly: the loader's state holds the batch (for the keys waiting
/// on it), and a request cancelled mid-batch must not leave that cycle behind.
fn run<L: BatchLoad>(inner: &Arc<Inner<L>>) -> Batch {
    let weak = Arc::downgrade(inner);
    async move {
        let gone = || Arc::new(DbErr::Custom("the request ended".into()));
        // A yield may end early, when a sibling polls the batch in the same pass; but that
        // sibling has just joined, so the batch yields again. It closes once a yield passes
        // with nobody joining, whichever order the siblings are polled in.
        loop {
            let before = joins(&weak).ok_or_else(gone)?;
            tokio::task::yield_now().await;
            if joins(&weak).ok_or_else(gone)? == before {
                break;
            }
        }
        let (keys, mut plan) = {
            let inner = weak.upgrade().ok_or_else(gone)?;
            let keys = inner
                .state()
                .open
                .take()
                .map(|open| open.keys)
                .unwrap_or_default();
            let plan = Plan::new(&inner, &keys);
            (keys, plan)
        };
        let loaded = match plan.query.take() {
            Some(query) => query.await.unwrap_or_else(|failed| Err(joined(failed))),
            None => Ok(HashMap::new()),
        };
        let mut found = loaded;
        if let Ok(found) = &mut found {
            // Then the answers other requests were reading; any they could not deliver, this
            // one reads itself.
            let mut unanswered = Vec::new();
            for (key, waiting) in plan.waiting.drain(..) {
                match waiting.answer::<Option<L::Value>>().await {
                    Some(value) => {
                        plan.answered.insert(key, value);
                    }
                    None => unanswered.push(key),
                }
            }
            if !unanswered.is_empty() {
                let inner = weak.upgrade().ok_or_else(gone)?;
                match tokio::spawn(query(inner, unanswered)).await {
                    Ok(Ok(more)) => found.extend(more),
                    Ok(Err(err)) => return Err(Arc::new(err)),
                    Err(failed) => return Err(Arc::new(joined(failed))),
                }
            }
        }
        let inner = weak.upgrade().ok_or_else(gone)?;
        let mut state = inner.state();
        for key in &keys {
            state.waiting.remove(key);
        }
        // A failure is not remembered: a later lookup of the same key tries again.
        let mut found = found.map_err(Arc::new)?;
        for key in keys {
            let value = match plan.answered.remove(&key) {
                Some(value) => value,
                None => found.remove(&key),
            };
            state.known.insert(key, value);
        }
        Ok(())
    }
    .boxed()
    .shared()
}

/// How many lookups have joined the open batch, if the request still runs.
///
/// Only the batch that is open runs this, since a batch closes itself; the strong reference
/// ends with the call, so the batch still holds its loader weakly while it yields.
fn joins<L: BatchLoad>(weak: &Weak<Inner<L>>) -> Option<usize> {
    let inner = weak.upgrade()?;
    let joins = inner.state().open.as_ref().map_or(0, |open| open.joins);
    Some(joins)
}

/// What a loader's query answers.
type Loaded<L> = Result<HashMap<Uuid, <L as BatchLoad>::Value>, DbErr>;

/// How a batch gets the answers to its keys: kept by the read cache, being read by another
/// request (wait), or read by its own query (which others may wait for).
struct Plan<L: BatchLoad> {
    answered: HashMap<Uuid, Option<L::Value>>,
    waiting: Vec<(Uuid, Waiting)>,
    query: Option<tokio::task::JoinHandle<Loaded<L>>>,
}

impl<L: BatchLoad> Plan<L> {
    fn new(inner: &Arc<Inner<L>>, keys: &[Uuid]) -> Self {
        let mut plan = Self {
            answered: HashMap::new(),
            waiting: Vec::new(),
            query: None,
        };
        let mut promises = Vec::new();
        let mine: Vec<Uuid> = match &inner.cache {
            None => keys.to_vec(),
            Some((cache, name)) => {
                let claims = cache.claim_all::<Option<L::Value>>(
                    keys.iter().map(|key| Key::Relation(name, *key)),
                );
                let mut mine = Vec::new();
                for (key, claim) in keys.iter().zip(claims) {
                    match claim {
                        Claim::Kept(value) => {
                            plan.answered.insert(*key, value);
                        }
                        Claim::Wait(waiting) => plan.waiting.push((*key, waiting)),
                        Claim::Yours(promise) => {
                            mine.push(*key);
                            promises.push((*key, promise));
                        }
                    }
                }
                mine
            }
        };
        if !mine.is_empty() {
            let query = query(Arc::clone(inner), mine);
            // Answers others wait for are handed over by the query's task, not by this
            // request: should the request stop polling its batch (a failed sibling field),
            // the waiting requests still get them. On a failure the promises are dropped, and
            // the waiting requests read on their own.
            plan.query = Some(tokio::spawn(async move {
                let loaded = query.await;
                if let Ok(found) = &loaded {
                    for (key, promise) in promises {
                        let value = found.get(&key).cloned();
                        let weight = value.as_ref().map_or(1, L::weight);
                        promise.keep(value, weight);
                    }
                }
                loaded
            }));
        }
        plan
    }
}

/// The error of a query task that panicked or was cancelled.
fn joined(failed: tokio::task::JoinError) -> DbErr {
    DbErr::Custom(format!("a relation query failed: {failed}"))
}

/// The loader's query for `keys`, to run as its own task: the database driver wakes whoever
/// polls the query every few rows, and inside the request that would be the whole request,
/// which would poll every waiting field again each time.
fn query<L: BatchLoad>(
    inner: Arc<Inner<L>>,
    keys: Vec<Uuid>,
) -> impl Future<Output = Loaded<L>> + Send + 'static {
    async move { inner.loader.load(&keys).await }.in_current_span()
}

#[cfg(test)]
mod tests {
    use std::{
        sync::atomic::{AtomicUsize, Ordering},
        task::Context,
    };

    use futures_util::{
        StreamExt,
        future::{join, join_all},
        stream::FuturesUnordered,
    };
    use tokio::sync::{Notify, Semaphore};

    use super::*;

    /// Doubles the key's first byte; counts its queries; keys starting with 0 have no value.
    #[derive(Default)]
    struct Counting {
        queries: AtomicUsize,
        keys: Mutex<Vec<usize>>,
    }

    impl BatchLoad for Arc<Counting> {
        type Value = Arc<u16>;

        fn weight(_: &Self::Value) -> usize {
            1
        }

        async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
            self.queries.fetch_add(1, Ordering::SeqCst);
            self.keys.lock().unwrap().push(keys.len());
            Ok(keys
                .iter()
                .filter(|k| k.as_bytes()[0] != 0)
                .map(|k| (*k, Arc::new(u16::from(k.as_bytes()[0]) * 2)))
                .collect())
        }
    }

    fn key(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    /// How the lookups of a level are polled.
    #[derive(Clone, Copy)]
    enum Order {
        /// As async-graphql joins sibling fields: in turn, each time the task runs.
        Joined,
        /// Added in reverse and polled as they are woken, each lookup on its own.
        Unordered,
    }

    type Answer = Result<Option<Arc<u16>>, Arc<DbErr>>;

    /// 40 lookups of 20 distinct keys, including one without a value, polled in `order`;
    /// the answers in the order of the lookups.
    async fn forty_lookups(batcher: &Batcher<Arc<Counting>>, order: Order) -> Vec<Answer> {
        let lookup = |n: u8| batcher.load_one(key(n % 20));
        match order {
            Order::Joined => join_all((0..40u8).map(lookup)).await,
            Order::Unordered => {
                let mut answers: Vec<(u8, Answer)> = (0..40u8)
                    .rev()
                    .map(|n| async move { (n, lookup(n).await) })
                    .collect::<FuturesUnordered<_>>()
                    .collect()
                    .await;
                answers.sort_by_key(|(n, _)| *n);
                answers.into_iter().map(|(_, answer)| answer).collect()
            }
        }
    }

    // On a worker thread of the server's runtime, as requests run.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_lookups_share_one_query_and_answers_are_remembered() {
        tokio::spawn(lookups(Order::Joined)).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unordered_lookups_share_one_query() {
        tokio::spawn(lookups(Order::Unordered)).await.unwrap();
    }

    // In the runtime's own thread, outside any spawned task.
    #[tokio::test]
    async fn concurrent_lookups_share_one_query_on_one_thread() {
        lookups(Order::Joined).await;
    }

    #[tokio::test]
    async fn unordered_lookups_share_one_query_on_one_thread() {
        lookups(Order::Unordered).await;
    }

    async fn lookups(order: Order) {
        let counting = Arc::new(Counting::default());
        let batcher = Batcher::new(Arc::clone(&counting));
        let answers = forty_lookups(&batcher, order).await;
        assert_eq!(counting.queries.load(Ordering::SeqCst), 1);
        assert_eq!(*counting.keys.lock().unwrap(), vec![20]);
        assert_eq!(answers[0].as_ref().unwrap(), &None);
        assert_eq!(answers[23].as_ref().unwrap().as_deref(), Some(&6));
        // Asked again later: answered from memory, including the missing one.
        assert_eq!(batcher.load_one(key(3)).await.unwrap().as_deref(), Some(&6));
        assert_eq!(batcher.load_one(key(0)).await.unwrap(), None);
        assert_eq!(counting.queries.load(Ordering::SeqCst), 1);
        // A new key is a new batch.
        assert_eq!(
            batcher.load_one(key(30)).await.unwrap().as_deref(),
            Some(&60)
        );
        assert_eq!(counting.queries.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_request_dropped_mid_batch_frees_its_loader() {
        let counting = Arc::new(Counting::default());
        let batcher = Batcher::new(Arc::clone(&counting));
        let weak = Arc::downgrade(&batcher.inner);
        {
            // Polled once: the batch is open and yields.
            let mut lookup = Box::pin(batcher.load_one(key(1)));
            let waker = futures_util::task::noop_waker();
            assert!(
                lookup
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending()
            );
        }
        drop(batcher);
        assert!(
            weak.upgrade().is_none(),
            "the open batch kept its loader alive"
        );
    }

    struct Failing;

    impl BatchLoad for Failing {
        type Value = Arc<()>;

        fn weight(_: &Self::Value) -> usize {
            1
        }

        async fn load(&self, _: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
            Err(DbErr::Custom("down".into()))
        }
    }

    #[tokio::test]
    async fn a_failed_batch_fails_every_waiter_and_is_not_remembered() {
        let batcher = Batcher::new(Failing);
        let answers = join_all((0..3u8).map(|n| batcher.load_one(key(n)))).await;
        assert!(answers.iter().all(Result::is_err));
        assert!(batcher.load_one(key(1)).await.is_err());
    }

    /// Counts like [`Counting`], but each query says it started and waits until the gate opens.
    struct Gated {
        counting: Arc<Counting>,
        started: Notify,
        gate: Semaphore,
    }

    impl Default for Gated {
        fn default() -> Self {
            Self {
                counting: Arc::default(),
                started: Notify::new(),
                gate: Semaphore::new(0),
            }
        }
    }

    impl BatchLoad for Arc<Gated> {
        type Value = Arc<u16>;

        fn weight(_: &Self::Value) -> usize {
            1
        }

        async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
            self.started.notify_one();
            let _open = self.gate.acquire().await.unwrap();
            self.counting.load(keys).await
        }
    }

    #[tokio::test]
    async fn lookups_after_their_batch_closed_are_answered() {
        let gated = Arc::new(Gated::default());
        let batcher = Batcher::new(Arc::clone(&gated));
        let first = tokio::spawn({
            let batcher = batcher.clone();
            async move { batcher.load_one(key(1)).await }
        });
        // The first batch closed and its query runs.
        gated.started.notified().await;
        // Too late for it: the key it is reading waits for its answer, and a new key makes a
        // batch of its own.
        let late = join(batcher.load_one(key(1)), batcher.load_one(key(2)));
        gated.gate.add_permits(1);
        let (again, other) = late.await;
        assert_eq!(first.await.unwrap().unwrap().as_deref(), Some(&2));
        assert_eq!(again.unwrap().as_deref(), Some(&2));
        assert_eq!(other.unwrap().as_deref(), Some(&4));
        assert_eq!(*gated.counting.keys.lock().unwrap(), vec![1, 1]);
    }
}

//! Root fields that read a whole organization run once per request: a document that spreads
//! `verifyAuditTrail` 2,500 times, or a batch of ten such documents, reads the chain once.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
};

use tokio::sync::OnceCell;

use crate::error::AppResult;

/// Answers of expensive root fields, by their type and key (the field and its arguments),
/// for the operations of one caller while they only read.
#[derive(Default)]
pub struct Memo {
    answers: Mutex<HashMap<(TypeId, String), Arc<dyn Any + Send + Sync>>>,
}

impl Memo {
    /// The answer of `key`: computed by the first asker, shared with the others (who wait for
    /// it). An error is not kept, so a later asker tries again.
    pub async fn once<T, F>(&self, key: String, compute: F) -> AppResult<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = AppResult<T>>,
    {
        let cell = {
            let mut answers = self
                .answers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            answers
                .entry((TypeId::of::<T>(), key))
                .or_insert_with(|| Arc::new(OnceCell::<T>::new()))
                .clone()
        };
        match cell.downcast::<OnceCell<T>>() {
            Ok(cell) => cell.get_or_try_init(|| compute).await.cloned(),
            // The key holds a cell of its own type by construction; computing is still right.
            Err(_) => compute.await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn the_same_key_is_computed_once_and_errors_are_not_kept() {
        let memo = Memo::default();
        let runs = AtomicUsize::new(0);
        let compute = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok::<_, crate::error::AppError>(7)
        };
        let (a, b) = tokio::join!(
            memo.once("verify".into(), compute()),
            memo.once("verify".into(), compute())
        );
        assert_eq!((a.ok(), b.ok()), (Some(7), Some(7)));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        let _ = memo.once("other".into(), compute()).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        let failed = memo
            .once::<i32, _>("failing".into(), async {
                Err(crate::error::AppError::Conflict("no".into()))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(memo.once("failing".into(), compute()).await.ok(), Some(7));
    }
}

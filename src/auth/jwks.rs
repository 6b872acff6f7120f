//! Keys from an identity provider's JWKS URL, chosen by the token's `kid`.
//!
//! The set is fetched at first use and cached; a token naming an unknown `kid` triggers a
//! refetch (that is how a rotation at the provider is picked up), but never more than one per
//! `min_refresh`, so a flood of made-up `kid`s cannot turn into a flood of fetches. The URL is
//! the configured one only: `jku`, `jwk`, `x5u` and `x5c` headers are refused by the verifier.
//!
//! The provider is never waited for under the lock of the keys: a slow provider would stall
//! every login, even those whose key is cached. One fetch is in flight at a time; a caller that
//! needs it waits for it (without that lock) and uses its result rather than fetching again.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use jsonwebtoken::{
    Algorithm, DecodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm},
};
use tokio::time::Instant;

/// Longest wait for the provider.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

struct Cache {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
    attempted_at: Option<Instant>,
    /// Fetches started so far: a caller that waited for the fetch in flight sees this change
    /// and uses its result instead of fetching again.
    attempts: u64,
}

/// What a caller does with the cache as it finds it.
enum Next {
    Answer(Result<DecodingKey, String>),
    /// Fetch first; `known` when the `kid` is cached, only stale.
    Fetch {
        attempts: u64,
        known: bool,
    },
}

/// The keys of one JWKS URL for one algorithm.
pub struct JwksKeys {
    url: String,
    algorithm: Algorithm,
    client: reqwest::Client,
    min_refresh: Duration,
    max_age: Duration,
    /// Held only to read or replace the keys, never across an await.
    cache: Mutex<Cache>,
    /// Held while fetching: one fetch in flight; callers waiting behind it see its result.
    fetching: tokio::sync::Mutex<()>,
}

impl JwksKeys {
    pub fn new(
        url: String,
        algorithm: Algorithm,
        min_refresh: Duration,
        max_age: Duration,
    ) -> anyhow::Result<Self> {
        crate::startup::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            url,
            algorithm,
            client,
            min_refresh,
            max_age,
            cache: Mutex::new(Cache {
                keys: HashMap::new(),
                fetched_at: None,
                attempted_at: None,
                attempts: 0,
            }),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    /// The key with this `kid`, fetching the set when it is stale or lacks the `kid` (rate
    /// limited). The error is safe to show the client.
    pub async fn key(&self, kid: &str) -> Result<DecodingKey, String> {
        let (attempts, known) = match self.next(kid) {
            Next::Answer(answer) => return answer,
            Next::Fetch { attempts, known } => (attempts, known),
        };
        let _fetching = if known {
            // A stale key still works: while someone else refreshes the set, use it.
            match self.fetching.try_lock() {
                Ok(guard) => guard,
                Err(_) => return self.lookup(kid),
            }
        } else {
            self.fetching.lock().await
        };
        {
            let mut cache = self.cache();
            if cache.attempts != attempts {
                // A fetch ran while this caller waited; its result is the answer.
                return lookup(&cache, kid);
            }
            cache.attempts += 1;
            cache.attempted_at = Some(Instant::now());
        }
        match self.fetch().await {
            Ok(keys) => {
                tracing::info!(url = %self.url, keys = keys.len(), "JWKS fetched");
                let mut cache = self.cache();
                cache.keys = keys;
                cache.fetched_at = Some(Instant::now());
            }
            // Keep serving the keys we have; the provider may be briefly down.
            Err(err) => tracing::warn!(url = %self.url, error = %err, "JWKS fetch failed"),
        }
        self.lookup(kid)
    }

    /// Whether the cache answers for `kid` as it is, or a fetch is due first.
    fn next(&self, kid: &str) -> Next {
        let cache = self.cache();
        let known = cache.keys.contains_key(kid);
        let stale = cache
            .fetched_at
            .is_none_or(|at| at.elapsed() > self.max_age);
        let may_fetch = cache
            .attempted_at
            .is_none_or(|at| at.elapsed() >= self.min_refresh);
        if (stale || !known) && may_fetch {
            Next::Fetch {
                attempts: cache.attempts,
                known,
            }
        } else {
            Next::Answer(lookup(&cache, kid))
        }
    }

    fn lookup(&self, kid: &str) -> Result<DecodingKey, String> {
        lookup(&self.cache(), kid)
    }

    /// The keys; a panic elsewhere while they were held leaves them whole (they are replaced
    /// in one assignment), so a poisoned lock is used as it is.
    fn cache(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, DecodingKey>> {
        let set: JwkSet = self
            .client
            .get(&self.url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let Some(kid) = &jwk.common.key_id else {
                continue;
            };
            if !self.accepts(jwk) {
                continue;
            }
            match DecodingKey::from_jwk(jwk) {
                Ok(key) => {
                    keys.insert(kid.clone(), key);
                }
                Err(err) => tracing::warn!(kid, error = %err, "JWKS key skipped"),
            }
        }
        Ok(keys)
    }

    /// Only keys usable with the configured algorithm are kept.
    fn accepts(&self, jwk: &jsonwebtoken::jwk::Jwk) -> bool {
        let declared_ok = match jwk.common.key_algorithm {
            None => true,
            Some(KeyAlgorithm::RS256) => self.algorithm == Algorithm::RS256,
            Some(KeyAlgorithm::ES256) => self.algorithm == Algorithm::ES256,
            Some(_) => false,
        };
        let type_ok = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => self.algorithm == Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(ec) => {
                self.algorithm == Algorithm::ES256 && ec.curve == EllipticCurve::P256
            }
            _ => false,
        };
        declared_ok && type_ok
    }
}

fn lookup(cache: &Cache, kid: &str) -> Result<DecodingKey, String> {
    cache
        .keys
        .get(kid)
        .cloned()
        .ok_or_else(|| "token signed with an unknown key (kid)".to_owned())
}

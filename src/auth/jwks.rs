//! Keys from an identity provider's JWKS URL, chosen by the token's `kid`.
//!
//! The set is fetched at first use and cached; a token naming an unknown `kid` triggers a
//! refetch (that is how a rotation at the provider is picked up), but never more than one per
//! `min_refresh`, so a flood of made-up `kid`s cannot turn into a flood of fetches. The URL is
//! the configured one only: `jku`, `jwk`, `x5u` and `x5c` headers are refused by the verifier.

use std::{collections::HashMap, time::Duration};

use jsonwebtoken::{
    Algorithm, DecodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm},
};
use tokio::{sync::Mutex, time::Instant};

/// Longest wait for the provider.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

struct Cache {
    keys: HashMap<String, DecodingKey>,
    fetched_at: Option<Instant>,
    attempted_at: Option<Instant>,
}

/// The keys of one JWKS URL for one algorithm.
pub struct JwksKeys {
    url: String,
    algorithm: Algorithm,
    client: reqwest::Client,
    min_refresh: Duration,
    max_age: Duration,
    /// One fetch at a time; callers waiting behind it see its result.
    cache: Mutex<Cache>,
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
            }),
        })
    }

    /// The key with this `kid`, fetching the set when it is stale or lacks the `kid` (rate
    /// limited). The error is safe to show the client.
    pub async fn key(&self, kid: &str) -> Result<DecodingKey, String> {
        let mut cache = self.cache.lock().await;
        let stale = cache
            .fetched_at
            .is_none_or(|at| at.elapsed() > self.max_age);
        let may_fetch = cache
            .attempted_at
            .is_none_or(|at| at.elapsed() >= self.min_refresh);
        if (stale || !cache.keys.contains_key(kid)) && may_fetch {
            cache.attempted_at = Some(Instant::now());
            match self.fetch().await {
                Ok(keys) => {
                    tracing::info!(url = %self.url, keys = keys.len(), "JWKS fetched");
                    cache.keys = keys;
                    cache.fetched_at = Some(Instant::now());
                }
                // Keep serving the keys we have; the provider may be briefly down.
                Err(err) => tracing::warn!(url = %self.url, error = %err, "JWKS fetch failed"),
            }
        }
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| "token signed with an unknown key (kid)".to_owned())
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

//! The secret of an API token: a recognizable prefix (so that secret scanners and people can
//! tell what leaked) and 256 random bits. Only its SHA-256 is stored: the secret is random, so
//! a fast hash is as strong as a slow one.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Every API token starts with this.
pub const PREFIX: &str = "iso20k_";

/// Characters of the secret kept in clear to recognize a token in lists.
const DISPLAY_CHARS: usize = PREFIX.len() + 6;

/// A fresh secret.
pub struct Secret {
    /// The whole token, shown to its creator once.
    pub token: String,
    /// What is stored.
    pub hash: String,
    /// What lists show (`iso20k_AbC123…`).
    pub display_prefix: String,
}

/// Makes a new secret.
pub fn generate() -> AppResult<Secret> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no system randomness: {e}")))?;
    let token = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    Ok(Secret {
        hash: hash(&token),
        display_prefix: token[..DISPLAY_CHARS].to_owned(),
        token,
    })
}

/// The stored form of a secret.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a bearer credential is an API token rather than a JWT.
pub fn looks_like(token: &str) -> bool {
    token.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_hashed() -> AppResult<()> {
        let a = generate()?;
        let b = generate()?;
        assert!(looks_like(&a.token));
        assert_ne!(a.token, b.token);
        assert_eq!(a.hash, hash(&a.token));
        assert!(!a.hash.contains(&a.token[PREFIX.len()..]));
        assert!(a.token.starts_with(&a.display_prefix));
        assert_eq!(a.token.len(), PREFIX.len() + 43);
        Ok(())
    }
}

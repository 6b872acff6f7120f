//! Login tokens (RFC 7519) checked as RFC 8725 asks: the algorithm is fixed by configuration,
//! `exp` is required, `nbf` is honoured, `iss` and `aud` are checked when configured, and no
//! header of the token (`jku`, `jwk`, `x5u`, `kid`) chooses a key.

use std::{path::Path, time::Duration};

use anyhow::{Context, bail};
use entity::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::jwks::JwksKeys;
use crate::config::{JwtAlgorithm, JwtConfig};

/// Shortest HS256 secret accepted: a key as long as the hash output (RFC 7518 section 3.2).
pub(super) const MIN_SECRET_BYTES: usize = 32;

/// What a valid token says about its bearer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenClaims {
    pub subject: String,
    pub organization_id: Uuid,
    pub role: Role,
    /// Unix time after which the token is no longer accepted.
    pub expires_at: i64,
}

/// Names of the claims that carry subject, organization and role.
#[derive(Clone, Debug)]
struct ClaimNames {
    subject: String,
    organization: String,
    role: String,
}

impl ClaimNames {
    fn from_config(config: &JwtConfig) -> Self {
        Self {
            subject: config.jwt_subject_claim.clone(),
            organization: config.jwt_organization_claim.clone(),
            role: config.jwt_role_claim.clone(),
        }
    }
}

fn algorithm(config: &JwtConfig) -> Algorithm {
    match config.jwt_algorithm {
        JwtAlgorithm::Hs256 => Algorithm::HS256,
        JwtAlgorithm::Rs256 => Algorithm::RS256,
        JwtAlgorithm::Es256 => Algorithm::ES256,
    }
}

/// The HS256 secret: configured, or the development secret of the data folder. The flag says
/// whether the development secret is in use, so that `serve` can warn about it.
pub fn hs256_secret(config: &JwtConfig, data_dir: &Path) -> anyhow::Result<(String, bool)> {
    match &config.jwt_secret {
        Some(secret) if secret.len() < MIN_SECRET_BYTES => bail!(
            "ISO20000_JWT_SECRET is {} bytes long; use at least {MIN_SECRET_BYTES} random bytes",
            secret.len()
        ),
        Some(secret) => Ok((secret.clone(), false)),
        None => {
            let (secret, _) = super::secret::load_or_create(data_dir)?;
            Ok((secret, true))
        }
    }
}

fn read_pem(path: Option<&Path>, flag: &str) -> anyhow::Result<Vec<u8>> {
    let path = path.with_context(|| format!("this algorithm needs a PEM key: set {flag}"))?;
    std::fs::read(path).with_context(|| format!("cannot read the key file {}", path.display()))
}

/// Where verification keys come from.
enum Keys {
    /// The configured secret or PEM public key.
    Static(DecodingKey),
    /// An identity provider's JWKS, by `kid`.
    Jwks(JwksKeys),
}

/// The configured secret or PEM public key.
fn static_key(config: &JwtConfig, data_dir: &Path) -> anyhow::Result<DecodingKey> {
    let pem = || {
        read_pem(
            config.jwt_public_key_file.as_deref(),
            "--jwt-public-key-file",
        )
    };
    Ok(match config.jwt_algorithm {
        JwtAlgorithm::Hs256 => {
            DecodingKey::from_secret(hs256_secret(config, data_dir)?.0.as_bytes())
        }
        JwtAlgorithm::Rs256 => DecodingKey::from_rsa_pem(&pem()?)
            .context("the RS256 public key is not a valid PEM RSA key")?,
        JwtAlgorithm::Es256 => DecodingKey::from_ec_pem(&pem()?)
            .context("the ES256 public key is not a valid PEM EC key")?,
    })
}

/// Checks login tokens.
pub struct JwtVerifier {
    keys: Keys,
    validation: Validation,
    claims: ClaimNames,
}

impl JwtVerifier {
    /// Builds the verifier; `data_dir` holds the development secret when no key is configured.
    pub fn from_config(config: &JwtConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let algorithm = algorithm(config);
        let keys = match (&config.jwt_jwks_url, config.jwt_algorithm) {
            (Some(_), JwtAlgorithm::Hs256) => {
                bail!("a JWKS URL needs --jwt-algorithm RS256 or ES256")
            }
            (Some(url), _) => Keys::Jwks(JwksKeys::new(
                url.clone(),
                algorithm,
                config.jwt_jwks_min_refresh,
                config.jwt_jwks_max_age,
            )?),
            (None, _) => Keys::Static(static_key(config, data_dir)?),
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = config.jwt_leeway.as_secs();
        validation.validate_nbf = true;
        let mut required = vec!["exp"];
        match &config.jwt_issuer {
            Some(issuer) => {
                validation.set_issuer(&[issuer]);
                required.push("iss");
            }
            None => validation.iss = None,
        }
        match &config.jwt_audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        Ok(Self {
            keys,
            validation,
            claims: ClaimNames::from_config(config),
        })
    }

    /// The claims of a valid token, or the reason it is refused (safe to show the client).
    pub async fn verify(&self, token: &str) -> Result<TokenClaims, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|err| refusal(err.kind()))?;
        // RFC 8725 3.10: keys come from configuration, never from the token.
        if header.jku.is_some()
            || header.jwk.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some()
        {
            return Err(
                "token headers that name keys (jku, jwk, x5u, x5c) are not accepted".into(),
            );
        }
        let fetched;
        let key = match &self.keys {
            Keys::Static(key) => key,
            Keys::Jwks(jwks) => {
                let kid = header.kid.as_deref().ok_or("token has no key id (kid)")?;
                fetched = jwks.key(kid).await?;
                &fetched
            }
        };
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, key, &self.validation)
            .map_err(|err| refusal(err.kind()))?;
        let claims = data.claims;
        let text = |name: &str| -> Result<&str, String> {
            claims
                .get(name)
                .and_then(Value::as_str)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| format!("token has no `{name}` claim"))
        };
        let subject = text(&self.claims.subject)?.to_owned();
        let organization_id = Uuid::parse_str(text(&self.claims.organization)?).map_err(|_| {
            format!(
                "the `{}` claim is not an organization id",
                self.claims.organization
            )
        })?;
        let role =
            serde_json::from_value::<Role>(Value::String(text(&self.claims.role)?.to_owned()))
                .map_err(|_| format!("the `{}` claim is not a known role", self.claims.role))?;
        let expires_at = claims
            .get("exp")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        Ok(TokenClaims {
            subject,
            organization_id,
            role,
            expires_at,
        })
    }
}

fn refusal(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::ExpiredSignature => "token has expired".into(),
        ErrorKind::ImmatureSignature => "token is not valid yet (nbf)".into(),
        ErrorKind::InvalidSignature => "token signature is invalid".into(),
        ErrorKind::InvalidAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::UnsupportedAlgorithm => "token algorithm is not accepted".into(),
        ErrorKind::InvalidIssuer => "token issuer is not accepted".into(),
        ErrorKind::InvalidAudience => "token audience is not accepted".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("token has no `{claim}` claim"),
        _ => "token is malformed".into(),
    }
}

/// Mints login tokens with the configured key (`iso20000 token`, `org create`, the demo).
pub struct JwtIssuer {
    key: EncodingKey,
    algorithm: Algorithm,
    claims: ClaimNames,
    issuer: Option<String>,
    audience: Option<String>,
}

impl JwtIssuer {
    /// Builds the issuer from the same configuration the server verifies with.
    pub fn from_config(config: &JwtConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let pem = || {
            read_pem(
                config.jwt_private_key_file.as_deref(),
                "--jwt-private-key-file",
            )
        };
        let key = match config.jwt_algorithm {
            JwtAlgorithm::Hs256 => {
                EncodingKey::from_secret(hs256_secret(config, data_dir)?.0.as_bytes())
            }
            JwtAlgorithm::Rs256 => EncodingKey::from_rsa_pem(&pem()?)
                .context("the RS256 private key is not a valid PEM RSA key")?,
            JwtAlgorithm::Es256 => EncodingKey::from_ec_pem(&pem()?)
                .context("the ES256 private key is not a valid PEM EC key")?,
        };
        Ok(Self {
            key,
            algorithm: algorithm(config),
            claims: ClaimNames::from_config(config),
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
        })
    }

    /// A token for `subject` acting as `role` in `organization_id`, valid for `ttl`.
    pub fn mint(
        &self,
        organization_id: Uuid,
        role: Role,
        subject: &str,
        ttl: Duration,
    ) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(ttl.as_secs()).context("the token lifetime is too long")?;
        let mut claims = Map::new();
        claims.insert(self.claims.subject.clone(), subject.into());
        claims.insert(
            self.claims.organization.clone(),
            organization_id.to_string().into(),
        );
        claims.insert(self.claims.role.clone(), serde_json::to_value(role)?);
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), (now + ttl).into());
        if let Some(issuer) = &self.issuer {
            claims.insert("iss".into(), issuer.clone().into());
        }
        if let Some(audience) = &self.audience {
            claims.insert("aud".into(), audience.clone().into());
        }
        let mut header = Header::new(self.algorithm);
        header.typ = Some("JWT".into());
        Ok(jsonwebtoken::encode(&header, &claims, &self.key)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> JwtConfig {
        JwtConfig::with_secret("0123456789abcdef0123456789abcdef")
    }

    #[tokio::test]
    async fn a_minted_token_verifies_with_its_claims() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let org = Uuid::now_v7();
        let token = JwtIssuer::from_config(&config(), dir.path())?.mint(
            org,
            Role::Auditor,
            "ada",
            Duration::from_secs(60),
        )?;
        let claims = JwtVerifier::from_config(&config(), dir.path())?
            .verify(&token)
            .await
            .map_err(anyhow::Error::msg)?;
        assert_eq!(claims.subject, "ada");
        assert_eq!(claims.organization_id, org);
        assert_eq!(claims.role, Role::Auditor);
        Ok(())
    }

    #[tokio::test]
    async fn custom_claim_names_are_honoured() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut config = config();
        config.jwt_role_claim = "https://example.com/role".into();
        config.jwt_organization_claim = "tenant".into();
        let org = Uuid::now_v7();
        let token = JwtIssuer::from_config(&config, dir.path())?.mint(
            org,
            Role::Viewer,
            "bo",
            Duration::from_secs(60),
        )?;
        let claims = JwtVerifier::from_config(&config, dir.path())?
            .verify(&token)
            .await
            .map_err(anyhow::Error::msg)?;
        assert_eq!(claims.role, Role::Viewer);
        // The default names no longer carry them.
        let default = JwtVerifier::from_config(&self::config(), dir.path())?;
        assert!(default.verify(&token).await.is_err());
        Ok(())
    }

    #[test]
    fn a_short_secret_is_refused() {
        let dir = tempfile::tempdir().ok();
        let short = JwtConfig::with_secret("short");
        let path = dir
            .as_ref()
            .map(|d| d.path().to_path_buf())
            .unwrap_or_default();
        assert!(JwtVerifier::from_config(&short, &path).is_err());
    }
}

use entity::Role;
use uuid::Uuid;

use super::{ApiScope, Permission};
use crate::error::{AppError, AppResult};

/// What kind of principal made a request; recorded in the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    /// A person (or a script using a person's login token).
    Person,
    /// The server itself or its command line (organization set-up, demo data).
    System,
    /// An integration script with an API token; it acts as itself.
    ApiToken,
}

impl ActorKind {
    /// The name stored in the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "PERSON",
            Self::System => "SYSTEM",
            Self::ApiToken => "API_TOKEN",
        }
    }
}

/// What an API token caller's subject starts with; its id follows.
pub const API_TOKEN_SUBJECT: &str = "api-token:";

/// What a credential may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// A login token's role.
    Role(Role),
    /// An API token's scopes.
    Scopes(Vec<ApiScope>),
}

/// The authenticated caller of one request. Every read and write is scoped by its organization.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The tenant the caller acts in.
    pub organization_id: Uuid,
    /// The login subject from the token.
    pub subject: String,
    /// What the credential may do: a login's role, or an API token's scopes.
    pub grant: Grant,
    /// The Person linked to the subject, when there is one.
    pub person_id: Option<Uuid>,
    /// Who this is, for the audit trail.
    pub kind: ActorKind,
    /// Unix time when the credential stops being valid, if it does.
    pub expires_at: Option<i64>,
}

impl Actor {
    /// Whether the credential allows `permission`: the role matrix for logins, the scopes for
    /// API tokens. Every guard asks this one question.
    pub fn may(&self, permission: Permission) -> bool {
        match &self.grant {
            Grant::Role(role) => permission.allows(*role),
            Grant::Scopes(scopes) => permission
                .scope()
                .is_some_and(|needed| scopes.contains(&needed)),
        }
    }

    /// The role, for login tokens.
    pub fn role(&self) -> Option<Role> {
        match self.grant {
            Grant::Role(role) => Some(role),
            Grant::Scopes(_) => None,
        }
    }

    /// The API token this caller authenticated with, for an integration.
    pub fn api_token_id(&self) -> Option<Uuid> {
        match self.kind {
            ActorKind::ApiToken => self
                .subject
                .strip_prefix(API_TOKEN_SUBJECT)
                .and_then(|id| id.parse().ok()),
            ActorKind::Person | ActorKind::System => None,
        }
    }

    /// The server acting on its own behalf, e.g. `iso20000 org create`.
    pub fn system(organization_id: Uuid, subject: &str) -> Self {
        Self {
            organization_id,
            subject: subject.to_owned(),
            grant: Grant::Role(Role::Admin),
            person_id: None,
            kind: ActorKind::System,
            expires_at: None,
        }
    }
}

/// Why a credential was not accepted.
#[derive(Clone, Debug)]
pub enum AuthFailure {
    /// Missing, malformed, expired or otherwise unacceptable: UNAUTHENTICATED, with the reason.
    Refused(String),
    /// The check itself failed (database down): INTERNAL, not the caller's fault.
    Unavailable,
}

/// The outcome of checking a request's credential, put into the GraphQL request data. Kept as a
/// result so that a request without a token can still introspect the schema, while every field
/// that touches data answers UNAUTHENTICATED.
#[derive(Clone, Debug)]
pub struct Authentication {
    outcome: Result<Actor, AuthFailure>,
    /// The version of the organization's data (its audit trail's head sequence) when the
    /// credential was checked, read in the same statement: what the request reads afterwards
    /// is at least this new, which is what `read_cache` relies on.
    data_version: Option<i64>,
}

impl Authentication {
    /// An accepted credential, and the version of its organization's data at the check.
    pub fn accepted(actor: Actor, data_version: Option<i64>) -> Self {
        Self {
            outcome: Ok(actor),
            data_version,
        }
    }

    /// A credential that was not accepted.
    pub fn failed(failure: AuthFailure) -> Self {
        Self {
            outcome: Err(failure),
            data_version: None,
        }
    }

    /// A refused credential with the reason shown to the client.
    pub fn refused(reason: impl Into<String>) -> Self {
        Self::failed(AuthFailure::Refused(reason.into()))
    }

    /// Whether the credential itself was refused (not merely left unchecked because the check
    /// could not run).
    pub fn is_refused(&self) -> bool {
        matches!(self.outcome, Err(AuthFailure::Refused(_)))
    }

    /// The version of the caller's organization's data when the credential was checked.
    pub fn data_version(&self) -> Option<i64> {
        self.data_version
    }

    /// The actor, or the error the client gets.
    pub fn actor(&self) -> AppResult<&Actor> {
        match &self.outcome {
            Ok(actor) => Ok(actor),
            Err(AuthFailure::Refused(reason)) => Err(AppError::Unauthenticated(reason.clone())),
            Err(AuthFailure::Unavailable) => Err(AppError::Internal(anyhow::anyhow!(
                "the credential could not be checked"
            ))),
        }
    }
}

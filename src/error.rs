//! The one error type of the API. Each variant maps to one `extensions.code`.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

/// Declares each code as a constant spelled as its name, so that a constant cannot say one
/// code and mean another, and lists them all for the test that pins them.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        $($(#[$doc])* pub const $name: &str = stringify!($name);)*

        #[cfg(test)]
        pub(super) const ALL: &[&str] = &[$($name),*];
    };
}

/// Every `extensions.code` the server answers with, and the labels of the `graphql_errors`
/// metric: clients switch on these strings, so they are written here only.
pub mod code {
    codes! {
        /// No credential, or one that is bad, expired or revoked.
        UNAUTHENTICATED,
        /// The credential is good but its role (or scope) may not do this.
        FORBIDDEN,
        /// No such record in the caller's organization.
        NOT_FOUND,
        /// The request or one of its input values is invalid; `extensions.field` names it.
        BAD_USER_INPUT,
        /// The record changed since the caller read it, or collides with another.
        CONFLICT,
        /// Anything else; details go to the log under the request id.
        INTERNAL,
        /// The request (or a WebSocket query or mutation) took longer than the time limit.
        TIMEOUT,
        /// Automatic persisted queries: the server does not know the hash, so the client sends
        /// the query with it (Apollo's link reads this code).
        PERSISTED_QUERY_NOT_FOUND,
    }
}

/// A failed request, as the client sees it.
///
/// Deliberately not `Display`: async-graphql converts any `Display` error into a GraphQL error
/// without extensions, which would silently drop the code. This type converts only through its
/// own `From` impl below, so every `?` in a resolver keeps the code.
#[derive(Debug)]
pub enum AppError {
    /// `UNAUTHENTICATED`: no credential, or one that is bad, expired or revoked.
    Unauthenticated(String),
    /// `FORBIDDEN`: the credential is good but its role may not do this.
    Forbidden(String),
    /// `NOT_FOUND`: no such record in the caller's organization (another organization's record
    /// answers exactly the same).
    NotFound(&'static str),
    /// `BAD_USER_INPUT`: an input value is invalid; `field` names it (e.g. `input.email`).
    BadUserInput { field: String, message: String },
    /// `CONFLICT`: the record changed since the caller read it, or the change collides with
    /// another record.
    Conflict(String),
    /// `INTERNAL`: anything else; details go to the log, never to the client.
    Internal(anyhow::Error),
}

/// Result of everything that can fail in a request.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => code::UNAUTHENTICATED,
            Self::Forbidden(_) => code::FORBIDDEN,
            Self::NotFound(_) => code::NOT_FOUND,
            Self::BadUserInput { .. } => code::BAD_USER_INPUT,
            Self::Conflict(_) => code::CONFLICT,
            Self::Internal(_) => code::INTERNAL,
        }
    }

    /// The message shown to the client (internal details are never shown).
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(m) | Self::Forbidden(m) | Self::Conflict(m) => m.clone(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadUserInput { message, .. } => message.clone(),
            Self::Internal(_) => {
                "Internal error; the server log has the details under this request's id".to_owned()
            }
        }
    }

    /// For the command line, where the whole chain may be shown.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            Self::Internal(inner) => inner,
            other => anyhow::anyhow!("{}: {}", other.code(), other.message()),
        }
    }

    /// A `BAD_USER_INPUT` naming the field at fault.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(err)
    }
}

impl From<std::sync::Arc<DbErr>> for AppError {
    fn from(err: std::sync::Arc<DbErr>) -> Self {
        Self::Internal(anyhow::anyhow!("database error: {err}"))
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        Self::Internal(anyhow::Error::new(err).context("database error"))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code();
        if let AppError::Internal(inner) = &err {
            // The span of the request carries its id, which ties this line to the response.
            tracing::error!(error = format!("{inner:#}"), "internal error");
        }
        let message = err.message();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            if let AppError::BadUserInput { field, .. } = &err {
                ext.set("field", field.as_str());
            }
        })
    }
}

/// Turns constraint violations of a write into user errors, in one place, instead of matching
/// database messages in resolvers.
pub trait DbResultExt<T> {
    /// A unique-constraint violation becomes `BAD_USER_INPUT` on `field`.
    fn on_unique_violation(self, field: &str, message: &str) -> AppResult<T>;
}

impl<T> DbResultExt<T> for Result<T, DbErr> {
    fn on_unique_violation(self, field: &str, message: &str) -> AppResult<T> {
        self.map_err(|err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::bad_input(field, message),
            _ => err.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clients switch on these strings: changing one is a breaking change of the API.
    #[test]
    fn the_codes_are_pinned() {
        assert_eq!(
            code::ALL,
            [
                "UNAUTHENTICATED",
                "FORBIDDEN",
                "NOT_FOUND",
                "BAD_USER_INPUT",
                "CONFLICT",
                "INTERNAL",
                "TIMEOUT",
                "PERSISTED_QUERY_NOT_FOUND",
            ]
        );
        let errors = [
            AppError::Unauthenticated(String::new()),
            AppError::Forbidden(String::new()),
            AppError::NotFound(<entity::person::Entity as crate::record::Record>::TYPE),
            AppError::bad_input("input.name", ""),
            AppError::Conflict(String::new()),
            AppError::Internal(anyhow::anyhow!("")),
        ];
        let codes: Vec<_> = errors.iter().map(AppError::code).collect();
        assert_eq!(codes, code::ALL[..6]);
    }
}

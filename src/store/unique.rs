//! Unique-constraint violations mapped to the input field they mean, by the constraint's name:
//! the database decides, so two concurrent writers get the same answer as one that a pre-check
//! would have stopped, and each index tells its own story (a clashing login subject is not
//! reported as a clashing e-mail).

use sea_orm::{DbErr, SqlErr};

use crate::error::{AppError, AppResult};

/// A unique index of a record type and the input error a clash with it is.
#[derive(Clone, Copy, Debug)]
pub struct Unique {
    /// The index, as its migration names it: PostgreSQL reports a violation by this name.
    pub index: &'static str,
    /// Its table and columns as SQLite reports them (`person.organization_id, person.email`):
    /// SQLite's message names the columns, not the index.
    pub columns: &'static str,
    /// The input field at fault; empty for a clash no single field explains, which is CONFLICT.
    pub field: &'static str,
    /// What the client is told.
    pub message: &'static str,
}

impl Unique {
    /// Whether the database's violation `message` is about this index.
    fn names(&self, message: &str) -> bool {
        message.contains(&format!("\"{}\"", self.index))
            || message
                .split_once("UNIQUE constraint failed: ")
                .is_some_and(|(_, columns)| columns.trim() == self.columns)
    }
}

/// Turns the unique violations of a write into the input errors they mean.
pub trait OnConstraint<T> {
    /// A violation of one of `known` is BAD_USER_INPUT on its field; of any other unique index,
    /// CONFLICT (a collision no input field explains).
    fn on_constraint(self, known: &[Unique]) -> AppResult<T>;
}

impl<T> OnConstraint<T> for Result<T, DbErr> {
    fn on_constraint(self, known: &[Unique]) -> AppResult<T> {
        self.map_err(|err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(message)) => {
                match known.iter().find(|unique| unique.names(&message)) {
                    Some(unique) if unique.field.is_empty() => {
                        AppError::Conflict(unique.message.into())
                    }
                    Some(unique) => AppError::bad_input(unique.field, unique.message),
                    None => {
                        tracing::warn!(%message, "unique violation without a mapping");
                        AppError::Conflict(
                            "the change collides with another record; read it again and retry"
                                .into(),
                        )
                    }
                }
            }
            _ => err.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: Unique = Unique {
        index: "ux_person_org_email",
        columns: "person.organization_id, person.email",
        field: "input.email",
        message: "taken",
    };

    #[test]
    fn both_databases_name_the_index() {
        assert!(
            EMAIL.names("duplicate key value violates unique constraint \"ux_person_org_email\"")
        );
        assert!(EMAIL.names("UNIQUE constraint failed: person.organization_id, person.email"));
        assert!(EMAIL.names(
            "error returned from database: (code: 2067) UNIQUE constraint failed: person.organization_id, person.email"
        ));
        assert!(!EMAIL.names(
            "duplicate key value violates unique constraint \"ux_person_org_login_subject\""
        ));
        assert!(
            !EMAIL.names("UNIQUE constraint failed: person.organization_id, person.login_subject")
        );
    }
}

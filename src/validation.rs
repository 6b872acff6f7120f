//! Input rules shared by every area: text lengths and formats, checked before any write. Each
//! failure names the input field at fault.

use crate::error::{AppError, AppResult};

/// Longest name of a record (person, organization, ...).
pub const NAME_MAX: usize = 200;
/// Longest e-mail address (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest login subject.
pub const SUBJECT_MAX: usize = 255;
/// Longest free search text.
pub const SEARCH_MAX: usize = 200;

/// Trimmed, non-empty text of at most `max` characters, without control characters.
pub fn required_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    let length = trimmed.chars().count();
    if length > max {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must be at most {max} characters (got {length})"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// A plausible e-mail address, lower-cased: one `@`, a local part and a dotted domain, no spaces.
pub fn email(field: &str, value: &str) -> AppResult<String> {
    let address = required_text(field, value, EMAIL_MAX)?.to_lowercase();
    let valid = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !address.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(address)
    } else {
        Err(AppError::bad_input(
            field,
            format!("`{field}` is not an e-mail address"),
        ))
    }
}

/// The record's version must still be the one the client read.
pub fn expected_version(current: i32, expected: Option<i32>) -> AppResult<()> {
    match expected {
        Some(expected) if expected != current => Err(AppError::Conflict(format!(
            "the record is at version {current}, not {expected}: someone else changed it; read it again"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert!(matches!(required_text("name", "  Ada ", 10), Ok(s) if s == "Ada"));
        assert!(required_text("name", "   ", 10).is_err());
        assert!(required_text("name", &"x".repeat(11), 10).is_err());
        assert!(required_text("name", "a\u{0}b", 10).is_err());
        assert!(required_text("name", &"é".repeat(10), 10).is_ok());
    }

    #[test]
    fn emails_are_checked_and_normalized() {
        assert!(matches!(email("email", "Ada@Example.COM"), Ok(s) if s == "ada@example.com"));
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stale_versions_conflict() {
        assert!(expected_version(3, Some(3)).is_ok());
        assert!(expected_version(3, None).is_ok());
        assert!(matches!(
            expected_version(3, Some(2)),
            Err(AppError::Conflict(_))
        ));
    }
}

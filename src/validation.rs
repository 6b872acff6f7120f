//! Input values every area shares, parsed once at the edge into types that cannot hold a bad
//! value (parse, don't validate): a [`Name`] is trimmed, non-empty and bounded wherever it
//! goes. Each failure names the input field at fault.

use crate::error::{AppError, AppResult};

/// Longest name of a record (person, organization, ...).
pub const NAME_MAX: usize = 200;
/// Longest e-mail address (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest login subject.
pub const SUBJECT_MAX: usize = 255;
/// Longest free search text.
pub const SEARCH_MAX: usize = 200;
/// Longest free text (a description).
pub const TEXT_MAX: usize = 4_000;
/// Longest URL.
pub const URL_MAX: usize = 2_048;

/// Trimmed, non-empty text of at most `MAX` characters, without control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Required<const MAX: usize>(String);

/// A record's name.
pub type Name = Required<NAME_MAX>;

impl<const MAX: usize> Required<MAX> {
    /// `value` of input `field`, trimmed, or BAD_USER_INPUT on `field`.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let trimmed = Optional::<MAX>::parse(field, value)?.0;
        if trimmed.is_empty() {
            return Err(AppError::bad_input(
                field,
                format!("`{field}` must not be empty"),
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(AppError::bad_input(
                field,
                format!("`{field}` must not contain control characters"),
            ));
        }
        Ok(Self(trimmed))
    }
}

/// Trimmed text of at most `MAX` characters, possibly empty (a description, a customer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Optional<const MAX: usize>(String);

/// Free text: a description, goals, a justification.
pub type Text = Optional<TEXT_MAX>;
/// A short line: a customer, a vendor.
pub type Line = Optional<NAME_MAX>;

impl<const MAX: usize> Optional<MAX> {
    /// `value` of input `field`, trimmed, or BAD_USER_INPUT on `field`.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let trimmed = value.trim();
        let length = trimmed.chars().count();
        if length > MAX {
            return Err(AppError::bad_input(
                field,
                format!("`{field}` must be at most {MAX} characters (got {length})"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }
}

/// A plausible e-mail address, lower-cased: one `@`, a local part and a dotted domain, no spaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// `value` of input `field`, or BAD_USER_INPUT on `field`.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let address = Required::<EMAIL_MAX>::parse(field, value)?.0.to_lowercase();
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
            Ok(Self(address))
        } else {
            Err(AppError::bad_input(
                field,
                format!("`{field}` is not an e-mail address"),
            ))
        }
    }
}

/// An http(s) address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url(String);

impl Url {
    /// `value` of input `field`, or BAD_USER_INPUT on `field`.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let url = Required::<URL_MAX>::parse(field, value)?.0;
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if scheme_ok && !url.contains(char::is_whitespace) && url.len() > "https://".len() {
            Ok(Self(url))
        } else {
            Err(AppError::bad_input(
                field,
                format!("`{field}` must be an http(s) address"),
            ))
        }
    }
}

/// The text inside each parsed value, to store.
macro_rules! into_string {
    ($($ty:ty),+) => {$(
        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )+};
}

into_string!(Email, Url);

impl<const MAX: usize> From<Required<MAX>> for String {
    fn from(value: Required<MAX>) -> Self {
        value.0
    }
}

impl<const MAX: usize> From<Optional<MAX>> for String {
    fn from(value: Optional<MAX>) -> Self {
        value.0
    }
}

impl<const MAX: usize> AsRef<str> for Optional<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> AsRef<str> for Required<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Parses an optional input value: absent stays absent.
pub fn parse_opt<T>(
    value: Option<String>,
    parse: impl FnOnce(&str) -> AppResult<T>,
) -> AppResult<Option<T>> {
    value.as_deref().map(parse).transpose()
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
        let parse = Required::<10>::parse;
        assert!(matches!(parse("name", "  Ada "), Ok(s) if s.as_ref() == "Ada"));
        assert!(parse("name", "   ").is_err());
        assert!(parse("name", &"x".repeat(11)).is_err());
        assert!(parse("name", "a\u{0}b").is_err());
        assert!(parse("name", &"é".repeat(10)).is_ok());
        assert!(matches!(Optional::<10>::parse("d", "  "), Ok(s) if s.as_ref().is_empty()));
        assert!(Optional::<3>::parse("d", "abcd").is_err());
    }

    #[test]
    fn emails_are_checked_and_normalized() {
        assert!(
            matches!(Email::parse("email", "Ada@Example.COM"), Ok(s) if s.as_ref() == "ada@example.com")
        );
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_http() {
        assert!(Url::parse("url", "https://itsm.example.com").is_ok());
        for bad in [
            "",
            "ftp://x",
            "javascript:alert(1)",
            "https://",
            "https://a b",
        ] {
            assert!(Url::parse("url", bad).is_err(), "{bad}");
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

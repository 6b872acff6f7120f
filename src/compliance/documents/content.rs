//! The content of a document version: a bounded Markdown body, and its SHA-256, which the
//! server computes and approvers quote back.

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Longest body, in characters.
pub const BODY_MAX: usize = 200_000;

/// A version's Markdown body: at most [`BODY_MAX`] characters, no control characters but line
/// breaks and tabs. Kept as written (Markdown gives trailing spaces a meaning).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body(String);

impl Body {
    /// `value` of input `field`, or BAD_USER_INPUT on it.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        // Counted lazily: a body far over the bound is refused without counting all of it.
        if value.chars().nth(BODY_MAX).is_some() {
            return Err(AppError::bad_input(
                field,
                format!("`{field}` must be at most {BODY_MAX} characters"),
            ));
        }
        if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(AppError::bad_input(
                field,
                format!(
                    "`{field}` must not contain control characters other than line breaks and tabs"
                ),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// A body the server wrote itself (a built-in template).
    pub fn built_in(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<Body> for String {
    fn from(body: Body) -> Self {
        body.0
    }
}

/// The SHA-256 of a version's content (its body's UTF-8 bytes), as lower-case hex.
pub fn content_hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// Longest content hash a client may send: what it read is compared, not parsed.
pub const HASH_MAX: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_bounded_and_keep_line_breaks() {
        assert!(Body::parse("b", "# Title\n\n\tText  \r\n").is_ok());
        assert!(Body::parse("b", &"x".repeat(BODY_MAX)).is_ok());
        assert!(Body::parse("b", &"x".repeat(BODY_MAX + 1)).is_err());
        assert!(Body::parse("b", "a\u{0}b").is_err());
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_body() {
        assert_eq!(
            content_hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_ne!(content_hash("a"), content_hash("b"));
    }
}

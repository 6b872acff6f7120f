//! How deeply a request nests, measured on its text before anything parses it.
//!
//! The GraphQL parser and every later pass over the document (validation, value coercion) are
//! recursive: a few kilobytes of `[[[[…` or `{a:{a:{…` would overflow the stack and abort the
//! process. The scanners here are flat loops over bytes, so no input can make them recurse, and
//! they stop at the first byte past the bound.

/// Where a text first nests deeper than the bound: its byte offset.
#[derive(Debug, PartialEq, Eq)]
pub struct TooDeep {
    pub offset: usize,
}

/// Checks a GraphQL document: selection sets `{}`, list values `[]`, object values `{}` and
/// argument lists `()` all count, as they all recurse in the parser. Strings, block strings and
/// comments are skipped, so brackets inside them do not count.
pub fn check_graphql(text: &str, limit: usize) -> Result<(), TooDeep> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                // A block string ends at the first `"""` not escaped as `\"""`.
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limit {
                    return Err(TooDeep { offset: i });
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Checks JSON text: arrays and objects count; strings are skipped.
pub fn check_json(bytes: &[u8], limit: usize) -> Result<(), TooDeep> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Err(TooDeep { offset: i });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The nesting of a value that is already parsed (and so already bounded by the JSON parser's
/// own limit of 128): variables, whose bound is the same as the document's.
pub fn value_depth(value: &async_graphql::Value) -> usize {
    use async_graphql::Value;
    // An explicit stack, so that the depth is measured without recursion.
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((value, depth)) = stack.pop() {
        match value {
            Value::List(items) => {
                deepest = deepest.max(depth + 1);
                stack.extend(items.iter().map(|item| (item, depth + 1)));
            }
            Value::Object(fields) => {
                deepest = deepest.max(depth + 1);
                stack.extend(fields.values().map(|field| (field, depth + 1)));
            }
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bracket_of_a_document_counts() {
        assert_eq!(check_graphql("{ a(x: [[1]]) { b } }", 4), Ok(()));
        assert_eq!(
            check_graphql("{ a(x: [[[1]]]) }", 4),
            Err(TooDeep { offset: 9 })
        );
        assert!(check_graphql("{ a(x: {a: {a: {a: 1}}}) }", 4).is_err());
        assert!(check_graphql(&"[".repeat(10_000), 32).is_err());
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = r#"{ a(x: "[[[[\"[[[[", y: """ {{{{ \""" [[[[ """) # ((((((
        }"#;
        assert_eq!(check_graphql(text, 2), Ok(()));
    }

    #[test]
    fn an_unfinished_string_ends_the_scan() {
        assert_eq!(check_graphql("{ a(x: \"[[[[[", 2), Ok(()));
        assert_eq!(check_graphql("{ a(x: \"\"\"[[[[[", 2), Ok(()));
    }

    #[test]
    fn json_nesting_skips_strings() {
        assert_eq!(check_json(br#"{"a": "[[[[[[", "b": [1]}"#, 2), Ok(()));
        assert_eq!(
            check_json(br#"{"a": [[1]]}"#, 2),
            Err(TooDeep { offset: 7 })
        );
        assert!(check_json(&b"[".repeat(10_000), 32).is_err());
    }

    #[test]
    fn parsed_values_are_measured_without_recursion() {
        let value = async_graphql::Value::from_json(serde_json::json!({"a": [[1], {"b": []}]}))
            .unwrap_or_default();
        assert_eq!(value_depth(&value), 4);
        assert_eq!(value_depth(&async_graphql::Value::from(1)), 0);
    }
}

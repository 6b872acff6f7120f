//! Bounds on a query document that async-graphql does not check itself: its length, its aliases
//! and its directives. (Depth and complexity are the schema's own limits.)

use async_graphql::{
    Request, ServerError,
    parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
};

use crate::config::LimitsConfig;

/// The bounds, from `LimitsConfig`.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    pub max_query_bytes: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
}

impl From<&LimitsConfig> for DocumentLimits {
    fn from(limits: &LimitsConfig) -> Self {
        Self {
            max_query_bytes: limits.max_query_bytes,
            max_aliases: limits.max_aliases,
            max_directives: limits.max_directives,
        }
    }
}

/// An error of the request as a whole, coded BAD_USER_INPUT on `query`.
fn refusal(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "BAD_USER_INPUT");
    extensions.set("field", "query");
    error.extensions = Some(extensions);
    error
}

impl DocumentLimits {
    /// Parses the request's document (the schema then uses it as it is) within the bounds;
    /// answers the name of the operation it runs: the one asked for, or the document's only
    /// operation if that has a name.
    ///
    /// This runs before the schema rather than as a schema extension: any extension makes
    /// async-graphql take a slower path for every field it resolves.
    pub fn check(&self, request: &mut Request) -> Result<Option<String>, ServerError> {
        // Checked before parsing, so an enormous document costs nothing to refuse.
        if request.query.len() > self.max_query_bytes {
            return Err(refusal(format!(
                "the query is {} bytes long; the limit is {}",
                request.query.len(),
                self.max_query_bytes
            )));
        }
        let requested = request.operation_name.clone();
        let document = request.parsed_query()?;
        let counts = count(document);
        if counts.aliases > self.max_aliases {
            return Err(refusal(format!(
                "the query has {} aliases; the limit is {}",
                counts.aliases, self.max_aliases
            )));
        }
        if counts.directives > self.max_directives {
            return Err(refusal(format!(
                "the query has {} directives; the limit is {}",
                counts.directives, self.max_directives
            )));
        }
        Ok(requested.or_else(|| match &document.operations {
            DocumentOperations::Multiple(operations) if operations.len() == 1 => {
                operations.keys().next().map(ToString::to_string)
            }
            _ => None,
        }))
    }
}

#[derive(Default, Debug, PartialEq, Eq)]
struct Counts {
    aliases: usize,
    directives: usize,
}

/// Aliases and directives written in the document (each fragment once).
fn count(document: &ExecutableDocument) -> Counts {
    let mut counts = Counts::default();
    for (_, operation) in document.operations.iter() {
        counts.directives += operation.node.directives.len();
        count_selection_set(&operation.node.selection_set.node, &mut counts);
    }
    for fragment in document.fragments.values() {
        counts.directives += fragment.node.directives.len();
        count_selection_set(&fragment.node.selection_set.node, &mut counts);
    }
    counts
}

fn count_selection_set(set: &SelectionSet, counts: &mut Counts) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                counts.aliases += usize::from(field.node.alias.is_some());
                counts.directives += field.node.directives.len();
                count_selection_set(&field.node.selection_set.node, counts);
            }
            Selection::FragmentSpread(spread) => counts.directives += spread.node.directives.len(),
            Selection::InlineFragment(inline) => {
                counts.directives += inline.node.directives.len();
                count_selection_set(&inline.node.selection_set.node, counts);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_directives_are_counted_everywhere() {
        let document = async_graphql::parser::parse_query(
            r#"query Q @a { x: viewer { y: subject @include(if: true) ... on Viewer @b { z: role } ...F } }
               fragment F on Viewer @c { w: subject @skip(if: false) }"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            count(&document),
            Counts {
                aliases: 4,
                directives: 5
            }
        );
    }
}

//! Bounds on a query document that async-graphql does not check itself, or checks only after
//! work that the bound should have spared: its length, its nesting, the size it expands to
//! through fragments, its aliases, its directives and the nesting of its variables. (Depth and
//! complexity are the schema's own limits, which run after these.)

use std::collections::HashMap;

use async_graphql::{
    Request, ServerError,
    parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
};

use super::nesting;
use crate::{config::LimitsConfig, error::code};

/// The bounds, from `LimitsConfig`.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    pub max_query_bytes: usize,
    pub max_nesting: usize,
    pub max_depth: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    /// The most fields the document may expand to, fragments spread in place: the complexity
    /// bound, since every field costs at least 1 there.
    pub max_expanded_fields: usize,
}

impl From<&LimitsConfig> for DocumentLimits {
    fn from(limits: &LimitsConfig) -> Self {
        Self {
            max_query_bytes: limits.max_query_bytes,
            max_nesting: limits.max_nesting,
            max_depth: limits.max_depth,
            max_aliases: limits.max_aliases,
            max_directives: limits.max_directives,
            max_expanded_fields: limits.max_complexity,
        }
    }
}

/// An error of the request as a whole, coded BAD_USER_INPUT on `field` (`query` or
/// `variables`).
pub fn refusal_on(field: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code::BAD_USER_INPUT);
    extensions.set("field", field);
    error.extensions = Some(extensions);
    error
}

fn refusal(message: String) -> ServerError {
    refusal_on("query", message)
}

/// The refusal of a document or JSON text nested deeper than `limit`.
pub fn too_deep(field: &str, limit: usize, at: nesting::TooDeep) -> ServerError {
    refusal_on(
        field,
        format!(
            "`{field}` nests deeper than {limit} levels (at byte {}); the limit is {limit}",
            at.offset
        ),
    )
}

/// What a bound of the query counts.
#[derive(Clone, Copy, Debug)]
enum Bound {
    QueryBytes,
    ExpandedFields,
    Depth,
    IntrospectionDepth,
    Aliases,
    Directives,
}

impl Bound {
    /// Refuses the query when `measured` is over `limit`, saying what it measured.
    fn check(self, measured: usize, limit: usize) -> Result<(), ServerError> {
        if measured <= limit {
            return Ok(());
        }
        let what = match self {
            Self::QueryBytes => format!("the query is {measured} bytes long"),
            // Measuring stops past the limit: how far past is not known.
            Self::ExpandedFields => format!(
                "the query expands to more than {limit} fields once its fragments are spread"
            ),
            Self::Depth => format!("the query nests its fields {measured} deep"),
            Self::IntrospectionDepth => {
                format!("the introspection query nests its fields {measured} deep")
            }
            Self::Aliases => format!("the query has {measured} aliases"),
            Self::Directives => format!("the query has {measured} directives"),
        };
        Err(refusal(format!("{what}; the limit is {limit}")))
    }
}

impl DocumentLimits {
    /// Parses the request's document (the schema then uses it as it is) within the bounds;
    /// answers the name of the operation it runs, if the document names it: the one asked
    /// for, or the document's only operation.
    ///
    /// This runs before the schema rather than as a schema extension: any extension makes
    /// async-graphql take a slower path for every field it resolves.
    pub fn check(&self, request: &mut Request) -> Result<Option<String>, ServerError> {
        // Checked before parsing, so an enormous document costs nothing to refuse.
        Bound::QueryBytes.check(request.query.len(), self.max_query_bytes)?;
        // Checked before parsing too: the parser recurses once per level.
        nesting::check_graphql(&request.query, self.max_nesting)
            .map_err(|at| too_deep("query", self.max_nesting, at))?;
        let variables_depth = request
            .variables
            .values()
            .map(nesting::value_depth)
            .max()
            .unwrap_or_default();
        if variables_depth > self.max_nesting {
            return Err(refusal_on(
                "variables",
                format!(
                    "`variables` nest {variables_depth} levels deep; the limit is {}",
                    self.max_nesting
                ),
            ));
        }
        let requested = request.operation_name.clone();
        let document = request.parsed_query()?;
        let measured = measure(document, self.max_expanded_fields)?;
        Bound::ExpandedFields.check(measured.fields, self.max_expanded_fields)?;
        Bound::Depth.check(measured.data, self.max_depth)?;
        Bound::IntrospectionDepth.check(measured.introspection, MAX_INTROSPECTION_DEPTH)?;
        let counts = count(document);
        Bound::Aliases.check(counts.aliases, self.max_aliases)?;
        Bound::Directives.check(counts.directives, self.max_directives)?;
        // Only a name the document holds: any other would be the client's to invent.
        Ok(match (&document.operations, requested) {
            (DocumentOperations::Multiple(operations), Some(name)) => operations
                .keys()
                .find(|known| known.as_str() == name)
                .map(ToString::to_string),
            (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
                operations.keys().next().map(ToString::to_string)
            }
            _ => None,
        })
    }
}

/// How deep introspection may nest, apart from the data's `max_depth`: graphql-js 16's
/// `getIntrospectionQuery`, which GraphiQL, graphql-codegen and Python's gql send, needs 15
/// (`__schema`, `types`, `fields`, `type` and nine levels of `ofType`); every level past the
/// few the schema's types wrap answers null, so this bound only keeps the walk short.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;

/// What a document costs to walk once its fragments are spread in place: how many fields it
/// holds and how deep they nest, for data and for introspection (`__schema`, `__type` and what
/// they hold) apart; a leaf at the root is 1 deep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Measure {
    fields: usize,
    data: usize,
    introspection: usize,
}

impl Measure {
    /// The measure of selections side by side.
    fn beside(self, other: Self) -> Self {
        Self {
            fields: self.fields.saturating_add(other.fields),
            data: self.data.max(other.data),
            introspection: self.introspection.max(other.introspection),
        }
    }
}

fn too_many_spreads() -> ServerError {
    refusal(format!(
        "fragments spread inside each other more than {MAX_SPREAD_NESTING} levels deep"
    ))
}

/// Measures every operation of the document without expanding anything: each fragment is
/// measured once, however often it is spread. Stops counting fields past `limit`; spreads
/// nested deeper than the schema's recursion bound (or a cycle, which validation refuses later
/// anyway) are refused here, so this never recurses without bound.
fn measure(document: &ExecutableDocument, limit: usize) -> Result<Measure, ServerError> {
    struct Walk<'a> {
        document: &'a ExecutableDocument,
        fragments: HashMap<&'a str, Measure>,
        limit: usize,
    }
    impl<'a> Walk<'a> {
        fn set(&mut self, set: &'a SelectionSet, spreads: usize) -> Result<Measure, ServerError> {
            let mut total = Measure::default();
            for selection in &set.items {
                let measure = match &selection.node {
                    Selection::Field(field) => {
                        let below = self.set(&field.node.selection_set.node, spreads)?;
                        let fields = below.fields.saturating_add(1);
                        if matches!(field.node.name.node.as_str(), "__schema" | "__type") {
                            Measure {
                                fields,
                                data: 0,
                                introspection: 1 + below.data.max(below.introspection),
                            }
                        } else {
                            Measure {
                                fields,
                                data: 1 + below.data,
                                introspection: below.introspection,
                            }
                        }
                    }
                    Selection::InlineFragment(inline) => {
                        self.set(&inline.node.selection_set.node, spreads)?
                    }
                    Selection::FragmentSpread(spread) => {
                        self.fragment(spread.node.fragment_name.node.as_str(), spreads)?
                    }
                };
                total = total.beside(measure);
                if total.fields > self.limit {
                    break;
                }
            }
            Ok(total)
        }

        fn fragment(&mut self, name: &'a str, spreads: usize) -> Result<Measure, ServerError> {
            if let Some(measure) = self.fragments.get(name) {
                return Ok(*measure);
            }
            if spreads >= MAX_SPREAD_NESTING {
                return Err(too_many_spreads());
            }
            // Validation names an unknown fragment.
            let Some(fragment) = self.document.fragments.get(name) else {
                return Ok(Measure::default());
            };
            let measure = self.set(&fragment.node.selection_set.node, spreads + 1)?;
            self.fragments.insert(name, measure);
            Ok(measure)
        }
    }
    let mut walk = Walk {
        document,
        fragments: HashMap::new(),
        limit,
    };
    let mut total = Measure::default();
    for (_, operation) in document.operations.iter() {
        total = total.beside(walk.set(&operation.node.selection_set.node, 0)?);
        if total.fields > limit {
            break;
        }
    }
    Ok(total)
}

/// Fragments spread within fragments at most this deep: async-graphql's own recursion bound,
/// which it checks later, by walking every spread again.
const MAX_SPREAD_NESTING: usize = 32;

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

    fn parse(text: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn fragments_count_at_their_expanded_size() {
        let document = parse(
            "{ ...A ...A } fragment A on Query { x ...B ...B } fragment B on Query { y { z } }",
        );
        // A = x + 2 * B(2) = 5; twice.
        assert_eq!(measure(&document, 100).ok().map(|m| m.fields), Some(10));
    }

    #[test]
    fn doubling_fragments_are_counted_without_expanding_them() {
        let mut text = String::from("{ ...F0 }");
        for i in 0..30 {
            text.push_str(&format!(
                " fragment F{i} on Query {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        text.push_str(" fragment F30 on Query { viewer { subject } }");
        let document = parse(&text);
        let started = std::time::Instant::now();
        let expanded = measure(&document, 5_000).unwrap_or_default().fields;
        assert!(expanded > 5_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn introspection_depth_is_measured_apart_from_the_data() {
        let document = parse(
            "{ viewer { subject } __schema { types { ...T } } } fragment T on __Type { ofType { ofType { name } } }",
        );
        let measured = measure(&document, 100).unwrap_or_default();
        assert_eq!((measured.data, measured.introspection), (2, 5));
        let query = include_str!("../../tests/api/fixtures/introspection-all.graphql");
        let depths = measure(&parse(query), 5_000).unwrap_or_default();
        assert_eq!(depths.data, 0);
        assert!(depths.introspection > 12 && depths.introspection <= MAX_INTROSPECTION_DEPTH);
    }

    #[test]
    fn cycles_and_deep_spreads_are_refused_not_followed() {
        let document = parse("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }");
        assert!(measure(&document, 100).is_err());
    }

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

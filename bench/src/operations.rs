//! The named GraphQL operations the driver can run; later areas add theirs here.

/// Every operation name, for help and errors.
pub const NAMES: [&str; 2] = ["viewer", "people_page"];

/// The query text of a named operation.
pub fn query(name: &str) -> Option<&'static str> {
    Some(match name {
        // The cheapest authenticated request: token check plus one organization read.
        "viewer" => "{ viewer { subject role organization { name } } }",
        // A page of the people list with its total, the shape every list screen asks for.
        "people_page" => {
            "{ people(first: 50) { totalCount edges { cursor node { id name email role active } } pageInfo { hasNextPage endCursor } } }"
        }
        _ => return None,
    })
}

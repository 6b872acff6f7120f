//! The response in the shape the specification gives it: keys in the order the selection
//! names them, and a field that failed present as null.
//!
//! async-graphql resolves the parts of a merged root object one after the other, so
//! `{ z: viewer { .. } a: organization { .. } m: viewer { .. } }` came back as z, m, a; and it
//! leaves a nullable field that failed out of `data` instead of writing null. Both are fixed
//! here, after execution, from the root keys read off the document before: every client that
//! reads responses by position (or checks that a field it asked for is there) sees what it
//! asked for. It costs a pass over the root's keys, not over the response.

use async_graphql::{
    Name, PathSegment, Response, Value,
    indexmap::IndexMap,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// The response keys of the root selection of `operation` (the operation the request runs,
/// by name or the only one), in the order the document names them: read before execution,
/// which takes the document.
pub fn root_keys(document: &ExecutableDocument, operation: Option<&str>) -> Vec<Name> {
    let Some(root) = document
        .operations
        .iter()
        .find(|(name, _)| operation.is_none() || name.map(Name::as_str) == operation)
        .map(|(_, operation)| &operation.node.selection_set.node)
    else {
        return Vec::new();
    };
    let mut keys = IndexMap::new();
    collect(document, root, &mut keys, 0);
    keys.into_keys().collect()
}

/// Puts `response` in shape: a failed field present as null, and the root's keys in
/// `root_keys` order. Only the root needs reordering: below it, objects are not merged and
/// async-graphql keeps the selection's order.
pub fn shape(root_keys: &[Name], response: &mut Response) {
    for error in &response.errors {
        null_at(&mut response.data, &error.path);
    }
    let Value::Object(map) = &mut response.data else {
        return;
    };
    let in_order = map
        .keys()
        .zip(root_keys.iter().filter(|key| map.contains_key(*key)))
        .all(|(a, b)| a == b);
    if in_order {
        return;
    }
    let mut shaped = IndexMap::with_capacity(map.len());
    for key in root_keys {
        if let Some((name, value)) = map.shift_remove_entry(key) {
            shaped.insert(name, value);
        }
    }
    shaped.extend(std::mem::take(map));
    *map = shaped;
}

/// Writes null where a failed field should be, if its parent object is there and it is not.
fn null_at(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = data;
    for segment in parents {
        at = match (segment, at) {
            (PathSegment::Field(key), Value::Object(map)) => match map.get_mut(key.as_str()) {
                Some(value) => value,
                None => return,
            },
            (PathSegment::Index(index), Value::List(items)) => match items.get_mut(*index) {
                Some(value) => value,
                None => return,
            },
            _ => return,
        };
    }
    if let (PathSegment::Field(key), Value::Object(map)) = (last, at) {
        map.entry(Name::new(key)).or_insert(Value::Null);
    }
}

/// How deep fragments may spread inside each other here: the document limits refuse deeper.
const MAX_SPREADS: usize = 64;

/// The response keys a selection set names, in order; fragments are spread in place (each
/// type condition counts, since a key the object does not have is simply absent).
fn collect(
    document: &ExecutableDocument,
    set: &SelectionSet,
    keys: &mut IndexMap<Name, ()>,
    spreads: usize,
) {
    if spreads > MAX_SPREADS {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.alias.as_ref().unwrap_or(&field.node.name);
                keys.entry(key.node.clone()).or_insert(());
            }
            Selection::InlineFragment(inline) => {
                collect(document, &inline.node.selection_set.node, keys, spreads + 1);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document
                    .fragments
                    .get(spread.node.fragment_name.node.as_str())
                {
                    collect(
                        document,
                        &fragment.node.selection_set.node,
                        keys,
                        spreads + 1,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::ServerError;
    use serde_json::json;

    use super::*;

    fn response(data: serde_json::Value) -> Response {
        Response::new(Value::from_json(data).unwrap_or_default())
    }

    fn keys(query: &str) -> Vec<Name> {
        let document = async_graphql::parser::parse_query(query).unwrap_or_else(|e| panic!("{e}"));
        root_keys(&document, None)
    }

    #[test]
    fn root_keys_follow_the_selection_through_fragments() {
        let keys = keys(
            "{ z: viewer { role } ...F m: viewer { role } } fragment F on Query { a ... on Query { b } z }",
        );
        let text: Vec<&str> = keys.iter().map(Name::as_str).collect();
        assert_eq!(text, ["z", "a", "b", "m"]);
        let mut answer = response(json!({ "z": 1, "m": 2, "a": 3, "b": 4 }));
        shape(&keys, &mut answer);
        let text = serde_json::to_string(&answer.data).unwrap_or_default();
        assert_eq!(text, r#"{"z":1,"a":3,"b":4,"m":2}"#);
    }

    #[test]
    fn a_failed_field_is_null_and_present() {
        let keys = keys("{ a { id } person { id } list { item { x } } }");
        let mut answer = response(json!({ "a": { "id": 1 }, "list": [{ }] }));
        let failed = |path: Vec<PathSegment>| {
            let mut error = ServerError::new("gone", None);
            error.path = path;
            error
        };
        answer.errors = vec![
            failed(vec![PathSegment::Field("person".into())]),
            failed(vec![
                PathSegment::Field("list".into()),
                PathSegment::Index(0),
                PathSegment::Field("item".into()),
            ]),
            failed(vec![
                PathSegment::Field("nowhere".into()),
                PathSegment::Field("x".into()),
            ]),
        ];
        shape(&keys, &mut answer);
        let text = serde_json::to_string(&answer.data).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"a":{"id":1},"person":null,"list":[{"item":null}]}"#
        );
    }
}

//! The response in the shape the specification gives it: keys in the order the selection
//! names them, and a field that failed present as null.
//!
//! async-graphql resolves the parts of a merged root object one after the other, so
//! `{ z: viewer { .. } a: organization { .. } m: viewer { .. } }` came back as z, m, a; and it
//! leaves a nullable field that failed out of `data` instead of writing null. Both are fixed
//! here, after execution, from the document: every client that reads responses by position
//! (or checks that a field it asked for is there) sees what it asked for.

use async_graphql::{
    Name, PathSegment, Response, Value,
    indexmap::IndexMap,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// Puts the data of `response` in the shape of `operation`'s selection (the operation the
/// request ran, by name or the only one).
pub fn shape(document: &ExecutableDocument, operation: Option<&str>, response: &mut Response) {
    let Some(root) = document
        .operations
        .iter()
        .find(|(name, _)| operation.is_none() || name.map(Name::as_str) == operation)
        .map(|(_, operation)| &operation.node.selection_set.node)
    else {
        return;
    };
    for error in &response.errors {
        null_at(&mut response.data, &error.path);
    }
    let data = std::mem::take(&mut response.data);
    response.data = ordered(document, &[root], data, 0);
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

/// How deep the reordering follows the selection: past the depth limits, nothing can be.
const MAX_DEPTH: usize = 64;

/// `value` with its keys in the order `sets` (every selection set that applies to it, in
/// document order) name them; keys no selection names keep their place after the others.
fn ordered(
    document: &ExecutableDocument,
    sets: &[&SelectionSet],
    value: Value,
    depth: usize,
) -> Value {
    if depth > MAX_DEPTH {
        return value;
    }
    match value {
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|item| ordered(document, sets, item, depth + 1))
                .collect(),
        ),
        Value::Object(mut map) => {
            let mut keys: IndexMap<&str, Vec<&SelectionSet>> = IndexMap::new();
            for set in sets {
                collect(document, set, &mut keys, 0);
            }
            let mut shaped = IndexMap::with_capacity(map.len());
            for (key, children) in keys {
                if let Some((name, value)) = map.shift_remove_entry(key) {
                    shaped.insert(name, ordered(document, &children, value, depth + 1));
                }
            }
            shaped.extend(map);
            Value::Object(shaped)
        }
        other => other,
    }
}

/// The response keys a selection set names, in order, each with the selection sets of the
/// fields that answer under it; fragments are spread in place (each type condition counts,
/// since a key the object does not have is simply absent).
fn collect<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut IndexMap<&'a str, Vec<&'a SelectionSet>>,
    spreads: usize,
) {
    if spreads > MAX_DEPTH {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field
                    .node
                    .alias
                    .as_ref()
                    .map_or(field.node.name.node.as_str(), |alias| alias.node.as_str());
                keys.entry(key)
                    .or_default()
                    .push(&field.node.selection_set.node);
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

    #[test]
    fn keys_follow_the_selection_through_fragments_and_lists() {
        let document = async_graphql::parser::parse_query(
            "{ z: viewer { role subject } a: things { ...F } m: viewer { role } } fragment F on T { y ... on T { b } x }",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut answer = response(json!({
            "z": { "subject": "s", "role": "r" },
            "m": { "role": "r" },
            "a": [{ "x": 1, "b": 2, "y": 3 }],
        }));
        shape(&document, None, &mut answer);
        let text = serde_json::to_string(&answer.data).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"z":{"role":"r","subject":"s"},"a":[{"y":3,"b":2,"x":1}],"m":{"role":"r"}}"#
        );
    }

    #[test]
    fn a_failed_field_is_null_and_present() {
        let document =
            async_graphql::parser::parse_query("{ a { id } person { id } list { item { x } } }")
                .unwrap_or_else(|e| panic!("{e}"));
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
        shape(&document, None, &mut answer);
        let text = serde_json::to_string(&answer.data).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"a":{"id":1},"person":null,"list":[{"item":null}]}"#
        );
    }
}

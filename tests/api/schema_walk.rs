//! The served schema as introspection shows it, and what the enumerated tenancy and
//! authorization tests read from it: the root fields that take an ID (as an argument or anywhere
//! inside an input object), the mutations, and operations built from their argument types. All
//! of it is pure except [`Schema::served`], so the enumeration is unit-tested below on a
//! hand-written schema.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::helpers::TestApp;

/// graphql-js 16's standard introspection query: what clients send, so the served schema is
/// read the way they read it.
const INTROSPECTION: &str = include_str!("fixtures/introspection-minimal.graphql");

/// A reference to a type: a named type, or a list or non-null wrapper around one.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct TypeRef {
    kind: String,
    name: Option<String>,
    of_type: Option<Box<TypeRef>>,
}

impl TypeRef {
    /// The named type inside the wrappers.
    fn named(&self) -> &str {
        match (&self.name, &self.of_type) {
            (Some(name), _) => name,
            (None, Some(inner)) => inner.named(),
            (None, None) => "",
        }
    }

    fn required(&self) -> bool {
        self.kind == "NON_NULL"
    }

    /// The type as a variable declares it: `[ID!]!`.
    fn text(&self) -> String {
        let inner = || self.of_type.as_ref().map_or_else(String::new, |t| t.text());
        match self.kind.as_str() {
            "NON_NULL" => format!("{}!", inner()),
            "LIST" => format!("[{}]", inner()),
            _ => self.named().to_owned(),
        }
    }
}

#[derive(Deserialize, Debug)]
struct InputValue {
    name: String,
    #[serde(rename = "type")]
    ty: TypeRef,
}

#[derive(Deserialize, Debug)]
struct Field {
    name: String,
    args: Vec<InputValue>,
    #[serde(rename = "type")]
    ty: TypeRef,
}

#[derive(Deserialize, Debug)]
struct Named {
    name: String,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct FullType {
    kind: String,
    name: String,
    fields: Option<Vec<Field>>,
    input_fields: Option<Vec<InputValue>>,
    enum_values: Option<Vec<Named>>,
    possible_types: Option<Vec<Named>>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct RawSchema {
    query_type: Named,
    mutation_type: Option<Named>,
    types: Vec<FullType>,
}

/// The root operation types a case can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    Query,
    Mutation,
}

impl Root {
    fn keyword(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Mutation => "mutation",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Query => "Query",
            Self::Mutation => "Mutation",
        }
    }
}

/// One place where a root field takes an ID: `Mutation.updateProcess(input.serviceIds)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IdPlace {
    /// `Query.person(id)`, `Mutation.assignRaci(input.personId)`: what a case is keyed by.
    pub key: String,
    pub field: String,
    /// Dotted, from the argument down: `input.serviceIds`.
    pub path: String,
}

impl IdPlace {
    pub fn root(&self) -> Root {
        if self.key.starts_with("Mutation.") {
            Root::Mutation
        } else {
            Root::Query
        }
    }
}

/// A served schema.
pub struct Schema {
    query: String,
    mutation: Option<String>,
    types: BTreeMap<String, FullType>,
}

impl Schema {
    /// Reads the schema that `app` serves.
    pub async fn served(app: &TestApp) -> Self {
        Self::from_introspection(&app.graphql(None, INTROSPECTION, json!({})).await.ok())
    }

    /// A schema from an introspection result's `data` (`{ "__schema": ... }`).
    pub fn from_introspection(data: &Value) -> Self {
        let raw: RawSchema =
            serde_json::from_value(data["__schema"].clone()).expect("an introspection result");
        Self {
            query: raw.query_type.name,
            mutation: raw.mutation_type.map(|t| t.name),
            types: raw.types.into_iter().map(|t| (t.name.clone(), t)).collect(),
        }
    }

    fn root_type(&self, root: Root) -> Option<&str> {
        match root {
            Root::Query => Some(&self.query),
            Root::Mutation => self.mutation.as_deref(),
        }
    }

    fn fields(&self, root: Root) -> &[Field] {
        self.root_type(root)
            .and_then(|name| self.types.get(name))
            .and_then(|t| t.fields.as_deref())
            .unwrap_or_default()
    }

    fn field(&self, root: Root, name: &str) -> &Field {
        self.fields(root)
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("the schema has no {}.{name}", root.name()))
    }

    /// The mutations, by name.
    pub fn mutations(&self) -> Vec<String> {
        self.fields(Root::Mutation)
            .iter()
            .map(|f| f.name.clone())
            .collect()
    }

    /// Every place where a query field or a mutation takes an ID: an argument, or a field of an
    /// input object at any depth, lists of IDs included.
    pub fn id_places(&self) -> Vec<IdPlace> {
        let mut places = Vec::new();
        for root in [Root::Query, Root::Mutation] {
            for field in self.fields(root) {
                for arg in &field.args {
                    let mut paths = Vec::new();
                    self.id_paths(&arg.ty, arg.name.clone(), &mut Vec::new(), &mut paths);
                    places.extend(paths.into_iter().map(|path| IdPlace {
                        key: format!("{}.{}({path})", root.name(), field.name),
                        field: field.name.clone(),
                        path,
                    }));
                }
            }
        }
        places.sort();
        places
    }

    fn id_paths(
        &self,
        ty: &TypeRef,
        path: String,
        within: &mut Vec<String>,
        out: &mut Vec<String>,
    ) {
        let name = ty.named();
        if name == "ID" {
            out.push(path);
            return;
        }
        let Some(FullType {
            kind,
            input_fields: Some(fields),
            ..
        }) = self.types.get(name)
        else {
            return;
        };
        // An input type that contains itself is walked once along each path.
        if kind != "INPUT_OBJECT" || within.iter().any(|t| t == name) {
            return;
        }
        within.push(name.to_owned());
        for field in fields {
            self.id_paths(&field.ty, format!("{path}.{}", field.name), within, out);
        }
        within.pop();
    }

    /// The values of an enum, in the order the schema gives them.
    pub fn enum_values(&self, name: &str) -> Vec<String> {
        self.types
            .get(name)
            .and_then(|t| t.enum_values.as_ref())
            .unwrap_or_else(|| panic!("the schema has no enum {name}"))
            .iter()
            .map(|v| v.name.clone())
            .collect()
    }

    /// The object types that implement an interface.
    pub fn possible_types(&self, interface: &str) -> Vec<String> {
        self.types
            .get(interface)
            .and_then(|t| t.possible_types.as_ref())
            .unwrap_or_else(|| panic!("the schema has no interface {interface}"))
            .iter()
            .map(|t| t.name.clone())
            .collect()
    }

    /// An operation calling one root field, and its variables: every required argument and
    /// input field gets a generic value (String "x", Int 1, Float 1.0, Boolean true, an enum's
    /// first value, a one-element list, required input objects recursively), optional ones are
    /// left out unless they lie on `target`'s path, and every ID is `id(path)`. `overrides`
    /// (an object keyed by argument) is merged in last. `selection` is what to select on an
    /// object result (ignored for a scalar one).
    pub fn operation(
        &self,
        root: Root,
        field: &str,
        target: Option<&str>,
        id: &dyn Fn(&str) -> Value,
        overrides: &Value,
        selection: &str,
    ) -> (String, Value) {
        let field = self.field(root, field);
        let builder = Builder {
            schema: self,
            target,
            id,
        };
        let mut declarations = Vec::new();
        let mut arguments = Vec::new();
        let mut variables = Map::new();
        for arg in &field.args {
            let overridden = overrides.get(&arg.name).is_some();
            if !(arg.ty.required() || overridden || builder.on_target(&arg.name)) {
                continue;
            }
            declarations.push(format!("${}: {}", arg.name, arg.ty.text()));
            arguments.push(format!("{0}: ${0}", arg.name));
            let mut value = builder.value(&arg.ty, &arg.name);
            if let Some(over) = overrides.get(&arg.name) {
                merge(&mut value, over);
            }
            variables.insert(arg.name.clone(), value);
        }
        let declarations = if declarations.is_empty() {
            String::new()
        } else {
            format!("({})", declarations.join(", "))
        };
        let arguments = if arguments.is_empty() {
            String::new()
        } else {
            format!("({})", arguments.join(", "))
        };
        let selection = match self.types.get(field.ty.named()).map(|t| t.kind.as_str()) {
            Some("SCALAR" | "ENUM") => String::new(),
            _ => format!(" {{ {selection} }}"),
        };
        (
            format!(
                "{}{declarations} {{ {}{arguments}{selection} }}",
                root.keyword(),
                field.name
            ),
            Value::Object(variables),
        )
    }

    /// A selection of everything a record of `type_name` shows without arguments: its scalar
    /// and enum fields, the ids of the records it links to, and the scalars of linked objects
    /// that have no id. Two reads with it differ when anything about the record changed.
    pub fn record_selection(&self, type_name: &str) -> String {
        self.selection(type_name, true)
    }

    fn selection(&self, type_name: &str, nested: bool) -> String {
        let Some(fields) = self.types.get(type_name).and_then(|t| t.fields.as_ref()) else {
            return String::new();
        };
        let mut parts = Vec::new();
        for field in fields
            .iter()
            .filter(|f| !f.args.iter().any(|a| a.ty.required()))
        {
            let named = field.ty.named();
            match self.types.get(named).map(|t| (t.kind.as_str(), t)) {
                Some(("SCALAR" | "ENUM", _)) => parts.push(field.name.clone()),
                Some((_, object)) if nested => {
                    let has_id = object.fields.iter().flatten().any(|f| f.name == "id");
                    let inner = if has_id {
                        "id".to_owned()
                    } else {
                        self.selection(named, false)
                    };
                    if !inner.is_empty() {
                        parts.push(format!("{} {{ {inner} }}", field.name));
                    }
                }
                _ => {}
            }
        }
        parts.join(" ")
    }
}

/// Builds argument values for [`Schema::operation`].
struct Builder<'a> {
    schema: &'a Schema,
    target: Option<&'a str>,
    id: &'a dyn Fn(&str) -> Value,
}

impl Builder<'_> {
    /// Whether `path` is the target or leads to it.
    fn on_target(&self, path: &str) -> bool {
        self.target.is_some_and(|target| {
            target == path
                || target
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    fn value(&self, ty: &TypeRef, path: &str) -> Value {
        match (ty.kind.as_str(), &ty.of_type) {
            ("NON_NULL", Some(inner)) => return self.value(inner, path),
            ("LIST", Some(inner)) => return json!([self.value(inner, path)]),
            _ => {}
        }
        let name = ty.named();
        let Some(named) = self.schema.types.get(name) else {
            panic!("{path}: the schema has no type {name}")
        };
        match (named.kind.as_str(), name) {
            ("SCALAR", "ID") => (self.id)(path),
            ("SCALAR", "String") => json!("x"),
            ("SCALAR", "Int") => json!(1),
            ("SCALAR", "Float") => json!(1.0),
            ("SCALAR", "Boolean") => json!(true),
            ("SCALAR", "Date") => json!("2026-11-02"),
            ("SCALAR", "DateTime") => json!("2026-11-02T00:00:00Z"),
            ("ENUM", _) => json!(
                named
                    .enum_values
                    .as_ref()
                    .and_then(|v| v.first())
                    .map(|v| &v.name)
            ),
            ("INPUT_OBJECT", _) => {
                let mut object = Map::new();
                for field in named.input_fields.iter().flatten() {
                    let inner = format!("{path}.{}", field.name);
                    if field.ty.required() || self.on_target(&inner) {
                        object.insert(field.name.clone(), self.value(&field.ty, &inner));
                    }
                }
                Value::Object(object)
            }
            (kind, _) => panic!(
                "{path}: no generic value for the {kind} {name}; add one in schema_walk.rs or \
                 an override to the case"
            ),
        }
    }
}

/// Merges `over` into `value`: objects key by key, anything else replaced.
fn merge(value: &mut Value, over: &Value) {
    match (value, over) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, v) in from {
                merge(into.entry(key.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// Checks that the served names and the names that have a case are the same sets: names served
/// without a case, and cases whose name is no longer served, are listed in the error.
pub fn coverage<'a>(
    what: &str,
    table: &str,
    served: impl IntoIterator<Item = &'a str>,
    cased: impl IntoIterator<Item = &'a str>,
) -> Result<(), String> {
    let served: BTreeSet<&str> = served.into_iter().collect();
    let cased: BTreeSet<&str> = cased.into_iter().collect();
    let missing: Vec<&str> = served.difference(&cased).copied().collect();
    let stale: Vec<&str> = cased.difference(&served).copied().collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "{what} without a case (add each to {table}):\n  {}",
            missing.join("\n  ")
        ));
    }
    if !stale.is_empty() {
        problems.push(format!(
            "cases in {table} for {what} the schema no longer has (remove or rename them):\n  {}",
            stale.join("\n  ")
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(kind: &str, name: &str) -> Value {
        json!({ "kind": kind, "name": name, "ofType": null })
    }

    fn non_null(inner: Value) -> Value {
        json!({ "kind": "NON_NULL", "name": null, "ofType": inner })
    }

    fn list(inner: Value) -> Value {
        json!({ "kind": "LIST", "name": null, "ofType": inner })
    }

    fn arg(name: &str, ty: Value) -> Value {
        json!({ "name": name, "type": ty, "defaultValue": null })
    }

    fn field(name: &str, args: Vec<Value>, ty: Value) -> Value {
        json!({ "name": name, "args": args, "type": ty, "isDeprecated": false, "deprecationReason": null })
    }

    fn object(name: &str, fields: Vec<Value>) -> Value {
        json!({ "kind": "OBJECT", "name": name, "fields": fields, "inputFields": null, "interfaces": [], "enumValues": null, "possibleTypes": null })
    }

    fn input(name: &str, fields: Vec<Value>) -> Value {
        json!({ "kind": "INPUT_OBJECT", "name": name, "fields": null, "inputFields": fields, "interfaces": null, "enumValues": null, "possibleTypes": null })
    }

    fn scalar(name: &str) -> Value {
        json!({ "kind": "SCALAR", "name": name, "fields": null, "inputFields": null, "interfaces": null, "enumValues": null, "possibleTypes": null })
    }

    /// A schema shaped like the served one: an ID argument, an ID in a filter, a list of IDs in
    /// a nested input that contains itself (walked once: `next` repeats `links`), a field with
    /// no ID, and `forgotten`, a field that takes an ID but has no case.
    fn small_schema() -> Schema {
        let id = || named("SCALAR", "ID");
        let thing = || named("OBJECT", "Thing");
        let types = vec![
            object(
                "Query",
                vec![
                    field("thing", vec![arg("id", non_null(id()))], thing()),
                    field(
                        "things",
                        vec![
                            arg("filter", named("INPUT_OBJECT", "ThingFilter")),
                            arg("first", named("SCALAR", "Int")),
                        ],
                        non_null(list(non_null(thing()))),
                    ),
                    field("count", vec![], non_null(named("SCALAR", "Int"))),
                    field("forgotten", vec![arg("id", non_null(id()))], thing()),
                ],
            ),
            object(
                "Mutation",
                vec![
                    field(
                        "linkThings",
                        vec![arg(
                            "input",
                            non_null(named("INPUT_OBJECT", "LinkThingsInput")),
                        )],
                        non_null(thing()),
                    ),
                    field(
                        "rename",
                        vec![arg("name", non_null(named("SCALAR", "String")))],
                        non_null(named("SCALAR", "Boolean")),
                    ),
                ],
            ),
            object("Thing", vec![field("id", vec![], non_null(id()))]),
            input(
                "ThingFilter",
                vec![
                    arg("ownerId", id()),
                    arg("search", named("SCALAR", "String")),
                ],
            ),
            input(
                "LinkThingsInput",
                vec![
                    arg("thingId", non_null(id())),
                    arg("note", named("SCALAR", "String")),
                    arg("kind", non_null(named("ENUM", "Kind"))),
                    arg("links", list(non_null(named("INPUT_OBJECT", "Link")))),
                ],
            ),
            input(
                "Link",
                vec![
                    arg("targetIds", non_null(list(non_null(id())))),
                    arg("next", named("INPUT_OBJECT", "Link")),
                ],
            ),
            json!({ "kind": "ENUM", "name": "Kind", "fields": null, "inputFields": null, "interfaces": null, "enumValues": [{ "name": "FIRST" }, { "name": "SECOND" }], "possibleTypes": null }),
            scalar("ID"),
            scalar("Int"),
            scalar("String"),
            scalar("Boolean"),
        ];
        Schema::from_introspection(&json!({ "__schema": {
            "queryType": { "name": "Query" },
            "mutationType": { "name": "Mutation" },
            "subscriptionType": null,
            "types": types,
            "directives": [],
        } }))
    }

    #[test]
    fn every_id_place_is_found_at_any_depth() {
        let keys: Vec<String> = small_schema()
            .id_places()
            .into_iter()
            .map(|p| p.key)
            .collect();
        assert_eq!(
            keys,
            [
                "Mutation.linkThings(input.links.targetIds)",
                "Mutation.linkThings(input.thingId)",
                "Query.forgotten(id)",
                "Query.thing(id)",
                "Query.things(filter.ownerId)",
            ]
        );
        assert_eq!(small_schema().mutations(), ["linkThings", "rename"]);
    }

    #[test]
    fn a_field_added_without_a_case_is_reported_missing_and_a_case_for_a_gone_field_stale() {
        let schema = small_schema();
        let places = schema.id_places();
        let cases = [
            "Query.thing(id)",
            "Query.things(filter.ownerId)",
            "Mutation.linkThings(input.thingId)",
            "Mutation.linkThings(input.links.targetIds)",
            "Query.removedLongAgo(id)",
        ];
        let error = coverage(
            "ID places",
            "the table",
            places.iter().map(|p| p.key.as_str()),
            cases,
        )
        .unwrap_err();
        assert!(
            error.contains("without a case (add each to the table):\n  Query.forgotten(id)\n"),
            "{error}"
        );
        assert!(
            error.ends_with("no longer has (remove or rename them):\n  Query.removedLongAgo(id)"),
            "{error}"
        );

        let mutations = schema.mutations();
        let error = coverage(
            "mutations",
            "the table",
            mutations.iter().map(String::as_str),
            ["linkThings"],
        )
        .unwrap_err();
        assert!(
            error.ends_with("add each to the table):\n  rename"),
            "{error}"
        );
        assert_eq!(
            coverage(
                "mutations",
                "the table",
                mutations.iter().map(String::as_str),
                ["rename", "linkThings"]
            ),
            Ok(())
        );
    }

    #[test]
    fn operations_carry_required_values_and_the_path_to_the_target() {
        let schema = small_schema();
        let id = |path: &str| json!(format!("id of {path}"));
        let (text, variables) = schema.operation(
            Root::Mutation,
            "linkThings",
            Some("input.links.next.targetIds"),
            &id,
            &json!({ "input": { "note": "why" } }),
            "id",
        );
        assert_eq!(
            text,
            "mutation($input: LinkThingsInput!) { linkThings(input: $input) { id } }"
        );
        assert_eq!(
            variables,
            json!({ "input": {
                "thingId": "id of input.thingId",
                "kind": "FIRST",
                "links": [{
                    "targetIds": ["id of input.links.targetIds"],
                    "next": { "targetIds": ["id of input.links.next.targetIds"] },
                }],
                "note": "why",
            } })
        );
        let (text, variables) = schema.operation(
            Root::Query,
            "things",
            Some("filter.ownerId"),
            &id,
            &json!({}),
            "id",
        );
        assert_eq!(
            text,
            "query($filter: ThingFilter) { things(filter: $filter) { id } }"
        );
        assert_eq!(
            variables,
            json!({ "filter": { "ownerId": "id of filter.ownerId" } })
        );
        let (text, _) = schema.operation(Root::Mutation, "rename", None, &id, &json!({}), "id");
        assert_eq!(text, "mutation($name: String!) { rename(name: $name) }");
        assert_eq!(schema.record_selection("Thing"), "id");
    }
}

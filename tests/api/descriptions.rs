//! Every part of the served schema has a description (issue 11, point 5): the check
//! graphql-schema-linter's `*-have-descriptions` rules make, done on what the server answers to
//! graphql-js's full introspection query, so that it runs with the other tests in CI.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

/// Types the GraphQL specification defines, with its own descriptions.
const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

fn name(value: &Value) -> &str {
    value["name"]
        .as_str()
        .expect("every introspected element has a name")
}

fn described(value: &Value) -> bool {
    value["description"]
        .as_str()
        .is_some_and(|text| !text.trim().is_empty())
}

/// The paths (`Type`, `Type.field`, `Type.field(argument)`, `Input.field`, `Enum.VALUE`) of
/// everything in the introspection result that has no description.
fn undescribed(schema: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let types = schema["types"].as_array().expect("__schema.types");
    for ty in types {
        let type_name = name(ty);
        if type_name.starts_with("__") || BUILT_IN_SCALARS.contains(&type_name) {
            continue;
        }
        if !described(ty) {
            missing.push(type_name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = name(field);
            if !described(field) {
                missing.push(format!("{type_name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(arg) {
                    missing.push(format!("{type_name}.{field_name}({})", name(arg)));
                }
            }
        }
        for input in ty["inputFields"].as_array().into_iter().flatten() {
            if !described(input) {
                missing.push(format!("{type_name}.{}", name(input)));
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if !described(value) {
                missing.push(format!("{type_name}.{}", name(value)));
            }
        }
    }
    missing
}

#[tokio::test]
async fn every_type_field_argument_input_field_and_enum_value_has_a_description() {
    // Arrange
    let app = spawn_app().await;
    let query = include_str!("fixtures/introspection-all.graphql");

    // Act
    let data = app.graphql(None, query, json!({})).await.ok();

    // Assert
    let missing = undescribed(&data["__schema"]);
    assert!(
        missing.is_empty(),
        "{} schema elements have no description; add a `///` doc comment (or \
         `#[graphql(desc = \"...\")]` on a resolver argument) to each:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

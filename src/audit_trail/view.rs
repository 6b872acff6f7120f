//! Audit entries keep each record as the exact JSON that was hashed (database column names,
//! raw UUIDs); readers get it as the API names it: camelCase fields, global ids, and no secret
//! digests. The stored text is never changed, so the chain still verifies.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::graphql::ids::global_id;

/// Columns that are never shown, even as digests.
const HIDDEN: [&str; 1] = ["secret_hash"];

/// The GraphQL type a foreign-key column refers to.
fn referenced_type(column: &str) -> Option<&'static str> {
    Some(match column {
        "organization_id" => "Organization",
        "person_id" | "owner_id" | "actor_person_id" => "Person",
        "process_id" | "depends_on_process_id" => "Process",
        "service_id" => "Service",
        "tool_id" => "Tool",
        _ => return None,
    })
}

/// `record` (an object of columns) of `record_type`, as the API shows it.
pub fn api_view(record_type: &str, record: Value) -> Value {
    let Value::Object(columns) = record else {
        return record;
    };
    let mut fields = Map::with_capacity(columns.len());
    for (column, value) in columns {
        if HIDDEN.contains(&column.as_str()) {
            continue;
        }
        let kind = if column == "id" {
            Some(record_type)
        } else {
            referenced_type(&column)
        };
        let value = match (kind, &value) {
            (Some(kind), Value::String(raw)) => match Uuid::parse_str(raw) {
                Ok(id) => Value::String(global_id(kind, id).to_string()),
                Err(_) => value,
            },
            _ => value,
        };
        fields.insert(camel_case(&column), value);
    }
    Value::Object(fields)
}

fn camel_case(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn records_show_api_names_and_global_ids() {
        let id = Uuid::from_u128(7);
        let owner = Uuid::from_u128(9);
        let view = api_view(
            "Service",
            json!({ "id": id, "owner_id": owner, "restore_target_p1": 60, "name": "Hosting" }),
        );
        assert_eq!(
            view,
            json!({
                "id": global_id("Service", id).to_string(),
                "ownerId": global_id("Person", owner).to_string(),
                "restoreTargetP1": 60,
                "name": "Hosting",
            })
        );
    }

    #[test]
    fn secret_digests_are_never_shown() {
        let view = api_view("ApiToken", json!({ "name": "sync", "secret_hash": "ab" }));
        assert_eq!(view, json!({ "name": "sync" }));
    }
}

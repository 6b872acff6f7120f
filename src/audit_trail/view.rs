//! Audit entries keep each record as the exact JSON that was hashed (database column names,
//! raw UUIDs); readers get it as the API names it: camelCase fields, global ids, and no secret
//! digests. The stored text is never changed, so the chain still verifies.

use serde_json::{Map, Value};
use uuid::Uuid;

use entity::{
    api_token, certification_cycle, clause, document, document_version, evidence, framework,
    organization, person, process, service, tool,
};

use crate::{graphql::ids::global_id_of, record::Record};

/// Columns that are never shown, even as digests.
const HIDDEN: [&str; 1] = ["secret_hash"];

/// The GraphQL type a foreign-key column refers to.
fn referenced_type(column: &str) -> Option<&'static str> {
    Some(match column {
        "organization_id" => organization::Entity::TYPE,
        "person_id" | "owner_id" | "actor_person_id" | "sponsor_id" | "trainer_id"
        | "approver_ids" => person::Entity::TYPE,
        "process_id" | "process_ids" | "depends_on_process_id" => process::Entity::TYPE,
        "service_id" | "service_ids" => service::Entity::TYPE,
        "tool_id" => tool::Entity::TYPE,
        "api_token_id" => api_token::Entity::TYPE,
        "framework_id" | "framework_ids" => framework::Entity::TYPE,
        "clause_id" | "clause_ids" => clause::Entity::TYPE,
        "cycle_id" | "cycle_ids" => certification_cycle::Entity::TYPE,
        "document_id" | "material_document_id" => document::Entity::TYPE,
        "document_version_id" | "document_version_ids" => document_version::Entity::TYPE,
        "evidence_id" => evidence::Entity::TYPE,
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
        let value = match kind {
            Some(kind) => global_ids(kind, value),
            None => value,
        };
        fields.insert(camel_case(&column), value);
    }
    Value::Object(fields)
}

/// A UUID, or a list of them, as global ids of `kind`; anything else as it is.
fn global_ids(kind: &str, value: Value) -> Value {
    match value {
        Value::String(raw) => match Uuid::parse_str(&raw) {
            Ok(id) => Value::String(global_id_of(kind, id).to_string()),
            Err(_) => Value::String(raw),
        },
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| global_ids(kind, item))
                .collect(),
        ),
        other => other,
    }
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
            service::Entity::TYPE,
            json!({ "id": id, "owner_id": owner, "restore_target_p1": 60, "name": "Hosting" }),
        );
        assert_eq!(
            view,
            json!({
                "id": global_id_of(service::Entity::TYPE, id).to_string(),
                "ownerId": global_id_of(person::Entity::TYPE, owner).to_string(),
                "restoreTargetP1": 60,
                "name": "Hosting",
            })
        );
    }

    #[test]
    fn secret_digests_are_never_shown() {
        let view = api_view(
            entity::api_token::Entity::TYPE,
            json!({ "name": "sync", "secret_hash": "ab" }),
        );
        assert_eq!(view, json!({ "name": "sync" }));
    }
}

//! Relay global object ids: opaque to clients, `base64url("<Type>:<uuid>")` inside, so that one
//! `node(id:)` field can resolve any record.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The global id of record `id` of GraphQL type `type_name`.
pub fn global_id(type_name: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// The type name and database id inside a global id, if it is one of ours.
pub fn parse_global_id(id: &str) -> Option<(String, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (type_name, raw) = text.split_once(':')?;
    Some((type_name.to_owned(), Uuid::parse_str(raw).ok()?))
}

/// The database id of an argument that must name a `expected` record. A string that is not a
/// global id at all is BAD_USER_INPUT on `field`; a well-formed id of another type names no
/// such record, so it is NOT_FOUND, like a missing one.
pub fn decode_id(id: &ID, expected: &'static str, field: &str) -> AppResult<Uuid> {
    match parse_global_id(id) {
        Some((type_name, uuid)) if type_name == expected => Ok(uuid),
        Some(_) => Err(AppError::NotFound(expected)),
        None => Err(AppError::bad_input(
            field,
            format!("`{field}` is not a valid id"),
        )),
    }
}

/// The database id inside a global id of any type; BAD_USER_INPUT on `field` if it is not one.
pub fn decode_id_any(id: &ID, field: &str) -> AppResult<Uuid> {
    parse_global_id(id)
        .map(|(_, uuid)| uuid)
        .ok_or_else(|| AppError::bad_input(field, format!("`{field}` is not a valid id")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_stay_opaque() {
        let uuid = Uuid::now_v7();
        let id = global_id("Person", uuid);
        assert!(!id.contains("Person"));
        assert_eq!(parse_global_id(&id), Some(("Person".to_owned(), uuid)));
        assert!(matches!(decode_id(&id, "Person", "id"), Ok(u) if u == uuid));
    }

    #[test]
    fn wrong_type_is_not_found_and_garbage_is_bad_input() {
        let id = global_id("Organization", Uuid::now_v7());
        assert!(matches!(
            decode_id(&id, "Person", "id"),
            Err(AppError::NotFound("Person"))
        ));
        assert!(matches!(
            decode_id(&ID("not-an-id".into()), "Person", "input.id"),
            Err(AppError::BadUserInput { field, .. }) if field == "input.id"
        ));
    }
}

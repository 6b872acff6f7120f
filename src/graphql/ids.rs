//! Relay global object ids: opaque to clients, `base64url("<Type>:<uuid>")` inside, so that one
//! `node(id:)` field can resolve any record.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    record::Record,
};

/// The global id of row `id` of record type `E`.
pub fn encode<E: Record>(id: Uuid) -> ID {
    global_id_of(E::TYPE, id)
}

/// The global id of row `id` of the record type named `type_name`, for names read from data
/// (the audit trail's record types), never written in code.
pub fn global_id_of(type_name: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// The type name and database id inside a global id, if it is one of ours.
pub fn parse_global_id(id: &str) -> Option<(String, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (type_name, raw) = text.split_once(':')?;
    Some((type_name.to_owned(), Uuid::parse_str(raw).ok()?))
}

/// The database id of an argument that must name a row of `E`. A string that is not a global
/// id at all is BAD_USER_INPUT on `field`; a well-formed id of another type names no such
/// record, so it is NOT_FOUND, like a missing one.
pub fn decode<E: Record>(id: &ID, field: &str) -> AppResult<Uuid> {
    match parse_global_id(id) {
        Some((type_name, uuid)) if type_name == E::TYPE => Ok(uuid),
        Some(_) => Err(AppError::NotFound(E::TYPE)),
        None => Err(AppError::bad_input(
            field,
            format!("`{field}` is not a valid id"),
        )),
    }
}

/// [`decode_list`] for the links a record keeps and shows in a relation field: at most
/// [`MAX_RELATED`](super::cost::MAX_RELATED), the most such a field returns, so that nothing is
/// written that could not be read back.
pub fn decode_links<E: Record>(ids: Option<Vec<ID>>, field: &str) -> AppResult<Option<Vec<Uuid>>> {
    use super::cost::MAX_RELATED;
    if ids.as_ref().is_some_and(|ids| ids.len() > MAX_RELATED) {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` links at most {MAX_RELATED} records"),
        ));
    }
    decode_list::<E>(ids, field)
}

/// The database id of an optional argument that must name a row of `E`, as [`decode`].
pub fn decode_opt<E: Record>(id: Option<&ID>, field: &str) -> AppResult<Option<Uuid>> {
    id.map(|id| decode::<E>(id, field)).transpose()
}

/// The most ids one list argument may hold (the services of a cycle, the clauses of a
/// document): enough for any real scope, and it bounds the statement the list becomes.
pub const IDS_MAX: usize = 1_000;

/// The database ids of an optional list argument whose every id must name a row of `E`, as
/// [`decode`]; more than [`IDS_MAX`] is BAD_USER_INPUT on `field`.
pub fn decode_list<E: Record>(ids: Option<Vec<ID>>, field: &str) -> AppResult<Option<Vec<Uuid>>> {
    let Some(ids) = ids else {
        return Ok(None);
    };
    if ids.len() > IDS_MAX {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` holds at most {IDS_MAX} ids (got {})", ids.len()),
        ));
    }
    ids.iter()
        .map(|id| decode::<E>(id, field))
        .collect::<AppResult<_>>()
        .map(Some)
}

/// The database id inside a global id of any type; BAD_USER_INPUT on `field` if it is not one.
pub fn decode_id_any(id: &ID, field: &str) -> AppResult<Uuid> {
    parse_global_id(id)
        .map(|(_, uuid)| uuid)
        .ok_or_else(|| AppError::bad_input(field, format!("`{field}` is not a valid id")))
}

#[cfg(test)]
mod tests {
    use entity::{organization, person};

    use super::*;

    #[test]
    fn global_ids_round_trip_and_stay_opaque() {
        let uuid = Uuid::now_v7();
        let id = encode::<person::Entity>(uuid);
        assert!(!id.contains(person::Entity::TYPE));
        assert_eq!(
            parse_global_id(&id),
            Some((person::Entity::TYPE.to_owned(), uuid))
        );
        assert!(matches!(decode::<person::Entity>(&id, "id"), Ok(u) if u == uuid));
    }

    #[test]
    fn wrong_type_is_not_found_and_garbage_is_bad_input() {
        let id = encode::<organization::Entity>(Uuid::now_v7());
        assert!(matches!(
            decode::<person::Entity>(&id, "id"),
            Err(AppError::NotFound(name)) if name == person::Entity::TYPE
        ));
        assert!(matches!(
            decode::<person::Entity>(&ID("not-an-id".into()), "input.id"),
            Err(AppError::BadUserInput { field, .. }) if field == "input.id"
        ));
    }
}

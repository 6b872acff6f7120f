//! The checked-in schema is the served one.

#[test]
fn schema_graphql_is_up_to_date() {
    let served = iso20000::schema::sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in.trim_end() == served.trim_end(),
        "schema.graphql is stale: regenerate it with `cargo run -- schema > schema.graphql` and review the diff"
    );
}

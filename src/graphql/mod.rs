//! Schema assembly and the conventions every type follows: global ids and the `Node`
//! interface, cursor connections, and what resolvers read from the context.

pub mod connection;
mod context;
pub mod ids;
pub mod node;

use async_graphql::{
    MergedObject, MergedSubscription, Schema, SchemaBuilder, registry::SDLExportOptions,
};

pub use context::ContextExt;

use crate::{
    audit_trail::graphql::{AuditTrailQuery, AuditTrailSubscription},
    organization::graphql::{OrganizationMutation, OrganizationQuery},
    people::graphql::{PeopleMutation, PeopleQuery},
    state::AppState,
};

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Most complex query accepted (each field counts 1).
pub const MAX_COMPLEXITY: usize = 2_000;

/// Every query field, one part per area.
#[derive(MergedObject, Default)]
pub struct Query(
    OrganizationQuery,
    PeopleQuery,
    AuditTrailQuery,
    node::NodeQuery,
);

/// Every mutation, one part per area.
#[derive(MergedObject, Default)]
pub struct Mutation(OrganizationMutation, PeopleMutation);

/// Every subscription, one part per area.
#[derive(MergedSubscription, Default)]
pub struct Subscription(AuditTrailSubscription);

/// The served schema.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .register_output_type::<node::Node>()
}

/// The schema with the application state, as the server runs it.
pub fn build(state: AppState) -> AppSchema {
    builder().data(state).finish()
}

/// The schema as SDL, sorted, without a database: what `iso20000 schema` prints and
/// `schema.graphql` holds.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

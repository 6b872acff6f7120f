//! Schema assembly and the conventions every type follows: global ids and the `Node`
//! interface, cursor connections, and what resolvers read from the context.

pub mod batch;
mod caller;
pub mod connection;
mod context;
pub mod cost;
mod execute;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod memo;
pub mod nesting;
pub mod node;
pub mod scalars;
pub mod shape;

use async_graphql::{
    MergedObject, MergedSubscription, Schema, SchemaBuilder, registry::SDLExportOptions,
};

pub use caller::Caller;
pub use context::ContextExt;
pub use execute::{Answers, execute, execute_stream};

use crate::{
    audit_trail::graphql::{AuditEntry, AuditTrailQuery, AuditTrailSubscription},
    auth::api_token::graphql::{ApiToken, ApiTokenMutation, ApiTokenQuery},
    organization::graphql::{OrganizationMutation, OrganizationQuery},
    people::graphql::{PeopleMutation, PeopleQuery, Person},
    portfolio::{
        processes::graphql::{Process, ProcessMutation, ProcessQuery},
        raci::graphql::{RaciMutation, RaciQuery},
        services::graphql::{Service, ServiceMutation, ServiceQuery},
        tools::graphql::{Tool, ToolMutation, ToolQuery},
    },
    state::AppState,
};

/// Every query field, one part per area.
#[derive(MergedObject, Default)]
pub struct Query(
    OrganizationQuery,
    PeopleQuery,
    AuditTrailQuery,
    ApiTokenQuery,
    ServiceQuery,
    ProcessQuery,
    RaciQuery,
    ToolQuery,
    node::NodeQuery,
);

/// Every mutation, one part per area.
#[derive(MergedObject, Default)]
pub struct Mutation(
    OrganizationMutation,
    PeopleMutation,
    ApiTokenMutation,
    ServiceMutation,
    ProcessMutation,
    RaciMutation,
    ToolMutation,
);

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
    .register_output_type::<node::Node>()
    .override_output_type_description::<connection::Page<ApiToken>>(
        "A page of API tokens, oldest first: `edges` (or `nodes`), `pageInfo` to fetch the next or \
         previous page, `totalCount` of the whole list.",
    )
    .override_output_type_description::<connection::Page<AuditEntry>>(
        "A page of audit trail entries, in chain order: `edges` (or `nodes`), `pageInfo` to fetch \
         the next or previous page, `totalCount` of the entries that match the filter.",
    )
    .override_output_type_description::<connection::Page<Person>>(
        "A page of people, in the order they were added: `edges` (or `nodes`), `pageInfo` to fetch \
         the next or previous page, `totalCount` of the people that match the filter.",
    )
    .override_output_type_description::<connection::Page<Process>>(
        "A page of processes: `edges` (or `nodes`), `pageInfo` to fetch the next or previous page, \
         `totalCount` of the processes that match the filter.",
    )
    .override_output_type_description::<connection::Page<Service>>(
        "A page of the service portfolio, in the order asked for: `edges` (or `nodes`), `pageInfo` \
         to fetch the next or previous page, `totalCount` of the services that match the filter.",
    )
    .override_output_type_description::<connection::Page<Tool>>(
        "A page of tools, oldest first: `edges` (or `nodes`), `pageInfo` to fetch the next or \
         previous page, `totalCount` of the whole list.",
    )
}

/// An update field that may be omitted (leave it), `null` (clear it) or a value (set it):
/// `None`, `Some(None)` or `Some(Some(..))`, with the value mapped (and checked) on the way.
pub fn patch<T, U>(
    value: async_graphql::MaybeUndefined<T>,
    map: impl FnOnce(T) -> crate::error::AppResult<U>,
) -> crate::error::AppResult<Option<Option<U>>> {
    use async_graphql::MaybeUndefined;
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(map(value)?)),
    })
}

/// The schema with the application state and its depth and complexity limits, as the server
/// runs it. It has no extensions, on purpose: see `limits::DocumentLimits::check`.
pub fn build(state: AppState) -> AppSchema {
    let limits = state.config.limits.clone();
    // Depth is `limits::DocumentLimits`' to check: it bounds introspection apart, which
    // async-graphql's own depth limit would count against the data's.
    let mut schema = builder()
        .limit_complexity(limits.max_complexity)
        .data(state);
    if !limits.introspection {
        schema = schema.disable_introspection();
    }
    if !limits.field_suggestions {
        schema = schema.disable_suggestions();
    }
    schema.finish()
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

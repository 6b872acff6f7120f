//! The one place the schema is assembled from the areas' parts: their queries, mutations and
//! subscriptions, and the record types `node` fetches.

use async_graphql::{
    MergedObject, MergedSubscription, Schema, SchemaBuilder, registry::SDLExportOptions,
};

use crate::{
    audit_trail::graphql::{AuditEntry, AuditTrailQuery, AuditTrailSubscription},
    auth::api_token::graphql::{ApiToken, ApiTokenMutation, ApiTokenQuery},
    graphql::connection,
    organization::graphql::{Organization, OrganizationMutation, OrganizationQuery},
    people::graphql::{PeopleMutation, PeopleQuery, Person},
    portfolio::{
        process_map::graphql::{ProcessLink, ProcessMapMutation, ProcessMapQuery},
        processes::graphql::{Process, ProcessMutation, ProcessQuery},
        raci::graphql::{RaciAssignment, RaciMutation, RaciQuery},
        services::graphql::{Service, ServiceMutation, ServiceQuery},
        tools::graphql::{Tool, ToolMutation, ToolQuery},
    },
    state::AppState,
};

crate::node_interface!(
    Organization,
    Person,
    AuditEntry,
    ApiToken,
    Service,
    Process,
    RaciAssignment,
    Tool,
    ProcessLink,
);

/// What every new organization starts with, one hook per area, inside the change that
/// creates it.
pub async fn seed_organization(change: &mut crate::store::Change) -> crate::error::AppResult<()> {
    crate::portfolio::seed_organization(change).await
}

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
    ProcessMapQuery,
    NodeQuery,
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
    ProcessMapMutation,
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
    .register_output_type::<Node>()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_record_type_is_named_by_its_declaration() {
        for (graphql_name, declared) in node_types() {
            assert_eq!(graphql_name, declared);
        }
    }
}

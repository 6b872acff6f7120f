//! The one place the schema is assembled from the areas' parts: their queries, mutations and
//! subscriptions, and the record types `node` fetches.

use async_graphql::{
    MergedObject, MergedSubscription, Schema, SchemaBuilder, registry::SDLExportOptions,
};

use crate::{
    audit_trail::graphql::{AuditChainQuery, AuditEntry, AuditTrailQuery, AuditTrailSubscription},
    auth::api_token::graphql::{ApiToken, ApiTokenMutation, ApiTokenQuery},
    compliance::training::graphql::{
        Attendance, TrainingCoverageQuery, TrainingMutation, TrainingQuery, TrainingSession,
    },
    compliance::{
        assessments::graphql::{
            AssessmentMutation, AssessmentQuery, ClauseAssessment, ClauseAssessmentQuery,
        },
        cycles::graphql::{
            Cycle, CycleMutation, CycleObjective, CycleProcess, CycleQuery, CycleService,
            PhaseEntry,
        },
        documents::{
            graphql::{Document, DocumentMutation, DocumentQuery, DocumentReviewQuery},
            versions::graphql::{DocumentDecision, DocumentVersion, DocumentVersionMutation},
        },
        frameworks::graphql::{
            Clause, ClauseMapping, Framework, FrameworkMutation, FrameworkQuery,
        },
        remediation::graphql::{RemediationMutation, RemediationQuery, RemediationTask},
    },
    evidence::graphql::{Evidence, EvidenceMutation, EvidenceQuery},
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
    Framework,
    Clause,
    ClauseMapping,
    Cycle,
    CycleService,
    CycleProcess,
    CycleObjective,
    PhaseEntry,
    RemediationTask,
    ClauseAssessment,
    Document,
    DocumentVersion,
    DocumentDecision,
    TrainingSession,
    Attendance,
    Evidence,
);

/// What every new organization starts with, one hook per area, inside the change that
/// creates it.
pub async fn seed_organization(change: &mut crate::store::Change) -> crate::error::AppResult<()> {
    crate::portfolio::seed_organization(change).await?;
    crate::compliance::seed_organization(change).await
}

/// The fields areas add to `Person`, one part per area that relates records to people.
#[derive(MergedObject)]
pub struct PersonRelations(crate::portfolio::people::PersonPortfolio);

impl PersonRelations {
    /// The parts for one person.
    pub fn of(person: &entity::person::Model) -> Self {
        Self(crate::portfolio::people::PersonPortfolio(person.id))
    }
}

/// Every query field, one part per area.
#[derive(MergedObject, Default)]
pub struct Query(
    OrganizationQuery,
    PeopleQuery,
    AuditTrailQuery,
    AuditChainQuery,
    ApiTokenQuery,
    ServiceQuery,
    ProcessQuery,
    RaciQuery,
    ToolQuery,
    ProcessMapQuery,
    FrameworkQuery,
    CycleQuery,
    RemediationQuery,
    AssessmentQuery,
    ClauseAssessmentQuery,
    DocumentQuery,
    DocumentReviewQuery,
    TrainingQuery,
    TrainingCoverageQuery,
    EvidenceQuery,
    crate::readiness::graphql::ReadinessQuery,
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
    FrameworkMutation,
    CycleMutation,
    RemediationMutation,
    AssessmentMutation,
    DocumentMutation,
    DocumentVersionMutation,
    TrainingMutation,
    EvidenceMutation,
);

/// Every subscription, one part per area.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    AuditTrailSubscription,
    crate::audit_trail::changes::RecordChangeSubscription,
    crate::readiness::graphql::ReadinessSubscription,
);

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
    .override_output_type_description::<connection::Page<Cycle>>(
        "A page of certification cycles: `edges` (or `nodes`), `pageInfo` to fetch the next or \
         previous page, `totalCount` of the cycles that match the filter.",
    )
    .override_output_type_description::<connection::Page<RemediationTask>>(
        "A page of remediation tasks: `edges` (or `nodes`), `pageInfo` to fetch the next or \
         previous page, `totalCount` of the tasks that match the filter.",
    )
    .override_output_type_description::<connection::Page<ClauseAssessment>>(
        "A page of a cycle's clause assessments: `edges` (or `nodes`), `pageInfo` to fetch the \
         next or previous page, `totalCount` of the assessments that match.",
    )
    .override_output_type_description::<connection::Page<Document>>(
        "A page of documents, in the order they were added: `edges` (or `nodes`), `pageInfo` to \
         fetch the next or previous page, `totalCount` of the documents that match the filter.",
    )
    .override_output_type_description::<connection::Page<TrainingSession>>(
        "A page of training sessions: `edges` (or `nodes`), `pageInfo` to fetch the next or \
         previous page, `totalCount` of the sessions that match the filter.",
    )
    .override_output_type_description::<connection::Page<Framework>>(
        "A page of the frameworks the organization reads: `edges` (or `nodes`), `pageInfo` to \
         fetch the next or previous page, `totalCount` of the whole list.",
    )
    .override_output_type_description::<connection::Page<Person>>(
        "A page of people, in the order they were added: `edges` (or `nodes`), `pageInfo` to fetch \
         the next or previous page, `totalCount` of the people that match the filter.",
    )
    .override_output_type_description::<connection::Page<Process>>(
        "A page of processes: `edges` (or `nodes`), `pageInfo` to fetch the next or previous page, \
         `totalCount` of the processes that match the filter.",
    )
    .override_output_type_description::<connection::Page<Evidence>>(
        "A page of evidence: `edges` (or `nodes`), `pageInfo` to fetch the next or previous page, \
         `totalCount` of the evidence that matches the filter.",
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

#[cfg(test)]
mod type_names {
    //! The GraphQL name of a type is written once: in its `record!` declaration, or in its own
    //! `#[graphql(name = ..)]`. Everywhere else code takes it from the declaration, so a string
    //! with a type's name in it is a second place to keep in step.

    use std::{path::Path, str::FromStr};

    use proc_macro2::{TokenStream, TokenTree};

    /// Every type name of the served schema.
    fn type_names() -> Vec<String> {
        super::sdl()
            .lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                match words.next()? {
                    "type" | "enum" | "input" | "interface" | "scalar" | "union" => {
                        Some(words.next()?.trim_end_matches('{').to_owned())
                    }
                    _ => None,
                }
            })
            .collect()
    }

    /// The string literals of `tokens` that are exactly one of `names`, outside `record!`
    /// invocations and `name = ".."` attributes.
    fn literals(tokens: TokenStream, names: &[String], found: &mut Vec<String>) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for (index, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Group(group) => {
                    let in_record = index >= 2
                        && matches!(&tokens[index - 2], TokenTree::Ident(i) if i == "record")
                        && matches!(&tokens[index - 1], TokenTree::Punct(p) if p.as_char() == '!');
                    // This module's own examples.
                    let this_test = index >= 1
                        && matches!(&tokens[index - 1], TokenTree::Ident(i) if i == "type_names");
                    if !in_record && !this_test {
                        literals(group.stream(), names, found);
                    }
                }
                TokenTree::Literal(literal) => {
                    let text = literal.to_string();
                    let named = index >= 2
                        && matches!(&tokens[index - 2], TokenTree::Ident(i) if i == "name" || i == "input_name")
                        && matches!(&tokens[index - 1], TokenTree::Punct(p) if p.as_char() == '=');
                    if !named && names.iter().any(|name| text == format!("\"{name}\"")) {
                        found.push(text);
                    }
                }
                _ => {}
            }
        }
    }

    fn sources(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }

    #[test]
    fn no_type_name_is_written_outside_its_declaration() {
        let names = type_names();
        assert!(
            names.iter().any(|n| n == "Person"),
            "the SDL lists the types"
        );
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut offenders = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let mut found = Vec::new();
            literals(TokenStream::from_str(&text).unwrap(), &names, &mut found);
            offenders.extend(
                found
                    .into_iter()
                    .map(|l| format!("{}: {l}", file.display())),
            );
        }
        assert!(
            offenders.is_empty(),
            "type names written as strings; take them from the record's declaration (`Record::TYPE`):\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn the_check_finds_a_type_name_literal() {
        let names = vec!["Person".to_owned()];
        let mut found = Vec::new();
        let code = r#"fn f() { g("Person"); } crate::record!(person => "Person", versioned); #[graphql(name = "Person")] struct P;"#;
        literals(TokenStream::from_str(code).unwrap(), &names, &mut found);
        assert_eq!(found, vec!["\"Person\"".to_owned()]);
    }
}

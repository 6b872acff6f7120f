//! The Relay `Node` interface: `node(id:)` and `nodes(ids:)` fetch any record by global id.

use std::collections::HashMap;

use async_graphql::{Context, ID, Interface, Object};
use entity::{
    api_token, audit_entry, person, process, process_link, raci_assignment, service, tool,
};
use uuid::Uuid;

use super::{ContextExt, ids::parse_global_id};
use crate::{
    audit_trail::graphql::AuditEntry,
    auth::api_token::graphql::ApiToken,
    auth::{Permission, Require},
    error::{AppError, AppResult},
    organization::{graphql::Organization, store as organization_store},
    people::graphql::Person,
    portfolio::{
        processes::graphql::Process,
        raci::graphql::RaciAssignment,
        services::graphql::Service,
        tools::graphql::{ProcessLink, Tool},
    },
    tenancy::Scope,
};

/// Most ids one `nodes` call accepts.
pub const MAX_NODE_IDS: usize = 100;

/// An object with a global id.
#[derive(Interface, Clone)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id, opaque to clients."))]
pub enum Node {
    Organization(Organization),
    Person(Person),
    AuditEntry(AuditEntry),
    ApiToken(ApiToken),
    Service(Service),
    Process(Process),
    RaciAssignment(RaciAssignment),
    Tool(Tool),
    ProcessLink(ProcessLink),
}

/// `node` and `nodes`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The record with this global id, or null if the caller's organization has none.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id of any record, as its `id` field returns it.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        Ok(load(ctx, std::slice::from_ref(&id)).await?.pop().flatten())
    }

    /// The records with these global ids, in the same order; null where there is none.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "1 + ids.len() * child_complexity"
    )]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Global ids of any records, as their `id` fields return them: at most 100, more is BAD_USER_INPUT."
        )]
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODE_IDS {
            return Err(
                AppError::bad_input("ids", format!("at most {MAX_NODE_IDS} ids per call")).into(),
            );
        }
        Ok(load(ctx, &ids).await?)
    }
}

/// Loads the records one query per type, whatever the number of ids.
async fn load(ctx: &Context<'_>, ids: &[ID]) -> AppResult<Vec<Option<Node>>> {
    let actor = ctx.actor()?;
    let scope = Scope::from(actor);
    let db = &ctx.state().db;
    let parsed: Vec<Option<(String, Uuid)>> = ids.iter().map(|id| parse_global_id(id)).collect();
    let of_type = |name: &str| -> Vec<Uuid> {
        parsed
            .iter()
            .flatten()
            .filter(|(t, _)| t == name)
            .map(|(_, id)| *id)
            .collect()
    };

    let mut found: HashMap<(&str, Uuid), Node> = HashMap::new();
    let person_ids = of_type("Person");
    if !person_ids.is_empty() {
        for model in scope
            .select_ids::<person::Entity>(person_ids)
            .all(db)
            .await?
        {
            found.insert(("Person", model.id), Node::Person(Person::from(model)));
        }
    }
    let entry_ids = of_type("AuditEntry");
    if !entry_ids.is_empty() && actor.may(Permission::ReadAuditTrail) {
        for model in scope
            .select_ids::<audit_entry::Entity>(entry_ids)
            .all(db)
            .await?
        {
            found.insert(("AuditEntry", model.id), Node::AuditEntry(model.into()));
        }
    }
    let service_ids = of_type("Service");
    if !service_ids.is_empty() {
        for model in scope
            .select_ids::<service::Entity>(service_ids)
            .all(db)
            .await?
        {
            found.insert(("Service", model.id), Node::Service(Service::from(model)));
        }
    }
    let process_ids = of_type("Process");
    if !process_ids.is_empty() {
        for model in scope
            .select_ids::<process::Entity>(process_ids)
            .all(db)
            .await?
        {
            found.insert(("Process", model.id), Node::Process(Process::from(model)));
        }
    }
    let raci_ids = of_type("RaciAssignment");
    if !raci_ids.is_empty() {
        for model in scope
            .select_ids::<raci_assignment::Entity>(raci_ids)
            .all(db)
            .await?
        {
            found.insert(
                ("RaciAssignment", model.id),
                Node::RaciAssignment(RaciAssignment::from(model)),
            );
        }
    }
    let tool_ids = of_type("Tool");
    if !tool_ids.is_empty() {
        for model in scope.select_ids::<tool::Entity>(tool_ids).all(db).await? {
            found.insert(("Tool", model.id), Node::Tool(Tool(model)));
        }
    }
    let link_ids = of_type("ProcessLink");
    if !link_ids.is_empty() {
        for model in scope
            .select_ids::<process_link::Entity>(link_ids)
            .all(db)
            .await?
        {
            found.insert(
                ("ProcessLink", model.id),
                Node::ProcessLink(ProcessLink(model)),
            );
        }
    }
    let token_ids = of_type("ApiToken");
    if !token_ids.is_empty() && actor.may(Permission::ManageAccess) {
        for model in scope
            .select_ids::<api_token::Entity>(token_ids)
            .all(db)
            .await?
        {
            found.insert(("ApiToken", model.id), Node::ApiToken(ApiToken(model)));
        }
    }
    if of_type("Organization").contains(&scope.organization_id) {
        let organization = organization_store::get(db, scope).await?;
        found.insert(
            ("Organization", organization.id),
            Node::Organization(Organization(organization)),
        );
    }

    Ok(parsed
        .into_iter()
        .map(|parsed| {
            let (type_name, id) = parsed?;
            let key = found
                .keys()
                .find(|(t, i)| *t == type_name && *i == id)
                .copied()?;
            found.get(&key).cloned()
        })
        .collect())
}

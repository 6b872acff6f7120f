//! GraphQL types and resolvers of the organization and the viewer.

use super::store::{self, Rename};
use crate::{
    auth::{ApiScope, Grant, RoleValue},
    graphql::prelude::*,
    people::graphql::Person,
    tenancy::Scope,
};

crate::node_object!(
    /// The organization: the tenant whose SMS this is.
    Organization(organization)
);

#[Object(use_type_description)]
impl Organization {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<entity::organization::Entity>(&self.0)
    }
}

/// The caller: who they are, in which organization, with which role.
#[derive(async_graphql::Description)]
pub struct Viewer;

#[Object(use_type_description)]
impl Viewer {
    /// Login subject from the token.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(ctx.actor()?.subject.clone())
    }
    /// Role from the login token; null for an API token.
    async fn role(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<RoleValue>> {
        Ok(ctx.actor()?.role().map(Into::into))
    }
    /// Scopes of the API token; empty for a login.
    async fn scopes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiScope>> {
        Ok(match &ctx.actor()?.grant {
            Grant::Scopes(scopes) => scopes.clone(),
            Grant::Role(_) => Vec::new(),
        })
    }
    /// The caller's organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization::from(
            store::get(&ctx.state().db, ctx.scope()?).await?,
        ))
    }
    /// The Person linked to the login subject, if any.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        let actor = ctx.actor()?;
        let Some(person_id) = actor.person_id else {
            return Ok(None);
        };
        Ok(Scope::from(actor)
            .get::<entity::person::Entity>(&ctx.state().db, person_id)
            .await?
            .map(Person::from))
    }
}

/// Organization queries.
#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// Who am I: subject, role, organization and linked person.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn viewer(&self) -> Viewer {
        Viewer
    }

    /// The caller's organization.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization::from(
            store::get(&ctx.state().db, ctx.scope()?).await?,
        ))
    }
}

/// Input of `updateOrganization`.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// New name (1 to 200 characters).
    pub name: String,
    /// The version the client read; CONFLICT if the organization changed since.
    pub expected_version: Option<i32>,
}

impl UpdateOrganizationInput {
    fn parse(self) -> AppResult<Rename> {
        Ok(Rename {
            name: Name::parse("input.name", &self.name)?,
            expected_version: self.expected_version,
        })
    }
}

crate::payload!(
    /// Result of `updateOrganization`.
    UpdateOrganizationPayload {
        /// The organization after the change.
        organization: Organization(organization)
    }
);

crate::record_mutations! {
    /// Organization mutations.
    OrganizationMutation {
        /// Renames the caller's organization (ADMIN).
        update_organization(UpdateOrganizationInput, "The new name, and the version read.")
            -> UpdateOrganizationPayload,
            guard = "Require(Permission::ManageAccess)", apply = store::rename;
    }
}

//! GraphQL types and resolvers of tools.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use chrono::Utc;
use entity::tool;

use super::store::{self, NewTool, ToolPatch};
use crate::{
    auth::{Permission, Require},
    graphql::{
        ContextExt,
        connection::{Page, paginate},
        ids::decode,
        mutate, patch,
        scalars::DateTime,
    },
    validation::{Line, Name, Url, parse_opt},
};

/// What kind of system a tool is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::tool::ToolKind")]
pub enum ToolKind {
    /// IT service management tool (incidents, changes, requests): the source of operational records.
    Itsm,
    /// Configuration management database.
    Cmdb,
    /// Monitoring and alerting.
    Monitoring,
    /// Change or release management tool.
    Change,
    /// Documentation or knowledge base.
    Documentation,
    /// Any other system.
    Other,
}

crate::node_object!(
    /// An external system the SMS depends on.
    Tool(tool)
);

#[Object(use_type_description)]
impl Tool {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Name, unique in the organization.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kind of system.
    async fn kind(&self) -> ToolKind {
        self.0.kind.into()
    }
    /// Who makes it.
    async fn vendor(&self) -> &str {
        &self.0.vendor
    }
    /// Where it is.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Version, for `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.into()
    }
}

/// Input of `createTool`.
#[derive(InputObject)]
pub struct CreateToolInput {
    /// Name (1 to 200 characters), unique in the organization.
    pub name: String,
    /// Kind of system.
    pub kind: ToolKind,
    /// Who makes it (up to 200 characters).
    pub vendor: Option<String>,
    /// http(s) address.
    pub url: Option<String>,
}

/// Input of `updateTool`: omitted fields stay; `null` clears `url`.
#[derive(InputObject)]
pub struct UpdateToolInput {
    /// The tool (global id).
    pub id: ID,
    /// The version the client read; CONFLICT if the tool changed since.
    pub expected_version: Option<i32>,
    /// New name (1 to 200 characters), unique in the organization.
    pub name: Option<String>,
    /// New kind of system.
    pub kind: Option<ToolKind>,
    /// New vendor (up to 200 characters).
    pub vendor: Option<String>,
    /// New http(s) address (up to 2,048 characters), or null to clear.
    pub url: MaybeUndefined<String>,
}

/// Input of `deleteTool`.
#[derive(InputObject)]
pub struct DeleteToolInput {
    /// The tool (global id).
    pub id: ID,
}

crate::payload!(
    /// Result of a tool mutation.
    ToolPayload {
        /// The tool after the change (before it, for a deletion).
        tool: Tool(tool)
    }
);

/// Tool mutations.
#[derive(Default)]
pub struct ToolMutation;

#[Object]
impl ToolMutation {
    /// Adds a tool (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn create_tool(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new tool.")] input: CreateToolInput,
    ) -> async_graphql::Result<ToolPayload> {
        let new = NewTool {
            name: Name::parse("input.name", &input.name)?,
            kind: input.kind.into(),
            vendor: parse_opt(input.vendor, |v| Line::parse("input.vendor", v))?
                .unwrap_or_default(),
            url: parse_opt(input.url, |u| Url::parse("input.url", u))?,
        };
        let tool = mutate(ctx, async |change| store::create(change, new).await).await?;
        Ok(ToolPayload::from(tool))
    }

    /// Changes a tool (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn update_tool(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tool, the version read and the fields to change.")]
        input: UpdateToolInput,
    ) -> async_graphql::Result<ToolPayload> {
        let id = decode::<entity::tool::Entity>(&input.id, "input.id")?;
        let patch = ToolPatch {
            name: parse_opt(input.name, |n| Name::parse("input.name", n))?,
            kind: input.kind.map(Into::into),
            vendor: parse_opt(input.vendor, |v| Line::parse("input.vendor", v))?,
            url: patch(input.url, |u| Url::parse("input.url", &u))?,
        };
        let tool = mutate(ctx, async |change| {
            store::update(change, id, patch, input.expected_version).await
        })
        .await?;
        Ok(ToolPayload::from(tool))
    }

    /// Removes a tool and its links (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn delete_tool(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tool to remove.")] input: DeleteToolInput,
    ) -> async_graphql::Result<ToolPayload> {
        let id = decode::<entity::tool::Entity>(&input.id, "input.id")?;
        let tool = mutate(ctx, async |change| store::delete(change, id).await).await?;
        Ok(ToolPayload::from(tool))
    }
}

crate::record_queries! {
    /// Tool queries.
    ToolQuery {
        @by_id
        /// One tool by id; null with a NOT_FOUND error when the organization has none with it.
        tool -> Tool, "Global id of the tool, as its `id` field returns it; null with NOT_FOUND when the organization has no tool with it, BAD_USER_INPUT when it is not an id.";
        /// The tools the SMS depends on.
        tools(ctx, args) -> Page<Tool>, guard = "Require(Permission::Read)" {
            Ok(paginate(
                ctx.reads(),
                ctx.scope()?.select::<tool::Entity>(),
                tool::Column::Id,
                |t| t.id,
                args,
                Tool,
            )
            .await?)
        }
    }
}

//! GraphQL types and resolvers of tools.

use chrono::Utc;
use entity::tool;

use super::store::{self, NewTool, ToolPatch};
use crate::{graphql::prelude::*, validation::Url};

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

impl CreateToolInput {
    fn parse(self) -> AppResult<NewTool> {
        Ok(NewTool {
            name: Name::parse("input.name", &self.name)?,
            kind: self.kind.into(),
            vendor: parse_opt(self.vendor, |v| Line::parse("input.vendor", v))?.unwrap_or_default(),
            url: parse_opt(self.url, |u| Url::parse("input.url", u))?,
        })
    }
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

impl UpdateToolInput {
    fn parse(self) -> AppResult<Edit<ToolPatch>> {
        Ok(Edit {
            id: decode::<tool::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: ToolPatch {
                name: parse_opt(self.name, |n| Name::parse("input.name", n))?,
                kind: self.kind.map(Into::into),
                vendor: parse_opt(self.vendor, |v| Line::parse("input.vendor", v))?,
                url: patch(self.url, |u| Url::parse("input.url", &u))?,
            },
        })
    }
}

/// Input of `deleteTool`.
#[derive(InputObject)]
pub struct DeleteToolInput {
    /// The tool (global id).
    pub id: ID,
}

impl DeleteToolInput {
    fn parse(self) -> AppResult<Uuid> {
        decode::<tool::Entity>(&self.id, "input.id")
    }
}

crate::payload!(
    /// Result of a tool mutation.
    ToolPayload {
        /// The tool after the change (before it, for a deletion).
        tool: Tool(tool)
    }
);

crate::record_mutations! {
    /// Tool mutations.
    ToolMutation {
        /// Adds a tool (ADMIN, MANAGER).
        create_tool(CreateToolInput, "The new tool.") -> ToolPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::create;
        /// Changes a tool (ADMIN, MANAGER).
        update_tool(UpdateToolInput, "The tool, the version read and the fields to change.")
            -> ToolPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::update;
        /// Removes a tool and its links (ADMIN, MANAGER).
        delete_tool(DeleteToolInput, "The tool to remove.") -> ToolPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::delete;
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

//! GraphQL types and resolvers of tools and the process map.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use entity::{process_link, tool};

use super::store::{self, LinkTarget, ToolFields};
use crate::{
    audit_trail::Change,
    auth::{Permission, Require},
    graphql::scalars::DateTime,
    graphql::{
        ContextExt,
        connection::{Page, PageArgs, page_complexity, paginate},
        ids::{decode_id, global_id},
        patch,
    },
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

/// An external system the SMS depends on.
#[derive(Clone, async_graphql::Description)]
pub struct Tool(pub tool::Model);

#[Object(use_type_description)]
impl Tool {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id("Tool", self.0.id)
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

/// An edge of the process map.
#[derive(Clone, async_graphql::Description)]
pub struct ProcessLink(pub process_link::Model);

/// What an edge of the process map says.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ProcessLinkKind {
    /// The process uses the tool.
    UsesTool,
    /// The process depends on the other process.
    DependsOn,
}

#[Object(use_type_description)]
impl ProcessLink {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id("ProcessLink", self.0.id)
    }
    /// Uses a tool, or depends on a process.
    async fn kind(&self) -> ProcessLinkKind {
        if self.0.tool_id.is_some() {
            ProcessLinkKind::UsesTool
        } else {
            ProcessLinkKind::DependsOn
        }
    }
    /// Global id of the process the edge starts at.
    async fn source(&self) -> ID {
        global_id("Process", self.0.process_id)
    }
    /// Global id of the tool or process the edge ends at.
    async fn target(&self) -> ID {
        match (self.0.tool_id, self.0.depends_on_process_id) {
            (Some(tool), _) => global_id("Tool", tool),
            (_, process) => global_id("Process", process.unwrap_or_default()),
        }
    }
    /// What flows or why: "incident records", "CI data".
    async fn description(&self) -> &str {
        &self.0.description
    }
}

/// What a node of the process map is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ProcessMapNodeKind {
    /// A process; `detail` is its code.
    Process,
    /// A tool; `detail` is its kind.
    Tool,
}

/// A node of the process map.
#[derive(SimpleObject, Clone)]
pub struct ProcessMapNode {
    /// Global id of the process or tool.
    pub id: ID,
    /// Process or tool.
    pub kind: ProcessMapNodeKind,
    /// What to write on the node.
    pub label: String,
    /// The process's code or the tool's kind.
    pub detail: String,
}

/// The process map, ready to draw as a graph: applicable processes and tools as nodes, uses and
/// dependencies as edges.
#[derive(SimpleObject, Clone)]
pub struct ProcessMap {
    /// The applicable processes and every tool.
    pub nodes: Vec<ProcessMapNode>,
    /// Uses and dependencies between the nodes.
    pub edges: Vec<ProcessLink>,
}

/// Tool and process-map queries.
#[derive(Default)]
pub struct ToolQuery;

#[Object]
impl ToolQuery {
    /// The tools the SMS depends on.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "page_complexity(first, last, child_complexity)"
    )]
    async fn tools(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Up to this many records from the start (or after `after`); 0 to 100, default 20 unless `last` is given. Outside 0 to 100: BAD_USER_INPUT."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only records after this cursor: an edge's `cursor` or `pageInfo.endCursor` of this list, as returned. Anything else: BAD_USER_INPUT."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Up to this many records from the end (or before `before`); 0 to 100. With `first`, the last of those. Outside 0 to 100: BAD_USER_INPUT."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only records before this cursor: an edge's `cursor` or `pageInfo.startCursor` of this list, as returned. Anything else: BAD_USER_INPUT."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Page<Tool>> {
        Ok(paginate(
            ctx.reads(),
            ctx.scope()?.select::<tool::Entity>(),
            tool::Column::Id,
            |t| t.id,
            PageArgs::new(ctx, first, after, last, before),
            |tool| Tool(std::sync::Arc::unwrap_or_clone(tool)),
        )
        .await?)
    }

    /// One tool by id; null with a NOT_FOUND error when the organization has none with it.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn tool(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Global id of the tool, as its `id` field returns it; null with NOT_FOUND when the organization has no tool with it, BAD_USER_INPUT when it is not an id."
        )]
        id: ID,
    ) -> async_graphql::Result<Option<Tool>> {
        let id = decode_id(&id, "Tool", "id")?;
        Ok(Some(Tool(
            ctx.scope()?
                .find::<tool::Entity>(&ctx.state().db, id)
                .await?,
        )))
    }

    /// The process map, in one request (three queries), once per request.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "crate::graphql::cost::whole_organization_complexity(child_complexity)"
    )]
    async fn process_map(&self, ctx: &Context<'_>) -> async_graphql::Result<ProcessMap> {
        Ok(ctx.once("processMap".into(), process_map(ctx)).await?)
    }
}

/// Reads the map: applicable processes and tools as nodes, their links as edges.
async fn process_map(ctx: &Context<'_>) -> crate::error::AppResult<ProcessMap> {
    let (processes, tools, links) = store::map(&ctx.state().db, ctx.scope()?).await?;
    let mut nodes: Vec<ProcessMapNode> = processes
        .into_iter()
        .map(|p| ProcessMapNode {
            id: global_id("Process", p.id),
            kind: ProcessMapNodeKind::Process,
            label: p.name,
            detail: p.code,
        })
        .collect();
    nodes.extend(tools.into_iter().map(|t| {
        ProcessMapNode {
            id: global_id("Tool", t.id),
            kind: ProcessMapNodeKind::Tool,
            detail: serde_json::to_value(t.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            label: t.name,
        }
    }));
    // Edges into processes that are not applicable would dangle: drop them.
    let ids: std::collections::HashSet<ID> = nodes.iter().map(|n| n.id.clone()).collect();
    let edges = links
        .into_iter()
        .map(ProcessLink)
        .filter(|l| {
            let source = global_id("Process", l.0.process_id);
            let target = match (l.0.tool_id, l.0.depends_on_process_id) {
                (Some(tool), _) => global_id("Tool", tool),
                (_, process) => global_id("Process", process.unwrap_or_default()),
            };
            ids.contains(&source) && ids.contains(&target)
        })
        .collect();
    Ok(ProcessMap { nodes, edges })
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

/// Input of `linkProcessToTool`.
#[derive(InputObject)]
pub struct LinkProcessToToolInput {
    /// The process that uses the tool (global id).
    pub process_id: ID,
    /// The tool it uses (global id).
    pub tool_id: ID,
    /// What flows: "incident records", "CI data".
    pub description: Option<String>,
}

/// Input of `addProcessDependency`.
#[derive(InputObject)]
pub struct AddProcessDependencyInput {
    /// The dependent process.
    pub process_id: ID,
    /// The process it depends on.
    pub depends_on_process_id: ID,
    /// Why it depends on it, e.g. "change approvals" (up to 500 characters).
    pub description: Option<String>,
}

/// Input of `removeProcessLink`.
#[derive(InputObject)]
pub struct RemoveProcessLinkInput {
    /// The edge of the process map (a ProcessLink's global id).
    pub id: ID,
}

/// Result of a tool mutation.
#[derive(SimpleObject)]
pub struct ToolPayload {
    /// The tool after the change (before it, for a deletion).
    pub tool: Tool,
}

/// Result of a process-map mutation.
#[derive(SimpleObject)]
pub struct ProcessLinkPayload {
    /// The edge after the change (before it, for a removal).
    pub process_link: ProcessLink,
}

/// Tool and process-map mutations.
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
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let fields = ToolFields {
            name: Some(input.name),
            kind: Some(input.kind.into()),
            vendor: input.vendor,
            url: Some(input.url),
        };
        let tool = store::create(&mut change, fields).await?;
        change.commit(&state.bus).await?;
        Ok(ToolPayload { tool: Tool(tool) })
    }

    /// Changes a tool (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn update_tool(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tool, the version read and the fields to change.")]
        input: UpdateToolInput,
    ) -> async_graphql::Result<ToolPayload> {
        let id = decode_id(&input.id, "Tool", "input.id")?;
        let fields = ToolFields {
            name: input.name,
            kind: input.kind.map(Into::into),
            vendor: input.vendor,
            url: patch(input.url, Ok)?,
        };
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let tool = store::update(&mut change, id, fields, input.expected_version).await?;
        change.commit(&state.bus).await?;
        Ok(ToolPayload { tool: Tool(tool) })
    }

    /// Removes a tool and its links (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn delete_tool(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tool to remove.")] input: DeleteToolInput,
    ) -> async_graphql::Result<ToolPayload> {
        let id = decode_id(&input.id, "Tool", "input.id")?;
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let tool = store::delete(&mut change, id).await?;
        change.commit(&state.bus).await?;
        Ok(ToolPayload { tool: Tool(tool) })
    }

    /// Records that a process uses a tool, and for what (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn link_process_to_tool(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The process, the tool and what flows between them.")]
        input: LinkProcessToToolInput,
    ) -> async_graphql::Result<ProcessLinkPayload> {
        let process_id = decode_id(&input.process_id, "Process", "input.processId")?;
        let tool_id = decode_id(&input.tool_id, "Tool", "input.toolId")?;
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let link = store::link(
            &mut change,
            process_id,
            LinkTarget::Tool(tool_id),
            input.description.as_deref().unwrap_or_default(),
        )
        .await?;
        change.commit(&state.bus).await?;
        Ok(ProcessLinkPayload {
            process_link: ProcessLink(link),
        })
    }

    /// Records that a process depends on another (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn add_process_dependency(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dependent process and the process it depends on.")]
        input: AddProcessDependencyInput,
    ) -> async_graphql::Result<ProcessLinkPayload> {
        let process_id = decode_id(&input.process_id, "Process", "input.processId")?;
        let other = decode_id(
            &input.depends_on_process_id,
            "Process",
            "input.dependsOnProcessId",
        )?;
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let link = store::link(
            &mut change,
            process_id,
            LinkTarget::Process(other),
            input.description.as_deref().unwrap_or_default(),
        )
        .await?;
        change.commit(&state.bus).await?;
        Ok(ProcessLinkPayload {
            process_link: ProcessLink(link),
        })
    }

    /// Removes an edge of the process map (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn remove_process_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The edge to remove.")] input: RemoveProcessLinkInput,
    ) -> async_graphql::Result<ProcessLinkPayload> {
        let id = decode_id(&input.id, "ProcessLink", "input.id")?;
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let link = store::unlink(&mut change, id).await?;
        change.commit(&state.bus).await?;
        Ok(ProcessLinkPayload {
            process_link: ProcessLink(link),
        })
    }
}

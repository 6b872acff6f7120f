//! GraphQL types and resolvers of the process map.

use entity::{process, process_link, tool};
use sea_orm::ActiveEnum;

use super::store::{self, LinkTarget, LinkText, NewLink};
use crate::graphql::prelude::*;

crate::node_object!(
    /// An edge of the process map.
    ProcessLink(process_link)
);

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
        self.global_id()
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
        encode::<process::Entity>(self.0.process_id)
    }
    /// Global id of the tool or process the edge ends at.
    async fn target(&self) -> async_graphql::Result<ID> {
        Ok(target_id(&self.0)?)
    }
    /// What flows or why: "incident records", "CI data".
    async fn description(&self) -> &str {
        &self.0.description
    }
}

fn target_id(link: &process_link::Model) -> AppResult<ID> {
    Ok(match store::target_of(link)? {
        (true, tool) => encode::<tool::Entity>(tool),
        (false, process) => encode::<process::Entity>(process),
    })
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

/// Process-map queries.
#[derive(Default)]
pub struct ProcessMapQuery;

#[Object]
impl ProcessMapQuery {
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
async fn process_map(ctx: &Context<'_>) -> AppResult<ProcessMap> {
    let (processes, tools, links) = store::map(&ctx.state().db, ctx.scope()?).await?;
    let mut nodes: Vec<ProcessMapNode> = processes
        .into_iter()
        .map(|p| ProcessMapNode {
            id: encode::<process::Entity>(p.id),
            kind: ProcessMapNodeKind::Process,
            label: p.name,
            detail: p.code,
        })
        .collect();
    nodes.extend(tools.into_iter().map(|t| ProcessMapNode {
        id: encode::<tool::Entity>(t.id),
        kind: ProcessMapNodeKind::Tool,
        detail: t.kind.to_value(),
        label: t.name,
    }));
    // Edges into processes that are not applicable would dangle: drop them.
    let ids: std::collections::HashSet<ID> = nodes.iter().map(|n| n.id.clone()).collect();
    let mut edges = Vec::with_capacity(links.len());
    for link in links {
        let source = encode::<process::Entity>(link.process_id);
        if ids.contains(&source) && ids.contains(&target_id(&link)?) {
            edges.push(ProcessLink::from(link));
        }
    }
    Ok(ProcessMap { nodes, edges })
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

impl LinkProcessToToolInput {
    fn parse(self) -> AppResult<NewLink> {
        let tool = decode::<tool::Entity>(&self.tool_id, "input.toolId")?;
        new_link(&self.process_id, LinkTarget::Tool(tool), self.description)
    }
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

impl AddProcessDependencyInput {
    fn parse(self) -> AppResult<NewLink> {
        let other =
            decode::<process::Entity>(&self.depends_on_process_id, "input.dependsOnProcessId")?;
        new_link(
            &self.process_id,
            LinkTarget::Process(other),
            self.description,
        )
    }
}

/// Input of `removeProcessLink`.
#[derive(InputObject)]
pub struct RemoveProcessLinkInput {
    /// The edge of the process map (a ProcessLink's global id).
    pub id: ID,
}

impl RemoveProcessLinkInput {
    fn parse(self) -> AppResult<uuid::Uuid> {
        decode::<process_link::Entity>(&self.id, "input.id")
    }
}

crate::payload!(
    /// Result of a process-map mutation.
    ProcessLinkPayload {
        /// The edge after the change (before it, for a removal).
        process_link: ProcessLink(process_link)
    }
);

/// The edge from process `process_id` to `target`, as a mutation's input gives it.
fn new_link(
    process_id: &ID,
    target: LinkTarget,
    description: Option<String>,
) -> AppResult<NewLink> {
    Ok(NewLink {
        process_id: decode::<process::Entity>(process_id, "input.processId")?,
        target,
        description: parse_opt(description, |text| {
            LinkText::parse("input.description", text)
        })?
        .unwrap_or_default(),
    })
}

crate::record_mutations! {
    /// Process-map mutations.
    ProcessMapMutation {
        /// Records that a process uses a tool, and for what (ADMIN, MANAGER).
        link_process_to_tool(LinkProcessToToolInput, "The process, the tool and what flows between them.")
            -> ProcessLinkPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::link;
        /// Records that a process depends on another (ADMIN, MANAGER).
        add_process_dependency(AddProcessDependencyInput, "The dependent process and the process it depends on.")
            -> ProcessLinkPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::link;
        /// Removes an edge of the process map (ADMIN, MANAGER).
        remove_process_link(RemoveProcessLinkInput, "The edge to remove.") -> ProcessLinkPayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::unlink;
    }
}

//! Database access and rules for the process map's edges.

use entity::{process, process_link, tool};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    store::{self, Change},
    tenancy::Scope,
    validation::Optional,
};

/// Longest description of a link ("incident records").
pub const LINK_TEXT_MAX: usize = 500;

/// What a link says flows along it.
pub type LinkText = Optional<LINK_TEXT_MAX>;

/// What a new link connects.
pub enum LinkTarget {
    Tool(Uuid),
    Process(Uuid),
}

/// An edge to add to the process map.
pub struct NewLink {
    pub process_id: Uuid,
    pub target: LinkTarget,
    pub description: LinkText,
}

/// Adds an edge to the process map: a process uses a tool, or depends on another process.
pub async fn link(
    change: &mut Change,
    NewLink {
        process_id,
        target,
        description,
    }: NewLink,
) -> AppResult<process_link::Model> {
    let scope = Scope::from(change.actor());
    scope
        .find::<process::Entity>(change.db(), process_id)
        .await?;
    let description: String = description.into();
    let (tool_id, depends_on_process_id) = match target {
        LinkTarget::Tool(tool_id) => {
            scope.find::<tool::Entity>(change.db(), tool_id).await?;
            (Some(tool_id), None)
        }
        LinkTarget::Process(other) if other == process_id => {
            return Err(AppError::bad_input(
                "input.dependsOnProcessId",
                "a process cannot depend on itself",
            ));
        }
        LinkTarget::Process(other) => {
            scope.find::<process::Entity>(change.db(), other).await?;
            (None, Some(other))
        }
    };
    let duplicate = scope
        .select::<process_link::Entity>()
        .filter(process_link::Column::ProcessId.eq(process_id))
        .filter(match (tool_id, depends_on_process_id) {
            (Some(tool), _) => process_link::Column::ToolId.eq(tool),
            (_, other) => process_link::Column::DependsOnProcessId.eq(other),
        })
        .filter(process_link::Column::Description.eq(&description))
        .one(change.db())
        .await?;
    if duplicate.is_some() {
        return Err(AppError::Conflict(
            "the process map already has this link".into(),
        ));
    }
    let link = process_link::Model {
        id: Uuid::now_v7(),
        organization_id: scope.organization_id,
        process_id,
        tool_id,
        depends_on_process_id,
        description,
        created_at: store::now(),
    };
    store::insert::<process_link::Entity>(change, "process_link.create", link, &[]).await
}

/// Removes an edge of the process map.
pub async fn unlink(change: &mut Change, id: Uuid) -> AppResult<process_link::Model> {
    let before = Scope::from(change.actor())
        .find::<process_link::Entity>(change.db(), id)
        .await?;
    store::delete::<process_link::Entity>(change, "process_link.delete", before, Vec::new()).await
}

/// Everything the process map draws: applicable processes, tools, links (three queries).
pub async fn map(
    db: &impl ConnectionTrait,
    scope: Scope,
) -> AppResult<(
    Vec<process::Model>,
    Vec<tool::Model>,
    Vec<process_link::Model>,
)> {
    let processes = scope
        .select::<process::Entity>()
        .filter(process::Column::Applicable.eq(true))
        .order_by_asc(process::Column::Id)
        .all(db)
        .await?;
    let tools = scope
        .select::<tool::Entity>()
        .order_by_asc(tool::Column::Id)
        .all(db)
        .await?;
    let links = scope
        .select::<process_link::Entity>()
        .order_by_asc(process_link::Column::Id)
        .all(db)
        .await?;
    Ok((processes, tools, links))
}

/// Where a link ends: its tool or the process it depends on. The database's CHECK holds every
/// link to one of the two; a row without either is reported, not papered over.
pub fn target_of(link: &process_link::Model) -> AppResult<(bool, Uuid)> {
    match (link.tool_id, link.depends_on_process_id) {
        (Some(tool), _) => Ok((true, tool)),
        (None, Some(process)) => Ok((false, process)),
        (None, None) => Err(AppError::Internal(anyhow::anyhow!(
            "process link {} has no target",
            link.id
        ))),
    }
}

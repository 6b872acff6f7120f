//! Database access and rules for tools.

use entity::{process_link, tool, tool::ToolKind};
use sea_orm::ColumnTrait;
use uuid::Uuid;

use crate::{
    error::AppResult,
    store::{self, Cascade, Change, Edit, Unique},
    validation::{Line, Name, Url},
};

/// A tool to add, as parsed from the client's input.
pub struct NewTool {
    pub name: Name,
    pub kind: ToolKind,
    pub vendor: Line,
    pub url: Option<Url>,
}

/// Changes to a tool; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct ToolPatch {
    pub name: Option<Name>,
    pub kind: Option<ToolKind>,
    pub vendor: Option<Line>,
    pub url: Option<Option<Url>>,
}

const UNIQUE: &[Unique] = &[Unique {
    index: "ux_tool_org_name",
    columns: "tool.organization_id, tool.name",
    field: "input.name",
    message: "another tool of this organization has this name",
}];

/// Adds a tool.
pub async fn create(change: &mut Change, new: NewTool) -> AppResult<tool::Model> {
    let now = store::now();
    let tool = tool::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name: new.name.into(),
        kind: new.kind,
        vendor: new.vendor.into(),
        url: new.url.map(Into::into),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert::<tool::Entity>(change, "tool.create", tool, UNIQUE).await
}

/// Changes a tool if it is still at `expected_version`.
pub async fn update(change: &mut Change, edit: Edit<ToolPatch>) -> AppResult<tool::Model> {
    let before = edit.current::<tool::Entity>(change).await?;
    let patch = edit.patch;
    let mut after = before.clone();
    store::set(&mut after.name, patch.name);
    store::set(&mut after.kind, patch.kind);
    store::set(&mut after.vendor, patch.vendor);
    store::set_or_clear(&mut after.url, patch.url);
    store::save::<tool::Entity>(change, "tool.update", before, after, UNIQUE).await
}

/// Removes a tool and its links (each recorded in the trail).
pub async fn delete(change: &mut Change, id: Uuid) -> AppResult<tool::Model> {
    let before = crate::tenancy::Scope::from(change.actor())
        .find::<tool::Entity>(change.db(), id)
        .await?;
    let links = Cascade::of::<process_link::Entity>(
        "process_link.delete",
        process_link::Column::ToolId.eq(id),
    );
    store::delete::<tool::Entity>(change, "tool.delete", before, vec![links]).await
}

//! Database access and rules for tools and process-map links.

use chrono::{SubsecRound, Utc};
use entity::{process, process_link, tool, tool::ToolKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::super::services::store::optional_text;
use crate::{
    audit_trail::Change,
    error::{AppError, AppResult, DbResultExt},
    tenancy::Scope,
    validation::{self, NAME_MAX},
};

/// Longest tool URL.
const URL_MAX: usize = 2048;
/// Longest description of a link ("incident records").
const LINK_TEXT_MAX: usize = 500;

/// Fields of a tool; `None` leaves a field as it is on update.
#[derive(Default)]
pub struct ToolFields {
    pub name: Option<String>,
    pub kind: Option<ToolKind>,
    pub vendor: Option<String>,
    pub url: Option<Option<String>>,
}

/// An http(s) URL, or BAD_USER_INPUT on `input.url`.
pub fn url(value: &str) -> AppResult<String> {
    let url = validation::required_text("input.url", value, URL_MAX)?;
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if scheme_ok && !url.contains(char::is_whitespace) && url.len() > "https://".len() {
        Ok(url)
    } else {
        Err(AppError::bad_input(
            "input.url",
            "`input.url` must be an http(s) address",
        ))
    }
}

fn apply(mut tool: tool::Model, fields: ToolFields) -> AppResult<tool::Model> {
    if let Some(name) = fields.name {
        tool.name = validation::required_text("input.name", &name, NAME_MAX)?;
    }
    if let Some(kind) = fields.kind {
        tool.kind = kind;
    }
    if let Some(vendor) = fields.vendor {
        tool.vendor = optional_text("input.vendor", &vendor, NAME_MAX)?;
    }
    if let Some(address) = fields.url {
        tool.url = address.map(|a| url(&a)).transpose()?;
    }
    Ok(tool)
}

const DUPLICATE_NAME: &str = "another tool of this organization has this name";

async fn check_name(change: &Change, tool: &tool::Model) -> AppResult<()> {
    let clash = Scope::from(change.actor())
        .select::<tool::Entity>()
        .filter(tool::Column::Name.eq(&tool.name))
        .filter(tool::Column::Id.ne(tool.id))
        .one(change.db())
        .await?;
    match clash {
        Some(_) => Err(AppError::bad_input("input.name", DUPLICATE_NAME)),
        None => Ok(()),
    }
}

/// Adds a tool.
pub async fn create(change: &mut Change, fields: ToolFields) -> AppResult<tool::Model> {
    if fields.name.is_none() {
        return Err(AppError::bad_input(
            "input.name",
            "`input.name` must not be empty",
        ));
    }
    let now = Utc::now().trunc_subsecs(6);
    let blank = tool::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name: String::new(),
        kind: ToolKind::Other,
        vendor: String::new(),
        url: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let tool = apply(blank, fields)?;
    check_name(change, &tool).await?;
    tool::Entity::insert(tool::ActiveModel::from(tool.clone()))
        .exec_without_returning(change.db())
        .await
        .on_unique_violation("input.name", DUPLICATE_NAME)?;
    change
        .record("tool.create", "Tool", tool.id, None, Some(&tool))
        .await?;
    Ok(tool)
}

/// Changes a tool.
pub async fn update(
    change: &mut Change,
    id: Uuid,
    fields: ToolFields,
    expected_version: Option<i32>,
) -> AppResult<tool::Model> {
    let scope = Scope::from(change.actor());
    let before = scope.find::<tool::Entity>(change.db(), id).await?;
    validation::expected_version(before.version, expected_version)?;
    let mut after = apply(before.clone(), fields)?;
    check_name(change, &after).await?;
    after.version = before.version + 1;
    after.updated_at = Utc::now().trunc_subsecs(6);
    let mut active = tool::ActiveModel::from(after.clone()).reset_all();
    active.id = sea_orm::ActiveValue::NotSet;
    active.organization_id = sea_orm::ActiveValue::NotSet;
    active.created_at = sea_orm::ActiveValue::NotSet;
    let updated = scope
        .update::<tool::Entity>()
        .set(active)
        .filter(tool::Column::Id.eq(id))
        .filter(tool::Column::Version.eq(before.version))
        .exec(change.db())
        .await
        .on_unique_violation("input.name", DUPLICATE_NAME)?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(
            "the tool changed meanwhile: read it again and retry".into(),
        ));
    }
    change
        .record("tool.update", "Tool", id, Some(&before), Some(&after))
        .await?;
    Ok(after)
}

/// Removes a tool and its links (each recorded in the trail).
pub async fn delete(change: &mut Change, id: Uuid) -> AppResult<tool::Model> {
    let scope = Scope::from(change.actor());
    let before = scope.find::<tool::Entity>(change.db(), id).await?;
    change
        .record_cascade(
            "process_link.delete",
            "ProcessLink",
            scope
                .select::<process_link::Entity>()
                .filter(process_link::Column::ToolId.eq(id))
                .order_by_asc(process_link::Column::Id),
            |link| link.id,
        )
        .await?;
    tool::Entity::delete_many()
        .filter(tool::Column::Id.eq(id))
        .filter(tool::Column::OrganizationId.eq(scope.organization_id))
        .exec(change.db())
        .await?;
    change
        .record::<tool::Model>("tool.delete", "Tool", id, Some(&before), None)
        .await?;
    Ok(before)
}

/// What a new link connects.
pub enum LinkTarget {
    Tool(Uuid),
    Process(Uuid),
}

/// Adds an edge to the process map: a process uses a tool, or depends on another process.
pub async fn link(
    change: &mut Change,
    process_id: Uuid,
    target: LinkTarget,
    description: &str,
) -> AppResult<process_link::Model> {
    let scope = Scope::from(change.actor());
    scope
        .find::<process::Entity>(change.db(), process_id)
        .await?;
    let description = optional_text("input.description", description, LINK_TEXT_MAX)?;
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
        created_at: Utc::now().trunc_subsecs(6),
    };
    process_link::Entity::insert(process_link::ActiveModel::from(link.clone()))
        .exec_without_returning(change.db())
        .await?;
    change
        .record(
            "process_link.create",
            "ProcessLink",
            link.id,
            None,
            Some(&link),
        )
        .await?;
    Ok(link)
}

/// Removes an edge of the process map.
pub async fn unlink(change: &mut Change, id: Uuid) -> AppResult<process_link::Model> {
    let scope = Scope::from(change.actor());
    let before = scope.find::<process_link::Entity>(change.db(), id).await?;
    process_link::Entity::delete_many()
        .filter(process_link::Column::Id.eq(id))
        .filter(process_link::Column::OrganizationId.eq(scope.organization_id))
        .exec(change.db())
        .await?;
    change
        .record::<process_link::Model>(
            "process_link.delete",
            "ProcessLink",
            id,
            Some(&before),
            None,
        )
        .await?;
    Ok(before)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http() {
        assert!(url("https://itsm.example.com").is_ok());
        for bad in [
            "",
            "ftp://x",
            "javascript:alert(1)",
            "https://",
            "https://a b",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }
}

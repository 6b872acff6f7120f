//! Database access and rules for processes.

use chrono::{SubsecRound, Utc};
use entity::{
    Maturity, RaciRole, person, process, process_link, process_service, raci_assignment, service,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Select,
    sea_query::{Expr, ExprTrait, Query},
};
use uuid::Uuid;

use super::super::services::store::{TEXT_MAX, optional_text};
use crate::{
    audit_trail::Change,
    error::{AppError, AppResult, DbResultExt},
    tenancy::Scope,
    validation::{self, NAME_MAX},
};

/// Longest process code.
const CODE_MAX: usize = 64;

/// Fields of a process as the client sends them; `None` leaves a field as it is.
#[derive(Default)]
pub struct ProcessFields {
    pub code: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub goals: Option<String>,
    pub maturity: Option<Maturity>,
    pub owner_id: Option<Option<Uuid>>,
    pub service_ids: Option<Vec<Uuid>>,
}

/// A process code: upper-case letters, digits and underscores, so that scripts can use it as a
/// stable key.
pub fn code(value: &str) -> AppResult<String> {
    let code = validation::required_text("input.code", value, CODE_MAX)?;
    if code
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(code)
    } else {
        Err(AppError::bad_input(
            "input.code",
            "`input.code` may hold only A-Z, 0-9 and _",
        ))
    }
}

async fn apply(
    change: &Change,
    mut process: process::Model,
    fields: &ProcessFields,
) -> AppResult<process::Model> {
    if let Some(name) = &fields.name {
        if process.built_in {
            return Err(AppError::bad_input(
                "input.name",
                "built-in processes keep the standard's name",
            ));
        }
        process.name = validation::required_text("input.name", name, NAME_MAX)?;
    }
    if let Some(description) = &fields.description {
        process.description = optional_text("input.description", description, TEXT_MAX)?;
    }
    if let Some(goals) = &fields.goals {
        process.goals = optional_text("input.goals", goals, TEXT_MAX)?;
    }
    if let Some(maturity) = fields.maturity {
        process.maturity = maturity;
    }
    if let Some(owner) = fields.owner_id {
        if let Some(owner) = owner {
            Scope::from(change.actor())
                .find::<person::Entity>(change.db(), owner)
                .await?;
        }
        process.owner_id = owner;
    }
    Ok(process)
}

/// Replaces the services a process applies to; every id must be a service of the organization.
async fn set_services(
    change: &Change,
    process: &process::Model,
    service_ids: &[Uuid],
) -> AppResult<()> {
    let scope = Scope::from(change.actor());
    let mut ids = service_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let found = scope
        .select_ids::<service::Entity>(ids.clone())
        .count(change.db())
        .await?;
    if found != ids.len() as u64 {
        return Err(AppError::NotFound("Service"));
    }
    process_service::Entity::delete_many()
        .filter(process_service::Column::ProcessId.eq(process.id))
        .exec(change.db())
        .await?;
    if !ids.is_empty() {
        process_service::Entity::insert_many(ids.into_iter().map(|service_id| {
            process_service::ActiveModel::from(process_service::Model {
                process_id: process.id,
                service_id,
                organization_id: process.organization_id,
            })
        }))
        .exec_without_returning(change.db())
        .await?;
    }
    Ok(())
}

const DUPLICATE_CODE: &str = "another process of this organization has this code";

/// Creates one of the organization's own processes.
pub async fn create(change: &mut Change, fields: ProcessFields) -> AppResult<process::Model> {
    let code = code(fields.code.as_deref().unwrap_or_default())?;
    let name = validation::required_text(
        "input.name",
        fields.name.as_deref().unwrap_or_default(),
        NAME_MAX,
    )?;
    let now = Utc::now().trunc_subsecs(6);
    let blank = process::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        code,
        name,
        clause: None,
        built_in: false,
        description: String::new(),
        goals: String::new(),
        maturity: Maturity::NotStarted,
        owner_id: None,
        applicable: true,
        not_applicable_justification: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let fields = ProcessFields {
        name: None,
        ..fields
    };
    let process = apply(change, blank, &fields).await?;
    let clash = Scope::from(change.actor())
        .select::<process::Entity>()
        .filter(process::Column::Code.eq(&process.code))
        .one(change.db())
        .await?;
    if clash.is_some() {
        return Err(AppError::bad_input("input.code", DUPLICATE_CODE));
    }
    process::Entity::insert(process::ActiveModel::from(process.clone()))
        .exec_without_returning(change.db())
        .await
        .on_unique_violation("input.code", DUPLICATE_CODE)?;
    if let Some(ids) = &fields.service_ids {
        set_services(change, &process, ids).await?;
    }
    change
        .record(
            "process.create",
            "Process",
            process.id,
            None,
            Some(&process),
        )
        .await?;
    Ok(process)
}

/// Writes `after` if the row is still at `before.version`, and records the change.
async fn save(
    change: &mut Change,
    before: process::Model,
    mut after: process::Model,
    action: &str,
) -> AppResult<process::Model> {
    after.version = before.version + 1;
    after.updated_at = Utc::now().trunc_subsecs(6);
    let mut active = process::ActiveModel::from(after.clone()).reset_all();
    active.id = sea_orm::ActiveValue::NotSet;
    active.organization_id = sea_orm::ActiveValue::NotSet;
    active.created_at = sea_orm::ActiveValue::NotSet;
    let updated = Scope::from(change.actor())
        .update::<process::Entity>()
        .set(active)
        .filter(process::Column::Id.eq(before.id))
        .filter(process::Column::Version.eq(before.version))
        .exec(change.db())
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(
            "the process changed meanwhile: read it again and retry".into(),
        ));
    }
    change
        .record(action, "Process", after.id, Some(&before), Some(&after))
        .await?;
    Ok(after)
}

/// Updates a process.
pub async fn update(
    change: &mut Change,
    id: Uuid,
    fields: ProcessFields,
    expected_version: Option<i32>,
) -> AppResult<process::Model> {
    let before = Scope::from(change.actor())
        .find::<process::Entity>(change.db(), id)
        .await?;
    validation::expected_version(before.version, expected_version)?;
    let after = apply(change, before.clone(), &fields).await?;
    if let Some(ids) = &fields.service_ids {
        set_services(change, &before, ids).await?;
    }
    save(change, before, after, "process.update").await
}

/// Marks a process applicable, or not applicable with a justification (the only way to take
/// a built-in process out of scope).
pub async fn set_applicability(
    change: &mut Change,
    id: Uuid,
    applicable: bool,
    justification: Option<String>,
    expected_version: Option<i32>,
) -> AppResult<process::Model> {
    let before = Scope::from(change.actor())
        .find::<process::Entity>(change.db(), id)
        .await?;
    validation::expected_version(before.version, expected_version)?;
    let justification = match (applicable, justification) {
        (true, _) => None,
        (false, Some(text)) => Some(validation::required_text(
            "input.justification",
            &text,
            TEXT_MAX,
        )?),
        (false, None) => {
            return Err(AppError::bad_input(
                "input.justification",
                "a process marked not applicable needs a justification",
            ));
        }
    };
    let after = process::Model {
        applicable,
        not_applicable_justification: justification,
        ..before.clone()
    };
    let action = if applicable {
        "process.mark_applicable"
    } else {
        "process.mark_not_applicable"
    };
    save(change, before, after, action).await
}

/// Deletes one of the organization's own processes, with its assignments and links (each
/// recorded in the trail); built-in ones are refused.
pub async fn delete(change: &mut Change, id: Uuid) -> AppResult<process::Model> {
    let scope = Scope::from(change.actor());
    let before = scope.find::<process::Entity>(change.db(), id).await?;
    if before.built_in {
        return Err(AppError::bad_input(
            "input.id",
            "built-in processes cannot be deleted; mark them not applicable with a justification",
        ));
    }
    change
        .record_cascade(
            "raci.remove",
            "RaciAssignment",
            scope
                .select::<raci_assignment::Entity>()
                .filter(raci_assignment::Column::ProcessId.eq(id))
                .order_by_asc(raci_assignment::Column::Id),
            |assignment| assignment.id,
        )
        .await?;
    change
        .record_cascade(
            "process_link.delete",
            "ProcessLink",
            scope
                .select::<process_link::Entity>()
                .filter(
                    Condition::any()
                        .add(process_link::Column::ProcessId.eq(id))
                        .add(process_link::Column::DependsOnProcessId.eq(id)),
                )
                .order_by_asc(process_link::Column::Id),
            |link| link.id,
        )
        .await?;
    process::Entity::delete_many()
        .filter(process::Column::Id.eq(id))
        .filter(process::Column::OrganizationId.eq(scope.organization_id))
        .exec(change.db())
        .await?;
    change
        .record::<process::Model>("process.delete", "Process", id, Some(&before), None)
        .await?;
    Ok(before)
}

/// Filters of the process list.
#[derive(Default)]
pub struct ProcessFilter {
    pub search: Option<String>,
    pub built_in: Option<bool>,
    pub applicable: Option<bool>,
    pub maturity: Option<Maturity>,
    pub owner_id: Option<Uuid>,
    pub without_owner: Option<bool>,
    pub without_accountable: Option<bool>,
}

/// The organization's processes matching `filter`.
pub fn select(scope: Scope, filter: ProcessFilter) -> AppResult<Select<process::Entity>> {
    let mut select = scope.select::<process::Entity>();
    if let Some(search) = filter.search {
        select = select.filter(crate::search::contains(
            &search,
            &[process::Column::Name, process::Column::Code],
        )?);
    }
    if let Some(built_in) = filter.built_in {
        select = select.filter(process::Column::BuiltIn.eq(built_in));
    }
    if let Some(applicable) = filter.applicable {
        select = select.filter(process::Column::Applicable.eq(applicable));
    }
    if let Some(maturity) = filter.maturity {
        select = select.filter(process::Column::Maturity.eq(maturity));
    }
    if let Some(owner) = filter.owner_id {
        select = select.filter(process::Column::OwnerId.eq(owner));
    }
    match filter.without_owner {
        Some(true) => select = select.filter(process::Column::OwnerId.is_null()),
        Some(false) => select = select.filter(process::Column::OwnerId.is_not_null()),
        None => {}
    }
    if let Some(without) = filter.without_accountable {
        let accountable = Query::select()
            .column(raci_assignment::Column::ProcessId)
            .from(raci_assignment::Entity)
            .and_where(
                Expr::col(raci_assignment::Column::RaciRole).eq(RaciRole::Accountable.to_value()),
            )
            .and_where(Expr::col(raci_assignment::Column::OrganizationId).eq(scope.organization_id))
            .to_owned();
        select = if without {
            select.filter(process::Column::Id.not_in_subquery(accountable))
        } else {
            select.filter(process::Column::Id.in_subquery(accountable))
        };
    }
    Ok(select)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_snake_case() {
        assert!(code("ACCESS_MANAGEMENT_2").is_ok());
        for bad in ["", "access", "A-B", "A B", &"A".repeat(65)] {
            assert!(code(bad).is_err(), "{bad}");
        }
    }
}

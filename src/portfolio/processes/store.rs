//! Database access and rules for processes.

use entity::{
    Maturity, RaciRole, cycle_process, person, process, process_link, process_service,
    raci_assignment, service,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Query},
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    record::Record,
    store::{self, Cascade, Change, Edit, Unique},
    tenancy::Scope,
    validation::{Name, Required, Text},
};

/// Longest process code.
const CODE_MAX: usize = 64;

/// A process code: upper-case letters, digits and underscores, so that scripts can use it as a
/// stable key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// `value` of `input.code`, or BAD_USER_INPUT on it.
    pub fn parse(value: &str) -> AppResult<Self> {
        let code: String = Required::<CODE_MAX>::parse("input.code", value)?.into();
        if code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            Ok(Self(code))
        } else {
            Err(AppError::bad_input(
                "input.code",
                "`input.code` may hold only A-Z, 0-9 and _",
            ))
        }
    }
}

/// One of the organization's own processes, as parsed from the client's input.
pub struct NewProcess {
    pub code: Code,
    pub name: Name,
    pub description: Text,
    pub goals: Text,
    pub maturity: Maturity,
    pub owner_id: Option<Uuid>,
    pub service_ids: Vec<Uuid>,
}

/// Changes to a process; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct ProcessPatch {
    pub name: Option<Name>,
    pub description: Option<Text>,
    pub goals: Option<Text>,
    pub maturity: Option<Maturity>,
    pub owner_id: Option<Option<Uuid>>,
    pub service_ids: Option<Vec<Uuid>>,
}

/// A process as the audit trail keeps it: the row and the services it applies to, so that a
/// change of services shows in before and after.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    process: &'a process::Model,
    service_ids: Vec<Uuid>,
}

const UNIQUE: &[Unique] = &[Unique {
    index: "ux_process_org_code",
    columns: "process.organization_id, process.code",
    field: "input.code",
    message: "another process of this organization has this code",
}];

/// The services process `id` applies to, in id order.
async fn service_ids(change: &Change, id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(Scope::from(change.actor())
        .select::<process_service::Entity>()
        .select_only()
        .column(process_service::Column::ServiceId)
        .filter(process_service::Column::ProcessId.eq(id))
        .order_by_asc(process_service::Column::ServiceId)
        .into_tuple::<Uuid>()
        .all(change.db())
        .await?)
}

/// Replaces the services a process applies to; every id must be a service of the organization.
/// Returns them sorted, as [`service_ids`] reads them.
async fn set_services(
    change: &Change,
    process: &process::Model,
    service_ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    let scope = Scope::from(change.actor());
    let mut ids = service_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let found = scope
        .select_ids::<service::Entity>(ids.clone())
        .count(change.db())
        .await?;
    if found != ids.len() as u64 {
        return Err(AppError::NotFound(service::Entity::TYPE));
    }
    scope
        .delete::<process_service::Entity>()
        .filter(process_service::Column::ProcessId.eq(process.id))
        .exec(change.db())
        .await?;
    if !ids.is_empty() {
        process_service::Entity::insert_many(ids.iter().map(|service_id| {
            process_service::ActiveModel::from(process_service::Model {
                process_id: process.id,
                service_id: *service_id,
                organization_id: process.organization_id,
            })
        }))
        .exec_without_returning(change.db())
        .await?;
    }
    Ok(ids)
}

/// Creates one of the organization's own processes.
pub async fn create(change: &mut Change, new: NewProcess) -> AppResult<process::Model> {
    store::must_exist::<person::Entity>(change, new.owner_id).await?;
    let now = store::now();
    let process = process::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        code: new.code.0,
        name: new.name.into(),
        clause: None,
        built_in: false,
        description: new.description.into(),
        goals: new.goals.into(),
        maturity: new.maturity,
        owner_id: new.owner_id,
        applicable: true,
        not_applicable_justification: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_row::<process::Entity>(change, process.clone(), UNIQUE).await?;
    let service_ids = set_services(change, &process, &new.service_ids).await?;
    let after = Snapshot {
        process: &process,
        service_ids,
    };
    change
        .record_snapshot::<process::Entity, _>("process.create", process.id, None, Some(&after))
        .await?;
    Ok(process)
}

/// Saves `after` over `before`, with the services (replaced when `services` is given), and
/// records both with their services.
async fn save(
    change: &mut Change,
    action: &str,
    before: process::Model,
    after: process::Model,
    services: Option<&[Uuid]>,
) -> AppResult<process::Model> {
    let services_before = service_ids(change, before.id).await?;
    let services_after = match services {
        Some(ids) => set_services(change, &before, ids).await?,
        None => services_before.clone(),
    };
    let after = store::write::<process::Entity>(change, &before, after, UNIQUE).await?;
    let snapshot = |process, service_ids| Snapshot {
        process,
        service_ids,
    };
    change
        .record_snapshot::<process::Entity, _>(
            action,
            before.id,
            Some(&snapshot(&before, services_before)),
            Some(&snapshot(&after, services_after)),
        )
        .await?;
    Ok(after)
}

/// Updates a process if it is still at `expected_version`.
pub async fn update(change: &mut Change, edit: Edit<ProcessPatch>) -> AppResult<process::Model> {
    let before = edit.current::<process::Entity>(change).await?;
    let patch = edit.patch;
    super::access::may_maintain(change, &before, &patch)?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        if before.built_in {
            return Err(AppError::bad_input(
                "input.name",
                "built-in processes keep the standard's name",
            ));
        }
        after.name = name.into();
    }
    store::set(&mut after.description, patch.description);
    store::set(&mut after.goals, patch.goals);
    store::set(&mut after.maturity, patch.maturity);
    if let Some(owner) = patch.owner_id {
        store::must_exist::<person::Entity>(change, owner).await?;
        after.owner_id = owner;
    }
    save(
        change,
        "process.update",
        before,
        after,
        patch.service_ids.as_deref(),
    )
    .await
}

/// Whether a process applies, and if not, why.
pub struct Applicability {
    pub applicable: bool,
    pub justification: Option<Text>,
}

/// Marks a process applicable, or not applicable with a justification (the only way to take
/// a built-in process out of scope).
pub async fn set_applicability(
    change: &mut Change,
    edit: Edit<Applicability>,
) -> AppResult<process::Model> {
    let before = edit.current::<process::Entity>(change).await?;
    let Applicability {
        applicable,
        justification,
    } = edit.patch;
    let justification = match (applicable, justification) {
        (true, _) => None,
        (false, Some(text)) if !text.as_ref().is_empty() => Some(text.into()),
        (false, _) => {
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
    save(change, action, before, after, None).await
}

/// Deletes one of the organization's own processes, with its assignments and links (each
/// recorded in the trail) and its services (in its own entry); built-in ones are refused.
pub async fn delete(change: &mut Change, id: Uuid) -> AppResult<process::Model> {
    let before = Scope::from(change.actor())
        .find::<process::Entity>(change.db(), id)
        .await?;
    if before.built_in {
        return Err(AppError::bad_input(
            "input.id",
            "built-in processes cannot be deleted; mark them not applicable with a justification",
        ));
    }
    let services = service_ids(change, id).await?;
    let cascades = vec![
        Cascade::of::<raci_assignment::Entity>(
            "raci.remove",
            raci_assignment::Column::ProcessId.eq(id),
        ),
        Cascade::of::<process_link::Entity>(
            "process_link.delete",
            Condition::any()
                .add(process_link::Column::ProcessId.eq(id))
                .add(process_link::Column::DependsOnProcessId.eq(id)),
        ),
        // A deleted process leaves the scope of every cycle it was in.
        Cascade::of::<cycle_process::Entity>(
            "cycle.scope_remove",
            cycle_process::Column::ProcessId.eq(id),
        ),
    ];
    store::delete_row::<process::Entity>(change, id, cascades).await?;
    let snapshot = Snapshot {
        process: &before,
        service_ids: services,
    };
    change
        .record_snapshot::<process::Entity, _>("process.delete", id, Some(&snapshot), None)
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
    let search = crate::search::contains_opt(
        filter.search,
        &[process::Column::Name, process::Column::Code],
    )?;
    let mut select = scope.select::<process::Entity>().filter(
        Condition::all()
            .add_option(search)
            .add_option(filter.built_in.map(|b| process::Column::BuiltIn.eq(b)))
            .add_option(filter.applicable.map(|a| process::Column::Applicable.eq(a)))
            .add_option(filter.maturity.map(|m| process::Column::Maturity.eq(m)))
            .add_option(filter.owner_id.map(|o| process::Column::OwnerId.eq(o))),
    );
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
        assert!(Code::parse("ACCESS_MANAGEMENT_2").is_ok());
        for bad in ["", "access", "A-B", "A B", &"A".repeat(65)] {
            assert!(Code::parse(bad).is_err(), "{bad}");
        }
    }
}

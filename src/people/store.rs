//! Database access for people.

use chrono::{SubsecRound, Utc};
use entity::{Role, person};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::{
    audit_trail::Change,
    error::{AppError, AppResult, DbResultExt},
    tenancy::Scope,
    validation::{self, NAME_MAX, SUBJECT_MAX},
};

/// A person to create, as the client sent it.
pub struct NewPerson {
    pub name: String,
    pub email: String,
    pub login_subject: Option<String>,
    pub role: Option<Role>,
}

/// Changes to a person; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct PersonChanges {
    pub name: Option<String>,
    pub email: Option<String>,
    pub login_subject: Option<Option<String>>,
    pub role: Option<Option<Role>>,
}

impl PersonChanges {
    /// Whether the change touches logins or roles, which needs ADMIN.
    pub fn touches_access(&self) -> bool {
        self.login_subject.is_some() || self.role.is_some()
    }
}

fn subject(field: &str, value: Option<String>) -> AppResult<Option<String>> {
    value
        .map(|s| validation::required_text(field, &s, SUBJECT_MAX))
        .transpose()
}

/// Filters of the people list.
#[derive(Default)]
pub struct PersonFilter {
    pub search: Option<String>,
    pub active: Option<bool>,
    pub role: Option<Role>,
}

/// The organization's people matching `filter`.
pub fn select(scope: Scope, filter: PersonFilter) -> AppResult<Select<person::Entity>> {
    let mut select = scope.select::<person::Entity>();
    if let Some(search) = filter.search {
        select = select.filter(crate::search::contains(
            &search,
            &[person::Column::Name, person::Column::Email],
        )?);
    }
    if let Some(active) = filter.active {
        select = select.filter(person::Column::Active.eq(active));
    }
    if let Some(role) = filter.role {
        select = select.filter(person::Column::Role.eq(role));
    }
    Ok(select)
}

const DUPLICATE_EMAIL: &str = "another person of this organization has this e-mail address";
const DUPLICATE_SUBJECT: &str = "another person of this organization has this login subject";

/// Creates a person.
pub async fn create(change: &mut Change, new: NewPerson) -> AppResult<person::Model> {
    let now = Utc::now().trunc_subsecs(6);
    let model = person::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name: validation::required_text("input.name", &new.name, NAME_MAX)?,
        email: validation::email("input.email", &new.email)?,
        login_subject: subject("input.loginSubject", new.login_subject)?,
        role: new.role,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    check_unique(change, &model).await?;
    person::Entity::insert(person::ActiveModel::from(model.clone()))
        .exec_without_returning(change.db())
        .await
        .on_unique_violation("input.email", DUPLICATE_EMAIL)?;
    change
        .record("person.create", "Person", model.id, None, Some(&model))
        .await?;
    Ok(model)
}

/// Applies `changes` to person `id` if it is still at `expected_version`.
pub async fn update(
    change: &mut Change,
    id: Uuid,
    changes: PersonChanges,
    expected_version: Option<i32>,
) -> AppResult<person::Model> {
    let mut after_name = None;
    let mut after_email = None;
    if let Some(name) = &changes.name {
        after_name = Some(validation::required_text("input.name", name, NAME_MAX)?);
    }
    if let Some(email) = &changes.email {
        after_email = Some(validation::email("input.email", email)?);
    }
    let login_subject = changes
        .login_subject
        .map(|s| subject("input.loginSubject", s))
        .transpose()?;
    let before = Scope::from(change.actor())
        .find::<person::Entity>(change.db(), id)
        .await?;
    validation::expected_version(before.version, expected_version)?;
    let renamed = after_name.as_ref().is_some_and(|name| *name != before.name)
        || after_email
            .as_ref()
            .is_some_and(|email| *email != before.email);
    if renamed {
        guard_login(change, &before)?;
    }
    let after = person::Model {
        name: after_name.unwrap_or_else(|| before.name.clone()),
        email: after_email.unwrap_or_else(|| before.email.clone()),
        login_subject: login_subject.unwrap_or_else(|| before.login_subject.clone()),
        role: changes.role.unwrap_or(before.role),
        ..before.clone()
    };
    check_unique(change, &after).await?;
    save(change, before, after, "person.update").await
}

/// Deactivates (`active = false`) or reactivates a person. A deactivated person's login is
/// refused from the next request on.
pub async fn set_active(
    change: &mut Change,
    id: Uuid,
    active: bool,
    expected_version: Option<i32>,
) -> AppResult<person::Model> {
    let before = Scope::from(change.actor())
        .find::<person::Entity>(change.db(), id)
        .await?;
    validation::expected_version(before.version, expected_version)?;
    if before.active != active {
        guard_login(change, &before)?;
    }
    let after = person::Model {
        active,
        ..before.clone()
    };
    let action = if active {
        "person.reactivate"
    } else {
        "person.deactivate"
    };
    save(change, before, after, action).await
}

/// A person with a login may hold any role its tokens carry, ADMIN included, and only an ADMIN
/// may grant roles: so only an ADMIN may deactivate, reactivate or re-identify (name, e-mail)
/// them. Otherwise a MANAGER could lock an administrator out, or take over their e-mail.
fn guard_login(change: &Change, person: &person::Model) -> AppResult<()> {
    if person.login_subject.is_some() && !change.actor().may(crate::auth::Permission::ManageAccess)
    {
        return Err(AppError::Forbidden(
            "this person has a login: only an ADMIN may change whether it is active, its name or its e-mail".into(),
        ));
    }
    Ok(())
}

/// Writes `after` over `before` only if nobody changed the row meanwhile (its version), bumps the
/// version and records the change.
async fn save(
    change: &mut Change,
    before: person::Model,
    after: person::Model,
    action: &str,
) -> AppResult<person::Model> {
    let after = person::Model {
        version: before.version + 1,
        updated_at: Utc::now().trunc_subsecs(6),
        ..after
    };
    let updated = Scope::from(change.actor())
        .update::<person::Entity>()
        .set(person::ActiveModel {
            name: Set(after.name.clone()),
            email: Set(after.email.clone()),
            login_subject: Set(after.login_subject.clone()),
            role: Set(after.role),
            active: Set(after.active),
            version: Set(after.version),
            updated_at: Set(after.updated_at),
            ..Default::default()
        })
        .filter(person::Column::Id.eq(before.id))
        .filter(person::Column::Version.eq(before.version))
        .exec(change.db())
        .await
        .on_unique_violation("input.email", DUPLICATE_EMAIL)?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(
            "the person changed meanwhile: read it again and retry".into(),
        ));
    }
    change
        .record(action, "Person", after.id, Some(&before), Some(&after))
        .await?;
    Ok(after)
}

/// Names the field at fault before the database's unique indexes would refuse the write.
async fn check_unique(change: &Change, person: &person::Model) -> AppResult<()> {
    let scope = Scope::from(change.actor());
    let others = || {
        scope
            .select::<person::Entity>()
            .filter(person::Column::Id.ne(person.id))
    };
    if others()
        .filter(person::Column::Email.eq(&person.email))
        .one(change.db())
        .await?
        .is_some()
    {
        return Err(AppError::bad_input("input.email", DUPLICATE_EMAIL));
    }
    if let Some(subject) = &person.login_subject {
        if others()
            .filter(person::Column::LoginSubject.eq(subject))
            .one(change.db())
            .await?
            .is_some()
        {
            return Err(AppError::bad_input("input.loginSubject", DUPLICATE_SUBJECT));
        }
    }
    Ok(())
}

//! Database access for people.

use entity::{Role, person};
use sea_orm::{ColumnTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    store::{self, Change, Unique},
    tenancy::Scope,
    validation::{Email, Name, Required, SUBJECT_MAX},
};

/// The subject (`sub`) of the tokens a person logs in with.
pub type Subject = Required<SUBJECT_MAX>;

/// A person to create, as parsed from the client's input.
pub struct NewPerson {
    pub name: Name,
    pub email: Email,
    pub login_subject: Option<Subject>,
    pub role: Option<Role>,
}

/// Changes to a person; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct PersonPatch {
    pub name: Option<Name>,
    pub email: Option<Email>,
    pub login_subject: Option<Option<Subject>>,
    pub role: Option<Option<Role>>,
}

impl PersonPatch {
    /// Whether the change touches logins or roles, which needs ADMIN.
    pub fn touches_access(&self) -> bool {
        self.login_subject.is_some() || self.role.is_some()
    }
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

const UNIQUE: &[Unique] = &[
    Unique {
        index: "ux_person_org_email",
        columns: "person.organization_id, person.email",
        field: "input.email",
        message: "another person of this organization has this e-mail address",
    },
    Unique {
        index: "ux_person_org_login_subject",
        columns: "person.organization_id, person.login_subject",
        field: "input.loginSubject",
        message: "another person of this organization has this login subject",
    },
];

/// Creates a person.
pub async fn create(change: &mut Change, new: NewPerson) -> AppResult<person::Model> {
    let now = store::now();
    let model = person::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name: new.name.into(),
        email: new.email.into(),
        login_subject: new.login_subject.map(Into::into),
        role: new.role,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert::<person::Entity>(change, "person.create", model, UNIQUE).await
}

/// Applies `patch` to person `id` if it is still at `expected_version`.
pub async fn update(
    change: &mut Change,
    id: Uuid,
    patch: PersonPatch,
    expected_version: Option<i32>,
) -> AppResult<person::Model> {
    edit(change, id, expected_version, "person.update", |person| {
        if let Some(name) = patch.name {
            person.name = name.into();
        }
        if let Some(email) = patch.email {
            person.email = email.into();
        }
        if let Some(subject) = patch.login_subject {
            person.login_subject = subject.map(Into::into);
        }
        if let Some(role) = patch.role {
            person.role = role;
        }
    })
    .await
}

/// Deactivates (`active = false`) or reactivates a person. A deactivated person's login is
/// refused from the next request on.
pub async fn set_active(
    change: &mut Change,
    id: Uuid,
    active: bool,
    expected_version: Option<i32>,
) -> AppResult<person::Model> {
    let action = if active {
        "person.reactivate"
    } else {
        "person.deactivate"
    };
    edit(change, id, expected_version, action, |person| {
        person.active = active;
    })
    .await
}

/// Person `id`, if still at `expected_version`, changed by `apply` and saved as `action`.
async fn edit(
    change: &mut Change,
    id: Uuid,
    expected_version: Option<i32>,
    action: &str,
    apply: impl FnOnce(&mut person::Model),
) -> AppResult<person::Model> {
    let before = store::find_current::<person::Entity>(change, id, expected_version).await?;
    let mut after = before.clone();
    apply(&mut after);
    guard_login(change, &before, &after)?;
    store::save::<person::Entity>(change, action, before, after, UNIQUE).await
}

/// A person with a login may hold any role its tokens carry, ADMIN included, and only an ADMIN
/// may grant roles: so only an ADMIN may deactivate, reactivate or re-identify (name, e-mail)
/// them. Otherwise a MANAGER could lock an administrator out, or take over their e-mail.
fn guard_login(change: &Change, before: &person::Model, after: &person::Model) -> AppResult<()> {
    let guarded =
        after.active != before.active || after.name != before.name || after.email != before.email;
    if guarded
        && before.login_subject.is_some()
        && !change.actor().may(crate::auth::Permission::ManageAccess)
    {
        return Err(AppError::Forbidden(
            "this person has a login: only an ADMIN may change whether it is active, its name or its e-mail".into(),
        ));
    }
    Ok(())
}

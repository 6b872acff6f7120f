//! Database access for people.

use entity::{Role, person};
use sea_orm::{ColumnTrait, Condition, QueryFilter, Select};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    store::{self, Change, Edit, Unique},
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
    let search = crate::search::contains_opt(
        filter.search,
        &[person::Column::Name, person::Column::Email],
    )?;
    Ok(scope.select::<person::Entity>().filter(
        Condition::all()
            .add_option(search)
            .add_option(filter.active.map(|a| person::Column::Active.eq(a)))
            .add_option(filter.role.map(|r| person::Column::Role.eq(r))),
    ))
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

/// Applies a patch to a person if it is still at the version the client read.
pub async fn update(change: &mut Change, edit: Edit<PersonPatch>) -> AppResult<person::Model> {
    save_edit(change, edit, "person.update", |person, patch| {
        store::set(&mut person.name, patch.name);
        store::set(&mut person.email, patch.email);
        store::set_or_clear(&mut person.login_subject, patch.login_subject);
        store::set(&mut person.role, patch.role);
    })
    .await
}

/// Deactivates a person: their login is refused from the next request on.
pub async fn deactivate(change: &mut Change, edit: Edit<()>) -> AppResult<person::Model> {
    save_edit(change, edit, "person.deactivate", |person, ()| {
        person.active = false;
    })
    .await
}

/// Reactivates a deactivated person.
pub async fn reactivate(change: &mut Change, edit: Edit<()>) -> AppResult<person::Model> {
    save_edit(change, edit, "person.reactivate", |person, ()| {
        person.active = true;
    })
    .await
}

/// The person `edit` names, changed by `apply` and saved as `action`.
async fn save_edit<P>(
    change: &mut Change,
    edit: Edit<P>,
    action: &str,
    apply: impl FnOnce(&mut person::Model, P),
) -> AppResult<person::Model> {
    let before = edit.current::<person::Entity>(change).await?;
    let mut after = before.clone();
    apply(&mut after, edit.patch);
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

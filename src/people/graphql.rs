//! GraphQL types and resolvers of people.

use entity::person;

use super::store::{self, NewPerson, PersonFilter, PersonPatch, Subject};
use crate::{auth::RoleValue, graphql::prelude::*, validation::Email};

crate::node_object!(
    /// Someone named in the SMS: sponsor, process owner, auditor, attendee. May log in when linked
    /// to a login subject.
    Person(person)
);

#[Object(use_type_description)]
impl Person {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// E-mail address (lower case, unique in the organization).
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// The token subject (`sub`) this person logs in with, if any.
    async fn login_subject(&self) -> Option<&str> {
        self.0.login_subject.as_deref()
    }
    /// The role this person's logins are issued with, if any.
    async fn role(&self) -> Option<RoleValue> {
        self.0.role.map(Into::into)
    }
    /// False once deactivated: the person stays in the records but may no longer log in.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<entity::person::Entity>(&self.0)
    }
    /// The fields other areas add to a person (owned processes, RACI parts, ...).
    #[graphql(flatten)]
    async fn related(&self) -> crate::schema::PersonRelations {
        crate::schema::PersonRelations::of(&self.0)
    }
}

/// Filters of the people list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct PersonFilterInput {
    /// Part of the name or e-mail address, case-insensitive.
    pub search: Option<String>,
    /// Only active (true) or deactivated (false) people.
    pub active: Option<bool>,
    /// Only people with this role.
    pub role: Option<RoleValue>,
}

/// Input of `createPerson`.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// Full name (1 to 200 characters).
    pub name: String,
    /// E-mail address, unique in the organization.
    pub email: String,
    /// Token subject to link for logins (ADMIN only).
    pub login_subject: Option<String>,
    /// Role for this person's logins (ADMIN only).
    pub role: Option<RoleValue>,
}

impl CreatePersonInput {
    fn parse(self) -> AppResult<NewPerson> {
        Ok(NewPerson {
            name: Name::parse("input.name", &self.name)?,
            email: Email::parse("input.email", &self.email)?,
            login_subject: parse_opt(self.login_subject, subject)?,
            role: self.role.map(Into::into),
        })
    }
}

/// Input of `updatePerson`: omitted fields stay as they are; `null` clears `loginSubject` and
/// `role`.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The person.
    pub id: ID,
    /// The version the client read; CONFLICT if the person changed since.
    pub expected_version: Option<i32>,
    /// New full name.
    pub name: Option<String>,
    /// New e-mail address.
    pub email: Option<String>,
    /// New login subject, or null to unlink (ADMIN only).
    pub login_subject: MaybeUndefined<String>,
    /// New role, or null to remove (ADMIN only).
    pub role: MaybeUndefined<RoleValue>,
}

impl UpdatePersonInput {
    fn parse(self) -> AppResult<Edit<PersonPatch>> {
        Ok(Edit {
            id: decode::<person::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: PersonPatch {
                name: parse_opt(self.name, |n| Name::parse("input.name", n))?,
                email: parse_opt(self.email, |e| Email::parse("input.email", e))?,
                login_subject: patch(self.login_subject, |s| subject(&s))?,
                role: patch(self.role, |role| Ok(role.into()))?,
            },
        })
    }
}

/// Input of `deactivatePerson` and `reactivatePerson`.
#[derive(InputObject)]
pub struct SetPersonActiveInput {
    /// The person.
    pub id: ID,
    /// The version the client read; CONFLICT if the person changed since.
    pub expected_version: Option<i32>,
}

impl SetPersonActiveInput {
    fn parse(self) -> AppResult<Edit<()>> {
        Ok(Edit {
            id: decode::<person::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: (),
        })
    }
}

crate::payload!(
    /// Result of a person mutation.
    PersonPayload {
        /// The person after the change.
        person: Person(person)
    }
);

fn subject(value: &str) -> AppResult<Subject> {
    Subject::parse("input.loginSubject", value)
}

/// Linking a login or giving a role is for an ADMIN only, also when a MANAGER adds the person.
fn may_set_access(ctx: &Context<'_>, touches_access: bool) -> AppResult<()> {
    if touches_access && !ctx.actor()?.may(Permission::ManageAccess) {
        return Err(AppError::Forbidden(
            "only an ADMIN may set login subjects and roles".into(),
        ));
    }
    Ok(())
}

fn may_create(ctx: &Context<'_>, new: &NewPerson) -> AppResult<()> {
    may_set_access(ctx, new.login_subject.is_some() || new.role.is_some())
}

fn may_update(ctx: &Context<'_>, edit: &Edit<PersonPatch>) -> AppResult<()> {
    may_set_access(ctx, edit.patch.touches_access())
}

crate::record_mutations! {
    /// People mutations.
    PeopleMutation {
        /// Adds a person (ADMIN, MANAGER; linking a login or role: ADMIN).
        create_person(CreatePersonInput, "The new person: name, e-mail address and, for an ADMIN, login subject and role.")
            -> PersonPayload,
            guard = "Require(Permission::ManagePeople)", check = may_create, apply = store::create;
        /// Changes a person (ADMIN, MANAGER; login or role: ADMIN).
        update_person(UpdatePersonInput, "The person and the fields to change.") -> PersonPayload,
            guard = "Require(Permission::ManagePeople)", check = may_update, apply = store::update;
        /// Deactivates a person: kept in the records, logins refused (ADMIN, MANAGER).
        deactivate_person(SetPersonActiveInput, "The person to deactivate.") -> PersonPayload,
            guard = "Require(Permission::ManagePeople)", apply = store::deactivate;
        /// Reactivates a deactivated person (ADMIN, MANAGER).
        reactivate_person(SetPersonActiveInput, "The person to reactivate.") -> PersonPayload,
            guard = "Require(Permission::ManagePeople)", apply = store::reactivate;
    }
}

crate::record_queries! {
    /// People queries.
    PeopleQuery {
        @by_id
        /// One person by id; null with a NOT_FOUND error when the organization has none with it.
        person -> Person, "Global id of the person, as its `id` field returns it; null with NOT_FOUND when the organization has no person with it, BAD_USER_INPUT when it is not an id.";
        /// The organization's people, in the order they were added.
        people(ctx, args,
            #[graphql(
                desc = "Which people to list: the conditions set are combined with AND; everyone if omitted."
            )]
            filter: Option<PersonFilterInput>,
        ) -> Page<Person>, guard = "Require(Permission::Read)" {
            let filter = filter.unwrap_or_default();
            let select = store::select(
                ctx.scope()?,
                PersonFilter {
                    search: filter.search,
                    active: filter.active,
                    role: filter.role.map(Into::into),
                },
            )?;
            Ok(paginate(
                ctx.reads(),
                select,
                person::Column::Id,
                |p| p.id,
                args,
                Person,
            )
            .await?)
        }
    }
}

//! GraphQL types and resolvers of people.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use entity::person;

use super::store::{self, NewPerson, PersonFilter, PersonPatch, Subject};
use crate::{
    auth::{Permission, Require, RoleValue},
    error::{AppError, AppResult},
    graphql::stamps::Stamps,
    graphql::{
        ContextExt,
        connection::{Page, paginate},
        ids::decode,
        mutate, patch,
    },
    validation::{Email, Name, parse_opt},
};

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
        Stamps::of(self.0.version, self.0.created_at, self.0.updated_at)
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

/// Input of `deactivatePerson` and `reactivatePerson`.
#[derive(InputObject)]
pub struct SetPersonActiveInput {
    /// The person.
    pub id: ID,
    /// The version the client read; CONFLICT if the person changed since.
    pub expected_version: Option<i32>,
}

crate::payload!(
    /// Result of a person mutation.
    PersonPayload {
        /// The person after the change.
        person: Person(person)
    }
);

fn require_access(ctx: &Context<'_>) -> async_graphql::Result<()> {
    if ctx.actor()?.may(Permission::ManageAccess) {
        Ok(())
    } else {
        Err(AppError::Forbidden("only an ADMIN may set login subjects and roles".into()).into())
    }
}

/// People mutations.
#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Adds a person (ADMIN, MANAGER; linking a login or role: ADMIN).
    #[graphql(guard = "Require(Permission::ManagePeople)")]
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new person: name, e-mail address and, for an ADMIN, login subject and role."
        )]
        input: CreatePersonInput,
    ) -> async_graphql::Result<PersonPayload> {
        if input.login_subject.is_some() || input.role.is_some() {
            require_access(ctx)?;
        }
        let new = NewPerson {
            name: Name::parse("input.name", &input.name)?,
            email: Email::parse("input.email", &input.email)?,
            login_subject: parse_opt(input.login_subject, subject)?,
            role: input.role.map(Into::into),
        };
        let person = mutate(ctx, async |change| store::create(change, new).await).await?;
        Ok(PersonPayload::from(person))
    }

    /// Changes a person (ADMIN, MANAGER; login or role: ADMIN).
    #[graphql(guard = "Require(Permission::ManagePeople)")]
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person and the fields to change.")] input: UpdatePersonInput,
    ) -> async_graphql::Result<PersonPayload> {
        let id = decode::<person::Entity>(&input.id, "input.id")?;
        let patch = PersonPatch {
            name: parse_opt(input.name, |n| Name::parse("input.name", n))?,
            email: parse_opt(input.email, |e| Email::parse("input.email", e))?,
            login_subject: patch(input.login_subject, |s| subject(&s))?,
            role: patch(input.role, |role| Ok(role.into()))?,
        };
        if patch.touches_access() {
            require_access(ctx)?;
        }
        let person = mutate(ctx, async |change| {
            store::update(change, id, patch, input.expected_version).await
        })
        .await?;
        Ok(PersonPayload::from(person))
    }

    /// Deactivates a person: kept in the records, logins refused (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePeople)")]
    async fn deactivate_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person to deactivate.")] input: SetPersonActiveInput,
    ) -> async_graphql::Result<PersonPayload> {
        set_active(ctx, input, false).await
    }

    /// Reactivates a deactivated person (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePeople)")]
    async fn reactivate_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person to reactivate.")] input: SetPersonActiveInput,
    ) -> async_graphql::Result<PersonPayload> {
        set_active(ctx, input, true).await
    }
}

fn subject(value: &str) -> AppResult<Subject> {
    Subject::parse("input.loginSubject", value)
}

async fn set_active(
    ctx: &Context<'_>,
    input: SetPersonActiveInput,
    active: bool,
) -> async_graphql::Result<PersonPayload> {
    let id = decode::<person::Entity>(&input.id, "input.id")?;
    let person = mutate(ctx, async |change| {
        store::set_active(change, id, active, input.expected_version).await
    })
    .await?;
    Ok(PersonPayload::from(person))
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

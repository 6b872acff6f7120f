//! GraphQL types and resolvers of services.

use entity::{LifecycleStatus, person, service};

use super::store::{self, Availability, NewService, RestoreTargets, ServiceFilter, ServicePatch};
use crate::{
    graphql::prelude::*,
    people::graphql::Person,
    portfolio::{processes::graphql::Process, relations::ProcessesOfService},
};

/// How much the business depends on a service.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::Criticality")]
pub enum Criticality {
    /// Little impact on the business when it fails.
    Low,
    /// Noticeable impact on the business; the default.
    Medium,
    /// Major impact on the business.
    High,
    /// The business stops without it.
    Critical,
}

/// Where a service is in its lifecycle.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::LifecycleStatus")]
pub enum ServiceStatus {
    /// Planned or being built.
    Pipeline,
    /// Delivered to customers.
    Live,
    /// No longer delivered.
    Retired,
}

/// A restore-time target for incidents of one priority.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "RestoreTargetInput")]
pub struct RestoreTarget {
    /// Incident priority: P1 (highest) to P4.
    pub priority: String,
    /// Minutes to restore service.
    pub minutes: i32,
}

crate::node_object!(
    /// An entry of the service portfolio.
    Service(service)
);

#[Object(use_type_description)]
impl Service {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Name, unique in the organization.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the service is.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Who receives it.
    async fn customer(&self) -> &str {
        &self.0.customer
    }
    /// How much the business depends on it.
    async fn criticality(&self) -> Criticality {
        self.0.criticality.into()
    }
    /// Lifecycle status.
    async fn status(&self) -> ServiceStatus {
        self.0.lifecycle_status.into()
    }
    /// The service owner.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.owner_id).await?)
    }
    /// The processes that apply to this service.
    #[graphql(complexity = "crate::graphql::cost::related_complexity(child_complexity)")]
    async fn processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_list::<Linked<ProcessesOfService>, _, _>(ctx, self.0.id, Process).await?)
    }
    /// Restore-time targets by incident priority.
    #[graphql(complexity = "1 + 4 * child_complexity")]
    async fn restore_targets(&self) -> async_graphql::Result<Vec<RestoreTarget>> {
        Ok(store::targets_of(&self.0)?
            .into_iter()
            .map(|(priority, minutes)| RestoreTarget { priority, minutes })
            .collect())
    }
    /// Availability target, percent.
    async fn availability_target(&self) -> Option<f64> {
        self.0.availability_target
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<entity::service::Entity>(&self.0)
    }
}

/// Filters of the service list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct ServiceFilterInput {
    /// Part of the name, customer or description, case-insensitive.
    pub search: Option<String>,
    /// Only services in this status.
    pub status: Option<ServiceStatus>,
    /// Only services of this criticality.
    pub criticality: Option<Criticality>,
    /// Only services of this owner.
    pub owner_id: Option<ID>,
}

/// Orders of the service list.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceOrder {
    /// Oldest first.
    #[default]
    CreatedAt,
    /// By name, A to Z.
    Name,
}

/// Input of `createService`.
#[derive(InputObject)]
pub struct CreateServiceInput {
    /// Name (1 to 200 characters), unique in the organization.
    pub name: String,
    /// What the service is (up to 4,000 characters).
    pub description: Option<String>,
    /// Who receives it.
    pub customer: Option<String>,
    /// Default MEDIUM.
    pub criticality: Option<Criticality>,
    /// Default PIPELINE.
    pub status: Option<ServiceStatus>,
    /// The service owner.
    pub owner_id: Option<ID>,
    /// Restore-time targets, one per priority.
    pub restore_targets: Option<Vec<RestoreTarget>>,
    /// Availability target, percent (above 0, at most 100).
    pub availability_target: Option<f64>,
}

impl CreateServiceInput {
    fn parse(self) -> AppResult<NewService> {
        Ok(NewService {
            name: Name::parse("input.name", &self.name)?,
            description: parse_opt(self.description, |d| Text::parse("input.description", d))?
                .unwrap_or_default(),
            customer: parse_opt(self.customer, |c| Line::parse("input.customer", c))?
                .unwrap_or_default(),
            criticality: self
                .criticality
                .map_or(entity::Criticality::Medium, Into::into),
            lifecycle_status: self.status.map_or(LifecycleStatus::Pipeline, Into::into),
            owner_id: self.owner_id.as_ref().map(owner).transpose()?,
            restore_targets: targets(self.restore_targets)?.unwrap_or_default(),
            availability_target: self
                .availability_target
                .map(Availability::parse)
                .transpose()?,
        })
    }
}

/// Input of `updateService`: omitted fields stay; `null` clears `ownerId` and `availabilityTarget`.
#[derive(InputObject)]
pub struct UpdateServiceInput {
    /// The service.
    pub id: ID,
    /// The version the client read; CONFLICT if the service changed since.
    pub expected_version: Option<i32>,
    /// New name (1 to 200 characters), unique in the organization.
    pub name: Option<String>,
    /// New description (up to 4,000 characters).
    pub description: Option<String>,
    /// New customer (up to 200 characters).
    pub customer: Option<String>,
    /// New criticality.
    pub criticality: Option<Criticality>,
    /// New lifecycle status.
    pub status: Option<ServiceStatus>,
    /// New service owner (a Person's global id), or null to clear.
    pub owner_id: MaybeUndefined<ID>,
    /// New restore-time targets, one per priority: replaces the whole list.
    pub restore_targets: Option<Vec<RestoreTarget>>,
    /// New availability target, percent (above 0, at most 100), or null to clear.
    pub availability_target: MaybeUndefined<f64>,
}

impl UpdateServiceInput {
    fn parse(self) -> AppResult<Edit<ServicePatch>> {
        Ok(Edit {
            id: decode::<service::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: ServicePatch {
                name: parse_opt(self.name, |n| Name::parse("input.name", n))?,
                description: parse_opt(self.description, |d| Text::parse("input.description", d))?,
                customer: parse_opt(self.customer, |c| Line::parse("input.customer", c))?,
                criticality: self.criticality.map(Into::into),
                lifecycle_status: self.status.map(Into::into),
                owner_id: patch(self.owner_id, |id| owner(&id))?,
                restore_targets: targets(self.restore_targets)?,
                availability_target: patch(self.availability_target, Availability::parse)?,
            },
        })
    }
}

/// Input of `retireService`.
#[derive(InputObject)]
pub struct RetireServiceInput {
    /// The service.
    pub id: ID,
    /// The version the client read; CONFLICT if the service changed since.
    pub expected_version: Option<i32>,
}

impl RetireServiceInput {
    fn parse(self) -> AppResult<Edit<ServicePatch>> {
        Ok(Edit {
            id: decode::<service::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: ServicePatch {
                lifecycle_status: Some(LifecycleStatus::Retired),
                ..Default::default()
            },
        })
    }
}

crate::payload!(
    /// Result of a service mutation.
    ServicePayload {
        /// The service after the change.
        service: Service(service)
    }
);

fn targets(targets: Option<Vec<RestoreTarget>>) -> AppResult<Option<RestoreTargets>> {
    targets
        .map(|list| {
            store::restore_targets(list.into_iter().map(|t| (t.priority, t.minutes)).collect())
        })
        .transpose()
}

fn owner(id: &ID) -> AppResult<uuid::Uuid> {
    decode::<person::Entity>(id, "input.ownerId")
}

crate::record_mutations! {
    /// Service mutations.
    ServiceMutation {
        /// Adds a service to the portfolio (ADMIN, MANAGER).
        create_service(CreateServiceInput, "The new service.") -> ServicePayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::create;
        /// Changes a service (ADMIN, MANAGER).
        update_service(UpdateServiceInput, "The service, the version read and the fields to change.")
            -> ServicePayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::update;
        /// Retires a service: it stays in the records with status RETIRED (ADMIN, MANAGER).
        retire_service(RetireServiceInput, "The service to retire, and the version read.")
            -> ServicePayload,
            guard = "Require(Permission::ManagePortfolio)", apply = store::retire;
    }
}

crate::record_queries! {
    /// Service queries.
    ServiceQuery {
        @by_id
        /// One service by id; null with a NOT_FOUND error when the organization has none with it.
        service -> Service, "Global id of the service, as its `id` field returns it; null with NOT_FOUND when the organization has no service with it, BAD_USER_INPUT when it is not an id.";
        /// The service portfolio.
        services(ctx, args,
            #[graphql(
                desc = "Which services to list: the conditions set are combined with AND; the whole portfolio if omitted."
            )]
            filter: Option<ServiceFilterInput>,
            #[graphql(
                desc = "Order of the list, default CREATED_AT. A cursor is valid only in the order it was read in."
            )]
            order_by: Option<ServiceOrder>,
        ) -> Page<Service>, guard = "Require(Permission::Read)" {
            let filter = filter.unwrap_or_default();
            let select = store::select(
                ctx.scope()?,
                ServiceFilter {
                    search: filter.search,
                    status: filter.status.map(Into::into),
                    criticality: filter.criticality.map(Into::into),
                    owner_id: decode_opt::<entity::person::Entity>(filter.owner_id.as_ref(), "filter.ownerId")?,
                },
            )?;
            let reads = ctx.reads();
            Ok(match order_by.unwrap_or_default() {
                ServiceOrder::CreatedAt => {
                    paginate(reads, select, service::Column::Id, |s| s.id, args, Service).await?
                }
                ServiceOrder::Name => {
                    paginate(
                        reads,
                        select,
                        service::Column::Name,
                        |s| s.name.clone(),
                        args,
                        Service,
                    )
                    .await?
                }
            })
        }
    }
}

//! GraphQL types and resolvers of services.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use entity::{LifecycleStatus, service};

use super::store::{self, ServiceFields, ServiceFilter};
use crate::{
    audit_trail::Change,
    auth::{Permission, Require},
    graphql::scalars::DateTime,
    graphql::{
        ContextExt,
        connection::{Page, PageArgs, page_complexity, paginate},
        ids::{decode_id, global_id},
        patch,
    },
    people::graphql::Person,
    portfolio::processes::graphql::Process,
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

/// An entry of the service portfolio.
#[derive(Clone, async_graphql::Description)]
pub struct Service(pub std::sync::Arc<service::Model>);

impl From<service::Model> for Service {
    fn from(model: service::Model) -> Self {
        Self(std::sync::Arc::new(model))
    }
}

#[Object(use_type_description)]
impl Service {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id("Service", self.0.id)
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
        let Some(owner) = self.0.owner_id else {
            return Ok(None);
        };
        Ok(ctx.loaders()?.people.one(owner, Person).await?)
    }
    /// The processes that apply to this service.
    #[graphql(complexity = "crate::graphql::cost::related_complexity(child_complexity)")]
    async fn processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(ctx
            .loaders()?
            .processes_of_service
            .list(self.0.id, Process)
            .await?)
    }
    /// Restore-time targets by incident priority.
    #[graphql(complexity = "1 + 4 * child_complexity")]
    async fn restore_targets(&self) -> Vec<RestoreTarget> {
        store::targets_of(&self.0)
            .into_iter()
            .map(|(priority, minutes)| RestoreTarget { priority, minutes })
            .collect()
    }
    /// Availability target, percent.
    async fn availability_target(&self) -> Option<f64> {
        self.0.availability_target
    }
    /// Version, for `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.into()
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at.into()
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

/// Service queries.
#[derive(Default)]
pub struct ServiceQuery;

#[Object]
impl ServiceQuery {
    /// The service portfolio.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "page_complexity(first, last, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn services(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which services to list: the conditions set are combined with AND; the whole portfolio if omitted."
        )]
        filter: Option<ServiceFilterInput>,
        #[graphql(
            desc = "Order of the list, default CREATED_AT. A cursor is valid only in the order it was read in."
        )]
        order_by: Option<ServiceOrder>,
        #[graphql(
            desc = "Up to this many records from the start (or after `after`); 0 to 100, default 20 unless `last` is given. Outside 0 to 100: BAD_USER_INPUT."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only records after this cursor: an edge's `cursor` or `pageInfo.endCursor` of this list, as returned. Anything else: BAD_USER_INPUT."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Up to this many records from the end (or before `before`); 0 to 100. With `first`, the last of those. Outside 0 to 100: BAD_USER_INPUT."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only records before this cursor: an edge's `cursor` or `pageInfo.startCursor` of this list, as returned. Anything else: BAD_USER_INPUT."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Page<Service>> {
        let filter = filter.unwrap_or_default();
        let select = store::select(
            ctx.scope()?,
            ServiceFilter {
                search: filter.search,
                status: filter.status.map(Into::into),
                criticality: filter.criticality.map(Into::into),
                owner_id: filter
                    .owner_id
                    .as_ref()
                    .map(|id| decode_id(id, "Person", "filter.ownerId"))
                    .transpose()?,
            },
        )?;
        let args = PageArgs::new(ctx, first, after, last, before);
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

    /// One service by id; null with a NOT_FOUND error when the organization has none with it.
    #[graphql(guard = "Require(Permission::Read)")]
    async fn service(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Global id of the service, as its `id` field returns it; null with NOT_FOUND when the organization has no service with it, BAD_USER_INPUT when it is not an id."
        )]
        id: ID,
    ) -> async_graphql::Result<Option<Service>> {
        let id = decode_id(&id, "Service", "id")?;
        Ok(Some(Service::from(
            ctx.scope()?
                .find::<service::Entity>(&ctx.state().db, id)
                .await?,
        )))
    }
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

/// Input of `retireService`.
#[derive(InputObject)]
pub struct RetireServiceInput {
    /// The service.
    pub id: ID,
    /// The version the client read; CONFLICT if the service changed since.
    pub expected_version: Option<i32>,
}

/// Result of a service mutation.
#[derive(SimpleObject)]
pub struct ServicePayload {
    /// The service after the change.
    pub service: Service,
}

fn targets(targets: Option<Vec<RestoreTarget>>) -> Option<Vec<(String, i32)>> {
    targets.map(|list| list.into_iter().map(|t| (t.priority, t.minutes)).collect())
}

/// Service mutations.
#[derive(Default)]
pub struct ServiceMutation;

#[Object]
impl ServiceMutation {
    /// Adds a service to the portfolio (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn create_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new service.")] input: CreateServiceInput,
    ) -> async_graphql::Result<ServicePayload> {
        let owner = input
            .owner_id
            .as_ref()
            .map(|id| decode_id(id, "Person", "input.ownerId"))
            .transpose()?;
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let service = store::create(
            &mut change,
            ServiceFields {
                name: Some(input.name),
                description: input.description,
                customer: input.customer,
                criticality: input.criticality.map(Into::into),
                lifecycle_status: input.status.map(Into::into),
                owner_id: Some(owner),
                restore_targets: targets(input.restore_targets),
                availability_target: Some(input.availability_target),
            },
        )
        .await?;
        change.commit(&state.bus).await?;
        Ok(ServicePayload {
            service: Service::from(service),
        })
    }

    /// Changes a service (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn update_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service, the version read and the fields to change.")]
        input: UpdateServiceInput,
    ) -> async_graphql::Result<ServicePayload> {
        let id = decode_id(&input.id, "Service", "input.id")?;
        let owner_id = patch(input.owner_id, |id| {
            decode_id(&id, "Person", "input.ownerId")
        })?;
        let availability_target = patch(input.availability_target, Ok)?;
        let fields = ServiceFields {
            name: input.name,
            description: input.description,
            customer: input.customer,
            criticality: input.criticality.map(Into::into),
            lifecycle_status: input.status.map(Into::into),
            owner_id,
            restore_targets: targets(input.restore_targets),
            availability_target,
        };
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let service = store::update(
            &mut change,
            id,
            fields,
            input.expected_version,
            "service.update",
        )
        .await?;
        change.commit(&state.bus).await?;
        Ok(ServicePayload {
            service: Service::from(service),
        })
    }

    /// Retires a service: it stays in the records with status RETIRED (ADMIN, MANAGER).
    #[graphql(guard = "Require(Permission::ManagePortfolio)")]
    async fn retire_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service to retire, and the version read.")] input: RetireServiceInput,
    ) -> async_graphql::Result<ServicePayload> {
        let id = decode_id(&input.id, "Service", "input.id")?;
        let fields = ServiceFields {
            lifecycle_status: Some(LifecycleStatus::Retired),
            ..Default::default()
        };
        let state = ctx.state();
        let mut change = Change::begin(&state.db, ctx.actor()?).await?;
        let service = store::update(
            &mut change,
            id,
            fields,
            input.expected_version,
            "service.retire",
        )
        .await?;
        change.commit(&state.bus).await?;
        Ok(ServicePayload {
            service: Service::from(service),
        })
    }
}

//! DataLoaders: every relation field loads through one of these, so a page of N records with
//! nested fields costs one query per field, not one per record. They are made per request,
//! after authentication, and scoped to the caller's organization like every other read.

use std::{collections::HashMap, marker::PhantomData, sync::Arc, time::Duration};

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{RaciRole, person, process, process_service, raci_assignment, service};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::tenancy::{Scope, TenantEntity};

/// How long a loader waits to collect keys before it queries. Resolvers of one level run
/// concurrently, so a short wait is enough to batch them; it is paid once per level.
const BATCH_DELAY: Duration = Duration::from_micros(200);

/// Errors cross the loader as text: the loader's result must be cloneable.
type LoadError = Arc<sea_orm::DbErr>;

/// Rows of `E` by id.
pub struct ById<E> {
    db: DatabaseConnection,
    scope: Scope,
    entity: PhantomData<fn() -> E>,
}

impl<E> Loader<Uuid> for ById<E>
where
    E: TenantEntity + Send + Sync + 'static,
    E::Model: sea_orm::FromQueryResult + Clone + Send + Sync + 'static,
    E::Model: HasId,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = self
            .scope
            .select_ids::<E>(keys.iter().copied())
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|row| (row.id(), row)).collect())
    }
}

/// Models with a UUID primary key.
pub trait HasId {
    fn id(&self) -> Uuid;
}

macro_rules! has_id {
    ($($module:ident),+) => {$(
        impl HasId for $module::Model {
            fn id(&self) -> Uuid {
                self.id
            }
        }
    )+};
}

has_id!(person, process, service);

/// Rows grouped by a foreign key: `key_of` says which key a row belongs to.
pub struct GroupedBy<E: EntityTrait> {
    db: DatabaseConnection,
    scope: Scope,
    column: E::Column,
    key_of: fn(&E::Model) -> Uuid,
}

impl<E> Loader<Uuid> for GroupedBy<E>
where
    E: TenantEntity + Send + Sync + 'static,
    E::Model: sea_orm::FromQueryResult + Clone + Send + Sync + 'static,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = self
            .scope
            .select::<E>()
            .filter(self.column.is_in(keys.iter().copied()))
            .order_by_asc(E::id_column())
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        let mut grouped: HashMap<Uuid, Vec<E::Model>> = HashMap::new();
        for row in rows {
            grouped.entry((self.key_of)(&row)).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// One side of the process-service link for each key of the other: one query on the link
/// table, one on the targets.
pub struct Linked<T: EntityTrait> {
    db: DatabaseConnection,
    scope: Scope,
    /// The link column the keys are in.
    key_column: process_service::Column,
    /// (key, target id) of a link.
    split: fn(&process_service::Model) -> (Uuid, Uuid),
    target: PhantomData<fn() -> T>,
}

impl<T> Loader<Uuid> for Linked<T>
where
    T: TenantEntity + Send + Sync + 'static,
    T::Model: sea_orm::FromQueryResult + HasId + Clone + Send + Sync + 'static,
{
    type Value = Vec<T::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let links: Vec<(Uuid, Uuid)> = process_service::Entity::find()
            .filter(process_service::Column::OrganizationId.eq(self.scope.organization_id))
            .filter(self.key_column.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(Arc::new)?
            .iter()
            .map(self.split)
            .collect();
        let targets: HashMap<Uuid, T::Model> = self
            .scope
            .select_ids::<T>(links.iter().map(|(_, target)| *target))
            .all(&self.db)
            .await
            .map_err(Arc::new)?
            .into_iter()
            .map(|t| (t.id(), t))
            .collect();
        let mut grouped: HashMap<Uuid, Vec<T::Model>> = HashMap::new();
        for (key, target) in links {
            if let Some(target) = targets.get(&target) {
                grouped.entry(key).or_default().push(target.clone());
            }
        }
        for list in grouped.values_mut() {
            list.sort_by_key(HasId::id);
        }
        Ok(grouped)
    }
}

/// The ACCOUNTABLE person of each process, in one loader (two queries), so that the field does
/// not load every assignment and then the person in a second round.
pub struct AccountableOfProcess {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<Uuid> for AccountableOfProcess {
    type Value = person::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let accountable: Vec<(Uuid, Uuid)> = self
            .scope
            .select::<raci_assignment::Entity>()
            .filter(raci_assignment::Column::RaciRole.eq(RaciRole::Accountable))
            .filter(raci_assignment::Column::ProcessId.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(Arc::new)?
            .into_iter()
            .map(|a| (a.process_id, a.person_id))
            .collect();
        let people: HashMap<Uuid, person::Model> = self
            .scope
            .select_ids::<person::Entity>(accountable.iter().map(|(_, person)| *person))
            .all(&self.db)
            .await
            .map_err(Arc::new)?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        Ok(accountable
            .into_iter()
            .filter_map(|(process, person)| people.get(&person).map(|p| (process, p.clone())))
            .collect())
    }
}

/// Every loader of one request.
pub struct Loaders {
    pub people: DataLoader<ById<person::Entity>>,
    pub processes: DataLoader<ById<process::Entity>>,
    pub services_of_process: DataLoader<Linked<service::Entity>>,
    pub processes_of_service: DataLoader<Linked<process::Entity>>,
    pub raci_of_process: DataLoader<GroupedBy<raci_assignment::Entity>>,
    pub accountable_of_process: DataLoader<AccountableOfProcess>,
    pub raci_of_person: DataLoader<GroupedBy<raci_assignment::Entity>>,
    pub processes_of_owner: DataLoader<GroupedBy<process::Entity>>,
    pub services_of_owner: DataLoader<GroupedBy<service::Entity>>,
}

fn loader<T: Loader<Uuid>>(loader: T) -> DataLoader<T> {
    DataLoader::new(loader, tokio::spawn).delay(BATCH_DELAY)
}

fn by_id<E>(db: &DatabaseConnection, scope: Scope) -> ById<E> {
    ById {
        db: db.clone(),
        scope,
        entity: PhantomData,
    }
}

impl Loaders {
    /// The loaders of a request in `scope`.
    pub fn new(db: &DatabaseConnection, scope: Scope) -> Self {
        Self {
            people: loader(by_id(db, scope)),
            processes: loader(by_id(db, scope)),
            services_of_process: loader(Linked {
                db: db.clone(),
                scope,
                key_column: process_service::Column::ProcessId,
                split: |link| (link.process_id, link.service_id),
                target: PhantomData,
            }),
            processes_of_service: loader(Linked {
                db: db.clone(),
                scope,
                key_column: process_service::Column::ServiceId,
                split: |link| (link.service_id, link.process_id),
                target: PhantomData,
            }),
            raci_of_process: loader(GroupedBy {
                db: db.clone(),
                scope,
                column: raci_assignment::Column::ProcessId,
                key_of: |row| row.process_id,
            }),
            accountable_of_process: loader(AccountableOfProcess {
                db: db.clone(),
                scope,
            }),
            raci_of_person: loader(GroupedBy {
                db: db.clone(),
                scope,
                column: raci_assignment::Column::PersonId,
                key_of: |row| row.person_id,
            }),
            processes_of_owner: loader(GroupedBy {
                db: db.clone(),
                scope,
                column: process::Column::OwnerId,
                key_of: |row| row.owner_id.unwrap_or_default(),
            }),
            services_of_owner: loader(GroupedBy {
                db: db.clone(),
                scope,
                column: service::Column::OwnerId,
                key_of: |row| row.owner_id.unwrap_or_default(),
            }),
        }
    }
}

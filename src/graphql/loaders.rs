//! The relation loaders of a request: every relation field loads through one of these, so a
//! page of N records with nested fields costs one query per field and level, not one per
//! record. They are made per request, after authentication, and scoped to the caller's
//! organization like every other read; `batch.rs` does the batching, and shares answers with
//! later requests through the read cache when the request may.

use std::{collections::HashMap, marker::PhantomData, sync::Arc};

use entity::{RaciRole, person, process, process_service, raci_assignment, service};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    batch::{BatchLoad, Batcher},
    cost::MAX_RELATED,
};
use crate::{
    error::AppResult,
    read_cache::{CachedReads, weigh},
    tenancy::{Scope, TenantEntity},
};

/// Rows of `E` by id.
pub struct ById<E> {
    db: DatabaseConnection,
    scope: Scope,
    entity: PhantomData<fn() -> E>,
}

impl<E> BatchLoad for ById<E>
where
    E: TenantEntity + Send + Sync + 'static,
    E::Model: sea_orm::FromQueryResult + HasId + serde::Serialize + Send + Sync + 'static,
{
    type Value = Arc<E::Model>;

    fn weight(row: &Self::Value) -> usize {
        weigh(row.as_ref())
    }

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
        let rows = self
            .scope
            .select_ids::<E>(keys.iter().copied())
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.id(), Arc::new(row)))
            .collect())
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

/// A list value: shared, and its rows shared with every other list that holds them.
pub type Rows<M> = Arc<Vec<Arc<M>>>;

impl<L: BatchLoad> Batcher<L> {
    /// The value of `key`, if it has one, as the GraphQL type `wrap` makes of it.
    pub async fn one<W>(
        &self,
        key: Uuid,
        wrap: impl FnOnce(L::Value) -> W,
    ) -> AppResult<Option<W>> {
        Ok(self.load_one(key).await?.map(wrap))
    }
}

impl<L, M> Batcher<L>
where
    L: BatchLoad<Value = Rows<M>>,
    M: Send + Sync + 'static,
{
    /// The rows of `key` (none if it has none), as the GraphQL type `wrap` makes of each; at
    /// most `MAX_RELATED` of them, which is what the field's complexity counts on.
    pub async fn list<W>(&self, key: Uuid, wrap: impl Fn(Arc<M>) -> W) -> AppResult<Vec<W>> {
        let Some(rows) = self.load_one(key).await? else {
            return Ok(Vec::new());
        };
        if rows.len() > MAX_RELATED {
            return Err(crate::error::AppError::bad_input(
                "query",
                format!(
                    "this list holds more than {MAX_RELATED} records; read them through the connection of their kind, with a filter, a page at a time"
                ),
            ));
        }
        Ok(rows.iter().cloned().map(wrap).collect())
    }
}

/// Rows grouped by a foreign key: `key_of` says which key a row belongs to.
pub struct GroupedBy<E: EntityTrait> {
    db: DatabaseConnection,
    scope: Scope,
    column: E::Column,
    key_of: fn(&E::Model) -> Uuid,
}

impl<E> BatchLoad for GroupedBy<E>
where
    E: TenantEntity + Send + Sync + 'static,
    E::Model: sea_orm::FromQueryResult + serde::Serialize + Send + Sync + 'static,
    E::Column: Send + Sync,
{
    type Value = Rows<E::Model>;

    fn weight(rows: &Self::Value) -> usize {
        rows.iter().map(|row| weigh(row.as_ref())).sum()
    }

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
        let rows = self
            .scope
            .select::<E>()
            .filter(self.column.is_in(keys.iter().copied()))
            .order_by_asc(E::id_column())
            .all(&self.db)
            .await?;
        let mut grouped: HashMap<Uuid, Vec<Arc<E::Model>>> = HashMap::new();
        for row in rows {
            grouped
                .entry((self.key_of)(&row))
                .or_default()
                .push(Arc::new(row));
        }
        Ok(grouped
            .into_iter()
            .map(|(key, rows)| (key, Arc::new(rows)))
            .collect())
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

impl<T> BatchLoad for Linked<T>
where
    T: TenantEntity + Send + Sync + 'static,
    T::Model: sea_orm::FromQueryResult + HasId + serde::Serialize + Send + Sync + 'static,
{
    type Value = Rows<T::Model>;

    fn weight(rows: &Self::Value) -> usize {
        rows.iter().map(|row| weigh(row.as_ref())).sum()
    }

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
        let links: Vec<(Uuid, Uuid)> = process_service::Entity::find()
            .filter(process_service::Column::OrganizationId.eq(self.scope.organization_id))
            .filter(self.key_column.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?
            .iter()
            .map(self.split)
            .collect();
        let mut target_ids: Vec<Uuid> = links.iter().map(|(_, target)| *target).collect();
        target_ids.sort_unstable();
        target_ids.dedup();
        let targets: HashMap<Uuid, Arc<T::Model>> = self
            .scope
            .select_ids::<T>(target_ids)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| (t.id(), Arc::new(t)))
            .collect();
        let mut grouped: HashMap<Uuid, Vec<Arc<T::Model>>> = HashMap::new();
        for (key, target) in links {
            if let Some(target) = targets.get(&target) {
                grouped.entry(key).or_default().push(Arc::clone(target));
            }
        }
        Ok(grouped
            .into_iter()
            .map(|(key, mut list)| {
                list.sort_by_key(|t| t.id());
                (key, Arc::new(list))
            })
            .collect())
    }
}

/// The ACCOUNTABLE person of each process: the assignments joined with their people, in one
/// statement, so that the field costs neither a round for every assignment nor a second one
/// for the people.
pub struct AccountableOfProcess {
    db: DatabaseConnection,
    scope: Scope,
}

impl BatchLoad for AccountableOfProcess {
    type Value = Arc<person::Model>;

    fn weight(person: &Self::Value) -> usize {
        weigh(person.as_ref())
    }

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
        Ok(self
            .scope
            .select::<raci_assignment::Entity>()
            .filter(raci_assignment::Column::RaciRole.eq(RaciRole::Accountable))
            .filter(raci_assignment::Column::ProcessId.is_in(keys.iter().copied()))
            .find_also_related(person::Entity)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|(assignment, person)| Some((assignment.process_id, Arc::new(person?))))
            .collect())
    }
}

/// Every loader of one request.
pub struct Loaders {
    pub people: Batcher<ById<person::Entity>>,
    pub processes: Batcher<ById<process::Entity>>,
    pub services_of_process: Batcher<Linked<service::Entity>>,
    pub processes_of_service: Batcher<Linked<process::Entity>>,
    pub raci_of_process: Batcher<GroupedBy<raci_assignment::Entity>>,
    pub accountable_of_process: Batcher<AccountableOfProcess>,
    pub raci_of_person: Batcher<GroupedBy<raci_assignment::Entity>>,
    pub processes_of_owner: Batcher<GroupedBy<process::Entity>>,
    pub services_of_owner: Batcher<GroupedBy<service::Entity>>,
}

impl Loaders {
    /// The loaders of a request in `scope`, sharing answers through `cache` if given.
    pub fn new(db: &DatabaseConnection, scope: Scope, cache: Option<&CachedReads>) -> Self {
        // Each loader shares its answers under its own name: two loaders of one type (the
        // RACI rows of a process, of a person) answer different questions about one id.
        fn batcher<L: BatchLoad>(
            cache: Option<&CachedReads>,
            name: &'static str,
            loader: L,
        ) -> Batcher<L> {
            Batcher::sharing(loader, cache.map(|cache| (cache.clone(), name)))
        }
        fn by_id<E>(db: &DatabaseConnection, scope: Scope) -> ById<E> {
            ById {
                db: db.clone(),
                scope,
                entity: PhantomData,
            }
        }
        Self {
            people: batcher(cache, "people", by_id(db, scope)),
            processes: batcher(cache, "processes", by_id(db, scope)),
            services_of_process: batcher(
                cache,
                "services_of_process",
                Linked {
                    db: db.clone(),
                    scope,
                    key_column: process_service::Column::ProcessId,
                    split: |link| (link.process_id, link.service_id),
                    target: PhantomData,
                },
            ),
            processes_of_service: batcher(
                cache,
                "processes_of_service",
                Linked {
                    db: db.clone(),
                    scope,
                    key_column: process_service::Column::ServiceId,
                    split: |link| (link.service_id, link.process_id),
                    target: PhantomData,
                },
            ),
            raci_of_process: batcher(
                cache,
                "raci_of_process",
                GroupedBy {
                    db: db.clone(),
                    scope,
                    column: raci_assignment::Column::ProcessId,
                    key_of: |row| row.process_id,
                },
            ),
            accountable_of_process: batcher(
                cache,
                "accountable_of_process",
                AccountableOfProcess {
                    db: db.clone(),
                    scope,
                },
            ),
            raci_of_person: batcher(
                cache,
                "raci_of_person",
                GroupedBy {
                    db: db.clone(),
                    scope,
                    column: raci_assignment::Column::PersonId,
                    key_of: |row| row.person_id,
                },
            ),
            processes_of_owner: batcher(
                cache,
                "processes_of_owner",
                GroupedBy {
                    db: db.clone(),
                    scope,
                    column: process::Column::OwnerId,
                    key_of: |row| row.owner_id.unwrap_or_default(),
                },
            ),
            services_of_owner: batcher(
                cache,
                "services_of_owner",
                GroupedBy {
                    db: db.clone(),
                    scope,
                    column: service::Column::OwnerId,
                    key_of: |row| row.owner_id.unwrap_or_default(),
                },
            ),
        }
    }
}

//! The relation loaders of a request: every relation field loads through one of these, so a
//! page of N records with nested fields costs one query per field and level, not one per
//! record. They are scoped to the caller's organization like every other read, made the first
//! time a request uses them, and share answers with later requests through the read cache when
//! the request may; `batch.rs` does the batching.
//!
//! The loaders are generic: rows by id ([`ById`]), rows grouped by a foreign key
//! ([`GroupedBy`] of a [`Grouping`]) and the far side of a link table ([`Linked`] of a
//! [`LinkTable`]). An area declares its relations with [`grouping!`](crate::grouping) and
//! [`link_table!`](crate::link_table), or implements [`Loader`] for one of its own.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    marker::PhantomData,
    sync::{Arc, Mutex, PoisonError},
};

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    batch::{BatchLoad, Batcher},
    cost::MAX_RELATED,
};
use crate::{
    error::{AppError, AppResult},
    read_cache::{CachedReads, weigh},
    record::{Record, Tenant},
    tenancy::Scope,
};

/// A batch loader a request makes for itself.
pub trait Loader: BatchLoad + Sized {
    /// The name its answers are shared under in the read cache: two loaders of one type (the
    /// RACI rows of a process, of a person) answer different questions about one id.
    const NAME: &'static str;
    /// The loader of a request in `scope`.
    fn new(db: &DatabaseConnection, scope: Scope) -> Self;
}

/// What every generic loader reads with.
pub struct Reader<T> {
    pub db: DatabaseConnection,
    pub scope: Scope,
    of: PhantomData<fn() -> T>,
}

impl<T> Reader<T> {
    fn new(db: &DatabaseConnection, scope: Scope) -> Self {
        Self {
            db: db.clone(),
            scope,
            of: PhantomData,
        }
    }
}

/// Rows of `E` by id.
pub type ById<E> = Reader<ByIdOf<E>>;
/// Marks a [`Reader`] of rows by id.
pub struct ByIdOf<E>(PhantomData<E>);

impl<E> BatchLoad for ById<E>
where
    E: Record,
    E::Model: serde::Serialize + Sync,
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
            .map(|row| (E::id_of(&row), Arc::new(row)))
            .collect())
    }
}

impl<E> Loader for ById<E>
where
    ById<E>: BatchLoad,
    E: Record,
{
    const NAME: &'static str = E::TYPE;
    fn new(db: &DatabaseConnection, scope: Scope) -> Self {
        Reader::new(db, scope)
    }
}

/// A list value: shared, and its rows shared with every other list that holds them.
pub type Rows<M> = Arc<Vec<Arc<M>>>;

/// Groups rows into one list per key, each in id order.
fn grouped<M>(rows: impl IntoIterator<Item = (Uuid, Arc<M>)>) -> HashMap<Uuid, Rows<M>> {
    let mut grouped: HashMap<Uuid, Vec<Arc<M>>> = HashMap::new();
    for (key, row) in rows {
        grouped.entry(key).or_default().push(row);
    }
    grouped
        .into_iter()
        .map(|(key, rows)| (key, Arc::new(rows)))
        .collect()
}

fn weigh_rows<M: serde::Serialize>(rows: &Rows<M>) -> usize {
    rows.iter().map(|row| weigh(row.as_ref())).sum()
}

/// The rows of a record type that name a key in one column: `process.owner_id` for the
/// processes of an owner. Declared with [`grouping!`](crate::grouping).
pub trait Grouping: Send + Sync + 'static {
    /// The rows' table.
    type Entity: Tenant;
    /// The loader's name in the read cache.
    const NAME: &'static str;
    /// The column that holds the key.
    fn column() -> <Self::Entity as EntityTrait>::Column;
    /// The key of a row.
    fn key_of(row: &<Self::Entity as EntityTrait>::Model) -> Option<Uuid>;
    /// The order of the rows within each list: by default their id (creation order, ids
    /// being UUID v7); `ordered by` in [`grouping!`](crate::grouping) puts a column of their
    /// own first, and `sorted by` orders rows that have no id by a column alone.
    fn order() -> Vec<<Self::Entity as EntityTrait>::Column>;
}

/// Rows grouped by a foreign key, as grouping `G` says.
pub type GroupedBy<G> = Reader<GroupedByOf<G>>;
/// Marks a [`Reader`] of grouped rows.
pub struct GroupedByOf<G>(PhantomData<G>);

impl<G> BatchLoad for GroupedBy<G>
where
    G: Grouping,
    <G::Entity as EntityTrait>::Model: serde::Serialize + Sync,
{
    type Value = Rows<<G::Entity as EntityTrait>::Model>;

    fn weight(rows: &Self::Value) -> usize {
        weigh_rows(rows)
    }

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
        let rows = G::order()
            .into_iter()
            .fold(
                self.scope
                    .select::<G::Entity>()
                    .filter(G::column().is_in(keys.iter().copied())),
                |select, column| select.order_by_asc(column),
            )
            .all(&self.db)
            .await?;
        Ok(grouped(
            rows.into_iter()
                .filter_map(|row| Some((G::key_of(&row)?, Arc::new(row)))),
        ))
    }
}

impl<G: Grouping> Loader for GroupedBy<G>
where
    GroupedBy<G>: BatchLoad,
{
    const NAME: &'static str = G::NAME;
    fn new(db: &DatabaseConnection, scope: Scope) -> Self {
        Reader::new(db, scope)
    }
}

/// A many-to-many link table seen from one side: the keys are in one column, the targets (rows
/// of a record type) in another. Declared with [`link_table!`](crate::link_table).
pub trait LinkTable: Send + Sync + 'static {
    /// The link table.
    type Table: Tenant;
    /// The record type on the far side.
    type Target: Record;
    /// The loader's name in the read cache.
    const NAME: &'static str;
    /// The column the keys are in.
    fn key_column() -> <Self::Table as EntityTrait>::Column;
    /// (key, target id) of a link.
    fn split(link: &<Self::Table as EntityTrait>::Model) -> (Uuid, Uuid);
}

/// The far side of link table `L` for each key: one query on the links, one on the targets.
pub type Linked<L> = Reader<LinkedOf<L>>;
/// Marks a [`Reader`] of linked rows.
pub struct LinkedOf<L>(PhantomData<L>);

impl<L> BatchLoad for Linked<L>
where
    L: LinkTable,
    <L::Target as EntityTrait>::Model: serde::Serialize + Sync,
{
    type Value = Rows<<L::Target as EntityTrait>::Model>;

    fn weight(rows: &Self::Value) -> usize {
        weigh_rows(rows)
    }

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
        let links: Vec<(Uuid, Uuid)> = self
            .scope
            .select::<L::Table>()
            .filter(L::key_column().is_in(keys.iter().copied()))
            .all(&self.db)
            .await?
            .iter()
            .map(L::split)
            .collect();
        let mut target_ids: Vec<Uuid> = links.iter().map(|(_, target)| *target).collect();
        target_ids.sort_unstable();
        target_ids.dedup();
        let targets: HashMap<Uuid, Arc<_>> = self
            .scope
            .select_ids::<L::Target>(target_ids)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|target| (L::Target::id_of(&target), Arc::new(target)))
            .collect();
        let mut linked: Vec<(Uuid, Uuid)> = links
            .into_iter()
            .filter(|(_, target)| targets.contains_key(target))
            .collect();
        linked.sort_unstable();
        Ok(grouped(linked.into_iter().filter_map(|(key, target)| {
            Some((key, Arc::clone(targets.get(&target)?)))
        })))
    }
}

impl<L: LinkTable> Loader for Linked<L>
where
    Linked<L>: BatchLoad,
{
    const NAME: &'static str = L::NAME;
    fn new(db: &DatabaseConnection, scope: Scope) -> Self {
        Reader::new(db, scope)
    }
}

/// Declares a [`Grouping`]: `grouping!(ProcessesOfOwner: process by OwnerId, |row| row.owner_id)`
/// groups `entity::process` rows by `owner_id`; `by ParentId ordered by Position` orders each
/// list by a column of its own, then by id; `by EvidenceId sorted by Tag` by that column alone,
/// for rows without an id.
#[macro_export]
macro_rules! grouping {
    ($(#[$meta:meta])* $name:ident: $module:ident by $column:ident ordered by $order:ident, $key:expr) => {
        $crate::grouping!(@declare $(#[$meta])* $name: $module by $column, $key, [$order, Id]);
    };
    ($(#[$meta:meta])* $name:ident: $module:ident by $column:ident sorted by $order:ident, $key:expr) => {
        $crate::grouping!(@declare $(#[$meta])* $name: $module by $column, $key, [$order]);
    };
    ($(#[$meta:meta])* $name:ident: $module:ident by $column:ident, $key:expr) => {
        $crate::grouping!(@declare $(#[$meta])* $name: $module by $column, $key, [Id]);
    };
    (@declare $(#[$meta:meta])* $name:ident: $module:ident by $column:ident, $key:expr, [$($order:ident),+]) => {
        $(#[$meta])*
        pub struct $name;

        impl $crate::graphql::loaders::Grouping for $name {
            type Entity = entity::$module::Entity;
            const NAME: &'static str = stringify!($name);
            fn column() -> entity::$module::Column {
                entity::$module::Column::$column
            }
            fn key_of(row: &entity::$module::Model) -> Option<uuid::Uuid> {
                let key: fn(&entity::$module::Model) -> Option<uuid::Uuid> = $key;
                key(row)
            }
            fn order() -> Vec<entity::$module::Column> {
                vec![$(entity::$module::Column::$order),+]
            }
        }
    };
}

/// Declares a [`LinkTable`] side: `link_table!(ServicesOfProcess: process_service from
/// ProcessId to service, |link| (link.process_id, link.service_id))`.
#[macro_export]
macro_rules! link_table {
    ($(#[$meta:meta])* $name:ident: $table:ident from $column:ident to $target:ident, $split:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl $crate::graphql::loaders::LinkTable for $name {
            type Table = entity::$table::Entity;
            type Target = entity::$target::Entity;
            const NAME: &'static str = stringify!($name);
            fn key_column() -> entity::$table::Column {
                entity::$table::Column::$column
            }
            fn split(link: &entity::$table::Model) -> (uuid::Uuid, uuid::Uuid) {
                let split: fn(&entity::$table::Model) -> (uuid::Uuid, uuid::Uuid) = $split;
                split(link)
            }
        }
    };
}

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
            return Err(AppError::bad_input(
                "query",
                format!(
                    "this list holds more than {MAX_RELATED} records; read them through the connection of their kind, with a filter, a page at a time"
                ),
            ));
        }
        Ok(rows.iter().cloned().map(wrap).collect())
    }
}

/// The loaders of one request, each made the first time a field asks for it.
pub struct Loaders {
    db: DatabaseConnection,
    scope: Scope,
    cache: Option<CachedReads>,
    made: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl Loaders {
    /// The loaders of a request in `scope`, sharing answers through `cache` if given.
    pub fn new(db: &DatabaseConnection, scope: Scope, cache: Option<&CachedReads>) -> Self {
        Self {
            db: db.clone(),
            scope,
            cache: cache.cloned(),
            made: Mutex::new(HashMap::new()),
        }
    }

    /// The request's loader `L`.
    pub fn get<L: Loader>(&self) -> Batcher<L> {
        // Never held across an await, so poisoning cannot leave the map half-updated.
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        let batcher = made.entry(TypeId::of::<L>()).or_insert_with(|| {
            Box::new(Batcher::sharing(
                L::new(&self.db, self.scope),
                self.cache.clone().map(|cache| (cache, L::NAME)),
            ))
        });
        match batcher.downcast_ref::<Batcher<L>>() {
            Some(batcher) => batcher.clone(),
            // Entries are keyed by their own type, so this cannot happen; a fresh batcher
            // would still answer correctly.
            None => Batcher::new(L::new(&self.db, self.scope)),
        }
    }
}

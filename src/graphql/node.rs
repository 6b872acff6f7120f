//! The Relay `Node` interface: `node(id:)` and `nodes(ids:)` fetch any record by global id.
//!
//! Each GraphQL type of a record is a [`NodeObject`]; `src/schema.rs` lists them once in
//! [`node_interface!`], which makes the interface and the two fields.

use std::collections::HashMap;

use async_graphql::{Context, ID};
use sea_orm::{EntityTrait, FromQueryResult};
use uuid::Uuid;

use super::{ContextExt, ids::parse_global_id};
use crate::{
    auth::Permission,
    error::{AppError, AppResult},
    record::Record,
};

/// Most ids one `nodes` call accepts.
pub const MAX_NODE_IDS: usize = 100;

/// The record of type `T` that the query argument `id` names, or NOT_FOUND (another
/// organization's included).
pub async fn find<T>(ctx: &Context<'_>, id: &ID) -> AppResult<T>
where
    T: NodeObject,
    <T::Entity as EntityTrait>::Model: FromQueryResult + Send + Sync,
{
    let id = super::ids::decode::<T::Entity>(id, "id")?;
    let row = ctx.scope()?.find::<T::Entity>(&ctx.state().db, id).await?;
    Ok(T::from(row))
}

/// The record of type `T` a row refers to (its owner, say), through the request's loader of
/// `T`'s rows by id, so a page of rows costs one query for all of them; `None` refers to none.
/// A caller who may not read `T` (an API token, for anyone but an ADMIN) gets null, as `node`
/// answers them.
pub async fn related<T>(ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Option<T>>
where
    T: NodeObject + From<std::sync::Arc<<T::Entity as EntityTrait>::Model>>,
    T::Entity: Send + Sync,
    <T::Entity as EntityTrait>::Model: FromQueryResult + serde::Serialize + Send + Sync,
{
    let Some(id) = id else {
        return Ok(None);
    };
    if !ctx.actor()?.may(T::PERMISSION) {
        return Ok(None);
    }
    ctx.loader::<super::loaders::ById<T::Entity>>()?
        .one(id, T::from)
        .await
}

/// The records of type `T` that `ids` name (those the organization has, in `ids`' order),
/// loaded together through the request's loader of `T`'s rows by id: one query for all of
/// them, not one per id. At most `MAX_RELATED`, which the field's complexity counts on.
pub async fn related_many<T>(ctx: &Context<'_>, ids: &[Uuid]) -> AppResult<Vec<T>>
where
    T: NodeObject + From<std::sync::Arc<<T::Entity as EntityTrait>::Model>>,
    T::Entity: Send + Sync,
    <T::Entity as EntityTrait>::Model: FromQueryResult + serde::Serialize + Send + Sync,
{
    use crate::graphql::cost::MAX_RELATED;
    if ids.len() > MAX_RELATED {
        return Err(crate::error::AppError::bad_input(
            "query",
            format!("this list holds more than {MAX_RELATED} records"),
        ));
    }
    let found =
        futures_util::future::try_join_all(ids.iter().map(|id| related::<T>(ctx, Some(*id))))
            .await?;
    Ok(found.into_iter().flatten().collect())
}

/// The answer of a relation list field: the rows loader `L` holds for `key`, each as the
/// GraphQL type `wrap` makes of it, so a page of parents costs one query for all their lists.
pub async fn related_list<L, M, W>(
    ctx: &Context<'_>,
    key: Uuid,
    wrap: impl Fn(std::sync::Arc<M>) -> W,
) -> AppResult<Vec<W>>
where
    L: super::loaders::Loader + super::batch::BatchLoad<Value = super::loaders::Rows<M>>,
    M: Send + Sync + 'static,
{
    ctx.loader::<L>()?.list(key, wrap).await
}

/// The GraphQL type of a record's rows.
pub trait NodeObject: From<<Self::Entity as EntityTrait>::Model> + Clone + Send + Sync {
    /// The record type.
    type Entity: Record;
    /// What a caller needs to fetch one by id: a record it may not read is answered as missing.
    const PERMISSION: Permission = Permission::Read;
}

/// The records found for a `node`/`nodes` call, by id, with their type's name.
pub type Found<N> = HashMap<Uuid, (&'static str, N)>;

/// The global ids of a `node`/`nodes` call, parsed once.
pub struct Lookup {
    parsed: Vec<Option<(String, Uuid)>>,
}

impl Lookup {
    /// Refuses more than [`MAX_NODE_IDS`] ids.
    pub fn new(ids: &[ID]) -> AppResult<Self> {
        if ids.len() > MAX_NODE_IDS {
            return Err(AppError::bad_input(
                "ids",
                format!("at most {MAX_NODE_IDS} ids per call"),
            ));
        }
        Ok(Self {
            parsed: ids.iter().map(|id| parse_global_id(id)).collect(),
        })
    }

    /// Loads the ids of type `T` in one query, into `found` as `N` (the interface).
    pub async fn load<T, N>(
        &self,
        ctx: &Context<'_>,
        found: &mut Found<N>,
        wrap: fn(T) -> N,
    ) -> AppResult<()>
    where
        T: NodeObject,
        <T::Entity as EntityTrait>::Model: FromQueryResult + Send + Sync,
    {
        let ids: Vec<Uuid> = self
            .parsed
            .iter()
            .flatten()
            .filter(|(type_name, _)| type_name == T::Entity::TYPE)
            .map(|(_, id)| *id)
            .collect();
        let actor = ctx.actor()?;
        if ids.is_empty() || !actor.may(T::PERMISSION) {
            return Ok(());
        }
        let rows = crate::tenancy::Scope::from(actor)
            .select_ids::<T::Entity>(ids)
            .all(&ctx.state().db)
            .await?;
        for row in rows {
            found.insert(
                T::Entity::id_of(&row),
                (T::Entity::TYPE, wrap(T::from(row))),
            );
        }
        Ok(())
    }

    /// The found records in the order of the ids; `None` where there is none.
    pub fn answer<N: Clone>(self, found: Found<N>) -> Vec<Option<N>> {
        self.parsed
            .into_iter()
            .map(|parsed| {
                let (type_name, id) = parsed?;
                // A row's id under another type's name names nothing.
                found
                    .get(&id)
                    .filter(|(found_type, _)| *found_type == type_name)
                    .map(|(_, node)| node.clone())
            })
            .collect()
    }
}

/// The `Node` interface of the listed record types and the `NodeQuery` part with `node` and
/// `nodes`: `node_interface!(Organization, Person, ...)`, each a [`NodeObject`].
#[macro_export]
macro_rules! node_interface {
    ($($object:ident),+ $(,)?) => {
        /// An object with a global id.
        #[derive(async_graphql::Interface, Clone)]
        #[graphql(field(name = "id", ty = "async_graphql::ID", desc = "Global id, opaque to clients."))]
        pub enum Node {
            $($object($object),)+
        }

        /// `node` and `nodes`.
        #[derive(Default)]
        pub struct NodeQuery;

        #[async_graphql::Object]
        impl NodeQuery {
            /// The record with this global id, or null if the caller's organization has none.
            #[graphql(guard = "crate::auth::Require(crate::auth::Permission::Read)")]
            async fn node(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Global id of any record, as its `id` field returns it.")]
                id: async_graphql::ID,
            ) -> async_graphql::Result<Option<Node>> {
                Ok(load_nodes(ctx, std::slice::from_ref(&id)).await?.pop().flatten())
            }

            /// The records with these global ids, in the same order; null where there is none.
            #[graphql(
                guard = "crate::auth::Require(crate::auth::Permission::Read)",
                complexity = "1 + ids.len() * child_complexity"
            )]
            async fn nodes(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(
                    desc = "Global ids of any records, as their `id` fields return them: at most 100, more is BAD_USER_INPUT."
                )]
                ids: Vec<async_graphql::ID>,
            ) -> async_graphql::Result<Vec<Option<Node>>> {
                Ok(load_nodes(ctx, &ids).await?)
            }
        }

        /// The records these global ids name, in their order (`None` where there is none, or
        /// where the caller may not read it): one query per type, whatever the number of ids.
        pub async fn load_nodes(
            ctx: &async_graphql::Context<'_>,
            ids: &[async_graphql::ID],
        ) -> $crate::error::AppResult<Vec<Option<Node>>> {
            let lookup = $crate::graphql::node::Lookup::new(ids)?;
            let mut found = std::collections::HashMap::new();
            $(lookup.load::<$object, Node>(ctx, &mut found, Node::$object).await?;)+
            Ok(lookup.answer(found))
        }

        /// Every record type's GraphQL name, as its declaration gives it.
        #[cfg(test)]
        pub fn node_types() -> Vec<(String, &'static str)> {
            use async_graphql::OutputType;
            vec![$((
                <$object as OutputType>::type_name().into_owned(),
                <<$object as $crate::graphql::node::NodeObject>::Entity as $crate::record::Record>::TYPE,
            ),)+]
        }
    };
}

/// Declares the GraphQL type of a record's rows: `node_object!(/** docs */ Service(service))`
/// makes `pub struct Service(Arc<entity::service::Model>)`, its conversions and its
/// [`NodeObject`] impl; `permission = ReadAuditTrail` when reading it takes more than READ.
#[macro_export]
macro_rules! node_object {
    ($(#[$meta:meta])* $object:ident($module:ident) $(, permission = $permission:ident)?) => {
        $(#[$meta])*
        #[derive(Clone, async_graphql::Description)]
        pub struct $object(pub std::sync::Arc<entity::$module::Model>);

        impl From<entity::$module::Model> for $object {
            fn from(model: entity::$module::Model) -> Self {
                Self(std::sync::Arc::new(model))
            }
        }

        impl From<std::sync::Arc<entity::$module::Model>> for $object {
            fn from(model: std::sync::Arc<entity::$module::Model>) -> Self {
                Self(model)
            }
        }

        impl $crate::graphql::node::NodeObject for $object {
            type Entity = entity::$module::Entity;
            $(const PERMISSION: $crate::auth::Permission = $crate::auth::Permission::$permission;)?
        }

        impl $object {
            /// The global id of this record.
            pub fn global_id(&self) -> async_graphql::ID {
                $crate::graphql::ids::encode::<entity::$module::Entity>(self.0.id)
            }
        }
    };
}

//! The query fields every record type has, written once: its by-id read and its connection.
//! Macros, because async-graphql takes a field's arguments and their descriptions only from
//! the resolver's own signature.

/// The query part of a record type: the field that reads one record by global id (unless the
/// type has none), and its
/// connection with the Relay arguments (`first`, `after`, `last`, `before`, with the
/// descriptions every list shares), its guard and its complexity. The connection's body reads
/// the page arguments as `$args` ([`PageArgs`](super::connection::PageArgs)):
///
/// ```ignore
/// crate::record_queries! {
///     /// Tool queries.
///     ToolQuery {
///         @by_id
///         /// One tool by id.
///         tool -> Tool, "Global id of the tool ...";
///         /// The tools the SMS depends on.
///         tools(ctx, args) -> Page<Tool>, guard = "Require(Permission::Read)" {
///             Ok(paginate(ctx.reads(), ..., args, Tool).await?)
///         }
///     }
/// }
/// ```
#[macro_export]
macro_rules! record_queries {
    (
        $(#[$part_meta:meta])*
        $part:ident {
            $(@by_id $(#[$one_meta:meta])*
            $one:ident -> $object:ident, $id_desc:literal;)?
            $(#[$meta:meta])*
            $name:ident($ctx:ident, $args:ident $(, $(#[$arg_meta:meta])* $arg:ident: $arg_ty:ty)* $(,)?)
                -> $page:ty, guard = $guard:literal $body:block
        }
    ) => {
        $crate::graphql_part!($(#[$part_meta])* $part);

        #[async_graphql::Object]
        impl $part {
            $($(#[$one_meta])*
            #[graphql(guard = "crate::auth::Require(crate::auth::Permission::Read)")]
            async fn $one(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $id_desc)] id: async_graphql::ID,
            ) -> async_graphql::Result<Option<$object>> {
                Ok(Some($crate::graphql::node::find::<$object>(ctx, &id).await?))
            })?

            $(#[$meta])*
            #[graphql(
                guard = $guard,
                complexity = "crate::graphql::connection::page_complexity(first, last, child_complexity)"
            )]
            #[allow(clippy::too_many_arguments)]
            async fn $name(
                &self,
                $ctx: &async_graphql::Context<'_>,
                $($(#[$arg_meta])* $arg: $arg_ty,)*
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
            ) -> async_graphql::Result<$page> {
                let $args =
                    $crate::graphql::connection::PageArgs::new($ctx, first, after, last, before);
                $body
            }
        }
    };
}

/// The struct of an area's query or mutation part, which [`record_queries!`] and
/// [`record_mutations!`](crate::record_mutations) implement and the schema merges.
#[doc(hidden)]
#[macro_export]
macro_rules! graphql_part {
    ($(#[$meta:meta])* $part:ident) => {
        $(#[$meta])*
        #[derive(Default)]
        pub struct $part;
    };
}

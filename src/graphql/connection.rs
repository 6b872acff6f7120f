//! Relay cursor connections (first/after/last/before, pageInfo, totalCount) over any tenant
//! query, with keyset cursors so that a page never skips or repeats a record when others are
//! added meanwhile. Pages and counts are shared through the read cache when the request may.

use std::{future::Future, pin::Pin, sync::Arc};

use async_graphql::{
    Context, Object, OutputType,
    connection::{Connection, Edge, EmptyFields},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::loaders::Rows;
use crate::{
    error::{AppError, AppResult},
    read_cache::{CachedReads, Key, weigh},
};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest `first` or `last` accepted; more is refused with BAD_USER_INPUT.
pub const MAX_PAGE_SIZE: u64 = 100;

/// The complexity of a connection field: its selection counted once per record of the page,
/// so that `first: 100` costs a hundred times `first: 1`.
pub fn page_complexity(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first.or(last).map_or(DEFAULT_PAGE_SIZE, |n| {
        n.clamp(1, MAX_PAGE_SIZE as i32) as u64
    }) as usize;
    1 + size * child_complexity
}

/// The pagination arguments of a connection field, and whether its page is asked for at all.
#[derive(Clone, Debug)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    /// False when the selection reads only `totalCount`: a count, as dashboards and BI tools
    /// ask for, then costs the count alone, not also a page of rows nobody reads.
    pub page_selected: bool,
}

impl PageArgs {
    /// The arguments of the connection field `ctx` resolves.
    pub fn new(
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        let selection = ctx.look_ahead();
        Self {
            first,
            after,
            last,
            before,
            page_selected: ["edges", "nodes", "pageInfo"]
                .iter()
                .any(|field| selection.field(field).exists()),
        }
    }
}

/// Where a list reads: the database and, when the request may share answers with others, the
/// read cache.
#[derive(Clone, Copy)]
pub struct Reads<'a> {
    pub db: &'a DatabaseConnection,
    pub cache: Option<&'a CachedReads>,
}

impl Reads<'_> {
    /// The same, without the cache: for records that change without an audit trail entry
    /// (an API token's last use).
    pub fn uncached(self) -> Self {
        Self {
            cache: None,
            ..self
        }
    }

    /// The rows `select` reads.
    pub async fn rows<E>(self, select: Select<E>) -> AppResult<Vec<Arc<E::Model>>>
    where
        E: EntityTrait,
        E::Model: FromQueryResult + serde::Serialize + Send + Sync + 'static,
    {
        let read = |select: Select<E>| async move {
            let rows: Vec<Arc<E::Model>> = select
                .all(self.db)
                .await?
                .into_iter()
                .map(Arc::new)
                .collect();
            AppResult::Ok(Arc::new(rows))
        };
        let Some(cache) = self.cache else {
            return Ok(Arc::unwrap_or_clone(read(select).await?));
        };
        let key = Key::statement("rows", select.build(self.db.get_database_backend()));
        let rows: Rows<E::Model> = cache
            .read(
                key,
                |rows: &Rows<E::Model>| rows.iter().map(|row| weigh(row.as_ref())).sum(),
                || read(select),
            )
            .await?;
        Ok(rows.to_vec())
    }
}

/// The number of rows `select` reads, shared through `cache` if given.
async fn count<E>(
    db: &DatabaseConnection,
    cache: Option<&CachedReads>,
    select: Select<E>,
) -> AppResult<u64>
where
    E: EntityTrait,
    E::Model: FromQueryResult + serde::Serialize + Send + Sync + 'static,
{
    let Some(cache) = cache else {
        return Ok(select.count(db).await?);
    };
    let key = Key::statement("count", select.build(db.get_database_backend()));
    cache
        .read(
            key,
            |count: &u64| weigh(count),
            || async { Ok(select.count(db).await?) },
        )
        .await
}

/// A value a connection is ordered by and that its cursors carry.
pub trait CursorKey: Into<sea_orm::Value> + Clone + Send + Sync + 'static {
    fn encode(&self) -> String;
    fn decode(raw: &str) -> Option<Self>;
}

impl CursorKey for Uuid {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(raw: &str) -> Option<Self> {
        Uuid::parse_str(raw).ok()
    }
}

impl CursorKey for String {
    fn encode(&self) -> String {
        self.clone()
    }
    fn decode(raw: &str) -> Option<Self> {
        Some(raw.to_owned())
    }
}

impl CursorKey for i64 {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

fn encode_cursor<K: CursorKey>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{}", key.encode()))
}

fn decode_cursor<K: CursorKey>(cursor: &str, field: &str) -> AppResult<K> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("cursor:").and_then(K::decode))
        .ok_or_else(|| {
            AppError::bad_input(field, format!("`{field}` is not a cursor of this list"))
        })
}

fn page_size(value: Option<i32>, field: &str) -> AppResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(AppError::bad_input(
            field,
            format!("`{field}` must not be negative"),
        )),
        Some(n) if n as u64 > MAX_PAGE_SIZE => Err(AppError::bad_input(
            field,
            format!("`{field}` must be at most {MAX_PAGE_SIZE}"),
        )),
        Some(n) => Ok(Some(n as u64)),
    }
}

type CountFuture = Pin<Box<dyn Future<Output = AppResult<u64>> + Send>>;

/// The connection-level fields beside `edges` and `pageInfo`. The count query runs only when a
/// client asks for `totalCount`.
pub struct ConnectionTotals {
    count: Arc<dyn Fn() -> CountFuture + Send + Sync>,
}

#[Object]
impl ConnectionTotals {
    /// Number of records that match the filters, regardless of pagination.
    async fn total_count(&self) -> async_graphql::Result<u64> {
        Ok((self.count)().await?)
    }
}

/// A page of `N` as a Relay connection.
pub type Page<N> = Connection<String, N, ConnectionTotals, EmptyFields>;

/// Runs `select` (already filtered and scoped) as one page ordered by `key`, a unique column,
/// and maps each row to its GraphQL node.
pub async fn paginate<E, K, N>(
    reads: Reads<'_>,
    select: Select<E>,
    key: E::Column,
    key_of: impl Fn(&E::Model) -> K,
    args: PageArgs,
    node: impl Fn(Arc<E::Model>) -> N,
) -> AppResult<Page<N>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + serde::Serialize + Send + Sync + 'static,
    K: CursorKey,
    N: OutputType,
{
    let first = page_size(args.first, "first")?;
    let last = page_size(args.last, "last")?;
    let after = args
        .after
        .as_deref()
        .map(|c| decode_cursor::<K>(c, "after"))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode_cursor::<K>(c, "before"))
        .transpose()?;

    let totals = {
        let db = reads.db.clone();
        let cache = reads.cache.cloned();
        let select = select.clone();
        ConnectionTotals {
            count: Arc::new(move || {
                let db = db.clone();
                let cache = cache.clone();
                let select = select.clone();
                Box::pin(async move { count(&db, cache.as_ref(), select).await })
            }),
        }
    };

    let mut window = select;
    if let Some(after) = &after {
        window = window.filter(key.gt(after.clone()));
    }
    if let Some(before) = &before {
        window = window.filter(key.lt(before.clone()));
    }

    let (rows, has_previous_page, has_next_page) = match (first, last) {
        _ if !args.page_selected => (Vec::new(), false, false),
        (None, Some(last)) => {
            let mut rows = reads
                .rows(window.order_by_desc(key).limit(last + 1))
                .await?;
            let has_previous = rows.len() as u64 > last;
            rows.truncate(last as usize);
            rows.reverse();
            (rows, has_previous, before.is_some())
        }
        (first, last) => {
            let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
            let mut rows = reads
                .rows(window.order_by_asc(key).limit(first + 1))
                .await?;
            let has_next = rows.len() as u64 > first;
            rows.truncate(first as usize);
            let mut has_previous = after.is_some();
            // Relay's algorithm: `first` is applied before `last`.
            if let Some(last) = last.map(|l| l as usize).filter(|l| rows.len() > *l) {
                rows.drain(..rows.len() - last);
                has_previous = true;
            }
            (rows, has_previous, has_next)
        }
    };

    let mut connection =
        Connection::with_additional_fields(has_previous_page, has_next_page, totals);
    connection.edges = rows
        .into_iter()
        .map(|row| Edge::new(encode_cursor(&key_of(&row)), node(row)))
        .collect();
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let id = Uuid::now_v7();
        let cursor = encode_cursor(&id);
        assert!(matches!(decode_cursor::<Uuid>(&cursor, "after"), Ok(back) if back == id));
        assert!(decode_cursor::<Uuid>("nope", "after").is_err());
        assert!(decode_cursor::<i64>(&cursor, "before").is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert!(page_size(Some(-1), "first").is_err());
        assert!(page_size(Some(MAX_PAGE_SIZE as i32 + 1), "first").is_err());
        assert!(matches!(page_size(Some(5), "last"), Ok(Some(5))));
        assert!(matches!(page_size(None, "last"), Ok(None)));
    }
}

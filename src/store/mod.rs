//! The store kit: how every area writes its records, so that none writes the organization
//! filter, the version check or the audit entry by hand.
//!
//! - [`Change`]: the unit of work (one transaction, its audit entries, events after commit);
//! - [`insert`], [`save`] and [`delete`]: the three writes of a record, each audited;
//! - [`insert_rows`]: many rows at once, for the parts of a record one entry shows;
//! - [`Unique`]: what a clash with a unique index means, for the field at fault.

mod change;
mod unique;

use chrono::{SubsecRound, Utc};
use futures_util::future::BoxFuture;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::IntoCondition,
};
use serde::Serialize;
use uuid::Uuid;

pub use change::Change;
pub use unique::{OnConstraint, Unique};

use crate::{
    error::{AppError, AppResult},
    record::{Record, Versioned},
    tenancy::Scope,
};

/// A change to one versioned record, as a mutation's input gives it: the record, the version
/// the client read (`None`: whatever is current) and what to change.
pub struct Edit<P> {
    pub id: Uuid,
    pub expected_version: Option<i32>,
    pub patch: P,
}

impl<P> Edit<P> {
    /// The record as it is now, if the client's `expected_version` (when it sent one) is still
    /// its version: NOT_FOUND or CONFLICT otherwise.
    pub async fn current<E: Versioned>(&self, change: &Change) -> AppResult<E::Model> {
        find_current::<E>(change, self.id, self.expected_version).await
    }

    /// An edit of whatever version is current: for changes the server makes itself (the demo).
    pub fn latest(id: Uuid, patch: P) -> Self {
        Self {
            id,
            expected_version: None,
            patch,
        }
    }
}

/// Takes a patch's value for a field: `None` leaves the field as it is.
pub fn set<T>(field: &mut T, value: Option<impl Into<T>>) {
    if let Some(value) = value {
        *field = value.into();
    }
}

/// Takes a patch's value for a field that may be cleared: `None` leaves it, `Some(None)`
/// clears it.
pub fn set_or_clear<T>(field: &mut Option<T>, value: Option<Option<impl Into<T>>>) {
    if let Some(value) = value {
        *field = value.map(Into::into);
    }
}

/// The time a change stamps on its rows, at the precision both databases keep.
pub fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Inserts `row` and records its creation as `action`; a clash with one of `unique` is
/// BAD_USER_INPUT on its field.
pub async fn insert<E: Record>(
    change: &mut Change,
    action: &str,
    row: E::Model,
    unique: &[Unique],
) -> AppResult<E::Model>
where
    E::Model: IntoActiveModel<E::ActiveModel> + Serialize,
{
    insert_row::<E>(change, row.clone(), unique).await?;
    change.record::<E>(action, None, Some(&row)).await?;
    Ok(row)
}

/// Inserts `row` without an audit entry: for a record whose entry shows more than its row
/// ([`Change::record_snapshot`]).
pub async fn insert_row<E: Record>(
    change: &Change,
    row: E::Model,
    unique: &[Unique],
) -> AppResult<()>
where
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    E::insert(row.into_active_model())
        .exec_without_returning(change.db())
        .await
        .on_constraint(unique)?;
    Ok(())
}

/// Rows a multi-row INSERT carries at most: far below the bind-parameter limits of both
/// databases (SQLite 32,766, PostgreSQL 65,535) for tables of up to 60 columns.
const ROWS_PER_INSERT: usize = 500;

/// Inserts many rows of `E` in a few statements, without audit entries: for the parts of a
/// record whose one entry shows them all ([`Change::record_snapshot`]), such as the clauses of
/// an imported framework.
pub async fn insert_rows<E: sea_orm::EntityTrait>(
    change: &Change,
    rows: Vec<E::Model>,
) -> AppResult<()>
where
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk = rows
            .by_ref()
            .take(ROWS_PER_INSERT)
            .map(IntoActiveModel::into_active_model);
        E::insert_many(chunk)
            .exec_without_returning(change.db())
            .await?;
    }
    Ok(())
}

/// Replaces the rows of `L` whose `column` is `owner` (the links of one record) with `rows`,
/// without audit entries: the record's own entry shows its links.
pub async fn replace_links<L: crate::record::Tenant>(
    change: &Change,
    column: L::Column,
    owner: Uuid,
    rows: Vec<L::Model>,
) -> AppResult<()>
where
    L::Model: IntoActiveModel<L::ActiveModel>,
{
    Scope::from(change.actor())
        .delete::<L>()
        .filter(column.eq(owner))
        .exec(change.db())
        .await?;
    insert_rows::<L>(change, rows).await
}

/// The sorted, distinct `ids`, each a row of `E` that the organization reads: NOT_FOUND names
/// the record type otherwise. What a list of references in an input becomes before it is
/// written.
pub async fn existing<E: Record>(change: &Change, ids: &[Uuid]) -> AppResult<Vec<Uuid>>
where
    E::Model: Sync,
{
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let found = Scope::from(change.actor())
        .select_ids::<E>(ids.clone())
        .count(change.db())
        .await?;
    if found != ids.len() as u64 {
        return Err(AppError::NotFound(E::TYPE));
    }
    Ok(ids)
}

/// The far ends of record `key`'s links in link table `L`: the `target` column of each row
/// whose `column` is `key`, in order.
pub async fn linked<L: crate::record::Tenant>(
    change: &Change,
    column: L::Column,
    key: Uuid,
    target: L::Column,
) -> AppResult<Vec<Uuid>> {
    Ok(Scope::from(change.actor())
        .select::<L>()
        .filter(column.eq(key))
        .select_only()
        .column(target)
        .order_by_asc(target)
        .into_tuple()
        .all(change.db())
        .await?)
}

/// Refuses a reference to a row of `E` that the caller's organization does not have (an owner,
/// a service): NOT_FOUND, as a missing id answers everywhere. `None` refers to nothing.
pub async fn must_exist<E: Record>(change: &Change, id: Option<Uuid>) -> AppResult<()> {
    if let Some(id) = id {
        Scope::from(change.actor())
            .find::<E>(change.db(), id)
            .await?;
    }
    Ok(())
}

/// Row `id` of `E` in the caller's organization, if the client's `expected_version` (when it
/// sent one) is still its version: NOT_FOUND or CONFLICT otherwise.
pub async fn find_current<E: Versioned>(
    change: &Change,
    id: Uuid,
    expected_version: Option<i32>,
) -> AppResult<E::Model> {
    let row = Scope::from(change.actor())
        .find::<E>(change.db(), id)
        .await?;
    crate::validation::expected_version(E::version_of(&row), expected_version)?;
    Ok(row)
}

/// Writes `after` over `before` only if nobody changed the row since it was read (its
/// version), with the next version and the time; no audit entry: see [`save`].
pub async fn write<E: Versioned>(
    change: &Change,
    before: &E::Model,
    mut after: E::Model,
    unique: &[Unique],
) -> AppResult<E::Model>
where
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    let version = E::version_of(before);
    E::stamp(&mut after, version + 1, now());
    // Every column written (not only the changed ones), except those set once at insert.
    let mut active = after.clone().into_active_model().reset_all();
    for column in E::fixed_columns() {
        active.not_set(column);
    }
    let updated = Scope::from(change.actor())
        .update::<E>()
        .set(active)
        .filter(E::id_column().eq(E::id_of(before)))
        .filter(E::version_column().eq(version))
        .exec(change.db())
        .await
        .on_constraint(unique)?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(format!(
            "the {} changed meanwhile: read it again and retry",
            E::TYPE
        )));
    }
    Ok(after)
}

/// Saves `after` over `before` ([`write`]) and records both as `action`.
pub async fn save<E: Versioned>(
    change: &mut Change,
    action: &str,
    before: E::Model,
    after: E::Model,
    unique: &[Unique],
) -> AppResult<E::Model>
where
    E::Model: IntoActiveModel<E::ActiveModel> + Serialize,
{
    let after = write::<E>(change, &before, after, unique).await?;
    change
        .record::<E>(action, Some(&before), Some(&after))
        .await?;
    Ok(after)
}

/// Records the rows of one cascade inside the change.
type RecordRows = Box<dyn for<'c> FnOnce(&'c mut Change) -> BoxFuture<'c, AppResult<()>> + Send>;

/// Rows that go with a deleted record (`ON DELETE CASCADE`), recorded before they go.
pub struct Cascade(RecordRows);

impl Cascade {
    /// The rows of `D` in the organization that match `condition`, each recorded as `action`.
    pub fn of<D>(action: &'static str, condition: impl IntoCondition + Send + 'static) -> Self
    where
        D: Record + Sync,
        D::Model: Serialize + Sync,
    {
        Self(Box::new(move |change| {
            Box::pin(async move {
                let rows = Scope::from(change.actor())
                    .select::<D>()
                    .filter(condition.into_condition());
                change.record_cascade(action, rows).await
            })
        }))
    }
}

/// Deletes `row` with what cascades from it, recording each cascaded row and then the record
/// as `action`.
pub async fn delete<E>(
    change: &mut Change,
    action: &str,
    row: E::Model,
    cascades: Vec<Cascade>,
) -> AppResult<E::Model>
where
    E: Record,
    E::Model: Serialize,
{
    delete_row::<E>(change, E::id_of(&row), cascades).await?;
    change.record::<E>(action, Some(&row), None).await?;
    Ok(row)
}

/// Deletes row `id` of `E` with what cascades from it, recording only the cascaded rows: for a
/// record whose own entry shows more than its row ([`Change::record_snapshot`]).
pub async fn delete_row<E: Record>(
    change: &mut Change,
    id: Uuid,
    cascades: Vec<Cascade>,
) -> AppResult<()> {
    for Cascade(record) in cascades {
        record(change).await?;
    }
    Scope::from(change.actor())
        .delete::<E>()
        .filter(E::id_column().eq(id))
        .exec(change.db())
        .await?;
    Ok(())
}

//! Database access for the framework library.

use entity::{clause, framework};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, Select};
use uuid::Uuid;

use crate::{error::AppResult, tenancy::Scope, validation::Required};

/// The longest clause number (`8.3.4.2`) and reference the library holds (its columns' sizes).
const NUMBER_MAX: usize = 32;
const REFERENCE_MAX: usize = 200;

/// The frameworks the organization reads: the built-in ones and its own.
pub fn select(scope: Scope) -> Select<framework::Entity> {
    scope.select::<framework::Entity>()
}

/// How a clause is named within its framework.
pub enum ClauseKey {
    /// `8.5.1`.
    Number(String),
    /// `iso20000-1:2018/8.5.1`.
    Reference(String),
}

impl ClauseKey {
    /// A clause number, as argument `number`.
    pub fn number(number: &str) -> AppResult<Self> {
        Ok(Self::Number(
            Required::<NUMBER_MAX>::parse("number", number)?.into(),
        ))
    }

    /// A stable reference, as argument `reference`.
    pub fn reference(reference: &str) -> AppResult<Self> {
        Ok(Self::Reference(
            Required::<REFERENCE_MAX>::parse("reference", reference)?.into(),
        ))
    }
}

/// The clause of framework `framework_id` that `key` names, if it has one.
pub async fn clause(
    db: &DatabaseConnection,
    scope: Scope,
    framework_id: Uuid,
    key: ClauseKey,
) -> AppResult<Option<clause::Model>> {
    let select = scope
        .select::<clause::Entity>()
        .filter(clause::Column::FrameworkId.eq(framework_id));
    let select = match key {
        ClauseKey::Number(number) => select.filter(clause::Column::Number.eq(number)),
        ClauseKey::Reference(reference) => select.filter(clause::Column::Reference.eq(reference)),
    };
    Ok(select.one(db).await?)
}

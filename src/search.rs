//! Free-text search over a list's text columns: case-insensitive, with LIKE's wildcards taken
//! literally, the same on SQLite and PostgreSQL.

use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::{
    error::AppResult,
    validation::{Required, SEARCH_MAX},
};

/// [`contains`] for a list filter's optional `search`: no condition when it is omitted.
pub fn contains_opt<C: ColumnTrait>(
    text: Option<String>,
    columns: &[C],
) -> AppResult<Option<Condition>> {
    text.map(|text| contains(&text, columns)).transpose()
}

/// A condition matching rows where any of `columns` contains `text` (field `filter.search`).
pub fn contains<C: ColumnTrait>(text: &str, columns: &[C]) -> AppResult<Condition> {
    let text = String::from(Required::<SEARCH_MAX>::parse("filter.search", text)?).to_lowercase();
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    Ok(columns.iter().fold(Condition::any(), |any, column| {
        any.add(
            Expr::expr(Func::lower(Expr::col(*column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\')),
        )
    }))
}

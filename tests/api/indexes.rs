//! What the database itself promises, read from a migrated test database: every foreign key has
//! an index that serves it, and a process link without a target is refused.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::helpers::spawn_app;

/// Foreign keys that may go without a covering index: (table, columns joined by ","), each with
/// the reason. An entry that no longer matches an uncovered foreign key fails the test too.
const EXEMPT: &[(&str, &str, &str)] = &[];

/// A table's columns as a foreign key or an index lists them, in order.
type Columns = Vec<String>;

#[tokio::test]
async fn every_foreign_key_has_an_index_that_leads_with_its_columns() {
    let app = spawn_app().await;

    let (foreign_keys, indexes) = match app.db.get_database_backend() {
        DbBackend::Postgres => (
            postgres_foreign_keys(&app.db).await,
            postgres_indexes(&app.db).await,
        ),
        _ => (
            sqlite_foreign_keys(&app.db).await,
            sqlite_indexes(&app.db).await,
        ),
    };
    // A catalogue query that found nothing would pass vacuously.
    assert!(
        foreign_keys.contains(&("service".to_owned(), vec!["owner_id".to_owned()])),
        "the catalogue read found no service.owner_id foreign key: {foreign_keys:?}"
    );

    let uncovered: Vec<(String, String)> = foreign_keys
        .iter()
        .filter(|(table, columns)| {
            !indexes
                .iter()
                .any(|(on, index)| on == table && leads_with(index, columns))
        })
        .map(|(table, columns)| (table.clone(), columns.join(",")))
        .collect();
    let exempt: Vec<(String, String)> = EXEMPT
        .iter()
        .map(|(table, columns, _reason)| ((*table).to_owned(), (*columns).to_owned()))
        .collect();
    let missing: Vec<_> = uncovered.iter().filter(|fk| !exempt.contains(fk)).collect();
    assert!(
        missing.is_empty(),
        "foreign keys without an index whose leading columns are theirs (add one in a \
         migration, or exempt it in EXEMPT with a reason): {missing:?}"
    );
    let stale: Vec<_> = exempt.iter().filter(|e| !uncovered.contains(e)).collect();
    assert!(
        stale.is_empty(),
        "EXEMPT entries that are covered or gone: {stale:?}"
    );
}

/// Whether an index on `index` (in order) serves a lookup by `columns`: its first columns are
/// those, in any order.
fn leads_with(index: &[String], columns: &[String]) -> bool {
    index.len() >= columns.len() && columns.iter().all(|c| index[..columns.len()].contains(c))
}

#[tokio::test]
async fn a_process_link_without_a_target_is_refused() {
    let app = spawn_app().await;

    // The new organization's catalogue gives a process. Its id also serves as the link's: a
    // valid UUID in whatever form the backend stores one, and no link has it.
    let insert = "INSERT INTO process_link (id, organization_id, process_id, description, \
                  created_at) \
                  SELECT id, organization_id, id, 'points nowhere', created_at FROM process \
                  LIMIT 1";
    let refused = app.db.execute_unprepared(insert).await;

    let error = refused.expect_err("a link with neither a tool nor a process was stored");
    assert!(
        error.to_string().contains("ck_process_link_target"),
        "refused for another reason: {error}"
    );
    assert_eq!(
        count(&app.db, "SELECT COUNT(*) AS n FROM process_link").await,
        0
    );
    assert!(count(&app.db, "SELECT COUNT(*) AS n FROM process").await > 0);
}

/// The rows of `sql` as (table, name) -> columns in order, from rows of (tbl, name, col)
/// sorted by position.
async fn grouped(db: &DatabaseConnection, sql: &str) -> Vec<(String, Columns)> {
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("catalogue query");
    let mut groups: BTreeMap<(String, String), Columns> = BTreeMap::new();
    for row in rows {
        let get = |column: &str| row.try_get::<String>("", column).expect(column);
        groups
            .entry((get("tbl"), get("name")))
            .or_default()
            .push(get("col"));
    }
    groups
        .into_iter()
        .map(|((table, _), columns)| (table, columns))
        .collect()
}

async fn postgres_foreign_keys(db: &DatabaseConnection) -> Vec<(String, Columns)> {
    grouped(
        db,
        "SELECT c.conrelid::regclass::text AS tbl, c.conname::text AS name, \
                a.attname::text AS col \
         FROM pg_constraint c \
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
         WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace \
         ORDER BY tbl, name, k.ord",
    )
    .await
}

/// Every index that is not partial (a partial one serves only some rows), with an expression
/// column named as such so that the columns after it do not move up.
async fn postgres_indexes(db: &DatabaseConnection) -> Vec<(String, Columns)> {
    grouped(
        db,
        "SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS name, \
                COALESCE(a.attname::text, '(expression)') AS col \
         FROM pg_index i \
         JOIN pg_class t ON t.oid = i.indrelid \
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
         WHERE t.relnamespace = 'public'::regnamespace AND i.indpred IS NULL \
         ORDER BY tbl, name, k.ord",
    )
    .await
}

async fn sqlite_foreign_keys(db: &DatabaseConnection) -> Vec<(String, Columns)> {
    grouped(
        db,
        "SELECT m.name AS tbl, CAST(f.id AS TEXT) AS name, f.\"from\" AS col \
         FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' \
         ORDER BY tbl, f.id, f.seq",
    )
    .await
}

/// Every index that is not partial, the primary key's included; an expression column has no
/// name, and is named as such.
async fn sqlite_indexes(db: &DatabaseConnection) -> Vec<(String, Columns)> {
    grouped(
        db,
        "SELECT m.name AS tbl, l.name AS name, COALESCE(i.name, '(expression)') AS col \
         FROM sqlite_schema m \
         JOIN pragma_index_list(m.name) l \
         JOIN pragma_index_info(l.name) i \
         WHERE m.type = 'table' AND l.partial = 0 \
         ORDER BY tbl, l.name, i.seqno",
    )
    .await
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count query")
        .expect("a row")
        .try_get::<i64>("", "n")
        .expect("n")
}

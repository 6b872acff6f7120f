//! The baseline: the portfolio dashboard answered by hand-written SQL in a plain axum handler,
//! returning the same JSON as the GraphQL query. It is what the data costs without the GraphQL
//! stack (no authentication, parsing, validation, resolvers or loaders), so the driver can
//! report how close the API comes to it.

use std::{collections::HashMap, net::SocketAddr};

use axum::{Json, Router, extract::State, routing::get};
use iso20000::graphql::ids::encode;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, Value as SqlValue,
};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Clone)]
struct Baseline {
    db: DatabaseConnection,
    organization_id: Uuid,
}

/// Serves the baseline on a free port; returns its address.
pub async fn serve(db: DatabaseConnection, organization_id: Uuid) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = Router::new()
        .route("/dashboard", get(dashboard))
        .with_state(Baseline {
            db,
            organization_id,
        });
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(address)
}

/// `$1, $2, ...` on PostgreSQL, `?, ?, ...` on SQLite, from `start`.
fn placeholders(backend: DbBackend, start: usize, count: usize) -> String {
    (start..start + count)
        .map(|i| {
            if backend == DbBackend::Postgres {
                format!("${i}")
            } else {
                "?".to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn rows(
    db: &DatabaseConnection,
    sql: &str,
    values: Vec<SqlValue>,
) -> anyhow::Result<Vec<QueryResult>> {
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?)
}

async fn count(db: &DatabaseConnection, table: &str, organization_id: Uuid) -> anyhow::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE organization_id = {}",
        placeholders(db.get_database_backend(), 1, 1)
    );
    let row = rows(db, &sql, vec![organization_id.into()]).await?;
    Ok(row
        .first()
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// `SELECT ... WHERE organization_id = ? AND <column> IN (...)`.
async fn in_list(
    db: &DatabaseConnection,
    select: &str,
    column: &str,
    organization_id: Uuid,
    ids: &[Uuid],
) -> anyhow::Result<Vec<QueryResult>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let sql = format!(
        "{select} WHERE organization_id = {} AND {column} IN ({})",
        placeholders(backend, 1, 1),
        placeholders(backend, 2, ids.len())
    );
    let mut values: Vec<SqlValue> = vec![organization_id.into()];
    values.extend(ids.iter().map(|id| SqlValue::from(*id)));
    rows(db, &sql, values).await
}

async fn dashboard(State(baseline): State<Baseline>) -> Json<Value> {
    match build(&baseline.db, baseline.organization_id).await {
        Ok(value) => Json(value),
        Err(err) => Json(json!({ "errors": [{ "message": err.to_string() }] })),
    }
}

async fn build(db: &DatabaseConnection, organization_id: Uuid) -> anyhow::Result<Value> {
    let backend = db.get_database_backend();
    let services = rows(
        db,
        &format!(
            "SELECT id, name, criticality, lifecycle_status, owner_id FROM service WHERE organization_id = {} ORDER BY id LIMIT 20",
            placeholders(backend, 1, 1)
        ),
        vec![organization_id.into()],
    )
    .await?;
    let service_ids: Vec<Uuid> = services
        .iter()
        .map(|r| r.try_get("", "id"))
        .collect::<Result<_, _>>()?;
    let links = in_list(
        db,
        "SELECT process_id, service_id FROM process_service",
        "service_id",
        organization_id,
        &service_ids,
    )
    .await?;
    let mut processes_of: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for link in &links {
        processes_of
            .entry(link.try_get("", "service_id")?)
            .or_default()
            .push(link.try_get("", "process_id")?);
    }
    let mut process_ids: Vec<Uuid> = processes_of.values().flatten().copied().collect();
    process_ids.sort_unstable();
    process_ids.dedup();
    let processes = in_list(
        db,
        "SELECT id, code, name, owner_id FROM process",
        "id",
        organization_id,
        &process_ids,
    )
    .await?;
    let accountable = in_list(
        db,
        "SELECT process_id, person_id FROM raci_assignment",
        "raci_role = 'ACCOUNTABLE' AND process_id",
        organization_id,
        &process_ids,
    )
    .await?;
    let mut person_ids: Vec<Uuid> = Vec::new();
    for row in services.iter().chain(processes.iter()) {
        if let Some(owner) = row.try_get::<Option<Uuid>>("", "owner_id")? {
            person_ids.push(owner);
        }
    }
    let mut accountable_of: HashMap<Uuid, Uuid> = HashMap::new();
    for row in &accountable {
        let person: Uuid = row.try_get("", "person_id")?;
        accountable_of.insert(row.try_get("", "process_id")?, person);
        person_ids.push(person);
    }
    person_ids.sort_unstable();
    person_ids.dedup();
    let people = in_list(
        db,
        "SELECT id, name FROM person",
        "id",
        organization_id,
        &person_ids,
    )
    .await?;
    let mut name_of: HashMap<Uuid, String> = HashMap::new();
    for row in &people {
        name_of.insert(row.try_get("", "id")?, row.try_get("", "name")?);
    }
    let person = |id: Option<Uuid>| {
        id.and_then(|id| name_of.get(&id))
            .map(|name| json!({ "name": name }))
    };
    let mut process_json: HashMap<Uuid, Value> = HashMap::new();
    for row in &processes {
        let id: Uuid = row.try_get("", "id")?;
        process_json.insert(
            id,
            json!({
                "code": row.try_get::<String>("", "code")?,
                "name": row.try_get::<String>("", "name")?,
                "owner": person(row.try_get("", "owner_id")?),
                "accountable": person(accountable_of.get(&id).copied()),
            }),
        );
    }
    let mut edges = Vec::with_capacity(services.len());
    for row in &services {
        let id: Uuid = row.try_get("", "id")?;
        let mut ids = processes_of.get(&id).cloned().unwrap_or_default();
        ids.sort_unstable();
        edges.push(json!({ "node": {
            "id": encode::<entity::service::Entity>(id).to_string(),
            "name": row.try_get::<String>("", "name")?,
            "criticality": row.try_get::<String>("", "criticality")?,
            "status": row.try_get::<String>("", "lifecycle_status")?,
            "owner": person(row.try_get("", "owner_id")?),
            "processes": ids.iter().filter_map(|p| process_json.get(p).cloned()).collect::<Vec<_>>(),
        }}));
    }
    Ok(json!({ "data": {
        "services": { "totalCount": count(db, "service", organization_id).await?, "edges": edges },
        "processes": { "totalCount": count(db, "process", organization_id).await? },
        "people": { "totalCount": count(db, "person", organization_id).await? },
    }}))
}

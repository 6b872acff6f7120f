//! Database access for API tokens.

use chrono::{DateTime, SubsecRound, Utc};
use entity::{api_token, audit_chain_head};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter,
    QuerySelect, Select, sea_query::Expr,
};
use uuid::Uuid;

use super::secret;
use crate::{
    auth::ApiScope,
    error::{AppError, AppResult},
    store::{self, Change},
    tenancy::Scope,
    validation::Name,
};

/// How stale `last_used_at` may get before a request refreshes it: one write a minute per
/// token, not one per request.
const LAST_USED_GRANULARITY_SECS: i64 = 60;

/// A token to create.
pub struct NewApiToken {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The scopes stored in a row.
pub fn scopes_of(token: &api_token::Model) -> Vec<ApiScope> {
    token
        .scopes
        .split(',')
        .filter_map(ApiScope::parse)
        .collect()
}

/// Creates a token; returns it and its secret, which is not kept.
pub async fn create(
    change: &mut Change,
    new: NewApiToken,
) -> AppResult<(api_token::Model, String)> {
    let name: String = Name::parse("input.name", &new.name)?.into();
    if new.scopes.is_empty() {
        return Err(AppError::bad_input(
            "input.scopes",
            "a token needs at least one scope",
        ));
    }
    let now = Utc::now().trunc_subsecs(6);
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::bad_input(
            "input.expiresAt",
            "`input.expiresAt` must be in the future",
        ));
    }
    let mut scopes = new.scopes;
    scopes.sort_unstable();
    scopes.dedup();
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let secret = secret::generate()?;
    let model = api_token::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        name,
        display_prefix: secret.display_prefix,
        secret_hash: secret.hash,
        scopes: scopes.join(","),
        expires_at: new.expires_at.map(|at| at.trunc_subsecs(6)),
        last_used_at: None,
        revoked_at: None,
        created_by: change.actor().subject.clone(),
        created_at: now,
        version: 1,
    };
    let model = store::insert::<api_token::Entity>(change, "api_token.create", model, &[]).await?;
    Ok((model, secret.token))
}

/// Revokes a token; the next request with it is refused. Revoking twice changes nothing.
pub async fn revoke(change: &mut Change, id: Uuid) -> AppResult<api_token::Model> {
    let scope = Scope::from(change.actor());
    let before = scope.find::<api_token::Entity>(change.db(), id).await?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let after = api_token::Model {
        revoked_at: Some(Utc::now().trunc_subsecs(6)),
        version: before.version + 1,
        ..before.clone()
    };
    scope
        .update::<api_token::Entity>()
        .set(api_token::ActiveModel {
            revoked_at: Set(after.revoked_at),
            version: Set(after.version),
            ..Default::default()
        })
        .filter(api_token::Column::Id.eq(id))
        .exec(change.db())
        .await?;
    change
        .record::<api_token::Entity>("api_token.revoke", Some(&before), Some(&after))
        .await?;
    Ok(after)
}

/// The organization's tokens.
pub fn select(scope: Scope) -> Select<api_token::Entity> {
    scope.select::<api_token::Entity>()
}

/// The live token with this secret (not revoked, not expired), and the version of its
/// organization's data (its audit trail's head sequence), in one statement.
pub async fn find_live(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<(api_token::Model, Option<i64>)>, sea_orm::DbErr> {
    let now = Utc::now();
    let head = api_token::Entity::belongs_to(audit_chain_head::Entity)
        .from(api_token::Column::OrganizationId)
        .to(audit_chain_head::Column::OrganizationId)
        .into();
    Ok(api_token::Entity::find()
        .filter(api_token::Column::SecretHash.eq(secret::hash(token)))
        .join(JoinType::LeftJoin, head)
        .select_also(audit_chain_head::Entity)
        .one(db)
        .await?
        .filter(|(t, _)| t.revoked_at.is_none() && t.expires_at.is_none_or(|at| at > now))
        .map(|(t, head)| (t, head.map(|head| head.sequence))))
}

/// Records that a token was just used, at most once a minute.
pub async fn touch(
    db: &impl ConnectionTrait,
    token: &api_token::Model,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now().trunc_subsecs(6);
    if token
        .last_used_at
        .is_some_and(|at| (now - at).num_seconds() < LAST_USED_GRANULARITY_SECS)
    {
        return Ok(());
    }
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(token.id))
        .exec(db)
        .await?;
    Ok(())
}

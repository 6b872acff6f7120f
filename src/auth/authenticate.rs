use std::sync::Arc;

use entity::{audit_chain_head, organization, person};
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection,
    sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement},
};
use uuid::Uuid;

use super::{
    actor::{Actor, ActorKind, AuthFailure, Authentication, Grant},
    api_token,
    jwt::{JwtVerifier, TokenClaims},
};

/// Turns a bearer credential into the request's [`Actor`], at the edge (HTTP handler and
/// WebSocket `connection_init` alike).
#[derive(Clone)]
pub struct Authenticator {
    verifier: Arc<JwtVerifier>,
    db: DatabaseConnection,
}

impl Authenticator {
    pub fn new(verifier: JwtVerifier, db: DatabaseConnection) -> Self {
        Self {
            verifier: Arc::new(verifier),
            db,
        }
    }

    /// Checks an `Authorization` header value (`Bearer <token>`).
    pub async fn authorization_header(&self, header: Option<&str>) -> Authentication {
        let Some(header) = header else {
            return Authentication::refused("missing bearer token in the Authorization header");
        };
        match header.split_once(' ') {
            Some((scheme, token))
                if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
            {
                self.token(token.trim()).await
            }
            _ => Authentication::refused("the Authorization header must be `Bearer <token>`"),
        }
    }

    /// Checks a bare token: an API token by its prefix, otherwise a JWT.
    pub async fn token(&self, token: &str) -> Authentication {
        if api_token::secret::looks_like(token) {
            return self.api_token(token).await;
        }
        match self.verifier.verify(token).await {
            Ok(claims) => self.actor(claims).await,
            Err(reason) => Authentication::refused(reason),
        }
    }

    /// A live API token acts as itself, with its scopes.
    async fn api_token(&self, token: &str) -> Authentication {
        let found = match api_token::store::find_live(&self.db, token).await {
            Ok(found) => found,
            Err(err) => {
                tracing::error!(error = %err, "API token check failed");
                return Authentication::failed(AuthFailure::Unavailable);
            }
        };
        let Some((found, data_version)) = found else {
            return Authentication::refused("unknown, revoked or expired API token");
        };
        if let Err(err) = api_token::store::touch(&self.db, &found).await {
            tracing::warn!(error = %err, "could not record the API token's last use");
        }
        let actor = Actor {
            organization_id: found.organization_id,
            subject: format!("{}{}", super::actor::API_TOKEN_SUBJECT, found.id),
            grant: Grant::Scopes(api_token::store::scopes_of(&found)),
            person_id: None,
            kind: ActorKind::ApiToken,
            expires_at: found.expires_at.map(|at| at.timestamp()),
        };
        Authentication::accepted(actor, data_version)
    }

    /// The token is genuine; now the organization must exist and the subject must not belong
    /// to a deactivated person: one statement, since every request pays for it.
    async fn actor(&self, claims: TokenClaims) -> Authentication {
        let found = self
            .db
            .query_one(&credential_check(claims.organization_id, &claims.subject))
            .await
            .and_then(|row| {
                row.map(|row| {
                    Ok::<_, sea_orm::DbErr>((
                        row.try_get_by_index::<Option<Uuid>>(0)?,
                        row.try_get_by_index::<Option<bool>>(1)?,
                        row.try_get_by_index::<Option<i64>>(2)?,
                    ))
                })
                .transpose()
            });
        let (person_id, active, data_version) = match found {
            Ok(Some(found)) => found,
            Ok(None) => return Authentication::refused("token names an unknown organization"),
            Err(err) => {
                tracing::error!(error = %err, "credential check failed");
                return Authentication::failed(AuthFailure::Unavailable);
            }
        };
        if active == Some(false) {
            return Authentication::refused("this login belongs to a deactivated person");
        }
        let actor = Actor {
            organization_id: claims.organization_id,
            subject: claims.subject,
            grant: Grant::Role(claims.role),
            person_id,
            kind: ActorKind::Person,
            expires_at: Some(claims.expires_at),
        };
        Authentication::accepted(actor, data_version)
    }
}

/// The organization (a row, or none if unknown) with the person its login subject belongs to,
/// if any, and the version of its data: `person.id`, `person.active`,
/// `audit_chain_head.sequence`.
fn credential_check(organization_id: Uuid, subject: &str) -> SelectStatement {
    Query::select()
        .column((person::Entity, person::Column::Id))
        .column((person::Entity, person::Column::Active))
        .column((audit_chain_head::Entity, audit_chain_head::Column::Sequence))
        .from(organization::Entity)
        .join(
            JoinType::LeftJoin,
            audit_chain_head::Entity,
            Expr::col((
                audit_chain_head::Entity,
                audit_chain_head::Column::OrganizationId,
            ))
            .equals((organization::Entity, organization::Column::Id)),
        )
        .join(
            JoinType::LeftJoin,
            person::Entity,
            Condition::all()
                .add(
                    Expr::col((person::Entity, person::Column::OrganizationId))
                        .equals((organization::Entity, organization::Column::Id)),
                )
                .add(Expr::col((person::Entity, person::Column::LoginSubject)).eq(subject)),
        )
        .and_where(Expr::col((organization::Entity, organization::Column::Id)).eq(organization_id))
        .to_owned()
}

//! GraphQL types and resolvers of API tokens (ADMIN only).

use chrono::Utc;
use entity::api_token;

use super::store::{self, NewApiToken};
use crate::{auth::ApiScope, graphql::prelude::*};

crate::node_object!(
    /// A credential for an integration script. Its secret is shown once, at creation.
    ApiToken(api_token), permission = ManageAccess
);

#[Object(use_type_description)]
impl ApiToken {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// What the token is for.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the secret, to recognize it.
    async fn display_prefix(&self) -> &str {
        &self.0.display_prefix
    }
    /// What the token may do.
    async fn scopes(&self) -> Vec<ApiScope> {
        store::scopes_of(&self.0)
    }
    /// When it stops working, if ever.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at.map(DateTime)
    }
    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at.map(DateTime)
    }
    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at.map(DateTime)
    }
    /// Login subject of the ADMIN who created it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at.into()
    }
}

/// Input of `createApiToken`.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What the token is for (1 to 200 characters).
    pub name: String,
    /// What it may do; at least one.
    pub scopes: Vec<ApiScope>,
    /// When it stops working; never if omitted.
    pub expires_at: Option<DateTime<Utc>>,
}

impl CreateApiTokenInput {
    fn parse(self) -> AppResult<NewApiToken> {
        Ok(NewApiToken {
            name: self.name,
            scopes: self.scopes,
            expires_at: self.expires_at.map(|at| at.0),
        })
    }
}

/// Result of `createApiToken`.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The token.
    pub api_token: ApiToken,
    /// The secret, shown this once: send it as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// Input of `revokeApiToken`.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    /// The token.
    pub id: ID,
}

impl RevokeApiTokenInput {
    fn parse(self) -> AppResult<uuid::Uuid> {
        decode::<api_token::Entity>(&self.id, "input.id")
    }
}

crate::payload!(
    /// Result of `revokeApiToken`.
    RevokeApiTokenPayload {
        /// The token, revoked.
        api_token: ApiToken(api_token)
    }
);

impl From<(api_token::Model, String)> for CreateApiTokenPayload {
    fn from((token, secret): (api_token::Model, String)) -> Self {
        Self {
            api_token: ApiToken::from(token),
            secret,
        }
    }
}

crate::record_mutations! {
    /// API token mutations.
    ApiTokenMutation {
        /// Creates an API token and returns its secret, once (ADMIN).
        create_api_token(CreateApiTokenInput, "The token's name, scopes and expiry.")
            -> CreateApiTokenPayload,
            guard = "Require(Permission::ManageAccess)", apply = store::create;
        /// Revokes an API token; its next request is refused (ADMIN).
        revoke_api_token(RevokeApiTokenInput, "The token to revoke.") -> RevokeApiTokenPayload,
            guard = "Require(Permission::ManageAccess)", apply = store::revoke;
    }
}

crate::record_queries! {
    /// The API token list.
    ApiTokenQuery {
        /// The organization's API tokens, oldest first (ADMIN).
        api_tokens(ctx, args) -> Page<ApiToken>, guard = "Require(Permission::ManageAccess)" {
            Ok(paginate(
                ctx.reads().uncached(),
                store::select(ctx.scope()?),
                api_token::Column::Id,
                |t| t.id,
                args,
                ApiToken,
            )
            .await?)
        }
    }
}

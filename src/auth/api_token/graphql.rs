//! GraphQL types and resolvers of API tokens (ADMIN only).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use entity::api_token;

use super::store::{self, NewApiToken};
use crate::{
    auth::{ApiScope, Permission, Require},
    graphql::scalars::DateTime,
    graphql::{
        ContextExt,
        connection::{Page, paginate},
        ids::decode,
        mutate,
    },
};

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

crate::payload!(
    /// Result of `revokeApiToken`.
    RevokeApiTokenPayload {
        /// The token, revoked.
        api_token: ApiToken(api_token)
    }
);

/// API token mutations.
#[derive(Default)]
pub struct ApiTokenMutation;

#[Object]
impl ApiTokenMutation {
    /// Creates an API token and returns its secret, once (ADMIN).
    #[graphql(guard = "Require(Permission::ManageAccess)")]
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's name, scopes and expiry.")] input: CreateApiTokenInput,
    ) -> async_graphql::Result<CreateApiTokenPayload> {
        let new = NewApiToken {
            name: input.name,
            scopes: input.scopes,
            expires_at: input.expires_at.map(|at| at.0),
        };
        let (token, secret) = mutate(ctx, async |change| store::create(change, new).await).await?;
        Ok(CreateApiTokenPayload {
            api_token: ApiToken::from(token),
            secret,
        })
    }

    /// Revokes an API token; its next request is refused (ADMIN).
    #[graphql(guard = "Require(Permission::ManageAccess)")]
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to revoke.")] input: RevokeApiTokenInput,
    ) -> async_graphql::Result<RevokeApiTokenPayload> {
        let id = decode::<entity::api_token::Entity>(&input.id, "input.id")?;
        let token = mutate(ctx, async |change| store::revoke(change, id).await).await?;
        Ok(RevokeApiTokenPayload::from(token))
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

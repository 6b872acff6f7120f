use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{create, drop_tables, tenant_table, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Name,
    DisplayPrefix,
    SecretHash,
    Scopes,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
    CreatedBy,
    CreatedAt,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Not `versioned()`: `created_at` comes before `version`, and there is no `updated_at`.
        let table = tenant_table(ApiToken::Table)
            .col(string_len(ApiToken::Name, 200))
            .col(string_len(ApiToken::DisplayPrefix, 32))
            .col(string_len(ApiToken::SecretHash, 64))
            .col(string_len(ApiToken::Scopes, 500))
            .col(timestamp_with_time_zone_null(ApiToken::ExpiresAt))
            .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
            .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
            .col(string_len(ApiToken::CreatedBy, 255))
            .col(timestamp_with_time_zone(ApiToken::CreatedAt))
            .col(integer(ApiToken::Version).default(1))
            .to_owned();
        // Every request with an API token looks it up by the hash of its secret.
        let by_secret = unique_index(
            "ux_api_token_secret_hash",
            ApiToken::Table,
            [ApiToken::SecretHash],
        );
        create(manager, table, [by_secret]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, [ApiToken::Table.into_iden()]).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_organization::Organization;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    OrganizationId,
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
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(uuid(ApiToken::Id).primary_key())
                    .col(uuid(ApiToken::OrganizationId))
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
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiToken::Table, ApiToken::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Every request with an API token looks it up by the hash of its secret.
        manager
            .create_index(
                Index::create()
                    .name("ux_api_token_secret_hash")
                    .table(ApiToken::Table)
                    .col(ApiToken::SecretHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await
    }
}

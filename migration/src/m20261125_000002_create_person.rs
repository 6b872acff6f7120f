use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_organization::Organization;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    OrganizationId,
    Name,
    Email,
    LoginSubject,
    Role,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(uuid(Person::Id).primary_key())
                    .col(uuid(Person::OrganizationId))
                    .col(string_len(Person::Name, 200))
                    .col(string_len(Person::Email, 254))
                    .col(string_len_null(Person::LoginSubject, 255))
                    .col(string_len_null(Person::Role, 16))
                    .col(boolean(Person::Active).default(true))
                    .col(integer(Person::Version).default(1))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Person::Table, Person::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Email and login subject identify a person within an organization; the indexes also
        // serve the token check on every request.
        manager
            .create_index(
                Index::create()
                    .name("ux_person_org_email")
                    .table(Person::Table)
                    .col(Person::OrganizationId)
                    .col(Person::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_person_org_login_subject")
                    .table(Person::Table)
                    .col(Person::OrganizationId)
                    .col(Person::LoginSubject)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Person::Table).to_owned())
            .await
    }
}

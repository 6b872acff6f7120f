use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{RecordColumns, create, drop_tables, tenant_table, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    OrganizationId,
    Name,
    Email,
    LoginSubject,
    Role,
    Active,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = tenant_table(Person::Table)
            .col(string_len(Person::Name, 200))
            .col(string_len(Person::Email, 254))
            .col(string_len_null(Person::LoginSubject, 255))
            .col(string_len_null(Person::Role, 16))
            .col(boolean(Person::Active).default(true))
            .versioned()
            .to_owned();
        // Email and login subject identify a person within an organization; the indexes also
        // serve the token check on every request.
        let indexes = [
            unique_index(
                "ux_person_org_email",
                Person::Table,
                [Person::OrganizationId, Person::Email],
            ),
            unique_index(
                "ux_person_org_login_subject",
                Person::Table,
                [Person::OrganizationId, Person::LoginSubject],
            ),
        ];
        create(manager, table, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, [Person::Table.into_iden()]).await
    }
}

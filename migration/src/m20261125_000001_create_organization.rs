use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{RecordColumns, create, drop_tables};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Organization {
    Table,
    Id,
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Organization::Table)
            .col(uuid(Organization::Id).primary_key())
            .col(string_len(Organization::Name, 200))
            .versioned()
            .to_owned();
        create(manager, table, []).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, [Organization::Table.into_iden()]).await
    }
}

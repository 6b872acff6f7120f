use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    HashVersion,
}

/// Which hash format an audit entry was hashed with. The rows written before this step keep
/// format 1 (the default), so that existing chains still verify; the server writes newer ones.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let add = Table::alter()
            .table(AuditEntry::Table)
            .add_column(small_integer(AuditEntry::HashVersion).default(1))
            .to_owned();
        manager.alter_table(add).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = Table::alter()
            .table(AuditEntry::Table)
            .drop_column(AuditEntry::HashVersion)
            .to_owned();
        manager.alter_table(drop).await
    }
}

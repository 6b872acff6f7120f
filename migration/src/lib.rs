//! Database migrations, one file per step, applied in order by `iso20000 migrate` and at start-up.

pub use sea_orm_migration::prelude::*;

mod columns;
pub mod library;
mod m20261125_000001_create_organization;
mod m20261125_000002_create_person;
mod m20261125_000003_create_audit_trail;
mod m20261125_000004_create_api_token;
mod m20261125_000005_create_portfolio;
mod m20261125_000006_create_process_map;
mod m20261202_000007_audit_entry_hash_version;
mod m20261202_000008_foreign_key_indexes_link_target;
mod m20261203_000009_create_framework_library;
mod m20261204_000010_create_certification_cycles;
mod m20261205_000011_create_documents;
mod m20261206_000012_create_gap_analysis;
mod m20261207_000013_create_training;
mod m20261208_000014_create_readiness_history;
mod m20261209_000015_create_evidence;

/// Every migration of the product, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_organization::Migration),
            Box::new(m20261125_000002_create_person::Migration),
            Box::new(m20261125_000003_create_audit_trail::Migration),
            Box::new(m20261125_000004_create_api_token::Migration),
            Box::new(m20261125_000005_create_portfolio::Migration),
            Box::new(m20261125_000006_create_process_map::Migration),
            Box::new(m20261202_000007_audit_entry_hash_version::Migration),
            Box::new(m20261202_000008_foreign_key_indexes_link_target::Migration),
            Box::new(m20261203_000009_create_framework_library::Migration),
            Box::new(m20261204_000010_create_certification_cycles::Migration),
            Box::new(m20261205_000011_create_documents::Migration),
            Box::new(m20261206_000012_create_gap_analysis::Migration),
            Box::new(m20261207_000013_create_training::Migration),
            Box::new(m20261208_000014_create_readiness_history::Migration),
            Box::new(m20261209_000015_create_evidence::Migration),
        ]
    }
}

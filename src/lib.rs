//! The ISO/IEC 20000 readiness API: a headless GraphQL backend that runs an organization's
//! service management system from first gap analysis to certification.
//!
//! The binary (`src/main.rs`) is a thin CLI over this library; the tests use it too.

pub mod audit_trail;
pub mod auth;
pub mod compliance;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod events;
pub mod evidence;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod organization;
pub mod people;
pub mod portfolio;
pub mod read_cache;
pub mod readiness;
pub mod record;
pub mod schema;
pub mod search;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod tenancy;
pub mod validation;

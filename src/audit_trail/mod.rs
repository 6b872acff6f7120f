//! The audit trail: every change, who made it, before and after, hash-chained per organization
//! so that editing, deleting or reordering a row is detectable.
//!
//! - [`chain`]: the pure hashing and verification rules;
//! - [`store`]: appending, listing and verifying in the database;
//! - [`graphql`]: the API.

pub mod chain;
pub mod changes;
pub mod graphql;
pub mod store;
mod view;

crate::record!(audit_entry => "AuditEntry");

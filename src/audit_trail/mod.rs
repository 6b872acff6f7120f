//! The audit trail: every change, who made it, before and after, hash-chained per organization
//! so that editing, deleting or reordering a row is detectable.
//!
//! - [`chain`]: the pure hashing and verification rules;
//! - [`store`]: appending, listing and verifying in the database;
//! - [`change`]: the unit of work every mutation runs in (transaction + trail + event);
//! - [`graphql`]: the API.

pub mod chain;
mod change;
pub mod graphql;
pub mod store;
mod view;

pub use change::Change;

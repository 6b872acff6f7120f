//! Versions of a document and the approvers' decisions on them.

pub mod graphql;
pub mod store;

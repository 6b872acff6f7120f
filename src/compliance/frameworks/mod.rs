//! Frameworks, their clauses and the mappings between clauses.

pub mod file;
pub mod graphql;
pub mod store;

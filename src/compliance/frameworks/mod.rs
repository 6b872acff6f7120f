//! Frameworks, their clauses and the mappings between clauses.

pub mod graphql;
pub mod store;

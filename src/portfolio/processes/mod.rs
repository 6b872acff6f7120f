//! Processes: the built-in clause-8 catalogue (see `catalogue`) and the organization's own;
//! owners, maturity, the services each applies to, applicability.

pub mod access;
pub mod graphql;
pub mod store;

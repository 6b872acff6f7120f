//! The process map: which process uses which tool for what, and which process depends on
//! which.

pub mod graphql;
pub mod store;

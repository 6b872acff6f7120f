//! Tools the SMS depends on: ITSM, CMDB, monitoring, change tools.

pub mod graphql;
pub mod store;

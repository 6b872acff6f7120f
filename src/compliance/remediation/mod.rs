//! The remediation plan: tasks that close gaps, created from a gap or free-standing, with
//! their owner, due date, PDCA phase and status, and the clauses and processes they concern.

pub mod graphql;
pub mod lifecycle;
pub mod store;

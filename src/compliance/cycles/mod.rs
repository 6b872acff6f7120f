//! Certification cycles: what an organization plans to certify (scope, objectives, sponsor,
//! framework versions, in-scope services and processes, target date), the PDCA phase it is in
//! with the history of each phase entered, and its status. A later cycle is created from an
//! earlier one with what still applies carried over, marked until it is re-confirmed.

pub mod graphql;
pub mod lifecycle;
pub mod store;
pub mod versions;

//! RACI: who is Responsible, Accountable, Consulted and Informed for each process. Exactly
//! one ACCOUNTABLE per process, guarded by a check and, for concurrent requests, by a partial
//! unique index.

pub mod graphql;
pub mod store;

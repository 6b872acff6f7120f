//! Training: sessions with their trainer, processes and material, who attended and who was
//! absent, and the coverage of each process's RESPONSIBLE and ACCOUNTABLE people.

pub mod coverage;
pub mod graphql;
pub mod store;

//! The service portfolio and the process landscape: services, the clause-8 process catalogue
//! and the organization's own processes, and who is responsible, accountable, consulted and
//! informed for each (RACI).

pub mod catalogue;
pub mod processes;
pub mod raci;
pub mod services;
pub mod tools;

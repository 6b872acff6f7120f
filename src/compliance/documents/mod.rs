//! Controlled documents: policies, processes, procedures, plans, templates and record types,
//! each with an owner, a process, the clauses it addresses, a classification and a next
//! review date; their versions (`major.minor`, Markdown body, SHA-256 of the content) go
//! through review by the approvers named for the document (`lifecycle`). Every organization
//! starts with the built-in templates (`templates`).

pub mod access;
pub mod content;
pub mod graphql;
pub mod lifecycle;
pub mod store;
pub mod templates;
pub mod versions;

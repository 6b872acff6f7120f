//! The evidence repository, the Check of DOMAIN.md's PDCA made provable: records that show a
//! requirement is met, what they are, who brought them in (a person, or an integration with
//! its API token), when they were collected, the period they cover and until when they hold,
//! linked to the clauses, processes, services, cycles and document versions they serve.
//! Freshness is derived when read ([`freshness`]); scripts create evidence idempotently by an
//! external key.

pub mod demo;
pub mod freshness;
pub mod graphql;
pub mod readiness;
pub mod relations;
pub mod store;

crate::record!(evidence => "Evidence", versioned);
crate::tenant!(evidence_tag);
crate::tenant!(evidence_clause);
crate::tenant!(evidence_process);
crate::tenant!(evidence_service);
crate::tenant!(evidence_cycle);
crate::tenant!(evidence_document_version);

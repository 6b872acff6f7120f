//! SeaORM entities: one module per table, plain data with no behaviour.
//!
//! GraphQL types live in the server's domain folders and convert from these models, so a column
//! never reaches the API by accident.

pub mod api_token;
pub mod assessment_process;
pub mod audit_chain_head;
pub mod audit_entry;
pub mod certification_cycle;
pub mod clause;
pub mod clause_assessment;
pub mod clause_mapping;
pub mod cycle_framework;
pub mod cycle_objective;
pub mod cycle_phase_entry;
pub mod cycle_process;
pub mod cycle_service;
pub mod document;
pub mod document_approver;
pub mod document_clause;
pub mod document_decision;
pub mod document_version;
pub mod evidence;
pub mod evidence_clause;
pub mod evidence_cycle;
pub mod evidence_document_version;
pub mod evidence_process;
pub mod evidence_service;
pub mod evidence_tag;
pub mod framework;
pub mod organization;
pub mod person;
pub mod portfolio_enums;
pub mod process;
pub mod process_link;
pub mod process_service;
pub mod raci_assignment;
pub mod readiness_record;
pub mod remediation_task;
pub mod role;
pub mod service;
pub mod task_clause;
pub mod task_process;
pub mod tool;
pub mod training_attendance;
pub mod training_process;
pub mod training_session;

pub use portfolio_enums::{Criticality, LifecycleStatus, Maturity, RaciRole};
pub use role::Role;

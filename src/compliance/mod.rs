//! Compliance planning, the Plan and Do of DOMAIN.md. Its first part is the framework library:
//! the standards an organization plans against, their clause trees and the mappings between
//! clauses of different standards. The built-in ones are written by migration
//! (`migration/src/library/`) and have no organization; every organization reads them. Then
//! the certification cycle (what the organization plans to certify, and how far along the
//! PDCA path it is), its gap analysis and remediation plan, the organization's controlled
//! documents with their reviewed versions, and training.

pub mod access;
pub mod assessments;
pub mod cycles;
pub mod demo;
pub mod documents;
pub mod frameworks;
pub mod readiness;
pub mod relations;
pub mod remediation;
pub mod training;

crate::record!(framework => "Framework", shared);
crate::record!(clause => "Clause", shared);
crate::record!(clause_mapping => "ClauseMapping", shared);
crate::record!(certification_cycle => "Cycle", versioned);
crate::record!(cycle_objective => "CycleObjective");
crate::record!(cycle_service => "CycleService");
crate::record!(cycle_process => "CycleProcess");
crate::record!(cycle_phase_entry => "PhaseEntry");
crate::tenant!(cycle_framework);
crate::record!(remediation_task => "RemediationTask", versioned);
crate::tenant!(task_clause);
crate::tenant!(task_process);
crate::record!(clause_assessment => "ClauseAssessment", versioned);
crate::tenant!(assessment_process);
crate::record!(document => "Document", versioned);
crate::record!(document_version => "DocumentVersion", versioned);
crate::record!(document_decision => "DocumentDecision");
crate::tenant!(document_approver);
crate::tenant!(document_clause);

/// Every organization starts with the built-in document templates.
pub async fn seed_organization(change: &mut crate::store::Change) -> crate::error::AppResult<()> {
    documents::templates::seed(change).await
}
crate::record!(training_session => "TrainingSession", versioned);
crate::record!(training_attendance => "Attendance");
crate::tenant!(training_process);

//! Compliance planning, the Plan and Do of DOMAIN.md. Its first part is the framework library:
//! the standards an organization plans against, their clause trees and the mappings between
//! clauses of different standards. The built-in ones are written by migration
//! (`migration/src/library/`) and have no organization; every organization reads them. Its
//! second part is the organization's controlled documents and their reviewed versions.

pub mod documents;
pub mod frameworks;
pub mod relations;

crate::record!(framework => "Framework", shared);
crate::record!(clause => "Clause", shared);
crate::record!(clause_mapping => "ClauseMapping", shared);
crate::record!(document => "Document", versioned);
crate::record!(document_version => "DocumentVersion", versioned);
crate::record!(document_decision => "DocumentDecision");
crate::tenant!(document_approver);
crate::tenant!(document_clause);

/// Every organization starts with the built-in document templates.
pub async fn seed_organization(change: &mut crate::store::Change) -> crate::error::AppResult<()> {
    documents::templates::seed(change).await
}

use async_graphql::{Context, Enum, Guard};
use entity::Role;

use crate::{error::AppError, graphql::ContextExt};

/// What an API token may be granted. Each write scope covers one area; nothing grants access
/// management (tokens, logins, roles) to a token.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiScope {
    /// Read the organization's SMS records.
    Read,
    /// Create and change people.
    PeopleWrite,
    /// Read and verify the audit trail.
    AuditTrailRead,
    /// Create and change services, processes, RACI.
    PortfolioWrite,
    /// Plan certification cycles, assess clauses, maintain remediation tasks, documents and
    /// training (never approve a document: that takes a person).
    ComplianceWrite,
    /// Add and maintain evidence: what integrations that capture evidence hold.
    EvidenceWrite,
}

impl ApiScope {
    /// The name stored and shown (`PEOPLE_WRITE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "READ",
            Self::PeopleWrite => "PEOPLE_WRITE",
            Self::AuditTrailRead => "AUDIT_TRAIL_READ",
            Self::PortfolioWrite => "PORTFOLIO_WRITE",
            Self::ComplianceWrite => "COMPLIANCE_WRITE",
            Self::EvidenceWrite => "EVIDENCE_WRITE",
        }
    }

    /// The scope with this name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Read,
            Self::PeopleWrite,
            Self::AuditTrailRead,
            Self::PortfolioWrite,
            Self::ComplianceWrite,
            Self::EvidenceWrite,
        ]
        .into_iter()
        .find(|scope| scope.as_str() == name)
    }
}

/// What a request may do. The role matrix of the README is [`Permission::allows`], nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read the organization's SMS records.
    Read,
    /// Create, update and deactivate people.
    ManagePeople,
    /// Grant logins and roles, change organization settings.
    ManageAccess,
    /// Read and verify the audit trail.
    ReadAuditTrail,
    /// Create and change services, processes and RACI assignments.
    ManagePortfolio,
    /// Change the processes one owns and their RACI assignments (not who owns them); the store
    /// checks the ownership of each process.
    MaintainOwnProcesses,
    /// Add frameworks to the organization's library.
    ManageFrameworks,
    /// Plan certification cycles: their scope, phases and status.
    PlanCycles,
    /// Approve or send back document versions; only a person may, never a token.
    ApproveDocuments,
    /// Assess clauses, maintain remediation tasks, documents and training; a PROCESS_OWNER only
    /// where their own processes are concerned (the store checks each).
    MaintainOwnCompliance,
    /// Add and maintain evidence; a PROCESS_OWNER only evidence of their own processes (the
    /// store checks each).
    MaintainOwnEvidence,
    /// Maintain any evidence, whichever processes it concerns.
    ManageEvidence,
}

impl Permission {
    /// The role matrix.
    pub fn allows(self, role: Role) -> bool {
        use Role::*;
        match self {
            Self::Read => true,
            Self::ManagePeople => matches!(role, Admin | Manager),
            Self::ManageAccess => matches!(role, Admin),
            Self::ReadAuditTrail => matches!(role, Admin | Manager | Auditor),
            Self::ManagePortfolio => matches!(role, Admin | Manager),
            Self::MaintainOwnProcesses => matches!(role, Admin | Manager | ProcessOwner),
            Self::ManageFrameworks => matches!(role, Admin),
            Self::PlanCycles | Self::ApproveDocuments => matches!(role, Admin | Manager),
            Self::MaintainOwnCompliance | Self::MaintainOwnEvidence => {
                matches!(role, Admin | Manager | ProcessOwner)
            }
            Self::ManageEvidence => matches!(role, Admin | Manager),
        }
    }

    /// The API token scope that grants this permission, if any may.
    pub fn scope(self) -> Option<ApiScope> {
        match self {
            Self::Read => Some(ApiScope::Read),
            Self::ManagePeople => Some(ApiScope::PeopleWrite),
            Self::ReadAuditTrail => Some(ApiScope::AuditTrailRead),
            Self::ManagePortfolio | Self::MaintainOwnProcesses => Some(ApiScope::PortfolioWrite),
            Self::PlanCycles | Self::MaintainOwnCompliance => Some(ApiScope::ComplianceWrite),
            Self::MaintainOwnEvidence | Self::ManageEvidence => Some(ApiScope::EvidenceWrite),
            Self::ManageAccess | Self::ManageFrameworks | Self::ApproveDocuments => None,
        }
    }
}

/// Field guard: `#[graphql(guard = "Require(Permission::ManagePeople)")]`. Refuses with
/// UNAUTHENTICATED when there is no valid credential and FORBIDDEN when the role lacks the
/// permission, before the resolver runs, so nothing changes.
pub struct Require(pub Permission);

impl Guard for Require {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let actor = ctx.actor()?;
        if actor.may(self.0) {
            return Ok(());
        }
        let refusal = match (actor.role(), self.0.scope()) {
            (Some(role), _) => format!(
                "the {} role may not do this",
                sea_orm::ActiveEnum::to_value(&role)
            ),
            (None, Some(scope)) => format!("this API token lacks the {} scope", scope.as_str()),
            (None, None) => "API tokens may not do this".to_owned(),
        };
        Err(AppError::Forbidden(refusal).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_access_is_never_a_scope() {
        for scope in [
            ApiScope::Read,
            ApiScope::PeopleWrite,
            ApiScope::AuditTrailRead,
            ApiScope::PortfolioWrite,
            ApiScope::ComplianceWrite,
            ApiScope::EvidenceWrite,
        ] {
            assert_eq!(ApiScope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Permission::ManageAccess.scope(), None);
    }

    #[test]
    fn only_admins_manage_access() {
        assert!(Permission::ManageAccess.allows(Role::Admin));
        for role in [
            Role::Manager,
            Role::ProcessOwner,
            Role::Auditor,
            Role::Viewer,
        ] {
            assert!(!Permission::ManageAccess.allows(role), "{role:?}");
        }
    }

    #[test]
    fn everyone_reads_but_only_some_see_the_audit_trail() {
        for role in [
            Role::Admin,
            Role::Manager,
            Role::ProcessOwner,
            Role::Auditor,
            Role::Viewer,
        ] {
            assert!(Permission::Read.allows(role));
        }
        assert!(Permission::ReadAuditTrail.allows(Role::Auditor));
        assert!(!Permission::ReadAuditTrail.allows(Role::Viewer));
        assert!(!Permission::ManagePeople.allows(Role::Auditor));
    }
}

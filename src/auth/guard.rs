use async_graphql::{Context, Guard};
use entity::Role;

use crate::{error::AppError, graphql::ContextExt};

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
        if self.0.allows(actor.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "the {} role may not do this",
                serde_json::to_value(actor.role)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ))
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

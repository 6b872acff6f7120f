use async_graphql::Enum;

/// What a login may do; see the role matrix in the README.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "Role", remote = "entity::Role")]
pub enum RoleValue {
    /// Everything, including logins, roles and organization settings.
    Admin,
    /// Runs the SMS: manages people and records, reads the audit trail.
    Manager,
    /// Owns processes: maintains their records.
    ProcessOwner,
    /// Audits: reads everything, including the audit trail.
    Auditor,
    /// Reads.
    Viewer,
}

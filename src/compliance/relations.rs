//! The compliance area's relations, as its GraphQL fields load them.

crate::grouping!(
    /// The clauses of a framework, each list in the standard's order.
    ClausesOfFramework: clause by FrameworkId ordered by Position,
    |row| Some(row.framework_id)
);
crate::grouping!(
    /// The clauses a clause groups, in the standard's order.
    ChildrenOfClause: clause by ParentId ordered by Position,
    |row| row.parent_id
);
crate::grouping!(
    /// The mappings from a clause.
    MappingsFrom: clause_mapping by FromClauseId,
    |row| Some(row.from_clause_id)
);
crate::grouping!(
    /// The mappings to a clause.
    MappingsTo: clause_mapping by ToClauseId,
    |row| Some(row.to_clause_id)
);
crate::link_table!(
    /// The framework versions a cycle plans against.
    FrameworksOfCycle: cycle_framework from CycleId to framework,
    |link| (link.cycle_id, link.framework_id)
);
crate::grouping!(
    /// The services in a cycle's scope.
    ServicesOfCycle: cycle_service by CycleId,
    |row| Some(row.cycle_id)
);
crate::grouping!(
    /// The processes in a cycle's scope.
    ProcessesOfCycle: cycle_process by CycleId,
    |row| Some(row.cycle_id)
);
crate::grouping!(
    /// A cycle's objectives, in their order.
    ObjectivesOfCycle: cycle_objective by CycleId ordered by Position,
    |row| Some(row.cycle_id)
);
crate::grouping!(
    /// The phases a cycle entered, oldest first.
    PhasesOfCycle: cycle_phase_entry by CycleId,
    |row| Some(row.cycle_id)
);
crate::link_table!(
    /// The clauses whose gaps a remediation task closes.
    ClausesOfTask: task_clause from TaskId to clause,
    |link| (link.task_id, link.clause_id)
);
crate::link_table!(
    /// The processes a remediation task concerns.
    ProcessesOfTask: task_process from TaskId to process,
    |link| (link.task_id, link.process_id)
);
crate::link_table!(
    /// The processes a clause assessment concerns.
    ProcessesOfAssessment: assessment_process from AssessmentId to process,
    |link| (link.assessment_id, link.process_id)
);
crate::grouping!(
    /// The versions of a document, oldest first.
    VersionsOfDocument: document_version by DocumentId,
    |row| Some(row.document_id)
);
crate::grouping!(
    /// The decisions on a document version, oldest first.
    DecisionsOfVersion: document_decision by VersionId,
    |row| Some(row.version_id)
);
crate::link_table!(
    /// The clauses a document addresses.
    ClausesOfDocument: document_clause from DocumentId to clause,
    |link| (link.document_id, link.clause_id)
);
crate::link_table!(
    /// The people named to approve a document's versions.
    ApproversOfDocument: document_approver from DocumentId to person,
    |link| (link.document_id, link.person_id)
);
crate::link_table!(
    /// The processes a training session covers.
    ProcessesOfSession: training_process from SessionId to process,
    |link| (link.session_id, link.process_id)
);
crate::grouping!(
    /// Who was invited to a training session.
    AttendanceOfSession: training_attendance by SessionId,
    |row| Some(row.session_id)
);

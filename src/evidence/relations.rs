//! The evidence area's relations, as its GraphQL fields load them.

crate::grouping!(
    /// The tags of a piece of evidence.
    TagsOfEvidence: evidence_tag by EvidenceId sorted by Tag,
    |row| Some(row.evidence_id)
);
crate::link_table!(
    /// The clauses a piece of evidence serves.
    ClausesOfEvidence: evidence_clause from EvidenceId to clause,
    |link| (link.evidence_id, link.clause_id)
);
crate::link_table!(
    /// The processes a piece of evidence serves.
    ProcessesOfEvidence: evidence_process from EvidenceId to process,
    |link| (link.evidence_id, link.process_id)
);
crate::link_table!(
    /// The services a piece of evidence serves.
    ServicesOfEvidence: evidence_service from EvidenceId to service,
    |link| (link.evidence_id, link.service_id)
);
crate::link_table!(
    /// The cycles a piece of evidence serves.
    CyclesOfEvidence: evidence_cycle from EvidenceId to certification_cycle,
    |link| (link.evidence_id, link.cycle_id)
);
crate::link_table!(
    /// The document versions a piece of evidence serves.
    DocumentVersionsOfEvidence: evidence_document_version from EvidenceId to document_version,
    |link| (link.evidence_id, link.document_version_id)
);

//! The framework library's relations, as its GraphQL fields load them.

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

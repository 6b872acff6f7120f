//! The gap analysis: per cycle and clause, an assessment (GAP, PARTIAL, IMPLEMENTED,
//! NOT_APPLICABLE with its justification, or NOT_ASSESSED until then), and the analysis of a
//! cycle as a whole, also seen through another framework's mappings.

pub mod analysis;
pub mod graphql;
pub mod store;

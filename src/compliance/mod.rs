//! Compliance planning, the Plan and Do of DOMAIN.md. Its first part is the framework library:
//! the standards an organization plans against, their clause trees and the mappings between
//! clauses of different standards. The built-in ones are written by migration
//! (`migration/src/library/`) and have no organization; every organization reads them.

pub mod frameworks;
pub mod relations;

crate::record!(framework => "Framework", shared);
crate::record!(clause => "Clause", shared);
crate::record!(clause_mapping => "ClauseMapping", shared);

//! What fields cost in the complexity bound: a field costs what it can return. Connections
//! cost their page size (`connection::page_complexity`); the plain lists of related records
//! cost the most records they may hold, which `Batcher::list` enforces; fields that read a
//! whole organization's records cost a fixed, large amount, and run once per request.

/// The most records a plain list of related records returns (a service's processes, a
/// person's RACI assignments, ...). A list that holds more answers an error naming the
/// connection to page through instead, so the cost below is a bound, not a guess.
pub const MAX_RELATED: usize = 100;

/// The complexity of a plain list of related records: its selection once per record it may
/// hold.
pub fn related_complexity(child_complexity: usize) -> usize {
    1 + MAX_RELATED.saturating_mul(child_complexity)
}

/// The base cost of a field that reads every record of a kind in the organization
/// (`raciMatrix`, `processMap`, `verifyAuditTrail`): a fiftieth of the default bound, so one
/// request holds a few of them at most, and each runs once per request whatever its spreads
/// and aliases (`Memo`).
pub const WHOLE_ORGANIZATION: usize = 1_000;

/// The complexity of a whole-organization field.
pub fn whole_organization_complexity(child_complexity: usize) -> usize {
    WHOLE_ORGANIZATION.saturating_add(child_complexity)
}

//! The named operations the driver can run; later areas add theirs here.

/// How an operation is sent.
pub enum Request {
    /// A GraphQL query, POSTed to /graphql.
    GraphQL(&'static str),
    /// A GET of the baseline server's path.
    Baseline(&'static str),
    /// A GraphQL query with one variable, `$id`: the id of the first node `lookup` lists,
    /// read from the target before the run (so that an external server works too).
    GraphQLOn {
        query: &'static str,
        lookup: &'static str,
    },
}

/// Every operation name, for help and errors.
pub const NAMES: [&str; 7] = [
    "viewer",
    "people_page",
    "dashboard",
    "dashboard_baseline",
    "attack",
    "gap_analysis",
    "readiness",
];

/// The readiness screen of a cycle: score, items, blockers and the per-process heat map.
pub const READINESS: &str = "query Readiness($id: ID!) { readiness(cycleId: $id) { score ready items { item state fraction met total weight } blockers { ruleId recordId message } processes { recordId state fraction } } }";

/// The gap analysis screen of a cycle over the three built-in standards (about 160 assessed
/// clauses): totals, every chapter's counts, and every gap with its remediation tasks.
pub const GAP_ANALYSIS: &str = "query GapAnalysis($id: ID!) { gapAnalysis(cycleId: $id) { percentAssessed totals { notAssessed gap partial implemented notApplicable total } chapters { clause { number title } counts { gap partial implemented notApplicable notAssessed total } } gaps { status inferred clause { reference title } assessment { notes assessedAt } remediationTasks { title status dueDate overdue } } } }";

/// The portfolio dashboard: 20 services with owner, their processes with owner and accountable
/// person, and counts. `baseline.rs` answers the same with hand-written SQL.
pub const DASHBOARD: &str = "query Dashboard { services(first: 20) { totalCount edges { node { id name criticality status owner { name } processes { code name owner { name } accountable { name } } } } } processes { totalCount } people { totalCount } }";

/// The write `--writes` sends beside the measured reads: renaming the organization changes its
/// data version like any other change, so each one empties the organization's read cache.
pub const WRITE: &str = r#"mutation { updateOrganization(input: { name: "Bench organization" }) { organization { id } } }"#;

/// The most expensive query the default limits allow, for `--attack`: four copies (aliases)
/// of every process with every service it applies to, their descriptions and owners. On the
/// generated organization the five key processes apply to all 100 services, the most a list
/// of related records may hold; each copy costs about 11,000 of the 50,000 complexity bound,
/// so a fifth copy is refused. A VIEWER may send it.
pub const ATTACK: &str = "query Attack { a: processes(first: 22) { edges { node { name description services { name description owner { name email } } } } } b: processes(first: 22) { edges { node { name description services { name description owner { name email } } } } } c: processes(first: 22) { edges { node { name description services { name description owner { name email } } } } } d: processes(first: 22) { edges { node { name description services { name description owner { name email } } } } } }";

/// The request of a named operation.
pub fn request(name: &str) -> Option<Request> {
    Some(match name {
        // The cheapest authenticated request: token check plus one organization read.
        "viewer" => Request::GraphQL("{ viewer { subject role organization { name } } }"),
        // A page of the people list with its total, the shape every list screen asks for.
        "people_page" => Request::GraphQL(
            "{ people(first: 50) { totalCount edges { cursor node { id name email role active } } pageInfo { hasNextPage endCursor } } }",
        ),
        "dashboard" => Request::GraphQL(DASHBOARD),
        "attack" => Request::GraphQL(ATTACK),
        "dashboard_baseline" => Request::Baseline("/dashboard"),
        "gap_analysis" => Request::GraphQLOn {
            query: GAP_ANALYSIS,
            lookup: "{ cycles(first: 1) { nodes { id } } }",
        },
        "readiness" => Request::GraphQLOn {
            query: READINESS,
            lookup: "{ cycles(first: 1) { nodes { id } } }",
        },
        _ => return None,
    })
}

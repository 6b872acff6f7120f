//! The ISO/IEC 20000-1:2018 clause-8 process catalogue every organization starts with: one
//! built-in process per leaf of DOMAIN.md (numbers and titles are public facts; the standard's
//! text is not reproduced).

use chrono::{DateTime, Utc};
use entity::{Maturity, process};
use uuid::Uuid;

/// (clause, code, name) of the 22 built-in processes, in the standard's order.
#[rustfmt::skip] // one row a line, in columns
pub const BUILT_IN: [(&str, &str, &str); 22] = [
    ("8.1",   "OPERATIONAL_PLANNING",  "Operational planning and control"),
    ("8.2.1", "SERVICE_DELIVERY",      "Service delivery"),
    ("8.2.2", "SERVICE_PLANNING",      "Plan the services"),
    ("8.2.3", "PARTIES_CONTROL",       "Control of parties involved in the service lifecycle"),
    ("8.2.4", "SERVICE_CATALOGUE",     "Service catalogue management"),
    ("8.2.5", "ASSET",                 "Asset management"),
    ("8.2.6", "CONFIGURATION",         "Configuration management"),
    ("8.3.2", "BUSINESS_RELATIONSHIP", "Business relationship management"),
    ("8.3.3", "SERVICE_LEVEL",         "Service level management"),
    ("8.3.4", "SUPPLIER",              "Supplier management"),
    ("8.4.1", "BUDGETING_ACCOUNTING",  "Budgeting and accounting for services"),
    ("8.4.2", "DEMAND",                "Demand management"),
    ("8.4.3", "CAPACITY",              "Capacity management"),
    ("8.5.1", "CHANGE",                "Change management"),
    ("8.5.2", "DESIGN_TRANSITION",     "Service design and transition"),
    ("8.5.3", "RELEASE_DEPLOYMENT",    "Release and deployment management"),
    ("8.6.1", "INCIDENT",              "Incident management"),
    ("8.6.2", "SERVICE_REQUEST",       "Service request management"),
    ("8.6.3", "PROBLEM",               "Problem management"),
    ("8.7.1", "AVAILABILITY",          "Service availability management"),
    ("8.7.2", "CONTINUITY",            "Service continuity management"),
    ("8.7.3", "INFORMATION_SECURITY",  "Information security management"),
];

/// The built-in processes of a new organization, as rows.
pub fn processes(organization_id: Uuid, now: DateTime<Utc>) -> Vec<process::Model> {
    BUILT_IN
        .iter()
        .map(|(clause, code, name)| process::Model {
            id: Uuid::now_v7(),
            organization_id,
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            clause: Some((*clause).to_owned()),
            built_in: true,
            description: String::new(),
            goals: String::new(),
            maturity: Maturity::NotStarted,
            owner_id: None,
            applicable: true,
            not_applicable_justification: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_catalogue_has_22_distinct_clause_8_processes() {
        let codes: HashSet<_> = BUILT_IN.iter().map(|(_, code, _)| code).collect();
        let clauses: HashSet<_> = BUILT_IN.iter().map(|(clause, _, _)| clause).collect();
        assert_eq!(codes.len(), 22);
        assert_eq!(clauses.len(), 22);
        assert!(
            BUILT_IN
                .iter()
                .all(|(clause, _, _)| clause.starts_with("8."))
        );
    }

    #[test]
    fn each_process_is_a_clause_of_the_built_in_iso20000_library() {
        let Some(library) = migration::library::framework("iso20000-1") else {
            panic!("the library holds ISO/IEC 20000-1");
        };
        for (clause, code, name) in BUILT_IN {
            let Some((_, title)) = library.clauses.iter().find(|(number, _)| *number == clause)
            else {
                panic!("{code}: clause {clause} is in the library");
            };
            assert!(
                title.eq_ignore_ascii_case(name)
                    || name.to_lowercase().contains(&title.to_lowercase()),
                "{code}: {name} is clause {clause}, {title}"
            );
        }
    }
}

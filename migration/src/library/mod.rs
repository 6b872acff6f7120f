//! The built-in framework library: the standards every organization can plan against, written
//! into the database by migration so that a newer version of a standard is a new migration.
//!
//! Rows have fixed ids (UUID v5 of their stable reference), so a later migration can name them,
//! and the same built-in clause has the same id on every installation.

mod iso20000_1_2018;
mod iso27001_2022;
mod iso9001_2015;
mod mappings;

use uuid::Uuid;

pub use mappings::MAPPINGS;

/// The namespace of the built-in rows' ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1e_3d5a_0c2b_4e57_9a41_2b7c_8d90_e1f3);

/// A built-in framework.
pub struct Framework {
    pub code: &'static str,
    pub version: &'static str,
    pub name: &'static str,
    pub publisher: &'static str,
    /// (number, title), parents before their children, in reading order.
    pub clauses: &'static [(&'static str, &'static str)],
}

pub const FRAMEWORKS: &[Framework] = &[
    Framework {
        code: "iso20000-1",
        version: "2018",
        name: "ISO/IEC 20000-1 Service management system requirements",
        publisher: "ISO/IEC",
        clauses: iso20000_1_2018::CLAUSES,
    },
    Framework {
        code: "iso27001",
        version: "2022",
        name: "ISO/IEC 27001 Information security management systems",
        publisher: "ISO/IEC",
        clauses: iso27001_2022::CLAUSES,
    },
    Framework {
        code: "iso9001",
        version: "2015",
        name: "ISO 9001 Quality management systems",
        publisher: "ISO",
        clauses: iso9001_2015::CLAUSES,
    },
];

impl Framework {
    pub fn id(&self) -> Uuid {
        Uuid::new_v5(
            &NAMESPACE,
            format!("framework:{}:{}", self.code, self.version).as_bytes(),
        )
    }

    /// The stable reference of clause `number`: `iso20000-1:2018/8.5.1`.
    pub fn reference(&self, number: &str) -> String {
        format!("{}:{}/{}", self.code, self.version, number)
    }
}

/// The built-in framework with `code`.
pub fn framework(code: &str) -> Option<&'static Framework> {
    FRAMEWORKS.iter().find(|f| f.code == code)
}

/// The id of the clause with `reference`.
pub fn clause_id(reference: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("clause:{reference}").as_bytes())
}

/// The id of the mapping between two clauses.
pub fn mapping_id(from: &str, to: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("mapping:{from}->{to}").as_bytes())
}

/// The number of the clause that groups `number` (`8.5` for `8.5.1`), if any.
pub fn parent_number(number: &str) -> Option<&str> {
    number.rsplit_once('.').map(|(parent, _)| parent)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn each_tree_is_well_formed() {
        for framework in FRAMEWORKS {
            let mut seen = HashSet::new();
            for (number, title) in framework.clauses {
                assert!(!title.is_empty(), "{} {number} has a title", framework.code);
                if let Some(parent) = parent_number(number) {
                    assert!(
                        seen.contains(parent),
                        "{} {number}: its parent {parent} comes first",
                        framework.code
                    );
                }
                assert!(
                    seen.insert(*number),
                    "{} {number} is listed once",
                    framework.code
                );
            }
            for top in ["4", "5", "6", "7", "8", "9", "10"] {
                assert!(seen.contains(top), "{} has clause {top}", framework.code);
            }
        }
    }

    #[test]
    fn iso20000_holds_every_clause_of_the_domain_tree() {
        let numbers: HashSet<&str> = FRAMEWORKS[0].clauses.iter().map(|(n, _)| *n).collect();
        // DOMAIN.md's clause tree, sub-clause by sub-clause.
        let domain = [
            "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3", "7.1", "7.2",
            "7.3", "7.4", "7.5", "7.6", "8.1", "8.2.1", "8.2.2", "8.2.3", "8.2.4", "8.2.5",
            "8.2.6", "8.3.1", "8.3.2", "8.3.3", "8.3.4.1", "8.3.4.2", "8.4.1", "8.4.2", "8.4.3",
            "8.5.1.1", "8.5.1.2", "8.5.1.3", "8.5.2.1", "8.5.2.2", "8.5.2.3", "8.5.3", "8.6.1",
            "8.6.2", "8.6.3", "8.7.1", "8.7.2", "8.7.3.1", "8.7.3.2", "8.7.3.3", "9.1", "9.2",
            "9.3", "9.4", "10.1", "10.2",
        ];
        for number in domain {
            assert!(numbers.contains(number), "ISO/IEC 20000-1 has {number}");
        }
        assert_eq!(FRAMEWORKS[0].code, "iso20000-1");
        assert_eq!(numbers.len(), 69, "and nothing else");
    }

    #[test]
    fn mappings_join_existing_clauses_once() {
        let source = framework("iso20000-1").expect("built in");
        let mut pairs = HashSet::new();
        for (from, code, to, relationship, rationale) in MAPPINGS {
            let target = framework(code).expect("a built-in framework");
            assert!(
                source.clauses.iter().any(|(n, _)| n == from),
                "20000-1 {from}"
            );
            assert!(target.clauses.iter().any(|(n, _)| n == to), "{code} {to}");
            assert!(
                ["EQUAL", "SUBSET", "SUPERSET", "INTERSECTS", "RELATED"].contains(relationship),
                "{relationship}"
            );
            assert!(!rationale.is_empty() && rationale.len() <= 1000);
            assert!(
                pairs.insert((*from, *code, *to)),
                "{from} -> {code} {to} once"
            );
        }
    }

    #[test]
    fn ids_are_fixed_by_reference() {
        let framework = &FRAMEWORKS[0];
        assert_eq!(framework.reference("8.5.1"), "iso20000-1:2018/8.5.1");
        assert_eq!(
            clause_id("iso20000-1:2018/8.5.1"),
            clause_id(&framework.reference("8.5.1"))
        );
        assert_ne!(
            clause_id("iso20000-1:2018/8.5.1"),
            clause_id("iso27001:2022/8.1")
        );
        assert_eq!(parent_number("8.5.1.2"), Some("8.5.1"));
        assert_eq!(parent_number("10"), None);
    }
}

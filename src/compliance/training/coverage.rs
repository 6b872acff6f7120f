//! Training coverage: which of the people RESPONSIBLE or ACCOUNTABLE for a process attended
//! a session on it recently, and which did not. A pure rule over rows read in a fixed number
//! of statements.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Months, NaiveDate};
use uuid::Uuid;

/// The first day that counts for `months` months before `today`.
pub fn since(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// Per process, its people (RESPONSIBLE or ACCOUNTABLE) split into trained and untrained.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Process to (trained, untrained) people, each in id order.
    pub processes: BTreeMap<Uuid, (Vec<Uuid>, Vec<Uuid>)>,
}

impl Coverage {
    /// `roles` are the (process, person) pairs that need training; `attended` the (session,
    /// person) pairs of recent sessions attended; `covers` the (session, process) pairs.
    pub fn of(roles: &[(Uuid, Uuid)], attended: &[(Uuid, Uuid)], covers: &[(Uuid, Uuid)]) -> Self {
        let mut processes_of_session: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (session, process) in covers {
            processes_of_session
                .entry(*session)
                .or_default()
                .push(*process);
        }
        let trained: HashSet<(Uuid, Uuid)> = attended
            .iter()
            .flat_map(|(session, person)| {
                processes_of_session
                    .get(session)
                    .into_iter()
                    .flatten()
                    .map(move |process| (*process, *person))
            })
            .collect();
        let mut people: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
        for (process, person) in roles {
            people.entry(*process).or_default().insert(*person);
        }
        let processes = people
            .into_iter()
            .map(|(process, people)| {
                let (yes, no): (Vec<Uuid>, Vec<Uuid>) = people
                    .into_iter()
                    .partition(|person| trained.contains(&(process, *person)));
                (process, (yes, no))
            })
            .collect();
        Self { processes }
    }

    /// Per person, the processes they are trained for and those they are not.
    pub fn by_person(&self) -> BTreeMap<Uuid, (Vec<Uuid>, Vec<Uuid>)> {
        let mut people: BTreeMap<Uuid, (Vec<Uuid>, Vec<Uuid>)> = BTreeMap::new();
        for (process, (trained, untrained)) in &self.processes {
            for person in trained {
                people.entry(*person).or_default().0.push(*process);
            }
            for person in untrained {
                people.entry(*person).or_default().1.push(*process);
            }
        }
        people
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_trained_for_a_process_by_a_session_on_it_they_attended() {
        let (incident, change) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let (ana, ben) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let session = Uuid::from_u128(100);
        let coverage = Coverage::of(
            &[(incident, ana), (incident, ben), (change, ana)],
            &[(session, ana)],
            &[(session, incident)],
        );
        assert_eq!(coverage.processes[&incident], (vec![ana], vec![ben]));
        assert_eq!(coverage.processes[&change], (vec![], vec![ana]));
        assert_eq!(coverage.by_person()[&ana], (vec![incident], vec![change]));
        assert_eq!(
            since(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), 12),
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
        );
    }
}

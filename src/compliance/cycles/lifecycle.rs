//! The two state machines of a cycle: its PDCA phase and its status.

use entity::certification_cycle::{CycleStatus, PdcaPhase};

/// Whether an ACTIVE cycle may go from phase `from` to `to`: PLAN, DO, CHECK, ACT in turn; from
/// ACT either round again (PLAN) or on to the certification audit; and back from the audit to
/// ACT, to act on its findings.
pub fn may_enter(from: PdcaPhase, to: PdcaPhase) -> bool {
    use PdcaPhase::*;
    matches!(
        (from, to),
        (Plan, Do)
            | (Do, Check)
            | (Check, Act)
            | (Act, Plan)
            | (Act, Certification)
            | (Certification, Act)
    )
}

/// Why a cycle in `phase` may not go from status `from` to `to`, if it may not: an ACTIVE cycle
/// is CERTIFIED from the CERTIFICATION phase, or ABANDONED from any phase; CERTIFIED and
/// ABANDONED are final.
pub fn status_refusal(from: CycleStatus, to: CycleStatus, phase: PdcaPhase) -> Option<String> {
    use CycleStatus::*;
    match (from, to) {
        (Active, Certified) if phase == PdcaPhase::Certification => None,
        (Active, Certified) => Some(format!(
            "a cycle is certified from the CERTIFICATION phase; this one is in {}",
            name(phase)
        )),
        (Active, Abandoned) => None,
        (Active, Active) => Some("the cycle is already ACTIVE".to_owned()),
        (final_status, _) => Some(format!(
            "a cycle that is {} is final: create a new cycle from it instead",
            status_name(final_status)
        )),
    }
}

/// The phases `from` may go to, for the error that names them.
pub fn next_phases(from: PdcaPhase) -> Vec<&'static str> {
    use sea_orm::Iterable;
    PdcaPhase::iter()
        .filter(|to| may_enter(from, *to))
        .map(name)
        .collect()
}

/// A phase's name in the API.
pub fn name(phase: PdcaPhase) -> &'static str {
    match phase {
        PdcaPhase::Plan => "PLAN",
        PdcaPhase::Do => "DO",
        PdcaPhase::Check => "CHECK",
        PdcaPhase::Act => "ACT",
        PdcaPhase::Certification => "CERTIFICATION",
    }
}

/// A status's name in the API.
pub fn status_name(status: CycleStatus) -> &'static str {
    match status {
        CycleStatus::Active => "ACTIVE",
        CycleStatus::Certified => "CERTIFIED",
        CycleStatus::Abandoned => "ABANDONED",
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::Iterable;

    use super::*;

    #[test]
    fn phases_go_round_and_on_to_the_audit_only() {
        use PdcaPhase::*;
        let allowed: Vec<(PdcaPhase, PdcaPhase)> = PdcaPhase::iter()
            .flat_map(|from| PdcaPhase::iter().map(move |to| (from, to)))
            .filter(|(from, to)| may_enter(*from, *to))
            .collect();
        assert_eq!(
            allowed,
            [
                (Plan, Do),
                (Do, Check),
                (Check, Act),
                (Act, Plan),
                (Act, Certification),
                (Certification, Act)
            ]
        );
        assert_eq!(next_phases(Act), ["PLAN", "CERTIFICATION"]);
    }

    #[test]
    fn only_an_active_cycle_changes_status() {
        use CycleStatus::*;
        for phase in PdcaPhase::iter() {
            assert!(status_refusal(Active, Abandoned, phase).is_none());
            assert_eq!(
                status_refusal(Active, Certified, phase).is_none(),
                phase == PdcaPhase::Certification
            );
            for from in [Certified, Abandoned] {
                for to in CycleStatus::iter() {
                    assert!(status_refusal(from, to, phase).is_some());
                }
            }
            assert!(status_refusal(Active, Active, phase).is_some());
        }
    }
}

//! The review of a document version as a state machine, and how versions are numbered: pure
//! rules, no database.
//!
//! ```text
//! DRAFT --submit--> IN_REVIEW --approve--> APPROVED --(a newer one approved)--> SUPERSEDED
//!                       |
//!                       +--request changes--> CHANGES_REQUESTED --revise--> DRAFT
//! ```
//!
//! Only a DRAFT's body and summary can be edited.

use entity::document_version::VersionState;

/// A step of a version's review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The author hands the draft to the approvers.
    Submit,
    /// An approver approves the version in review.
    Approve,
    /// An approver sends the version in review back.
    RequestChanges,
    /// The author takes a version sent back up again as a draft.
    Revise,
    /// A newer version of the same document was approved.
    Supersede,
}

impl Step {
    /// What the step is called in a refusal.
    fn verb(self) -> &'static str {
        match self {
            Self::Submit => "submitted for review",
            Self::Approve => "approved",
            Self::RequestChanges => "sent back with changes requested",
            Self::Revise => "revised",
            Self::Supersede => "superseded",
        }
    }
}

/// The state a version in `state` reaches by `step`, or why it cannot take it.
pub fn next(state: VersionState, step: Step) -> Result<VersionState, String> {
    use VersionState::*;
    match (state, step) {
        (Draft, Step::Submit) => Ok(InReview),
        (InReview, Step::Approve) => Ok(Approved),
        (InReview, Step::RequestChanges) => Ok(ChangesRequested),
        (ChangesRequested, Step::Revise) => Ok(Draft),
        (Approved, Step::Supersede) => Ok(Superseded),
        (state, step) => Err(format!(
            "a version that is {} cannot be {}",
            name(state),
            step.verb()
        )),
    }
}

/// Whether a version in `state` may have its body and summary edited.
pub fn editable(state: VersionState) -> Result<(), String> {
    match state {
        VersionState::Draft => Ok(()),
        other => Err(format!(
            "only a DRAFT can be edited; this version is {}",
            name(other)
        )),
    }
}

/// Whether `state` is still on its way to approval: a document has at most one such version.
pub fn open(state: VersionState) -> bool {
    matches!(
        state,
        VersionState::Draft | VersionState::InReview | VersionState::ChangesRequested
    )
}

/// The state's name, as the API spells it.
pub fn name(state: VersionState) -> &'static str {
    match state {
        VersionState::Draft => "DRAFT",
        VersionState::InReview => "IN_REVIEW",
        VersionState::ChangesRequested => "CHANGES_REQUESTED",
        VersionState::Approved => "APPROVED",
        VersionState::Superseded => "SUPERSEDED",
    }
}

/// Which part of `major.minor` a new version raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bump {
    /// `1.2` -> `2.0`: a substantial change.
    Major,
    /// `1.2` -> `1.3`: a small change.
    Minor,
}

/// The first version of every document.
pub const FIRST: (i32, i32) = (1, 0);

/// The number after `latest` (`major`, `minor`).
pub fn bumped(latest: (i32, i32), bump: Bump) -> (i32, i32) {
    match bump {
        Bump::Major => (latest.0 + 1, 0),
        Bump::Minor => (latest.0, latest.1 + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VersionState::*;

    const STATES: [VersionState; 5] = [Draft, InReview, ChangesRequested, Approved, Superseded];
    const STEPS: [Step; 5] = [
        Step::Submit,
        Step::Approve,
        Step::RequestChanges,
        Step::Revise,
        Step::Supersede,
    ];

    #[test]
    fn exactly_the_five_transitions_are_allowed() {
        let allowed = [
            (Draft, Step::Submit, InReview),
            (InReview, Step::Approve, Approved),
            (InReview, Step::RequestChanges, ChangesRequested),
            (ChangesRequested, Step::Revise, Draft),
            (Approved, Step::Supersede, Superseded),
        ];
        for state in STATES {
            for step in STEPS {
                let expected = allowed
                    .iter()
                    .find(|(from, by, _)| *from == state && *by == step)
                    .map(|(_, _, to)| *to);
                match (next(state, step), expected) {
                    (Ok(to), Some(expected)) => assert_eq!(to, expected, "{state:?} {step:?}"),
                    (Err(why), None) => assert!(why.contains(name(state)), "{why}"),
                    (got, expected) => panic!("{state:?} {step:?}: {got:?}, expected {expected:?}"),
                }
            }
        }
    }

    #[test]
    fn only_drafts_are_edited_and_open_versions_are_the_unapproved_ones() {
        for state in STATES {
            assert_eq!(editable(state).is_ok(), state == Draft, "{state:?}");
            assert_eq!(
                open(state),
                matches!(state, Draft | InReview | ChangesRequested),
                "{state:?}"
            );
        }
    }

    #[test]
    fn numbers_bump_major_to_a_round_number_and_minor_by_one() {
        assert_eq!(bumped(FIRST, Bump::Minor), (1, 1));
        assert_eq!(bumped((1, 4), Bump::Major), (2, 0));
        assert_eq!(bumped((2, 0), Bump::Minor), (2, 1));
    }
}

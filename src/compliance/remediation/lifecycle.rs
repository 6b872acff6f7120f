//! The state machine of a remediation task.

use entity::remediation_task::TaskStatus;

/// Whether a task may go from `from` to `to`: started, finished or cancelled while open;
/// back to OPEN from IN_PROGRESS; a DONE task reopened (IN_PROGRESS). CANCELLED is final.
pub fn may_become(from: TaskStatus, to: TaskStatus) -> bool {
    use TaskStatus::*;
    matches!(
        (from, to),
        (Open, InProgress)
            | (Open, Done)
            | (Open, Cancelled)
            | (InProgress, Open)
            | (InProgress, Done)
            | (InProgress, Cancelled)
            | (Done, InProgress)
    )
}

/// Whether the task still needs doing: OPEN or IN_PROGRESS.
pub fn is_open(status: TaskStatus) -> bool {
    matches!(status, TaskStatus::Open | TaskStatus::InProgress)
}

/// A status's name in the API.
pub fn name(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Open => "OPEN",
        TaskStatus::InProgress => "IN_PROGRESS",
        TaskStatus::Done => "DONE",
        TaskStatus::Cancelled => "CANCELLED",
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::Iterable;

    use super::*;

    #[test]
    fn cancelled_is_final_and_done_only_reopens() {
        use TaskStatus::*;
        let allowed: Vec<_> = TaskStatus::iter()
            .flat_map(|from| TaskStatus::iter().map(move |to| (from, to)))
            .filter(|(from, to)| may_become(*from, *to))
            .collect();
        assert_eq!(
            allowed,
            [
                (Open, InProgress),
                (Open, Done),
                (Open, Cancelled),
                (InProgress, Open),
                (InProgress, Done),
                (InProgress, Cancelled),
                (Done, InProgress),
            ]
        );
        assert!(is_open(Open) && is_open(InProgress) && !is_open(Done) && !is_open(Cancelled));
    }
}

//! The hash chain, as pure functions: an entry's hash covers its whole content and the hash of
//! the entry before it, so changing, removing or swapping any entry breaks every later link.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::audit_entry;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `previous_hash` of an organization's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an entry's hash covers, in a fixed order. Bump `format` if this ever changes.
#[derive(Serialize)]
struct HashedContent<'a> {
    format: u8,
    organization_id: Uuid,
    sequence: i64,
    occurred_at: String,
    actor_kind: &'a str,
    actor_subject: &'a str,
    actor_person_id: Option<Uuid>,
    action: &'a str,
    record_type: &'a str,
    record_id: Uuid,
    before: Option<&'a str>,
    after: Option<&'a str>,
    previous_hash: &'a str,
}

/// The timestamp as hashed: microseconds, the precision both databases keep.
pub fn canonical_time(time: &DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The SHA-256 (hex) of an entry's content and its predecessor's hash.
pub fn entry_hash(entry: &audit_entry::Model) -> String {
    let content = HashedContent {
        format: 1,
        organization_id: entry.organization_id,
        sequence: entry.sequence,
        occurred_at: canonical_time(&entry.occurred_at),
        actor_kind: &entry.actor_kind,
        actor_subject: &entry.actor_subject,
        actor_person_id: entry.actor_person_id,
        action: &entry.action,
        record_type: &entry.record_type,
        record_id: entry.record_id,
        before: entry.before.as_deref(),
        after: entry.after.as_deref(),
        previous_hash: &entry.previous_hash,
    };
    // Serializing a struct of strings and numbers cannot fail.
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// Why the chain breaks at an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BreakReason {
    /// The entry is not the next in sequence: entries were deleted or reordered before it.
    SequenceGap { expected: i64, found: i64 },
    /// The entry does not point at its predecessor's hash.
    PreviousHashMismatch,
    /// The entry's content no longer matches its hash: it was edited.
    ContentMismatch,
}

impl BreakReason {
    /// A sentence for people.
    pub fn describe(&self) -> String {
        match self {
            Self::SequenceGap { expected, found } => format!(
                "expected entry {expected} but found {found}: entries were deleted or reordered"
            ),
            Self::PreviousHashMismatch => {
                "the entry does not link to the hash of the entry before it".into()
            }
            Self::ContentMismatch => {
                "the entry's content does not match its hash: it was edited".into()
            }
        }
    }
}

/// Walks a chain in sequence order, one entry at a time, so that a trail of any length is
/// verified in constant memory.
#[derive(Clone, Debug)]
pub struct ChainWalker {
    next_sequence: i64,
    previous_hash: String,
}

impl Default for ChainWalker {
    fn default() -> Self {
        Self {
            next_sequence: 1,
            previous_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainWalker {
    /// Checks the next entry; on success it becomes the predecessor of the following one.
    pub fn check(&mut self, entry: &audit_entry::Model) -> Result<(), BreakReason> {
        if entry.sequence != self.next_sequence {
            return Err(BreakReason::SequenceGap {
                expected: self.next_sequence,
                found: entry.sequence,
            });
        }
        if entry.previous_hash != self.previous_hash {
            return Err(BreakReason::PreviousHashMismatch);
        }
        if entry_hash(entry) != entry.hash {
            return Err(BreakReason::ContentMismatch);
        }
        self.next_sequence += 1;
        self.previous_hash.clone_from(&entry.hash);
        Ok(())
    }

    /// The last entry checked: its sequence (0 before any) and hash.
    pub fn head(&self) -> (i64, &str) {
        (self.next_sequence - 1, &self.previous_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(len: i64) -> Vec<audit_entry::Model> {
        let org = Uuid::now_v7();
        let mut previous = GENESIS_HASH.to_owned();
        (1..=len)
            .map(|sequence| {
                let mut entry = audit_entry::Model {
                    id: Uuid::now_v7(),
                    organization_id: org,
                    sequence,
                    occurred_at: Utc::now(),
                    actor_kind: "PERSON".into(),
                    actor_subject: "ada".into(),
                    actor_person_id: None,
                    action: "person.update".into(),
                    record_type: "Person".into(),
                    record_id: Uuid::now_v7(),
                    before: Some(format!("{{\"n\":{sequence}}}")),
                    after: Some(format!("{{\"n\":{}}}", sequence + 1)),
                    previous_hash: previous.clone(),
                    hash: String::new(),
                };
                entry.hash = entry_hash(&entry);
                previous.clone_from(&entry.hash);
                entry
            })
            .collect()
    }

    fn first_break(entries: &[audit_entry::Model]) -> Option<(i64, BreakReason)> {
        let mut walker = ChainWalker::default();
        entries
            .iter()
            .find_map(|e| walker.check(e).err().map(|reason| (e.sequence, reason)))
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let entries = chain(5);
        assert_eq!(first_break(&entries), None);
    }

    #[test]
    fn an_edit_is_caught_at_the_edited_entry() {
        let mut entries = chain(5);
        entries[2].after = Some("{\"n\":99}".into());
        assert_eq!(
            first_break(&entries),
            Some((3, BreakReason::ContentMismatch))
        );
    }

    #[test]
    fn a_deletion_is_caught_at_the_next_entry() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(
            first_break(&entries),
            Some((
                3,
                BreakReason::SequenceGap {
                    expected: 2,
                    found: 3
                }
            ))
        );
    }

    #[test]
    fn swapped_sequences_are_caught() {
        let mut entries = chain(5);
        entries[1].sequence = 3;
        entries[2].sequence = 2;
        entries.swap(1, 2);
        assert!(matches!(first_break(&entries), Some((2, _))));
    }

    #[test]
    fn a_rehashed_edit_still_breaks_the_next_link() {
        let mut entries = chain(5);
        entries[2].actor_subject = "mallory".into();
        entries[2].hash = entry_hash(&entries[2]);
        assert_eq!(
            first_break(&entries),
            Some((4, BreakReason::PreviousHashMismatch))
        );
    }
}

//! The hash chain, as pure functions: an entry's hash covers its whole content and the hash of
//! the entry before it, so changing, removing or swapping any entry breaks every later link.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::audit_entry;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `previous_hash` of an organization's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The formats of an entry's hash, stored with the entry (`hash_version`). An entry keeps the
/// format it was written with, so the chains of every earlier version still verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashVersion {
    /// The first chains: the entry's content, its position (`sequence`) and its predecessor's
    /// hash, but not its `id`.
    V1,
    /// Version 1 plus the entry's `id`, so that a row given another id (to stand in for, or be
    /// confused with, another entry) no longer verifies.
    V2,
}

impl HashVersion {
    /// The format new entries are hashed with.
    pub const CURRENT: Self = Self::V2;

    /// The version stored in `hash_version`; `None` for a number no server wrote.
    pub fn from_column(value: i16) -> Option<Self> {
        match value {
            1 => Some(Self::V1),
            2 => Some(Self::V2),
            _ => None,
        }
    }

    /// The number stored in `hash_version`.
    pub fn column(self) -> i16 {
        match self {
            Self::V1 => 1,
            Self::V2 => 2,
        }
    }
}

/// Everything an entry's hash covers, in a fixed order, serialized as compact JSON. A new
/// format gets a new version number and leaves the bytes of the earlier ones unchanged.
#[derive(Serialize)]
struct HashedContent<'a> {
    format: i16,
    /// From version 2; left out of version 1's bytes entirely.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<Uuid>,
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

/// The SHA-256 (hex) of an entry's content and its predecessor's hash in `version`.
pub fn hash_as(entry: &audit_entry::Model, version: HashVersion) -> String {
    let content = HashedContent {
        format: version.column(),
        id: (version != HashVersion::V1).then_some(entry.id),
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

/// The hash the entry should have, in the format it names; `None` when it names none this
/// server knows, which no server wrote: the entry was edited.
pub fn entry_hash(entry: &audit_entry::Model) -> Option<String> {
    HashVersion::from_column(entry.hash_version).map(|version| hash_as(entry, version))
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
        if entry_hash(entry).as_deref() != Some(entry.hash.as_str()) {
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
                    record_type: <entity::person::Entity as crate::record::Record>::TYPE.into(),
                    record_id: Uuid::now_v7(),
                    before: Some(format!("{{\"n\":{sequence}}}")),
                    after: Some(format!("{{\"n\":{}}}", sequence + 1)),
                    previous_hash: previous.clone(),
                    hash: String::new(),
                    hash_version: HashVersion::CURRENT.column(),
                };
                entry.hash = entry_hash(&entry).unwrap();
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

    /// The break of an entry whose content no longer matches its hash.
    fn edited_at(sequence: i64) -> Option<(i64, BreakReason)> {
        Some((sequence, BreakReason::ContentMismatch))
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
        assert_eq!(first_break(&entries), edited_at(3));
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
        entries[2].hash = entry_hash(&entries[2]).unwrap();
        assert_eq!(
            first_break(&entries),
            Some((4, BreakReason::PreviousHashMismatch))
        );
    }

    /// One entry with fixed content, for hashes pinned against an independent computation
    /// (compact JSON of the documented fields, SHA-256), so that a format can never drift.
    fn fixed_entry(version: HashVersion) -> audit_entry::Model {
        let uuid = |s: &str| Uuid::parse_str(s).unwrap();
        audit_entry::Model {
            id: uuid("0190f0a0-0000-7000-8000-000000000001"),
            organization_id: uuid("0190f0a0-0000-7000-8000-0000000000aa"),
            sequence: 7,
            occurred_at: "2026-01-02T03:04:05.123456Z".parse().unwrap(),
            actor_kind: "PERSON".into(),
            actor_subject: "ada".into(),
            actor_person_id: None,
            action: "person.update".into(),
            record_type: <entity::person::Entity as crate::record::Record>::TYPE.into(),
            record_id: uuid("0190f0a0-0000-7000-8000-0000000000bb"),
            before: Some(r#"{"n":1}"#.into()),
            after: Some(r#"{"n":2}"#.into()),
            previous_hash: GENESIS_HASH.into(),
            hash: String::new(),
            hash_version: version.column(),
        }
    }

    #[test]
    fn the_hash_formats_are_pinned() {
        assert_eq!(
            entry_hash(&fixed_entry(HashVersion::V1)).unwrap(),
            "78e9098abdae83ab93b7bb497783981d62e1914932b0d5cda1cb639876fadb0f",
            "version 1 must hash exactly as the first chains were hashed"
        );
        assert_eq!(
            entry_hash(&fixed_entry(HashVersion::V2)).unwrap(),
            "cb0a7027f29b613afb34f3504d90f341306d76c03dbc4744d55c32772dee4333"
        );
    }

    #[test]
    fn a_version_2_hash_covers_the_id_and_the_sequence() {
        let entry = fixed_entry(HashVersion::V2);
        let hash = entry_hash(&entry).unwrap();
        let other_id = audit_entry::Model {
            id: Uuid::now_v7(),
            ..entry.clone()
        };
        assert_ne!(entry_hash(&other_id).unwrap(), hash);
        let other_sequence = audit_entry::Model {
            sequence: 8,
            ..entry.clone()
        };
        assert_ne!(entry_hash(&other_sequence).unwrap(), hash);
    }

    #[test]
    fn version_1_entries_still_verify_and_a_chain_may_change_version() {
        let mut entries = chain(4);
        // The first two as written before version 2 existed, then the chain goes on in v2.
        let mut previous = GENESIS_HASH.to_owned();
        for (i, entry) in entries.iter_mut().enumerate() {
            entry.hash_version = if i < 2 { 1 } else { 2 };
            entry.previous_hash.clone_from(&previous);
            entry.hash = entry_hash(entry).unwrap();
            previous.clone_from(&entry.hash);
        }
        assert_eq!(first_break(&entries), None);
        // Version 1 never covered the id: changing it is not seen, which is why v2 exists.
        entries[0].id = Uuid::now_v7();
        assert_eq!(first_break(&entries), None);
        entries[2].id = Uuid::now_v7();
        assert_eq!(first_break(&entries), edited_at(3));
    }

    #[test]
    fn a_changed_or_unknown_version_is_an_edit() {
        let mut entries = chain(3);
        entries[1].hash_version = HashVersion::V1.column();
        assert_eq!(first_break(&entries), edited_at(2));
        entries[1].hash_version = 99;
        assert_eq!(first_break(&entries), edited_at(2));
    }
}

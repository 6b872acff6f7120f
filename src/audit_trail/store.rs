//! Database access for the audit trail.

use chrono::{DateTime, SubsecRound, Utc};
use entity::{audit_chain_head, audit_entry};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use super::chain::{self, BreakReason, ChainWalker, GENESIS_HASH, HashVersion};
use crate::{
    auth::Actor,
    error::{AppError, AppResult},
    tenancy::Scope,
};

/// Entries read per query while verifying.
const VERIFY_BATCH: u64 = 500;

/// Starts an organization's chain; called once, by the code path that creates organizations.
pub async fn start_chain(db: &impl ConnectionTrait, organization_id: Uuid) -> AppResult<()> {
    audit_chain_head::Entity::insert(audit_chain_head::ActiveModel {
        organization_id: Set(organization_id),
        sequence: Set(0),
        hash: Set(GENESIS_HASH.to_owned()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// What one change did, to be appended.
pub struct NewEntry<'a> {
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: Uuid,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends an entry inside the caller's transaction. The chain head row is locked first
/// (`FOR UPDATE` on PostgreSQL; SQLite's write transaction already excludes other writers), so
/// concurrent appends of one organization queue up and each links to the one before.
pub async fn append(
    db: &impl ConnectionTrait,
    actor: &Actor,
    new: NewEntry<'_>,
) -> AppResult<audit_entry::Model> {
    let head = audit_chain_head::Entity::find_by_id(actor.organization_id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("organization has no audit chain head"))
        })?;
    let mut entry = audit_entry::Model {
        id: Uuid::now_v7(),
        organization_id: actor.organization_id,
        sequence: head.sequence + 1,
        occurred_at: Utc::now().trunc_subsecs(6),
        actor_kind: actor.kind.as_str().to_owned(),
        actor_subject: actor.subject.clone(),
        actor_person_id: actor.person_id,
        action: new.action.to_owned(),
        record_type: new.record_type.to_owned(),
        record_id: new.record_id,
        before: new.before,
        after: new.after,
        previous_hash: head.hash,
        hash: String::new(),
        hash_version: HashVersion::CURRENT.column(),
    };
    entry.hash = chain::hash_as(&entry, HashVersion::CURRENT);
    audit_entry::Entity::insert(audit_entry::ActiveModel::from(entry.clone()))
        .exec_without_returning(db)
        .await?;
    audit_chain_head::Entity::update_many()
        .col_expr(audit_chain_head::Column::Sequence, entry.sequence.into())
        .col_expr(audit_chain_head::Column::Hash, entry.hash.clone().into())
        .filter(audit_chain_head::Column::OrganizationId.eq(actor.organization_id))
        .exec(db)
        .await?;
    Ok(entry)
}

/// Filters of the audit trail list.
#[derive(Clone, Debug, Default)]
pub struct EntryFilter {
    pub record_type: Option<String>,
    pub record_id: Option<Uuid>,
    pub action: Option<String>,
    pub actor_subject: Option<String>,
    pub occurred_from: Option<DateTime<Utc>>,
    pub occurred_to: Option<DateTime<Utc>>,
}

/// The organization's entries matching `filter`, for pagination by sequence.
pub fn select(scope: Scope, filter: EntryFilter) -> Select<audit_entry::Entity> {
    use audit_entry::Column;
    // Every filter the client gave must hold; one it left out adds nothing.
    let given = Condition::all()
        .add_option(
            filter
                .record_type
                .map(|record_type| Column::RecordType.eq(record_type)),
        )
        .add_option(filter.record_id.map(|id| Column::RecordId.eq(id)))
        .add_option(filter.action.map(|action| Column::Action.eq(action)))
        .add_option(
            filter
                .actor_subject
                .map(|subject| Column::ActorSubject.eq(subject)),
        )
        .add_option(
            filter
                .occurred_from
                .map(|from| Column::OccurredAt.gte(from)),
        )
        .add_option(filter.occurred_to.map(|to| Column::OccurredAt.lt(to)));
    scope.select::<audit_entry::Entity>().filter(given)
}

/// The newest link: sequence and hash, as recorded in the chain head.
pub async fn head(db: &impl ConnectionTrait, scope: Scope) -> AppResult<(i64, String)> {
    let head = audit_chain_head::Entity::find_by_id(scope.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("organization has no audit chain head"))
        })?;
    Ok((head.sequence, head.hash))
}

/// Where and why verification failed.
#[derive(Clone, Debug)]
pub struct ChainBreak {
    pub sequence: i64,
    pub entry_id: Option<Uuid>,
    pub kind: BreakKind,
    pub message: String,
}

/// The kinds of break the API reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakKind {
    SequenceGap,
    PreviousHashMismatch,
    ContentMismatch,
    /// The chain ends before, or differs from, the recorded head: newest entries were removed.
    HeadMismatch,
    /// The chain does not contain the anchor the customer kept.
    AnchorMismatch,
}

/// The outcome of a verification.
#[derive(Clone, Debug)]
pub struct Verification {
    pub entries_checked: i64,
    pub head: (i64, String),
    pub first_break: Option<ChainBreak>,
}

/// Recomputes the organization's whole chain in sequence order, then compares its end with the
/// recorded head and, when given, with an anchor (sequence, hash) read earlier and kept elsewhere.
///
/// Everything is read in one snapshot, the head first: writers keep appending meanwhile, and a
/// head read after the walk would be ahead of the entries walked, which looks exactly like the
/// newest entries having been removed. In the snapshot, the chain ends at the head it read, so
/// only a real change of the trail can make them differ.
pub async fn verify(
    db: &DatabaseConnection,
    scope: Scope,
    anchor: Option<(i64, String)>,
) -> AppResult<Verification> {
    let txn = crate::db::begin_read(db).await?;
    let verification = verify_snapshot(&txn, scope, anchor).await?;
    // Nothing was written: committing only ends the snapshot.
    txn.commit().await?;
    Ok(verification)
}

async fn verify_snapshot(
    db: &impl ConnectionTrait,
    scope: Scope,
    anchor: Option<(i64, String)>,
) -> AppResult<Verification> {
    let recorded = head(db, scope).await?;
    let mut walker = ChainWalker::default();
    let mut checked = 0i64;
    let mut anchor_seen = false;
    let mut after: Option<i64> = None;
    loop {
        // Entries past the head are walked too: in one snapshot there are none unless they
        // were written around the API, and then the comparison with the head reports them.
        let mut query = scope.select::<audit_entry::Entity>();
        if let Some(after) = after {
            query = query.filter(audit_entry::Column::Sequence.gt(after));
        }
        let batch = query
            .order_by_asc(audit_entry::Column::Sequence)
            .limit(VERIFY_BATCH)
            .all(db)
            .await?;
        for entry in &batch {
            if let Err(reason) = walker.check(entry) {
                return Ok(Verification {
                    entries_checked: checked,
                    head: recorded,
                    first_break: Some(break_at(entry, reason)),
                });
            }
            checked += 1;
            if let Some((sequence, hash)) = &anchor
                && entry.sequence == *sequence
            {
                if entry.hash != *hash {
                    return Ok(Verification {
                        entries_checked: checked,
                        head: recorded,
                        first_break: Some(ChainBreak {
                            sequence: entry.sequence,
                            entry_id: Some(entry.id),
                            kind: BreakKind::AnchorMismatch,
                            message: "this entry's hash differs from the anchor kept for it".into(),
                        }),
                    });
                }
                anchor_seen = true;
            }
        }
        match batch.last() {
            Some(last) if batch.len() as u64 == VERIFY_BATCH => after = Some(last.sequence),
            _ => break,
        }
    }
    let (end_sequence, end_hash) = walker.head();
    let first_break = if (end_sequence, end_hash) != (recorded.0, recorded.1.as_str()) {
        Some(head_mismatch(end_sequence, recorded.0))
    } else {
        match &anchor {
            Some((sequence, _)) if !anchor_seen => Some(ChainBreak {
                sequence: end_sequence + 1,
                entry_id: None,
                kind: BreakKind::AnchorMismatch,
                message: format!(
                    "the trail ends at entry {end_sequence}, before the anchor's entry {sequence}: it was cut short"
                ),
            }),
            _ => None,
        }
    };
    Ok(Verification {
        entries_checked: checked,
        head: recorded,
        first_break,
    })
}

/// The break when the walked chain does not end at the recorded head.
fn head_mismatch(end_sequence: i64, head_sequence: i64) -> ChainBreak {
    let message = if end_sequence < head_sequence {
        format!(
            "the trail ends at entry {end_sequence} but its head records entry {head_sequence}: newer entries are missing"
        )
    } else if end_sequence > head_sequence {
        format!(
            "the trail goes on to entry {end_sequence} but its head records entry {head_sequence}: entries were added around the API"
        )
    } else {
        format!("entry {end_sequence} is not the one its head records: it was replaced")
    };
    ChainBreak {
        sequence: end_sequence.min(head_sequence) + 1,
        entry_id: None,
        kind: BreakKind::HeadMismatch,
        message,
    }
}

fn break_at(entry: &audit_entry::Model, reason: BreakReason) -> ChainBreak {
    let kind = match reason {
        BreakReason::SequenceGap { .. } => BreakKind::SequenceGap,
        BreakReason::PreviousHashMismatch => BreakKind::PreviousHashMismatch,
        BreakReason::ContentMismatch => BreakKind::ContentMismatch,
    };
    ChainBreak {
        sequence: entry.sequence,
        entry_id: Some(entry.id),
        kind,
        message: reason.describe(),
    }
}

//! GraphQL types and resolvers of the audit trail.

use std::sync::Arc;

use async_graphql::Subscription;
use chrono::Utc;
use entity::audit_entry;
use futures_util::{Stream, StreamExt};
use sea_orm::DatabaseConnection;
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use super::store::{self, BreakKind, EntryFilter};
use crate::events::BusEvent;
use crate::graphql::{ids::decode_id_any, prelude::*, scalars::Json};

crate::node_object!(
    /// One recorded change: who did what to which record, with the record before and after, linked
    /// to the entry before it by its hash.
    AuditEntry(audit_entry), permission = ReadAuditTrail
);

/// Who made a change.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AuditActorKind {
    /// A person, or a script with a person's login token.
    Person,
    /// The server or its command line.
    System,
    /// An integration script with an API token.
    ApiToken,
}

impl AuditEntry {
    /// A stored record (the exact JSON that was hashed) as the API shows it.
    fn record(&self, text: Option<&str>) -> Option<Json> {
        let record = serde_json::from_str(text?).ok()?;
        Some(Json(super::view::api_view(&self.0.record_type, record)))
    }
}

#[Object(use_type_description)]
impl AuditEntry {
    /// Global id of the entry.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// Position in the organization's chain, from 1.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }
    /// When the change was committed (UTC, microseconds).
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at.into()
    }
    /// Kind of actor.
    async fn actor_kind(&self) -> AuditActorKind {
        match self.0.actor_kind.as_str() {
            "SYSTEM" => AuditActorKind::System,
            "API_TOKEN" => AuditActorKind::ApiToken,
            _ => AuditActorKind::Person,
        }
    }
    /// Login subject of the actor.
    async fn actor_subject(&self) -> &str {
        &self.0.actor_subject
    }
    /// Global id of the Person linked to the actor's login, if any.
    async fn actor_person_id(&self) -> Option<ID> {
        self.0.actor_person_id.map(encode::<entity::person::Entity>)
    }
    /// What was done, as `<record>.<verb>`, e.g. `person.update`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// GraphQL type of the changed record.
    async fn record_type(&self) -> &str {
        &self.0.record_type
    }
    /// Global id of the changed record.
    async fn record_id(&self) -> ID {
        crate::graphql::ids::global_id_of(&self.0.record_type, self.0.record_id)
    }
    /// The record before the change, with its fields as the API names them (global ids);
    /// null for a creation.
    async fn before(&self) -> Option<Json> {
        self.record(self.0.before.as_deref())
    }
    /// The record after the change, with its fields as the API names them (global ids); null
    /// for a deletion.
    async fn after(&self) -> Option<Json> {
        self.record(self.0.after.as_deref())
    }
    /// SHA-256 (hex) of the entry before this one.
    async fn previous_hash(&self) -> &str {
        &self.0.previous_hash
    }
    /// SHA-256 (hex) of this entry's content and `previousHash`.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
    /// The format `hash` was computed in: 1 for entries written before the hash covered the
    /// entry's own id, 2 since (the README's Audit trail section describes both).
    async fn hash_version(&self) -> i32 {
        self.0.hash_version.into()
    }
}

/// A point of the chain to keep outside the system; verifying against it later proves that the
/// trail up to it is unchanged and was not cut short.
#[derive(SimpleObject)]
pub struct AuditAnchor {
    /// Sequence of the newest entry (0 when the trail is empty).
    pub sequence: i64,
    /// Hash of that entry.
    pub hash: String,
}

/// An anchor read earlier with `auditTrailHead`.
#[derive(InputObject)]
pub struct AuditAnchorInput {
    /// Sequence of the anchored entry.
    pub sequence: i64,
    /// Hash of the anchored entry.
    pub hash: String,
}

/// Why the chain breaks.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AuditBreakKind {
    /// An entry is missing or out of order before this position.
    SequenceGap,
    /// The entry does not link to its predecessor's hash.
    PreviousHashMismatch,
    /// The entry was edited.
    ContentMismatch,
    /// The newest entries were removed: the trail ends before its recorded head.
    HeadMismatch,
    /// The trail does not contain the given anchor: changed or cut short.
    AnchorMismatch,
}

impl From<BreakKind> for AuditBreakKind {
    fn from(kind: BreakKind) -> Self {
        match kind {
            BreakKind::SequenceGap => Self::SequenceGap,
            BreakKind::PreviousHashMismatch => Self::PreviousHashMismatch,
            BreakKind::ContentMismatch => Self::ContentMismatch,
            BreakKind::HeadMismatch => Self::HeadMismatch,
            BreakKind::AnchorMismatch => Self::AnchorMismatch,
        }
    }
}

/// The first place where the chain breaks.
#[derive(SimpleObject)]
pub struct AuditBreak {
    /// Sequence of the first broken entry (or where a missing one should be).
    pub sequence: i64,
    /// Global id of that entry, when it exists.
    pub entry_id: Option<ID>,
    /// Kind of break.
    pub kind: AuditBreakKind,
    /// Explanation for people.
    pub message: String,
}

/// Outcome of `verifyAuditTrail`.
#[derive(SimpleObject)]
pub struct AuditVerification {
    /// True when every entry and the head (and anchor, if given) check out.
    pub valid: bool,
    /// Entries recomputed before the first break (all of them when valid).
    pub entries_checked: i64,
    /// The head as recorded now.
    pub head: AuditAnchor,
    /// The first break, if any.
    pub first_broken_entry: Option<AuditBreak>,
}

/// Filters of the audit trail list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct AuditTrailFilter {
    /// Only changes of this record type (e.g. `Person`).
    pub record_type: Option<String>,
    /// Only changes of this record (global id).
    pub record_id: Option<ID>,
    /// Only this action (e.g. `person.update`).
    pub action: Option<String>,
    /// Only changes by this login subject.
    pub actor_subject: Option<String>,
    /// Only changes at or after this time.
    pub occurred_from: Option<DateTime<Utc>>,
    /// Only changes before this time.
    pub occurred_to: Option<DateTime<Utc>>,
}

impl AuditTrailFilter {
    fn into_store(self) -> AppResult<EntryFilter> {
        Ok(EntryFilter {
            record_id: self
                .record_id
                .as_ref()
                .map(|id| decode_id_any(id, "filter.recordId"))
                .transpose()?,
            record_type: self.record_type,
            action: self.action,
            actor_subject: self.actor_subject,
            occurred_from: self.occurred_from.map(|at| at.0),
            occurred_to: self.occurred_to.map(|at| at.0),
        })
    }
}

crate::record_queries! {
    /// The audit trail list.
    AuditTrailQuery {
        /// The organization's audit trail, oldest first (use `last` for the newest).
        audit_trail(ctx, args,
            #[graphql(
                desc = "Which entries to list: the conditions set are combined with AND; every entry if omitted."
            )]
            filter: Option<AuditTrailFilter>,
        ) -> Page<AuditEntry>, guard = "Require(Permission::ReadAuditTrail)" {
            let select = store::select(ctx.scope()?, filter.unwrap_or_default().into_store()?);
            Ok(paginate(
                // Read from the database every time: the trail is what edits made around the
                // API are checked against, so it must show them at once.
                ctx.reads().uncached(),
                select,
                audit_entry::Column::Sequence,
                |entry| entry.sequence,
                args,
                AuditEntry,
            )
            .await?)
        }
    }
}

/// Queries of the audit chain: its head and its verification.
#[derive(Default)]
pub struct AuditChainQuery;

#[Object]
impl AuditChainQuery {
    /// The newest link of the chain: keep it elsewhere as an anchor.
    #[graphql(guard = "Require(Permission::ReadAuditTrail)")]
    async fn audit_trail_head(&self, ctx: &Context<'_>) -> async_graphql::Result<AuditAnchor> {
        let (sequence, hash) = store::head(db(ctx), ctx.scope()?).await?;
        Ok(AuditAnchor { sequence, hash })
    }

    /// Recomputes the whole chain and names the first entry where it breaks; with an anchor,
    /// also proves the trail still contains it unchanged. Runs once per request for each
    /// anchor, however often the document asks.
    #[graphql(
        guard = "Require(Permission::ReadAuditTrail)",
        complexity = "crate::graphql::cost::whole_organization_complexity(child_complexity)"
    )]
    async fn verify_audit_trail(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A head read earlier with `auditTrailHead` and kept elsewhere: the trail must still hold it unchanged, so a trail cut short or rewritten since is detected. Without it, the chain is checked against itself."
        )]
        anchor: Option<AuditAnchorInput>,
    ) -> async_graphql::Result<AuditVerification> {
        if let Some(anchor) = &anchor {
            if anchor.sequence < 0 {
                return Err(AppError::bad_input(
                    "anchor.sequence",
                    "`anchor.sequence` must not be negative",
                )
                .into());
            }
            if anchor.hash.len() != 64 || !anchor.hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(AppError::bad_input(
                    "anchor.hash",
                    "`anchor.hash` must be 64 hexadecimal digits",
                )
                .into());
            }
        }
        let anchor = anchor
            .filter(|a| a.sequence > 0)
            .map(|a| (a.sequence, a.hash.to_ascii_lowercase()));
        let scope = ctx.scope()?;
        let key = format!("verifyAuditTrail({anchor:?})");
        let result = ctx
            .once(key, async move {
                store::verify(db(ctx), scope, anchor).await.map(Arc::new)
            })
            .await?;
        let result = Arc::unwrap_or_clone(result);
        Ok(AuditVerification {
            valid: result.first_break.is_none(),
            entries_checked: result.entries_checked,
            head: AuditAnchor {
                sequence: result.head.0,
                hash: result.head.1,
            },
            first_broken_entry: result.first_break.map(|b| AuditBreak {
                sequence: b.sequence,
                entry_id: b.entry_id.map(encode::<entity::audit_entry::Entity>),
                kind: b.kind.into(),
                message: b.message,
            }),
        })
    }
}

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    &ctx.state().db
}

/// Audit trail subscriptions.
#[derive(Default)]
pub struct AuditTrailSubscription;

#[Subscription]
impl AuditTrailSubscription {
    /// Each new entry of the caller's organization, after its change is committed. A subscriber
    /// too slow to keep up gets an error naming how many entries it missed; `auditTrail` with
    /// `after` fetches them.
    #[graphql(guard = "Require(Permission::ReadAuditTrail)")]
    async fn audit_trail_appended(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<AuditEntry>> + use<>> {
        let organization_id = ctx.actor()?.organization_id;
        let events = BroadcastStream::new(ctx.state().bus.subscribe());
        Ok(events.filter_map(move |event| async move {
            let missed = |what: String| {
                Some(Err(AppError::Conflict(format!(
                    "this subscriber {what}; fetch them with auditTrail(after:)"
                ))
                .into()))
            };
            match event {
                Ok(BusEvent::Change(event)) if event.entry.organization_id == organization_id => {
                    Some(Ok(AuditEntry(event.entry)))
                }
                Ok(BusEvent::Change(_)) => None,
                Ok(BusEvent::Resync) => {
                    missed("may have missed entries appended through another replica".into())
                }
                Err(BroadcastStreamRecvError::Lagged(count)) => {
                    missed(format!("fell behind and missed {count} events"))
                }
            }
        }))
    }
}

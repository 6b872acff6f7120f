//! Database access and rules for evidence records: create (idempotent by external key),
//! update, delete, and the list filters.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    certification_cycle, clause, document_version, evidence,
    evidence::{EvidenceKind, EvidenceSource},
    evidence_clause, evidence_cycle, evidence_document_version, evidence_process, evidence_service,
    evidence_tag, person, process, service,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Select, sea_query::Query,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::freshness::{self, Freshness};
use crate::{
    auth::Permission,
    compliance::access,
    error::{AppError, AppResult},
    record::Tenant,
    search,
    store::{self, Cascade, Change, Edit},
    tenancy::Scope,
    validation::{Name, Required, Text, Url},
};

/// The most tags a piece of evidence carries.
pub const TAGS_MAX: usize = 20;
/// Longest tag.
pub const TAG_MAX: usize = 50;

/// A tag: trimmed, lower-cased, 1 to 50 characters.
pub type Tag = Required<TAG_MAX>;

/// The key a script gives a create it may repeat.
pub type ExternalKey = Required<200>;

/// The period a piece of evidence covers, start before end when both are given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// What a piece of evidence serves; each list sorted and distinct once checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Links {
    pub clause_ids: Vec<Uuid>,
    pub process_ids: Vec<Uuid>,
    pub service_ids: Vec<Uuid>,
    pub cycle_ids: Vec<Uuid>,
    pub document_version_ids: Vec<Uuid>,
}

/// Changes to the links: each list given replaces that list.
#[derive(Default)]
pub struct LinksPatch {
    pub clause_ids: Option<Vec<Uuid>>,
    pub process_ids: Option<Vec<Uuid>>,
    pub service_ids: Option<Vec<Uuid>>,
    pub cycle_ids: Option<Vec<Uuid>>,
    pub document_version_ids: Option<Vec<Uuid>>,
}

/// A piece of evidence as parsed from the client's input.
pub struct NewEvidence {
    pub title: Name,
    pub description: Text,
    pub kind: EvidenceKind,
    pub owner_id: Option<Uuid>,
    pub tags: Vec<String>,
    /// When it was collected; the time of the create if not given.
    pub collected_at: Option<DateTime<Utc>>,
    pub period: Period,
    pub valid_until: Option<NaiveDate>,
    pub external_url: Option<Url>,
    pub external_key: Option<ExternalKey>,
    pub links: Links,
}

/// Changes to a piece of evidence; `None` leaves a field, `Some(None)` clears it.
#[derive(Default)]
pub struct EvidencePatch {
    pub title: Option<Name>,
    pub description: Option<Text>,
    pub kind: Option<EvidenceKind>,
    pub owner_id: Option<Option<Uuid>>,
    pub tags: Option<Vec<String>>,
    pub collected_at: Option<DateTime<Utc>>,
    pub period_start: Option<Option<NaiveDate>>,
    pub period_end: Option<Option<NaiveDate>>,
    pub valid_until: Option<Option<NaiveDate>>,
    pub external_url: Option<Option<Url>>,
    pub links: LinksPatch,
}

/// Tags as stored: lower-cased, sorted, distinct; BAD_USER_INPUT on `field` past the bounds.
pub fn tags(field: &str, given: &[String]) -> AppResult<Vec<String>> {
    if given.len() > TAGS_MAX {
        return Err(AppError::bad_input(
            field,
            format!("a piece of evidence carries at most {TAGS_MAX} tags"),
        ));
    }
    let mut tags = given
        .iter()
        .enumerate()
        .map(|(i, tag)| Tag::parse(&format!("{field}[{i}]"), &tag.to_lowercase()).map(String::from))
        .collect::<AppResult<Vec<_>>>()?;
    tags.sort();
    tags.dedup();
    Ok(tags)
}

/// The period, or BAD_USER_INPUT on `field` when it ends before it starts.
pub fn period(field: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) -> AppResult<Period> {
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(AppError::bad_input(
            field,
            format!("the period ends ({end}) before it starts ({start})"),
        ));
    }
    Ok(Period { start, end })
}

/// A piece of evidence as the audit trail keeps it: the row, its tags and its links.
#[derive(Serialize)]
struct Snapshot {
    #[serde(flatten)]
    evidence: evidence::Model,
    tags: Vec<String>,
    #[serde(flatten)]
    links: Links,
}

impl Snapshot {
    async fn read(change: &Change, evidence: evidence::Model) -> AppResult<Self> {
        let id = evidence.id;
        let tags = Scope::from(change.actor())
            .select::<evidence_tag::Entity>()
            .filter(evidence_tag::Column::EvidenceId.eq(id))
            .select_only()
            .column(evidence_tag::Column::Tag)
            .order_by_asc(evidence_tag::Column::Tag)
            .into_tuple()
            .all(change.db())
            .await?;
        let links = Links {
            clause_ids: store::linked::<evidence_clause::Entity>(
                change,
                evidence_clause::Column::EvidenceId,
                id,
                evidence_clause::Column::ClauseId,
            )
            .await?,
            process_ids: store::linked::<evidence_process::Entity>(
                change,
                evidence_process::Column::EvidenceId,
                id,
                evidence_process::Column::ProcessId,
            )
            .await?,
            service_ids: store::linked::<evidence_service::Entity>(
                change,
                evidence_service::Column::EvidenceId,
                id,
                evidence_service::Column::ServiceId,
            )
            .await?,
            cycle_ids: store::linked::<evidence_cycle::Entity>(
                change,
                evidence_cycle::Column::EvidenceId,
                id,
                evidence_cycle::Column::CycleId,
            )
            .await?,
            document_version_ids: store::linked::<evidence_document_version::Entity>(
                change,
                evidence_document_version::Column::EvidenceId,
                id,
                evidence_document_version::Column::DocumentVersionId,
            )
            .await?,
        };
        Ok(Self {
            evidence,
            tags,
            links,
        })
    }

    /// Writes the tags and links that differ from `before` (what a create starts from when
    /// `None`: no tags, no links), so an edit of the title alone writes no list.
    async fn write_lists(&self, change: &Change, before: Option<&Self>) -> AppResult<()> {
        let (id, organization_id) = (self.evidence.id, self.evidence.organization_id);
        let (links, old) = (&self.links, before.map(|b| &b.links));
        replace::<evidence_tag::Entity, _>(
            change,
            (id, evidence_tag::Column::EvidenceId),
            &self.tags,
            before.map(|b| &b.tags),
            |tag| evidence_tag::Model {
                evidence_id: id,
                tag,
                organization_id,
            },
        )
        .await?;
        replace::<evidence_clause::Entity, _>(
            change,
            (id, evidence_clause::Column::EvidenceId),
            &links.clause_ids,
            old.map(|o| &o.clause_ids),
            |clause_id| evidence_clause::Model {
                evidence_id: id,
                clause_id,
                organization_id,
            },
        )
        .await?;
        replace::<evidence_process::Entity, _>(
            change,
            (id, evidence_process::Column::EvidenceId),
            &links.process_ids,
            old.map(|o| &o.process_ids),
            |process_id| evidence_process::Model {
                evidence_id: id,
                process_id,
                organization_id,
            },
        )
        .await?;
        replace::<evidence_service::Entity, _>(
            change,
            (id, evidence_service::Column::EvidenceId),
            &links.service_ids,
            old.map(|o| &o.service_ids),
            |service_id| evidence_service::Model {
                evidence_id: id,
                service_id,
                organization_id,
            },
        )
        .await?;
        replace::<evidence_cycle::Entity, _>(
            change,
            (id, evidence_cycle::Column::EvidenceId),
            &links.cycle_ids,
            old.map(|o| &o.cycle_ids),
            |cycle_id| evidence_cycle::Model {
                evidence_id: id,
                cycle_id,
                organization_id,
            },
        )
        .await?;
        replace::<evidence_document_version::Entity, _>(
            change,
            (id, evidence_document_version::Column::EvidenceId),
            &links.document_version_ids,
            old.map(|o| &o.document_version_ids),
            |document_version_id| evidence_document_version::Model {
                evidence_id: id,
                document_version_id,
                organization_id,
            },
        )
        .await
    }
}

/// Replaces evidence `id`'s rows in `L` (keyed by `column`) with one row per entry of `now`,
/// unless they are what `before` holds (nothing, for a create).
async fn replace<L: Tenant, T: Clone + PartialEq>(
    change: &Change,
    (id, column): (Uuid, L::Column),
    now: &[T],
    before: Option<&Vec<T>>,
    row: impl Fn(T) -> L::Model,
) -> AppResult<()>
where
    L::Model: IntoActiveModel<L::ActiveModel>,
{
    if before.map_or(now.is_empty(), |before| before.as_slice() == now) {
        return Ok(());
    }
    store::replace_links::<L>(change, column, id, now.iter().cloned().map(row).collect()).await
}

/// Whether the caller may maintain evidence that serves each of `processes` (before and after
/// a change): ADMIN, MANAGER and EVIDENCE_WRITE tokens any; a PROCESS_OWNER only evidence that
/// serves at least one process and only processes they own, before as after, so that they can
/// neither take over evidence of no process nor unlink someone else's.
async fn may_maintain(change: &Change, processes: &[&Vec<Uuid>]) -> AppResult<()> {
    for ids in processes {
        access::may_maintain_unless(change, Permission::ManageEvidence, &[], ids).await?;
    }
    Ok(())
}

/// Each link list checked: every id a record of the organization (NOT_FOUND otherwise).
async fn checked(change: &Change, links: Links) -> AppResult<Links> {
    Ok(Links {
        clause_ids: store::existing::<clause::Entity>(change, &links.clause_ids).await?,
        process_ids: store::existing::<process::Entity>(change, &links.process_ids).await?,
        service_ids: store::existing::<service::Entity>(change, &links.service_ids).await?,
        cycle_ids: store::existing::<certification_cycle::Entity>(change, &links.cycle_ids).await?,
        document_version_ids: store::existing::<document_version::Entity>(
            change,
            &links.document_version_ids,
        )
        .await?,
    })
}

/// SHA-256 of what a create asks for, to tell a repeat of it from another create that reuses
/// its external key.
fn request_digest(new: &NewEvidence, links: &Links) -> AppResult<String> {
    #[derive(Serialize)]
    struct Request<'a> {
        title: &'a str,
        description: &'a str,
        kind: EvidenceKind,
        owner_id: Option<Uuid>,
        tags: &'a [String],
        collected_at: Option<DateTime<Utc>>,
        period: Period,
        valid_until: Option<NaiveDate>,
        external_url: Option<&'a str>,
        links: &'a Links,
    }
    let request = Request {
        title: new.title.as_ref(),
        description: new.description.as_ref(),
        kind: new.kind,
        owner_id: new.owner_id,
        tags: &new.tags,
        collected_at: new.collected_at,
        period: new.period,
        valid_until: new.valid_until,
        external_url: new.external_url.as_ref().map(AsRef::as_ref),
        links,
    };
    let json = serde_json::to_vec(&request).map_err(|e| AppError::Internal(e.into()))?;
    Ok(hex::encode(Sha256::digest(json)))
}

/// The piece of evidence created before with `key`, if it asked for the same as `digest`:
/// CONFLICT on `input.externalKey` if it asked for something else.
async fn earlier(change: &Change, key: &str, digest: &str) -> AppResult<Option<evidence::Model>> {
    let found = Scope::from(change.actor())
        .select::<evidence::Entity>()
        .filter(evidence::Column::ExternalKey.eq(key))
        .one(change.db())
        .await?;
    match found {
        Some(row) if row.request_digest.as_deref() == Some(digest) => Ok(Some(row)),
        Some(_) => Err(AppError::Conflict(
            "`input.externalKey` was used before for different evidence: use a new key, or send the same content to get the first record back"
                .into(),
        )),
        None => Ok(None),
    }
}

/// Adds a piece of evidence (ADMIN, MANAGER, an EVIDENCE_WRITE token; a PROCESS_OWNER for
/// their processes). With an external key, a repeat of the same create returns the first
/// record and changes nothing, whoever wins a race between two.
pub async fn create(change: &mut Change, new: NewEvidence) -> AppResult<evidence::Model> {
    store::must_exist::<person::Entity>(change, new.owner_id).await?;
    let links = checked(change, new.links.clone()).await?;
    may_maintain(change, &[&links.process_ids]).await?;
    let digest = request_digest(&new, &links)?;
    if let Some(key) = &new.external_key
        && let Some(row) = earlier(change, key.as_ref(), &digest).await?
    {
        return Ok(row);
    }
    let actor = change.actor();
    let api_token_id = actor.api_token_id();
    let now = store::now();
    let row = evidence::Model {
        id: Uuid::now_v7(),
        organization_id: actor.organization_id,
        title: new.title.into(),
        description: new.description.into(),
        kind: new.kind,
        source: if api_token_id.is_some() {
            EvidenceSource::Integration
        } else {
            EvidenceSource::Manual
        },
        api_token_id,
        owner_id: new.owner_id,
        collected_at: new.collected_at.unwrap_or(now),
        period_start: new.period.start,
        period_end: new.period.end,
        valid_until: new.valid_until,
        external_url: new.external_url.map(Into::into),
        external_key: new.external_key.as_ref().map(|k| k.as_ref().to_owned()),
        request_digest: new.external_key.is_some().then(|| digest.clone()),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    // A concurrent create with the same key may commit first: then this one inserts nothing
    // and answers as a repeat would.
    let inserted = evidence::Entity::insert(row.clone().into_active_model())
        .on_conflict_do_nothing_on([
            evidence::Column::OrganizationId,
            evidence::Column::ExternalKey,
        ])
        .exec_without_returning(change.db())
        .await?;
    if !matches!(inserted, sea_orm::TryInsertResult::Inserted(1)) {
        let key = new
            .external_key
            .as_ref()
            .map(AsRef::as_ref)
            .unwrap_or_default();
        return earlier(change, key, &digest)
            .await?
            .ok_or_else(|| AppError::Conflict("the evidence could not be added; retry".into()));
    }
    let after = Snapshot {
        evidence: row.clone(),
        tags: new.tags,
        links,
    };
    after.write_lists(change, None).await?;
    change
        .record_snapshot::<evidence::Entity, _>("evidence.create", row.id, None, Some(&after))
        .await?;
    Ok(row)
}

/// Changes a piece of evidence, its tags or its links.
pub async fn update(change: &mut Change, edit: Edit<EvidencePatch>) -> AppResult<evidence::Model> {
    let row = edit.current::<evidence::Entity>(change).await?;
    let before = Snapshot::read(change, row).await?;
    let patch = edit.patch;
    let mut row = before.evidence.clone();
    store::set(&mut row.title, patch.title);
    store::set(&mut row.description, patch.description);
    store::set(&mut row.kind, patch.kind);
    if let Some(owner) = patch.owner_id {
        store::must_exist::<person::Entity>(change, owner).await?;
        row.owner_id = owner;
    }
    store::set(&mut row.collected_at, patch.collected_at);
    let at_fault = if patch.period_end.is_some() {
        "input.periodEnd"
    } else {
        "input.periodStart"
    };
    store::set_or_clear(&mut row.period_start, patch.period_start);
    store::set_or_clear(&mut row.period_end, patch.period_end);
    period(at_fault, row.period_start, row.period_end)?;
    store::set_or_clear(&mut row.valid_until, patch.valid_until);
    store::set_or_clear(&mut row.external_url, patch.external_url);
    let old = &before.links;
    let links = checked(
        change,
        Links {
            clause_ids: patch
                .links
                .clause_ids
                .unwrap_or_else(|| old.clause_ids.clone()),
            process_ids: patch
                .links
                .process_ids
                .unwrap_or_else(|| old.process_ids.clone()),
            service_ids: patch
                .links
                .service_ids
                .unwrap_or_else(|| old.service_ids.clone()),
            cycle_ids: patch
                .links
                .cycle_ids
                .unwrap_or_else(|| old.cycle_ids.clone()),
            document_version_ids: patch
                .links
                .document_version_ids
                .unwrap_or_else(|| old.document_version_ids.clone()),
        },
    )
    .await?;
    may_maintain(change, &[&old.process_ids, &links.process_ids]).await?;
    let mut after = Snapshot {
        evidence: row,
        tags: patch.tags.unwrap_or_else(|| before.tags.clone()),
        links,
    };
    after.evidence =
        store::write::<evidence::Entity>(change, &before.evidence, after.evidence, &[]).await?;
    after.write_lists(change, Some(&before)).await?;
    change
        .record_snapshot::<evidence::Entity, _>(
            "evidence.update",
            before.evidence.id,
            Some(&before),
            Some(&after),
        )
        .await?;
    Ok(after.evidence)
}

/// Deletes a piece of evidence with its tags and links; its entry keeps them.
pub async fn delete(change: &mut Change, id: Uuid) -> AppResult<evidence::Model> {
    let row = Scope::from(change.actor())
        .find::<evidence::Entity>(change.db(), id)
        .await?;
    let snapshot = Snapshot::read(change, row).await?;
    may_maintain(change, &[&snapshot.links.process_ids]).await?;
    store::delete_row::<evidence::Entity>(change, id, Vec::<Cascade>::new()).await?;
    change
        .record_snapshot::<evidence::Entity, _>("evidence.delete", id, Some(&snapshot), None)
        .await?;
    Ok(snapshot.evidence)
}

/// Filters of the evidence list.
#[derive(Default)]
pub struct EvidenceFilter {
    pub search: Option<String>,
    pub kind: Option<EvidenceKind>,
    pub source: Option<EvidenceSource>,
    pub tag: Option<String>,
    pub owner_id: Option<Uuid>,
    pub clause_id: Option<Uuid>,
    pub process_id: Option<Uuid>,
    pub service_id: Option<Uuid>,
    pub cycle_id: Option<Uuid>,
    /// Collected on or after.
    pub collected_from: Option<DateTime<Utc>>,
    /// Collected before.
    pub collected_to: Option<DateTime<Utc>>,
    pub freshness: Option<(Freshness, NaiveDate, u32)>,
}

/// The evidence of `scope` whose links in `L` reach `target`.
fn linked_to<L: Tenant>(
    scope: Scope,
    target: Option<Uuid>,
    evidence_column: L::Column,
    target_column: L::Column,
) -> Option<sea_orm::sea_query::SimpleExpr> {
    target.map(|target| {
        evidence::Column::Id.in_subquery(
            Query::select()
                .column(evidence_column)
                .from(L::default())
                .and_where(L::organization_column().eq(scope.organization_id))
                .and_where(target_column.eq(target))
                .to_owned(),
        )
    })
}

/// The organization's evidence matching `filter`.
pub fn select(scope: Scope, filter: EvidenceFilter) -> AppResult<Select<evidence::Entity>> {
    let search = search::contains_opt(
        filter.search,
        &[evidence::Column::Title, evidence::Column::Description],
    )?;
    let tagged = filter.tag.map(|tag| {
        evidence::Column::Id.in_subquery(
            Query::select()
                .column(evidence_tag::Column::EvidenceId)
                .from(evidence_tag::Entity)
                .and_where(evidence_tag::Column::OrganizationId.eq(scope.organization_id))
                .and_where(evidence_tag::Column::Tag.eq(tag.to_lowercase()))
                .to_owned(),
        )
    });
    let fresh = filter.freshness.map(|(freshness, today, expiring_days)| {
        let (after, through) = freshness::bounds(freshness, today, expiring_days);
        let dated = Condition::all()
            .add_option(after.map(|a| evidence::Column::ValidUntil.gte(a)))
            .add_option(through.map(|t| evidence::Column::ValidUntil.lte(t)));
        if freshness == Freshness::Fresh {
            Condition::any()
                .add(evidence::Column::ValidUntil.is_null())
                .add(dated)
        } else {
            dated.add(evidence::Column::ValidUntil.is_not_null())
        }
    });
    Ok(scope.select::<evidence::Entity>().filter(
        Condition::all()
            .add_option(search)
            .add_option(filter.kind.map(|k| evidence::Column::Kind.eq(k)))
            .add_option(filter.source.map(|s| evidence::Column::Source.eq(s)))
            .add_option(tagged)
            .add_option(filter.owner_id.map(|o| evidence::Column::OwnerId.eq(o)))
            .add_option(linked_to::<evidence_clause::Entity>(
                scope,
                filter.clause_id,
                evidence_clause::Column::EvidenceId,
                evidence_clause::Column::ClauseId,
            ))
            .add_option(linked_to::<evidence_process::Entity>(
                scope,
                filter.process_id,
                evidence_process::Column::EvidenceId,
                evidence_process::Column::ProcessId,
            ))
            .add_option(linked_to::<evidence_service::Entity>(
                scope,
                filter.service_id,
                evidence_service::Column::EvidenceId,
                evidence_service::Column::ServiceId,
            ))
            .add_option(linked_to::<evidence_cycle::Entity>(
                scope,
                filter.cycle_id,
                evidence_cycle::Column::EvidenceId,
                evidence_cycle::Column::CycleId,
            ))
            .add_option(
                filter
                    .collected_from
                    .map(|f| evidence::Column::CollectedAt.gte(f)),
            )
            .add_option(
                filter
                    .collected_to
                    .map(|t| evidence::Column::CollectedAt.lt(t)),
            )
            .add_option(fresh),
    ))
}

//! GraphQL types and resolvers of evidence records.

use chrono::Utc;
use entity::{certification_cycle, clause, document_version, evidence, person, process, service};

use super::{
    freshness::{self, Freshness},
    relations::{
        ClausesOfEvidence, CyclesOfEvidence, DocumentVersionsOfEvidence, ProcessesOfEvidence,
        ServicesOfEvidence, TagsOfEvidence,
    },
    store::{self, EvidenceFilter, EvidencePatch, ExternalKey, Links, LinksPatch, NewEvidence},
};
use crate::{
    auth::api_token::graphql::ApiToken,
    compliance::{
        cycles::graphql::Cycle, documents::versions::graphql::DocumentVersion,
        frameworks::graphql::Clause,
    },
    graphql::{cost::related_complexity, prelude::*},
    people::graphql::Person,
    portfolio::{processes::graphql::Process, services::graphql::Service},
    validation::Url,
};

/// What a piece of evidence is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::evidence::EvidenceKind")]
pub enum EvidenceKind {
    /// A record the process keeps: a ticket, a change request, a signed form.
    Record,
    /// A report: a service report, a capacity report, a survey's results.
    Report,
    /// A log or an extract of one.
    Log,
    /// Minutes of a meeting: a CAB, a service review, a management review.
    Minutes,
    /// A screenshot of a tool's configuration or state.
    Screenshot,
    /// An export from a tool: a CSV of tickets, a configuration dump.
    Export,
    /// Anything else.
    Other,
}

/// Who brought a piece of evidence in.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::evidence::EvidenceSource")]
pub enum EvidenceSource {
    /// A person, by hand.
    Manual,
    /// An integration, with its API token.
    Integration,
}

crate::node_object!(
    /// A record that proves a requirement is met: what it is, who brought it in, when it was
    /// collected, the period it covers and until when it holds, and what it serves.
    Evidence(evidence)
);

#[Object(use_type_description)]
impl Evidence {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// What it is, in a line.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What it shows.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// What kind of evidence it is.
    async fn kind(&self) -> EvidenceKind {
        self.0.kind.into()
    }
    /// MANUAL, or INTEGRATION when an API token sent it.
    async fn source(&self) -> EvidenceSource {
        self.0.source.into()
    }
    /// The API token an integration sent it with; null for MANUAL evidence, and for callers
    /// who may not see API tokens (only ADMINs may).
    async fn api_token(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ApiToken>> {
        Ok(related::<ApiToken>(ctx, self.0.api_token_id).await?)
    }
    /// Who answers for it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.owner_id).await?)
    }
    /// Its tags, lower-cased, in alphabetical order.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(
            related_list::<GroupedBy<TagsOfEvidence>, _, _>(ctx, self.0.id, |t| t.tag.clone())
                .await?,
        )
    }
    /// When it was collected: the moment it speaks for, apart from when it was added
    /// (`createdAt`).
    async fn collected_at(&self) -> DateTime<Utc> {
        self.0.collected_at.into()
    }
    /// The first day of the period it covers.
    async fn period_start(&self) -> Option<Date> {
        self.0.period_start.map(Date)
    }
    /// The last day of the period it covers.
    async fn period_end(&self) -> Option<Date> {
        self.0.period_end.map(Date)
    }
    /// The last day it holds; null when it does not expire.
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Date)
    }
    /// How current it is today (UTC), from `validUntil`: EXPIRING within the server's
    /// window (30 days unless configured).
    async fn freshness(&self, ctx: &Context<'_>) -> Freshness {
        let expiring_days = ctx.state().config.evidence.evidence_expiring_days;
        freshness::of(self.0.valid_until, Utc::now().date_naive(), expiring_days)
    }
    /// Where its content lives, when it is a link rather than a file.
    async fn external_url(&self) -> Option<&str> {
        self.0.external_url.as_deref()
    }
    /// The key the script that created it gave, if it gave one.
    async fn external_key(&self) -> Option<&str> {
        self.0.external_key.as_deref()
    }
    /// The clauses it serves.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn clauses(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Clause>> {
        Ok(related_list::<Linked<ClausesOfEvidence>, _, _>(ctx, self.0.id, Clause).await?)
    }
    /// The processes it serves.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_list::<Linked<ProcessesOfEvidence>, _, _>(ctx, self.0.id, Process).await?)
    }
    /// The services it serves.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn services(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Service>> {
        Ok(related_list::<Linked<ServicesOfEvidence>, _, _>(ctx, self.0.id, Service).await?)
    }
    /// The certification cycles it serves.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn cycles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Cycle>> {
        Ok(related_list::<Linked<CyclesOfEvidence>, _, _>(ctx, self.0.id, Cycle).await?)
    }
    /// The document versions it serves (a record of a procedure being followed).
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn document_versions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<DocumentVersion>> {
        Ok(related_list::<Linked<DocumentVersionsOfEvidence>, _, _>(
            ctx,
            self.0.id,
            DocumentVersion,
        )
        .await?)
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<evidence::Entity>(&self.0)
    }
}

/// Input of `createEvidence`.
#[derive(InputObject)]
pub struct CreateEvidenceInput {
    /// What it is, in a line (1 to 200 characters).
    pub title: String,
    /// What it shows (up to 4,000 characters).
    pub description: Option<String>,
    /// What kind of evidence it is.
    pub kind: EvidenceKind,
    /// Who answers for it (a Person's global id).
    pub owner_id: Option<ID>,
    /// Tags (at most 20, each 1 to 50 characters; stored lower-cased).
    pub tags: Option<Vec<String>>,
    /// When it was collected; now if omitted.
    pub collected_at: Option<DateTime<Utc>>,
    /// The first day of the period it covers.
    pub period_start: Option<Date>,
    /// The last day of the period it covers; not before `periodStart`.
    pub period_end: Option<Date>,
    /// The last day it holds; omit for evidence that does not expire.
    pub valid_until: Option<Date>,
    /// Where its content lives (an http(s) address, up to 2,048 characters).
    pub external_url: Option<String>,
    /// A key of the caller's (1 to 200 characters): a repeat of the same create with it
    /// returns the first record and creates nothing; a different create with it is CONFLICT.
    pub external_key: Option<String>,
    /// The clauses it serves (at most 100), of any framework the organization reads.
    pub clause_ids: Option<Vec<ID>>,
    /// The processes it serves (at most 100); a PROCESS_OWNER names at least one of theirs,
    /// and only theirs.
    pub process_ids: Option<Vec<ID>>,
    /// The services it serves (at most 100).
    pub service_ids: Option<Vec<ID>>,
    /// The certification cycles it serves (at most 100).
    pub cycle_ids: Option<Vec<ID>>,
    /// The document versions it serves (at most 100).
    pub document_version_ids: Option<Vec<ID>>,
}

impl CreateEvidenceInput {
    fn parse(self) -> AppResult<NewEvidence> {
        Ok(NewEvidence {
            title: Name::parse("input.title", &self.title)?,
            description: parse_opt(self.description, |d| Text::parse("input.description", d))?
                .unwrap_or_default(),
            kind: self.kind.into(),
            owner_id: decode_opt::<person::Entity>(self.owner_id.as_ref(), "input.ownerId")?,
            tags: store::tags("input.tags", &self.tags.unwrap_or_default())?,
            collected_at: collected_at(self.collected_at)?,
            period: store::period(
                "input.periodEnd",
                self.period_start.map(|d| d.0),
                self.period_end.map(|d| d.0),
            )?,
            valid_until: self.valid_until.map(|d| d.0),
            external_url: parse_opt(self.external_url, |u| Url::parse("input.externalUrl", u))?,
            external_key: parse_opt(self.external_key, |k| {
                ExternalKey::parse("input.externalKey", k)
            })?,
            links: Links {
                clause_ids: decode_links::<clause::Entity>(self.clause_ids, "input.clauseIds")?
                    .unwrap_or_default(),
                process_ids: decode_links::<process::Entity>(self.process_ids, "input.processIds")?
                    .unwrap_or_default(),
                service_ids: decode_links::<service::Entity>(self.service_ids, "input.serviceIds")?
                    .unwrap_or_default(),
                cycle_ids: decode_links::<certification_cycle::Entity>(
                    self.cycle_ids,
                    "input.cycleIds",
                )?
                .unwrap_or_default(),
                document_version_ids: decode_links::<document_version::Entity>(
                    self.document_version_ids,
                    "input.documentVersionIds",
                )?
                .unwrap_or_default(),
            },
        })
    }
}

/// `collectedAt`: not in the future (a minute of clock skew allowed), at the precision both
/// databases keep.
fn collected_at(at: Option<DateTime<Utc>>) -> AppResult<Option<chrono::DateTime<Utc>>> {
    use chrono::SubsecRound;
    let Some(DateTime(at)) = at else {
        return Ok(None);
    };
    if at > Utc::now() + chrono::Duration::minutes(1) {
        return Err(AppError::bad_input(
            "input.collectedAt",
            "`input.collectedAt` is in the future: evidence is collected before it is added",
        ));
    }
    Ok(Some(at.trunc_subsecs(6)))
}

/// Input of `updateEvidence`: omitted fields stay; `null` clears the optional ones; a list
/// replaces the evidence's list.
#[derive(InputObject)]
pub struct UpdateEvidenceInput {
    /// The evidence.
    pub id: ID,
    /// The version the client read; CONFLICT if the evidence changed since.
    pub expected_version: Option<i32>,
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New kind.
    pub kind: Option<EvidenceKind>,
    /// New owner, or null to clear.
    pub owner_id: MaybeUndefined<ID>,
    /// The tags: replaces the list.
    pub tags: Option<Vec<String>>,
    /// When it was collected.
    pub collected_at: Option<DateTime<Utc>>,
    /// New first day of the period, or null to clear.
    pub period_start: MaybeUndefined<Date>,
    /// New last day of the period, or null to clear.
    pub period_end: MaybeUndefined<Date>,
    /// New last valid day, or null for evidence that does not expire.
    pub valid_until: MaybeUndefined<Date>,
    /// New address of its content, or null to clear.
    pub external_url: MaybeUndefined<String>,
    /// The clauses: replaces the list.
    pub clause_ids: Option<Vec<ID>>,
    /// The processes: replaces the list.
    pub process_ids: Option<Vec<ID>>,
    /// The services: replaces the list.
    pub service_ids: Option<Vec<ID>>,
    /// The cycles: replaces the list.
    pub cycle_ids: Option<Vec<ID>>,
    /// The document versions: replaces the list.
    pub document_version_ids: Option<Vec<ID>>,
}

impl UpdateEvidenceInput {
    fn parse(self) -> AppResult<Edit<EvidencePatch>> {
        let date = |d: Date| Ok(d.0);
        Ok(Edit {
            id: decode::<evidence::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: EvidencePatch {
                title: parse_opt(self.title, |t| Name::parse("input.title", t))?,
                description: parse_opt(self.description, |d| Text::parse("input.description", d))?,
                kind: self.kind.map(Into::into),
                owner_id: patch(self.owner_id, |id| {
                    decode::<person::Entity>(&id, "input.ownerId")
                })?,
                tags: self
                    .tags
                    .map(|tags| store::tags("input.tags", &tags))
                    .transpose()?,
                collected_at: collected_at(self.collected_at)?,
                period_start: patch(self.period_start, date)?,
                period_end: patch(self.period_end, date)?,
                valid_until: patch(self.valid_until, date)?,
                external_url: patch(self.external_url, |u| Url::parse("input.externalUrl", &u))?,
                links: LinksPatch {
                    clause_ids: decode_links::<clause::Entity>(self.clause_ids, "input.clauseIds")?,
                    process_ids: decode_links::<process::Entity>(
                        self.process_ids,
                        "input.processIds",
                    )?,
                    service_ids: decode_links::<service::Entity>(
                        self.service_ids,
                        "input.serviceIds",
                    )?,
                    cycle_ids: decode_links::<certification_cycle::Entity>(
                        self.cycle_ids,
                        "input.cycleIds",
                    )?,
                    document_version_ids: decode_links::<document_version::Entity>(
                        self.document_version_ids,
                        "input.documentVersionIds",
                    )?,
                },
            },
        })
    }
}

/// Input of `deleteEvidence`.
#[derive(InputObject)]
pub struct DeleteEvidenceInput {
    /// The evidence (global id).
    pub id: ID,
}

impl DeleteEvidenceInput {
    fn parse(self) -> AppResult<Uuid> {
        decode::<evidence::Entity>(&self.id, "input.id")
    }
}

crate::payload!(
    /// Result of an evidence mutation.
    EvidencePayload {
        /// The evidence after the change (before it, for a deletion).
        evidence: Evidence(evidence)
    }
);

crate::record_mutations! {
    /// Evidence mutations.
    EvidenceMutation {
        /// Adds a piece of evidence (ADMIN, MANAGER, an EVIDENCE_WRITE token; a PROCESS_OWNER
        /// for their processes). With `externalKey`, safe to repeat.
        create_evidence(CreateEvidenceInput, "The new evidence.") -> EvidencePayload,
            guard = "Require(Permission::MaintainOwnEvidence)", apply = store::create;
        /// Changes a piece of evidence, its tags or its links (ADMIN, MANAGER, an
        /// EVIDENCE_WRITE token; a PROCESS_OWNER for their processes).
        update_evidence(UpdateEvidenceInput, "The evidence, the version read and the fields to change.")
            -> EvidencePayload,
            guard = "Require(Permission::MaintainOwnEvidence)", apply = store::update;
        /// Deletes a piece of evidence with its tags and links (ADMIN, MANAGER, an
        /// EVIDENCE_WRITE token; a PROCESS_OWNER for their processes).
        delete_evidence(DeleteEvidenceInput, "The evidence to delete.") -> EvidencePayload,
            guard = "Require(Permission::MaintainOwnEvidence)", apply = store::delete;
    }
}

/// Filters of the evidence list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct EvidenceFilterInput {
    /// Part of the title or the description; case-insensitive.
    pub search: Option<String>,
    /// Only evidence of this kind.
    pub kind: Option<EvidenceKind>,
    /// Only MANUAL or only INTEGRATION evidence.
    pub source: Option<EvidenceSource>,
    /// Only evidence with this tag.
    pub tag: Option<String>,
    /// Only evidence of this owner.
    pub owner_id: Option<ID>,
    /// Only evidence serving this clause.
    pub clause_id: Option<ID>,
    /// Only evidence serving this process.
    pub process_id: Option<ID>,
    /// Only evidence serving this service.
    pub service_id: Option<ID>,
    /// Only evidence serving this cycle.
    pub cycle_id: Option<ID>,
    /// Only evidence collected at or after this moment.
    pub collected_from: Option<DateTime<Utc>>,
    /// Only evidence collected before this moment.
    pub collected_to: Option<DateTime<Utc>>,
    /// Only evidence that is FRESH, EXPIRING or EXPIRED today.
    pub freshness: Option<Freshness>,
}

impl EvidenceFilterInput {
    fn parse(self, expiring_days: u32) -> AppResult<EvidenceFilter> {
        Ok(EvidenceFilter {
            search: self.search,
            kind: self.kind.map(Into::into),
            source: self.source.map(Into::into),
            tag: parse_opt(self.tag, |t| store::Tag::parse("filter.tag", t))?
                .map(|t| t.as_ref().to_owned()),
            owner_id: decode_opt::<person::Entity>(self.owner_id.as_ref(), "filter.ownerId")?,
            clause_id: decode_opt::<clause::Entity>(self.clause_id.as_ref(), "filter.clauseId")?,
            process_id: decode_opt::<process::Entity>(
                self.process_id.as_ref(),
                "filter.processId",
            )?,
            service_id: decode_opt::<service::Entity>(
                self.service_id.as_ref(),
                "filter.serviceId",
            )?,
            cycle_id: decode_opt::<certification_cycle::Entity>(
                self.cycle_id.as_ref(),
                "filter.cycleId",
            )?,
            collected_from: self.collected_from.map(|at| at.0),
            collected_to: self.collected_to.map(|at| at.0),
            freshness: self
                .freshness
                .map(|f| (f, Utc::now().date_naive(), expiring_days)),
        })
    }
}

crate::record_queries! {
    /// Evidence queries.
    EvidenceQuery {
        @by_id
        /// One piece of evidence by id; null with a NOT_FOUND error when the organization has none with it.
        evidence -> Evidence, "Global id of the evidence, as its `id` field returns it; null with NOT_FOUND when the organization has no evidence with it, BAD_USER_INPUT when it is not an id.";
        /// The organization's evidence, oldest first.
        evidence_records(ctx, args,
            #[graphql(desc = "Which evidence to list: the conditions set are combined with AND; all of it if omitted.")]
            filter: Option<EvidenceFilterInput>,
        ) -> Page<Evidence>, guard = "Require(Permission::Read)" {
            let expiring_days = ctx.state().config.evidence.evidence_expiring_days;
            let filter = filter.unwrap_or_default().parse(expiring_days)?;
            Ok(paginate(
                ctx.reads(),
                store::select(ctx.scope()?, filter)?,
                evidence::Column::Id,
                |e| e.id,
                args,
                Evidence,
            )
            .await?)
        }
    }
}

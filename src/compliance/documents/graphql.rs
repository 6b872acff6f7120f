//! GraphQL types and resolvers of documents.

use entity::{clause, document, person, process};

use super::{
    content::Body,
    store::{self, DocumentFilter, DocumentPatch, NewDocument},
    versions::graphql::DocumentVersion,
};
use crate::{
    compliance::{
        frameworks::graphql::Clause,
        relations::{ApproversOfDocument, ClausesOfDocument, VersionsOfDocument},
    },
    graphql::{cost::related_complexity, prelude::*},
    people::graphql::Person,
    portfolio::processes::graphql::Process,
};

/// Most clauses one document names.
const CLAUSES_MAX: usize = 200;
/// Most approvers one document names.
const APPROVERS_MAX: usize = 20;

/// What a document is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document::DocumentKind")]
pub enum DocumentKind {
    /// What the organization commits to, and who answers for it.
    Policy,
    /// A process description: purpose, roles, inputs and outputs.
    Process,
    /// How a process is carried out, step by step.
    Procedure,
    /// A plan: a service continuity plan, a capacity plan, ...
    Plan,
    /// A starting point for other documents: a new document can start from its approved version.
    Template,
    /// What a kind of record must hold (an incident record, a change request).
    RecordType,
}

/// Who may read a document.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document::Classification")]
pub enum Classification {
    /// Anyone, outside the organization too.
    Public,
    /// The organization's people; the default.
    Internal,
    /// Named groups within the organization.
    Confidential,
    /// Named people only.
    Restricted,
}

/// Whether a document is in use.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document::DocumentStatus")]
pub enum DocumentStatus {
    /// In use; its versions go through review.
    Active,
    /// Withdrawn as a whole: it and its versions no longer change.
    Retired,
}

crate::node_object!(
    /// A controlled document of the service management system: its text is in its versions,
    /// which go through review by the approvers named for it.
    Document(document)
);

#[Object(use_type_description)]
impl Document {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// What the document is.
    async fn kind(&self) -> DocumentKind {
        self.0.kind.into()
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Who answers for the document.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.owner_id).await?)
    }
    /// The process it documents; its owner maintains the document.
    async fn process(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Process>> {
        Ok(related::<Process>(ctx, self.0.process_id).await?)
    }
    /// The clauses it addresses, of any framework the organization reads.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn clauses(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Clause>> {
        Ok(related_list::<Linked<ClausesOfDocument>, _, _>(ctx, self.0.id, Clause::from).await?)
    }
    /// Who may read it.
    async fn classification(&self) -> Classification {
        self.0.classification.into()
    }
    /// When it is next due for review; null when none is set.
    async fn next_review_date(&self) -> Option<Date> {
        self.0.next_review_date.map(Date)
    }
    /// ACTIVE, or RETIRED as a whole.
    async fn status(&self) -> DocumentStatus {
        self.0.status.into()
    }
    /// When it was retired.
    async fn retired_at(&self) -> Option<DateTime> {
        self.0.retired_at.map(DateTime)
    }
    /// The people who approve or send back its versions.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn approvers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Person>> {
        Ok(related_list::<Linked<ApproversOfDocument>, _, _>(ctx, self.0.id, Person::from).await?)
    }
    /// Every version, oldest first.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DocumentVersion>> {
        self.versions_of(ctx).await
    }
    /// The APPROVED version: the one in force; null before the first approval.
    async fn current_version(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<DocumentVersion>> {
        Ok(self
            .versions_of(ctx)
            .await?
            .into_iter()
            .find(|v| v.0.state == entity::document_version::VersionState::Approved))
    }
    /// The newest version, whatever its state.
    async fn latest_version(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<DocumentVersion>> {
        Ok(self.versions_of(ctx).await?.pop())
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<document::Entity>(&self.0)
    }
}

impl Document {
    async fn versions_of(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DocumentVersion>> {
        Ok(related_list::<GroupedBy<VersionsOfDocument>, _, _>(
            ctx,
            self.0.id,
            DocumentVersion::from,
        )
        .await?)
    }
}

/// Filters of the document list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct DocumentFilterInput {
    /// Only documents of this kind.
    pub kind: Option<DocumentKind>,
    /// Only ACTIVE or only RETIRED documents.
    pub status: Option<DocumentStatus>,
    /// Only documents of this process.
    pub process_id: Option<ID>,
    /// Only documents of this owner.
    pub owner_id: Option<ID>,
    /// Part of the title, or of the text of the approved version or of the one in the making;
    /// case-insensitive.
    pub search: Option<String>,
}

/// Input of `createDocument`.
#[derive(InputObject)]
pub struct CreateDocumentInput {
    /// What the document is.
    pub kind: DocumentKind,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Who answers for it (a Person's global id).
    pub owner_id: Option<ID>,
    /// The process it documents; a PROCESS_OWNER creates documents only for processes they own.
    pub process_id: Option<ID>,
    /// The clauses it addresses (at most 200), of any framework the organization reads.
    pub clause_ids: Option<Vec<ID>>,
    /// Default INTERNAL.
    pub classification: Option<Classification>,
    /// When it is next due for review.
    pub next_review_date: Option<Date>,
    /// The first draft's Markdown body (up to 200,000 characters); not with `fromTemplateId`.
    pub body: Option<String>,
    /// What the first draft is about (up to 4,000 characters).
    pub change_summary: Option<String>,
    /// A TEMPLATE document whose approved version the first draft copies.
    pub from_template_id: Option<ID>,
}

impl CreateDocumentInput {
    fn parse(self) -> AppResult<NewDocument> {
        Ok(NewDocument {
            kind: self.kind.into(),
            title: Name::parse("input.title", &self.title)?,
            owner_id: decode_opt::<person::Entity>(self.owner_id.as_ref(), "input.ownerId")?,
            process_id: decode_opt::<process::Entity>(self.process_id.as_ref(), "input.processId")?,
            clause_ids: clause_ids(self.clause_ids)?.unwrap_or_default(),
            classification: self
                .classification
                .map_or(entity::document::Classification::Internal, Into::into),
            next_review_date: self.next_review_date.map(|d| d.0),
            body: parse_opt(self.body, |b| Body::parse("input.body", b))?,
            change_summary: parse_opt(self.change_summary, |s| {
                Text::parse("input.changeSummary", s)
            })?
            .unwrap_or_default(),
            from_template_id: decode_opt::<document::Entity>(
                self.from_template_id.as_ref(),
                "input.fromTemplateId",
            )?,
        })
    }
}

/// Input of `updateDocument`: omitted fields stay; `null` clears `ownerId`, `processId` and
/// `nextReviewDate`; `clauseIds` replaces the list.
#[derive(InputObject)]
pub struct UpdateDocumentInput {
    /// The document.
    pub id: ID,
    /// The version the client read; CONFLICT if the document changed since.
    pub expected_version: Option<i32>,
    /// New kind.
    pub kind: Option<DocumentKind>,
    /// New title (1 to 200 characters).
    pub title: Option<String>,
    /// New owner (a Person's global id), or null to clear.
    pub owner_id: MaybeUndefined<ID>,
    /// New process, or null to clear; a PROCESS_OWNER moves a document only to a process they own.
    pub process_id: MaybeUndefined<ID>,
    /// The clauses it addresses (at most 200): replaces the whole list.
    pub clause_ids: Option<Vec<ID>>,
    /// New classification.
    pub classification: Option<Classification>,
    /// New next review date, or null to clear.
    pub next_review_date: MaybeUndefined<Date>,
}

impl UpdateDocumentInput {
    fn parse(self) -> AppResult<Edit<DocumentPatch>> {
        Ok(Edit {
            id: decode::<document::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: DocumentPatch {
                kind: self.kind.map(Into::into),
                title: parse_opt(self.title, |t| Name::parse("input.title", t))?,
                owner_id: patch(self.owner_id, |id| {
                    decode::<person::Entity>(&id, "input.ownerId")
                })?,
                process_id: patch(self.process_id, |id| {
                    decode::<process::Entity>(&id, "input.processId")
                })?,
                clause_ids: clause_ids(self.clause_ids)?,
                classification: self.classification.map(Into::into),
                next_review_date: patch(self.next_review_date, |d| Ok(d.0))?,
            },
        })
    }
}

/// Input of `retireDocument`.
#[derive(InputObject)]
pub struct RetireDocumentInput {
    /// The document.
    pub id: ID,
    /// The version the client read.
    pub expected_version: Option<i32>,
}

impl RetireDocumentInput {
    fn parse(self) -> AppResult<Edit<()>> {
        Ok(Edit {
            id: decode::<document::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: (),
        })
    }
}

/// Input of `setDocumentApprovers`.
#[derive(InputObject)]
pub struct SetDocumentApproversInput {
    /// The document.
    pub id: ID,
    /// The version the client read.
    pub expected_version: Option<i32>,
    /// The people who approve its versions (at most 20): replaces the list. Deciding also takes
    /// the MANAGER or ADMIN role.
    pub approver_ids: Vec<ID>,
}

impl SetDocumentApproversInput {
    fn parse(self) -> AppResult<Edit<Vec<Uuid>>> {
        if self.approver_ids.len() > APPROVERS_MAX {
            return Err(AppError::bad_input(
                "input.approverIds",
                format!("a document has at most {APPROVERS_MAX} approvers"),
            ));
        }
        Ok(Edit {
            id: decode::<document::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: self
                .approver_ids
                .iter()
                .map(|id| decode::<person::Entity>(id, "input.approverIds"))
                .collect::<AppResult<_>>()?,
        })
    }
}

fn clause_ids(list: Option<Vec<ID>>) -> AppResult<Option<Vec<Uuid>>> {
    list.map(|ids| {
        if ids.len() > CLAUSES_MAX {
            return Err(AppError::bad_input(
                "input.clauseIds",
                format!("a document names at most {CLAUSES_MAX} clauses"),
            ));
        }
        ids.iter()
            .map(|id| decode::<clause::Entity>(id, "input.clauseIds"))
            .collect()
    })
    .transpose()
}

crate::payload!(
    /// Result of a document mutation.
    DocumentPayload {
        /// The document after the change.
        document: Document(document)
    }
);

crate::record_mutations! {
    /// Document mutations.
    DocumentMutation {
        /// Adds a document with its first DRAFT, 1.0, empty, with the given body or copied from
        /// a template's approved version (ADMIN, MANAGER; a PROCESS_OWNER for a process they own).
        create_document(CreateDocumentInput, "The new document and its first draft's text.") -> DocumentPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::create;
        /// Changes a document's details (ADMIN, MANAGER; a PROCESS_OWNER the documents of the
        /// processes they own).
        update_document(UpdateDocumentInput, "The document, the version read and the fields to change.")
            -> DocumentPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::update;
        /// Names the people who approve the document's versions (ADMIN, MANAGER; a
        /// PROCESS_OWNER for the documents of the processes they own).
        set_document_approvers(SetDocumentApproversInput, "The document and its approvers.")
            -> DocumentPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::name_approvers;
        /// Retires a document as a whole: it and its versions no longer change (ADMIN, MANAGER;
        /// a PROCESS_OWNER the documents of the processes they own).
        retire_document(RetireDocumentInput, "The document to retire.") -> DocumentPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::retire;
    }
}

crate::record_queries! {
    /// Document queries.
    DocumentQuery {
        @by_id
        /// One document by id; null with a NOT_FOUND error when the organization has none with it.
        document -> Document, "Global id of the document, as its `id` field returns it; null with NOT_FOUND when the organization has no document with it, BAD_USER_INPUT when it is not an id.";
        /// The organization's documents, in the order they were added (the built-in templates first).
        documents(ctx, args,
            #[graphql(
                desc = "Which documents to list: the conditions set are combined with AND; all of them if omitted."
            )]
            filter: Option<DocumentFilterInput>,
        ) -> Page<Document>, guard = "Require(Permission::Read)" {
            let filter = filter.unwrap_or_default();
            let select = store::select(
                ctx.scope()?,
                DocumentFilter {
                    kind: filter.kind.map(Into::into),
                    status: filter.status.map(Into::into),
                    process_id: decode_opt::<process::Entity>(filter.process_id.as_ref(), "filter.processId")?,
                    owner_id: decode_opt::<person::Entity>(filter.owner_id.as_ref(), "filter.ownerId")?,
                    search: filter.search,
                },
            )?;
            Ok(paginate(ctx.reads(), select, document::Column::Id, |d| d.id, args, Document).await?)
        }
    }
}

crate::record_queries! {
    /// The documents due for review.
    DocumentReviewQuery {
        /// The ACTIVE documents whose next review date is on or before the given date, in the
        /// order they were added.
        documents_due_for_review(ctx, args,
            #[graphql(desc = "The last day that counts; default today (UTC).")]
            on_or_before: Option<Date>,
        ) -> Page<Document>, guard = "Require(Permission::Read)" {
            let date = on_or_before.map_or_else(|| chrono::Utc::now().date_naive(), |d| d.0);
            let select = store::due_for_review(ctx.scope()?, date);
            Ok(paginate(ctx.reads(), select, document::Column::Id, |d| d.id, args, Document).await?)
        }
    }
}

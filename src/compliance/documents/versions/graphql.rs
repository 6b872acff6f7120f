//! GraphQL types and resolvers of document versions and the approvers' decisions.

use entity::{document, document_version};

use super::store::{self, Decide, NewVersion, VersionPatch};
use crate::{
    compliance::{
        documents::{
            content::{Body, HASH_MAX},
            graphql::Document,
            lifecycle::Bump,
        },
        relations::DecisionsOfVersion,
    },
    graphql::{cost::related_complexity, prelude::*},
    people::graphql::Person,
    record::Record,
    validation::Optional,
};

/// Where a version is in its review.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document_version::VersionState")]
pub enum VersionState {
    /// Being written; the only state whose body can be edited.
    Draft,
    /// With the approvers; the content no longer changes.
    InReview,
    /// Sent back by an approver; revising makes it a DRAFT again.
    ChangesRequested,
    /// Approved: the version in force.
    Approved,
    /// Was approved, until a newer version was.
    Superseded,
}

/// Which part of `major.minor` a new version raises.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum VersionBump {
    /// `1.2` to `2.0`: a substantial change.
    Major,
    /// `1.2` to `1.3`: a small change.
    Minor,
}

impl From<VersionBump> for Bump {
    fn from(bump: VersionBump) -> Self {
        match bump {
            VersionBump::Major => Self::Major,
            VersionBump::Minor => Self::Minor,
        }
    }
}

/// What an approver decided.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::document_decision::Decision")]
pub enum Decision {
    /// Approved the version.
    Approved,
    /// Sent the version back with changes requested.
    ChangesRequested,
}

crate::node_object!(
    /// One version of a document, numbered `major.minor`, with its Markdown body and the
    /// SHA-256 of its content, computed by the server.
    DocumentVersion(document_version)
);

#[Object(use_type_description)]
impl DocumentVersion {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// The document it is a version of.
    async fn document(&self, ctx: &Context<'_>) -> async_graphql::Result<Document> {
        Ok(related::<Document>(ctx, Some(self.0.document_id))
            .await?
            .ok_or(AppError::NotFound(document::Entity::TYPE))?)
    }
    /// `major.minor`: `1.0`, `1.1`, `2.0`.
    async fn number(&self) -> String {
        format!("{}.{}", self.0.major, self.0.minor)
    }
    /// The major part of the number.
    async fn major(&self) -> i32 {
        self.0.major
    }
    /// The minor part of the number.
    async fn minor(&self) -> i32 {
        self.0.minor
    }
    /// Where it is in its review.
    async fn state(&self) -> VersionState {
        self.0.state.into()
    }
    /// The text, in Markdown.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// What changed from the version before.
    async fn change_summary(&self) -> &str {
        &self.0.change_summary
    }
    /// SHA-256 of the content, 64 lower-case hex digits: what an approver sends back as
    /// `contentHash` to say what they read.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }
    /// Who wrote it, when their login is linked to a person.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.author_id).await?)
    }
    /// The author's login subject (`api-token:<id>` for an API token).
    async fn author_subject(&self) -> &str {
        &self.0.author_subject
    }
    /// When it was last submitted for review.
    async fn submitted_at(&self) -> Option<DateTime> {
        self.0.submitted_at.map(DateTime)
    }
    /// When it was approved.
    async fn approved_at(&self) -> Option<DateTime> {
        self.0.approved_at.map(DateTime)
    }
    /// The approvers' decisions on it, oldest first.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn decisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DocumentDecision>> {
        Ok(
            related_list::<GroupedBy<DecisionsOfVersion>, _, _>(ctx, self.0.id, DocumentDecision)
                .await?,
        )
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<document_version::Entity>(&self.0)
    }
}

crate::node_object!(
    /// An approver's decision on a document version: who, when, why, and the content hash of
    /// what they read. Never changed once made.
    DocumentDecision(document_decision)
);

#[Object(use_type_description)]
impl DocumentDecision {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// The version decided on.
    async fn version(&self, ctx: &Context<'_>) -> async_graphql::Result<DocumentVersion> {
        Ok(related::<DocumentVersion>(ctx, Some(self.0.version_id))
            .await?
            .ok_or(AppError::NotFound(document_version::Entity::TYPE))?)
    }
    /// APPROVED or CHANGES_REQUESTED.
    async fn decision(&self) -> Decision {
        self.0.decision.into()
    }
    /// The approver.
    async fn approver(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.person_id).await?)
    }
    /// The approver's login subject.
    async fn approver_subject(&self) -> &str {
        &self.0.subject
    }
    /// Why.
    async fn comment(&self) -> &str {
        &self.0.comment
    }
    /// SHA-256 of the content the approver read and decided on.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }
    /// When.
    async fn decided_at(&self) -> DateTime {
        DateTime(self.0.decided_at)
    }
}

/// Input of `createDocumentVersion`.
#[derive(InputObject)]
pub struct CreateDocumentVersionInput {
    /// The document.
    pub document_id: ID,
    /// Which part of the latest version's number to raise; default MINOR.
    pub bump: Option<VersionBump>,
    /// The Markdown body (up to 200,000 characters); default the latest version's.
    pub body: Option<String>,
    /// What changes (up to 4,000 characters).
    pub change_summary: Option<String>,
}

impl CreateDocumentVersionInput {
    fn parse(self) -> AppResult<NewVersion> {
        Ok(NewVersion {
            document_id: decode::<document::Entity>(&self.document_id, "input.documentId")?,
            bump: self.bump.unwrap_or(VersionBump::Minor).into(),
            body: parse_opt(self.body, |b| Body::parse("input.body", b))?,
            change_summary: summary(self.change_summary)?.unwrap_or_default(),
        })
    }
}

/// Input of `updateDocumentVersion`: a DRAFT's body or summary; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateDocumentVersionInput {
    /// The version (a DRAFT).
    pub id: ID,
    /// The version the client read; CONFLICT if it changed since.
    pub expected_version: Option<i32>,
    /// New Markdown body (up to 200,000 characters).
    pub body: Option<String>,
    /// New change summary (up to 4,000 characters).
    pub change_summary: Option<String>,
}

impl UpdateDocumentVersionInput {
    fn parse(self) -> AppResult<Edit<VersionPatch>> {
        Ok(Edit {
            id: decode::<document_version::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: VersionPatch {
                body: parse_opt(self.body, |b| Body::parse("input.body", b))?,
                change_summary: summary(self.change_summary)?,
            },
        })
    }
}

/// Input of `submitDocumentVersion` and `reviseDocumentVersion`.
#[derive(InputObject)]
pub struct DocumentVersionStepInput {
    /// The version.
    pub id: ID,
    /// The version the client read; CONFLICT if it changed since.
    pub expected_version: Option<i32>,
}

impl DocumentVersionStepInput {
    fn parse(self) -> AppResult<Edit<()>> {
        Ok(Edit {
            id: decode::<document_version::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: (),
        })
    }
}

/// Input of `approveDocumentVersion`.
#[derive(InputObject)]
pub struct ApproveDocumentVersionInput {
    /// The version (IN_REVIEW).
    pub id: ID,
    /// The `contentHash` of the version as the approver read it; a version whose content is
    /// no longer that is refused.
    pub content_hash: String,
    /// Why (up to 4,000 characters).
    pub comment: Option<String>,
}

impl ApproveDocumentVersionInput {
    fn parse(self) -> AppResult<Decide> {
        decide(self.id, &self.content_hash, self.comment)
    }
}

/// Input of `requestDocumentChanges`.
#[derive(InputObject)]
pub struct RequestDocumentChangesInput {
    /// The version (IN_REVIEW).
    pub id: ID,
    /// The `contentHash` of the version as the approver read it.
    pub content_hash: String,
    /// What should change (1 to 4,000 characters).
    pub comment: String,
}

impl RequestDocumentChangesInput {
    fn parse(self) -> AppResult<Decide> {
        decide(self.id, &self.content_hash, Some(self.comment))
    }
}

fn decide(id: ID, content_hash: &str, comment: Option<String>) -> AppResult<Decide> {
    Ok(Decide {
        id: decode::<document_version::Entity>(&id, "input.id")?,
        content_hash: Optional::<HASH_MAX>::parse("input.contentHash", content_hash)?.into(),
        comment: parse_opt(comment, |c| Text::parse("input.comment", c))?.unwrap_or_default(),
    })
}

fn summary(value: Option<String>) -> AppResult<Option<Text>> {
    parse_opt(value, |s| Text::parse("input.changeSummary", s))
}

crate::payload!(
    /// Result of a document version mutation.
    DocumentVersionPayload {
        /// The version after the change.
        document_version: DocumentVersion(document_version)
    }
);

crate::record_mutations! {
    /// Document version mutations.
    DocumentVersionMutation {
        /// Starts the next version of a document as a DRAFT, numbered from the latest; refused
        /// while another version is not yet approved (ADMIN, MANAGER; a PROCESS_OWNER for the
        /// documents of the processes they own).
        create_document_version(CreateDocumentVersionInput, "The document, the number to raise and the text.")
            -> DocumentVersionPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::create;
        /// Edits a DRAFT's body or change summary; its content hash follows (ADMIN, MANAGER; a
        /// PROCESS_OWNER for the documents of the processes they own).
        update_document_version(UpdateDocumentVersionInput, "The draft, the version read and what to change.")
            -> DocumentVersionPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::update;
        /// Hands a DRAFT to the approvers: DRAFT to IN_REVIEW (ADMIN, MANAGER; a PROCESS_OWNER
        /// for the documents of the processes they own).
        submit_document_version(DocumentVersionStepInput, "The draft to submit.")
            -> DocumentVersionPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::submit;
        /// Takes a version sent back up again: CHANGES_REQUESTED to DRAFT (ADMIN, MANAGER; a
        /// PROCESS_OWNER for the documents of the processes they own).
        revise_document_version(DocumentVersionStepInput, "The version to revise.")
            -> DocumentVersionPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::revise;
        /// Approves a version in review against the content hash the approver read: IN_REVIEW
        /// to APPROVED, the version approved before it SUPERSEDED. Only a named approver, never
        /// the version's author, and only a person (ADMIN, MANAGER; no API token).
        approve_document_version(ApproveDocumentVersionInput, "The version, the content hash read and a comment.")
            -> DocumentVersionPayload,
            guard = "Require(Permission::ApproveDocuments)", apply = store::approve;
        /// Sends a version in review back: IN_REVIEW to CHANGES_REQUESTED. Only a named
        /// approver, and only a person (ADMIN, MANAGER; no API token).
        request_document_changes(RequestDocumentChangesInput, "The version, the content hash read and what should change.")
            -> DocumentVersionPayload,
            guard = "Require(Permission::ApproveDocuments)", apply = store::request_changes;
    }
}

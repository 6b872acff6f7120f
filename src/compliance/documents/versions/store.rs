//! Database access and rules for document versions: drafts, review, approval with the content
//! hash the approver read, and supersession; every step as [`lifecycle`] allows it.

use entity::{
    document, document_approver, document_decision, document_decision::Decision, document_version,
    document_version::VersionState,
};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    compliance::documents::{
        access::{may_maintain, must_be_active},
        content::{Body, content_hash},
        lifecycle::{self, Bump, Step},
    },
    error::{AppError, AppResult},
    store::{self, Change, Edit, Unique},
    tenancy::Scope,
    validation::Text,
};

const UNIQUE: &[Unique] = &[Unique {
    index: "ux_document_version_number",
    columns: "document_version.document_id, document_version.major, document_version.minor",
    field: "input.documentId",
    message: "another version of this document has this number: read the document again",
}];

/// A new version of a document, as parsed from the client's input.
pub struct NewVersion {
    pub document_id: Uuid,
    pub bump: Bump,
    /// None: the latest version's body.
    pub body: Option<Body>,
    pub change_summary: Text,
}

/// Changes to a DRAFT; `None` leaves a field as it is.
#[derive(Default)]
pub struct VersionPatch {
    pub body: Option<Body>,
    pub change_summary: Option<Text>,
}

/// An approver's decision, as parsed from the client's input.
pub struct Decide {
    pub id: Uuid,
    /// The SHA-256 of the content the approver read.
    pub content_hash: String,
    pub comment: Text,
}

/// Inserts a version of `document` numbered `number`, written by the caller.
pub async fn insert(
    change: &mut Change,
    document: &document::Model,
    (major, minor): (i32, i32),
    body: Body,
    change_summary: Text,
    state: VersionState,
) -> AppResult<document_version::Model> {
    let now = store::now();
    let body = String::from(body);
    let actor = change.actor();
    let version = document_version::Model {
        id: Uuid::now_v7(),
        organization_id: document.organization_id,
        document_id: document.id,
        major,
        minor,
        state,
        content_hash: content_hash(&body),
        body,
        change_summary: change_summary.into(),
        author_id: actor.person_id,
        author_subject: actor.subject.clone(),
        submitted_at: None,
        approved_at: (state == VersionState::Approved).then_some(now),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert::<document_version::Entity>(change, "document_version.create", version, UNIQUE)
        .await
}

/// The versions of document `id`, oldest first.
async fn versions_of(change: &Change, id: Uuid) -> AppResult<Vec<document_version::Model>> {
    Ok(Scope::from(change.actor())
        .select::<document_version::Entity>()
        .filter(document_version::Column::DocumentId.eq(id))
        .order_by_asc(document_version::Column::Major)
        .order_by_asc(document_version::Column::Minor)
        .all(change.db())
        .await?)
}

/// Starts the next version of a document as a DRAFT, from the latest version's body unless
/// given one; refused while another version is on its way to approval.
pub async fn create(change: &mut Change, new: NewVersion) -> AppResult<document_version::Model> {
    let document = Scope::from(change.actor())
        .find::<document::Entity>(change.db(), new.document_id)
        .await?;
    may_maintain(change, document.process_id).await?;
    must_be_active(&document, "input.documentId")?;
    let versions = versions_of(change, document.id).await?;
    if let Some(open) = versions.iter().find(|v| lifecycle::open(v.state)) {
        return Err(AppError::bad_input(
            "input.documentId",
            format!(
                "version {}.{} is still {}: approve it, or revise and edit it, before starting another",
                open.major,
                open.minor,
                lifecycle::name(open.state)
            ),
        ));
    }
    let latest = versions.last();
    let number = latest.map_or(lifecycle::FIRST, |v| {
        lifecycle::bumped((v.major, v.minor), new.bump)
    });
    let body = match (new.body, latest) {
        (Some(body), _) => body,
        (None, Some(latest)) => Body::built_in(&latest.body),
        (None, None) => Body::default(),
    };
    insert(
        change,
        &document,
        number,
        body,
        new.change_summary,
        VersionState::Draft,
    )
    .await
}

/// The version an edit names and its document, if the caller may maintain the document and
/// it is still active.
async fn maintained<P>(
    change: &Change,
    edit: &Edit<P>,
) -> AppResult<(document_version::Model, document::Model)> {
    let version = edit.current::<document_version::Entity>(change).await?;
    let document = Scope::from(change.actor())
        .find::<document::Entity>(change.db(), version.document_id)
        .await?;
    may_maintain(change, document.process_id).await?;
    must_be_active(&document, "input.id")?;
    Ok((version, document))
}

/// Moves `version` by `step`, or BAD_USER_INPUT on `input.id` when its state does not allow it.
fn stepped(version: &document_version::Model, step: Step) -> AppResult<document_version::Model> {
    let state =
        lifecycle::next(version.state, step).map_err(|why| AppError::bad_input("input.id", why))?;
    Ok(document_version::Model {
        state,
        ..version.clone()
    })
}

/// Edits a DRAFT's body or summary; the content hash follows the body.
pub async fn update(
    change: &mut Change,
    edit: Edit<VersionPatch>,
) -> AppResult<document_version::Model> {
    let (before, _) = maintained(change, &edit).await?;
    lifecycle::editable(before.state).map_err(|why| AppError::bad_input("input.id", why))?;
    let mut after = before.clone();
    if let Some(body) = edit.patch.body {
        after.body = body.into();
        after.content_hash = content_hash(&after.body);
    }
    store::set(&mut after.change_summary, edit.patch.change_summary);
    store::save::<document_version::Entity>(
        change,
        "document_version.update",
        before,
        after,
        UNIQUE,
    )
    .await
}

/// Hands a DRAFT to the approvers: DRAFT -> IN_REVIEW.
pub async fn submit(change: &mut Change, edit: Edit<()>) -> AppResult<document_version::Model> {
    let (before, _) = maintained(change, &edit).await?;
    let mut after = stepped(&before, Step::Submit)?;
    after.submitted_at = Some(store::now());
    store::save::<document_version::Entity>(
        change,
        "document_version.submit",
        before,
        after,
        UNIQUE,
    )
    .await
}

/// Takes a version sent back up again: CHANGES_REQUESTED -> DRAFT.
pub async fn revise(change: &mut Change, edit: Edit<()>) -> AppResult<document_version::Model> {
    let (before, _) = maintained(change, &edit).await?;
    let after = stepped(&before, Step::Revise)?;
    store::save::<document_version::Entity>(
        change,
        "document_version.revise",
        before,
        after,
        UNIQUE,
    )
    .await
}

/// The version a decision is about, if the caller is one of its document's approvers, the
/// document is active and the version's state allows `step`.
async fn decided(
    change: &Change,
    decide: &Decide,
    step: Step,
) -> AppResult<(document_version::Model, document_version::Model)> {
    let scope = Scope::from(change.actor());
    let before = scope
        .find::<document_version::Entity>(change.db(), decide.id)
        .await?;
    let document = scope
        .find::<document::Entity>(change.db(), before.document_id)
        .await?;
    must_be_active(&document, "input.id")?;
    let approver = match change.actor().person_id {
        Some(person) => {
            scope
                .select::<document_approver::Entity>()
                .filter(document_approver::Column::DocumentId.eq(document.id))
                .filter(document_approver::Column::PersonId.eq(person))
                .count(change.db())
                .await?
                > 0
        }
        None => false,
    };
    if !approver {
        return Err(AppError::bad_input(
            "input.id",
            "only a person named an approver of the document decides on its versions",
        ));
    }
    let after = stepped(&before, step)?;
    Ok((before, after))
}

/// Refuses a decision on content other than the version's (BAD_USER_INPUT on
/// `input.contentHash`): the version changed after the approver read it.
fn same_content(version: &document_version::Model, decide: &Decide) -> AppResult<()> {
    if decide
        .content_hash
        .eq_ignore_ascii_case(&version.content_hash)
    {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "input.contentHash",
            "the version's content is not the content this hash was taken of: read it again",
        ))
    }
}

/// Records the caller's decision on `version`.
async fn record_decision(
    change: &mut Change,
    version: &document_version::Model,
    decision: Decision,
    comment: Text,
) -> AppResult<()> {
    let actor = change.actor();
    let row = document_decision::Model {
        id: Uuid::now_v7(),
        organization_id: version.organization_id,
        version_id: version.id,
        decision,
        person_id: actor.person_id,
        subject: actor.subject.clone(),
        comment: comment.into(),
        content_hash: version.content_hash.clone(),
        decided_at: store::now(),
    };
    store::insert::<document_decision::Entity>(change, "document_decision.create", row, &[])
        .await?;
    Ok(())
}

/// Approves a version in review (IN_REVIEW -> APPROVED) against the content hash the approver
/// read; the version approved before it becomes SUPERSEDED. The author may not approve their
/// own version.
pub async fn approve(change: &mut Change, decide: Decide) -> AppResult<document_version::Model> {
    let (before, mut after) = decided(change, &decide, Step::Approve).await?;
    let actor = change.actor();
    let own = before.author_subject == actor.subject
        || (before.author_id.is_some() && before.author_id == actor.person_id);
    if own {
        return Err(AppError::bad_input(
            "input.id",
            "an author may not approve their own version",
        ));
    }
    same_content(&before, &decide)?;
    for previous in versions_of(change, before.document_id)
        .await?
        .into_iter()
        .filter(|v| v.state == VersionState::Approved)
    {
        let superseded = stepped(&previous, Step::Supersede)?;
        store::save::<document_version::Entity>(
            change,
            "document_version.supersede",
            previous,
            superseded,
            UNIQUE,
        )
        .await?;
    }
    after.approved_at = Some(store::now());
    record_decision(change, &before, Decision::Approved, decide.comment).await?;
    store::save::<document_version::Entity>(
        change,
        "document_version.approve",
        before,
        after,
        UNIQUE,
    )
    .await
}

/// Sends a version in review back with a comment: IN_REVIEW -> CHANGES_REQUESTED.
pub async fn request_changes(
    change: &mut Change,
    decide: Decide,
) -> AppResult<document_version::Model> {
    let (before, after) = decided(change, &decide, Step::RequestChanges).await?;
    same_content(&before, &decide)?;
    if decide.comment.as_ref().is_empty() {
        return Err(AppError::bad_input(
            "input.comment",
            "say what should change: the comment must not be empty",
        ));
    }
    record_decision(change, &before, Decision::ChangesRequested, decide.comment).await?;
    store::save::<document_version::Entity>(
        change,
        "document_version.request_changes",
        before,
        after,
        UNIQUE,
    )
    .await
}

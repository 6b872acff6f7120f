//! Database access and rules for documents: create (optionally from a template), update,
//! retire, name approvers; the list filters and the documents due for review.

use chrono::NaiveDate;
use entity::{
    clause, document,
    document::{Classification, DocumentKind, DocumentStatus},
    document_approver, document_clause, document_version,
    document_version::VersionState,
    person, process,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::Query,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    access::{may_maintain, must_be_active},
    content::Body,
    versions::store as versions,
};
use crate::{
    error::{AppError, AppResult},
    store::{self, Change, Edit},
    tenancy::Scope,
    validation::{Name, Text},
};

/// A new document, as parsed from the client's input.
pub struct NewDocument {
    pub kind: DocumentKind,
    pub title: Name,
    pub owner_id: Option<Uuid>,
    pub process_id: Option<Uuid>,
    pub clause_ids: Vec<Uuid>,
    pub classification: Classification,
    pub next_review_date: Option<NaiveDate>,
    /// The first draft's body; none: empty, or the template's.
    pub body: Option<Body>,
    pub change_summary: Text,
    /// A TEMPLATE whose approved version the first draft starts from.
    pub from_template_id: Option<Uuid>,
}

/// Changes to a document; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct DocumentPatch {
    pub kind: Option<DocumentKind>,
    pub title: Option<Name>,
    pub owner_id: Option<Option<Uuid>>,
    pub process_id: Option<Option<Uuid>>,
    pub clause_ids: Option<Vec<Uuid>>,
    pub classification: Option<Classification>,
    pub next_review_date: Option<Option<NaiveDate>>,
}

/// A document as the audit trail keeps it: the row, its clauses and its approvers.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    document: &'a document::Model,
    clause_ids: Vec<Uuid>,
    approver_ids: Vec<Uuid>,
}

/// The far ends of document `id`'s links in `L`, in id order.
async fn linked<L>(
    change: &Change,
    id: Uuid,
    key: L::Column,
    far: L::Column,
) -> AppResult<Vec<Uuid>>
where
    L: crate::record::Tenant,
{
    Ok(Scope::from(change.actor())
        .select::<L>()
        .select_only()
        .column(far)
        .filter(key.eq(id))
        .order_by_asc(far)
        .into_tuple::<Uuid>()
        .all(change.db())
        .await?)
}

async fn snapshot_ids(change: &Change, id: Uuid) -> AppResult<(Vec<Uuid>, Vec<Uuid>)> {
    let clauses = linked::<document_clause::Entity>(
        change,
        id,
        document_clause::Column::DocumentId,
        document_clause::Column::ClauseId,
    )
    .await?;
    let approvers = linked::<document_approver::Entity>(
        change,
        id,
        document_approver::Column::DocumentId,
        document_approver::Column::PersonId,
    )
    .await?;
    Ok((clauses, approvers))
}

/// Replaces the clauses of `document` (any clause the organization reads, built-in included).
async fn set_clauses(
    change: &Change,
    document: &document::Model,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    let ids = store::existing::<clause::Entity>(change, ids).await?;
    Scope::from(change.actor())
        .delete::<document_clause::Entity>()
        .filter(document_clause::Column::DocumentId.eq(document.id))
        .exec(change.db())
        .await?;
    if !ids.is_empty() {
        document_clause::Entity::insert_many(ids.iter().map(|clause_id| {
            document_clause::ActiveModel::from(document_clause::Model {
                document_id: document.id,
                clause_id: *clause_id,
                organization_id: document.organization_id,
            })
        }))
        .exec_without_returning(change.db())
        .await?;
    }
    Ok(ids)
}

/// Replaces the approvers of `document`: people of the organization.
async fn set_approvers(
    change: &Change,
    document: &document::Model,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    let ids = store::existing::<person::Entity>(change, ids).await?;
    Scope::from(change.actor())
        .delete::<document_approver::Entity>()
        .filter(document_approver::Column::DocumentId.eq(document.id))
        .exec(change.db())
        .await?;
    if !ids.is_empty() {
        document_approver::Entity::insert_many(ids.iter().map(|person_id| {
            document_approver::ActiveModel::from(document_approver::Model {
                document_id: document.id,
                person_id: *person_id,
                organization_id: document.organization_id,
            })
        }))
        .exec_without_returning(change.db())
        .await?;
    }
    Ok(ids)
}

/// The body of template `id`'s approved version: NOT_FOUND for no such document,
/// BAD_USER_INPUT on `input.fromTemplateId` for one that is no active TEMPLATE or has no
/// approved version.
async fn template_body(change: &Change, id: Uuid) -> AppResult<Body> {
    let field = "input.fromTemplateId";
    let scope = Scope::from(change.actor());
    let template = scope.find::<document::Entity>(change.db(), id).await?;
    if template.kind != DocumentKind::Template {
        return Err(AppError::bad_input(
            field,
            "a document starts only from a TEMPLATE",
        ));
    }
    must_be_active(&template, field)?;
    let approved = scope
        .select::<document_version::Entity>()
        .filter(document_version::Column::DocumentId.eq(id))
        .filter(document_version::Column::State.eq(VersionState::Approved))
        .one(change.db())
        .await?
        .ok_or_else(|| AppError::bad_input(field, "the template has no approved version yet"))?;
    Ok(Body::built_in(&approved.body))
}

/// Creates a document and its first DRAFT, 1.0: with the given body, the approved body of the
/// template it starts from, or empty.
pub async fn create(change: &mut Change, new: NewDocument) -> AppResult<document::Model> {
    store::must_exist::<person::Entity>(change, new.owner_id).await?;
    store::must_exist::<process::Entity>(change, new.process_id).await?;
    may_maintain(change, new.process_id).await?;
    let body = match (new.from_template_id, new.body) {
        (Some(_), Some(_)) => {
            return Err(AppError::bad_input(
                "input.body",
                "give either a body or a template to start from, not both",
            ));
        }
        (Some(template), None) => template_body(change, template).await?,
        (None, body) => body.unwrap_or_default(),
    };
    let now = store::now();
    let document = document::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        kind: new.kind,
        title: new.title.into(),
        owner_id: new.owner_id,
        process_id: new.process_id,
        classification: new.classification,
        next_review_date: new.next_review_date,
        status: DocumentStatus::Active,
        retired_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_row::<document::Entity>(change, document.clone(), &[]).await?;
    let clause_ids = set_clauses(change, &document, &new.clause_ids).await?;
    let after = Snapshot {
        document: &document,
        clause_ids,
        approver_ids: Vec::new(),
    };
    change
        .record_snapshot::<document::Entity, _>("document.create", document.id, None, Some(&after))
        .await?;
    versions::insert(
        change,
        &document,
        super::lifecycle::FIRST,
        body,
        new.change_summary,
        VersionState::Draft,
    )
    .await?;
    Ok(document)
}

/// Saves `after` over `before`, replacing clauses and approvers when given, and records both
/// with their links.
async fn save(
    change: &mut Change,
    action: &str,
    before: document::Model,
    after: document::Model,
    clauses: Option<&[Uuid]>,
    approvers: Option<&[Uuid]>,
) -> AppResult<document::Model> {
    let (clauses_before, approvers_before) = snapshot_ids(change, before.id).await?;
    let clauses_after = match clauses {
        Some(ids) => set_clauses(change, &before, ids).await?,
        None => clauses_before.clone(),
    };
    let approvers_after = match approvers {
        Some(ids) => set_approvers(change, &before, ids).await?,
        None => approvers_before.clone(),
    };
    let after = store::write::<document::Entity>(change, &before, after, &[]).await?;
    change
        .record_snapshot::<document::Entity, _>(
            action,
            before.id,
            Some(&Snapshot {
                document: &before,
                clause_ids: clauses_before,
                approver_ids: approvers_before,
            }),
            Some(&Snapshot {
                document: &after,
                clause_ids: clauses_after,
                approver_ids: approvers_after,
            }),
        )
        .await?;
    Ok(after)
}

/// The document an edit names, if the caller may maintain it and it is still active.
async fn maintained<P>(change: &Change, edit: &Edit<P>) -> AppResult<document::Model> {
    let document = edit.current::<document::Entity>(change).await?;
    may_maintain(change, document.process_id).await?;
    must_be_active(&document, "input.id")?;
    Ok(document)
}

/// Updates a document if it is still at `expected_version`. A PROCESS_OWNER moves a document
/// only to another process they own.
pub async fn update(change: &mut Change, edit: Edit<DocumentPatch>) -> AppResult<document::Model> {
    let before = maintained(change, &edit).await?;
    let patch = edit.patch;
    let mut after = before.clone();
    if let Some(process) = patch.process_id {
        store::must_exist::<process::Entity>(change, process).await?;
        may_maintain(change, process).await?;
        after.process_id = process;
    }
    if let Some(owner) = patch.owner_id {
        store::must_exist::<person::Entity>(change, owner).await?;
        after.owner_id = owner;
    }
    store::set(&mut after.kind, patch.kind);
    store::set(&mut after.title, patch.title);
    store::set(&mut after.classification, patch.classification);
    store::set_or_clear(&mut after.next_review_date, patch.next_review_date);
    save(
        change,
        "document.update",
        before,
        after,
        patch.clause_ids.as_deref(),
        None,
    )
    .await
}

/// Names the people who approve the document's versions (replacing the list).
pub async fn name_approvers(
    change: &mut Change,
    edit: Edit<Vec<Uuid>>,
) -> AppResult<document::Model> {
    let before = maintained(change, &edit).await?;
    let after = before.clone();
    save(
        change,
        "document.set_approvers",
        before,
        after,
        None,
        Some(&edit.patch),
    )
    .await
}

/// Retires a document as a whole: it and its versions no longer change.
pub async fn retire(change: &mut Change, edit: Edit<()>) -> AppResult<document::Model> {
    let before = maintained(change, &edit).await?;
    let after = document::Model {
        status: DocumentStatus::Retired,
        retired_at: Some(store::now()),
        ..before.clone()
    };
    save(change, "document.retire", before, after, None, None).await
}

/// Filters of the document list.
#[derive(Default)]
pub struct DocumentFilter {
    pub kind: Option<DocumentKind>,
    pub status: Option<DocumentStatus>,
    pub process_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub search: Option<String>,
}

/// The organization's documents matching `filter`. The search looks at the title and at the
/// body of the approved version and of the one in the making (not at superseded ones).
pub fn select(scope: Scope, filter: DocumentFilter) -> AppResult<Select<document::Entity>> {
    let search = match filter.search {
        None => None,
        Some(text) => {
            let title = crate::search::contains(&text, &[document::Column::Title])?;
            let body = crate::search::contains(&text, &[document_version::Column::Body])?;
            let versions = Query::select()
                .column(document_version::Column::DocumentId)
                .from(document_version::Entity)
                .cond_where(
                    Condition::all()
                        .add(document_version::Column::OrganizationId.eq(scope.organization_id))
                        .add(document_version::Column::State.ne(VersionState::Superseded))
                        .add(body),
                )
                .to_owned();
            Some(
                Condition::any()
                    .add(title)
                    .add(document::Column::Id.in_subquery(versions)),
            )
        }
    };
    Ok(scope.select::<document::Entity>().filter(
        Condition::all()
            .add_option(search)
            .add_option(filter.kind.map(|k| document::Column::Kind.eq(k)))
            .add_option(filter.status.map(|s| document::Column::Status.eq(s)))
            .add_option(filter.process_id.map(|p| document::Column::ProcessId.eq(p)))
            .add_option(filter.owner_id.map(|o| document::Column::OwnerId.eq(o))),
    ))
}

/// The organization's active documents whose next review is on or before `date`.
pub fn due_for_review(scope: Scope, date: NaiveDate) -> Select<document::Entity> {
    scope
        .select::<document::Entity>()
        .filter(document::Column::Status.eq(DocumentStatus::Active))
        .filter(document::Column::NextReviewDate.lte(date))
}

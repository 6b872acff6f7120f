//! Database access and rules for training sessions and coverage.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::{
    RaciRole, document, person, process, raci_assignment, training_attendance, training_process,
    training_session,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, QueryFilter, QuerySelect, Select, sea_query::Query,
};
use serde::Serialize;
use uuid::Uuid;

use super::coverage::{self, Coverage};
use crate::{
    compliance::access,
    error::{AppError, AppResult},
    store::{self, Change, Edit},
    tenancy::Scope,
    validation::{Name, Text},
};

/// The most people one session lists.
pub const ATTENDEES_MAX: usize = 500;

/// A session as parsed from the client's input; `attendees` maps each invited person to
/// whether they attended.
pub struct NewSession {
    pub title: Name,
    pub held_on: NaiveDate,
    pub trainer_id: Option<Uuid>,
    pub material_document_id: Option<Uuid>,
    pub notes: Text,
    pub process_ids: Vec<Uuid>,
    pub attendees: BTreeMap<Uuid, bool>,
}

/// Changes to a session; `None` leaves a field, `Some(None)` clears it; a list replaces it.
#[derive(Default)]
pub struct SessionPatch {
    pub title: Option<Name>,
    pub held_on: Option<NaiveDate>,
    pub trainer_id: Option<Option<Uuid>>,
    pub material_document_id: Option<Option<Uuid>>,
    pub notes: Option<Text>,
    pub process_ids: Option<Vec<Uuid>>,
    pub attendees: Option<BTreeMap<Uuid, bool>>,
}

/// A session as the audit trail keeps it: the row, its processes and its attendance.
#[derive(Serialize)]
struct Snapshot {
    #[serde(flatten)]
    session: training_session::Model,
    process_ids: Vec<Uuid>,
    attendees: BTreeMap<Uuid, bool>,
}

impl Snapshot {
    async fn read(change: &Change, session: training_session::Model) -> AppResult<Self> {
        let process_ids = store::linked::<training_process::Entity>(
            change,
            training_process::Column::SessionId,
            session.id,
            training_process::Column::ProcessId,
        )
        .await?;
        let attendees = Scope::from(change.actor())
            .select::<training_attendance::Entity>()
            .filter(training_attendance::Column::SessionId.eq(session.id))
            .all(change.db())
            .await?
            .into_iter()
            .map(|a| (a.person_id, a.attended))
            .collect();
        Ok(Self {
            session,
            process_ids,
            attendees,
        })
    }

    async fn write_lists(&self, change: &Change) -> AppResult<()> {
        let (id, organization_id) = (self.session.id, self.session.organization_id);
        let processes = self
            .process_ids
            .iter()
            .map(|&process_id| training_process::Model {
                session_id: id,
                process_id,
                organization_id,
            });
        store::replace_links::<training_process::Entity>(
            change,
            training_process::Column::SessionId,
            id,
            processes.collect(),
        )
        .await?;
        let attendance =
            self.attendees
                .iter()
                .map(|(&person_id, &attended)| training_attendance::Model {
                    id: Uuid::now_v7(),
                    organization_id,
                    session_id: id,
                    person_id,
                    attended,
                });
        store::replace_links::<training_attendance::Entity>(
            change,
            training_attendance::Column::SessionId,
            id,
            attendance.collect(),
        )
        .await
    }
}

/// The people of `attendees`, each a person of the organization: NOT_FOUND otherwise.
async fn people(change: &Change, attendees: &BTreeMap<Uuid, bool>) -> AppResult<()> {
    let ids: Vec<Uuid> = attendees.keys().copied().collect();
    store::existing::<person::Entity>(change, &ids).await?;
    Ok(())
}

/// Records a training session (ADMIN, MANAGER; a PROCESS_OWNER on their own processes).
pub async fn create(change: &mut Change, new: NewSession) -> AppResult<training_session::Model> {
    store::must_exist::<person::Entity>(change, new.trainer_id).await?;
    store::must_exist::<document::Entity>(change, new.material_document_id).await?;
    let process_ids = store::existing::<process::Entity>(change, &new.process_ids).await?;
    people(change, &new.attendees).await?;
    access::may_maintain(change, &[], &process_ids).await?;
    let now = store::now();
    let session = training_session::Model {
        id: Uuid::now_v7(),
        organization_id: change.actor().organization_id,
        title: new.title.into(),
        held_on: new.held_on,
        trainer_id: new.trainer_id,
        material_document_id: new.material_document_id,
        notes: new.notes.into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_row::<training_session::Entity>(change, session.clone(), &[]).await?;
    let after = Snapshot {
        session: session.clone(),
        process_ids,
        attendees: new.attendees,
    };
    after.write_lists(change).await?;
    change
        .record_snapshot::<training_session::Entity, _>(
            "training.create",
            session.id,
            None,
            Some(&after),
        )
        .await?;
    Ok(session)
}

/// Changes a session, its processes or its attendance.
pub async fn update(
    change: &mut Change,
    edit: Edit<SessionPatch>,
) -> AppResult<training_session::Model> {
    let session = edit.current::<training_session::Entity>(change).await?;
    let before = Snapshot::read(change, session).await?;
    access::may_maintain(change, &before.process_ids, &before.process_ids).await?;
    let patch = edit.patch;
    let mut session = before.session.clone();
    store::set(&mut session.title, patch.title);
    store::set(&mut session.held_on, patch.held_on);
    if let Some(trainer) = patch.trainer_id {
        store::must_exist::<person::Entity>(change, trainer).await?;
        session.trainer_id = trainer;
    }
    if let Some(material) = patch.material_document_id {
        store::must_exist::<document::Entity>(change, material).await?;
        session.material_document_id = material;
    }
    store::set(&mut session.notes, patch.notes);
    let process_ids = match patch.process_ids {
        Some(ids) => store::existing::<process::Entity>(change, &ids).await?,
        None => before.process_ids.clone(),
    };
    let attendees = match patch.attendees {
        Some(attendees) => {
            people(change, &attendees).await?;
            attendees
        }
        None => before.attendees.clone(),
    };
    access::may_maintain(change, &before.process_ids, &process_ids).await?;
    let mut after = Snapshot {
        session,
        process_ids,
        attendees,
    };
    after.session =
        store::write::<training_session::Entity>(change, &before.session, after.session, &[])
            .await?;
    after.write_lists(change).await?;
    change
        .record_snapshot::<training_session::Entity, _>(
            "training.update",
            before.session.id,
            Some(&before),
            Some(&after),
        )
        .await?;
    Ok(after.session)
}

/// Filters of the session list.
#[derive(Default)]
pub struct SessionFilter {
    pub process_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
}

/// The organization's sessions matching `filter`.
pub fn select(scope: Scope, filter: SessionFilter) -> Select<training_session::Entity> {
    let on_process = filter.process_id.map(|process| {
        training_session::Column::Id.in_subquery(
            Query::select()
                .column(training_process::Column::SessionId)
                .from(training_process::Entity)
                .and_where(training_process::Column::ProcessId.eq(process))
                .to_owned(),
        )
    });
    let with_person = filter.person_id.map(|person| {
        training_session::Column::Id.in_subquery(
            Query::select()
                .column(training_attendance::Column::SessionId)
                .from(training_attendance::Entity)
                .and_where(training_attendance::Column::PersonId.eq(person))
                .to_owned(),
        )
    });
    scope.select::<training_session::Entity>().filter(
        Condition::all()
            .add_option(on_process)
            .add_option(with_person),
    )
}

/// The coverage of every process with RESPONSIBLE or ACCOUNTABLE people, by sessions held on
/// or after `since`: four statements.
pub async fn coverage(
    db: &DatabaseConnection,
    scope: Scope,
    since: NaiveDate,
) -> AppResult<Coverage> {
    let roles: Vec<(Uuid, Uuid)> = scope
        .select::<raci_assignment::Entity>()
        .filter(
            raci_assignment::Column::RaciRole.is_in([RaciRole::Responsible, RaciRole::Accountable]),
        )
        .select_only()
        .column(raci_assignment::Column::ProcessId)
        .column(raci_assignment::Column::PersonId)
        .into_tuple()
        .all(db)
        .await?;
    let recent = Query::select()
        .column(training_session::Column::Id)
        .from(training_session::Entity)
        .and_where(training_session::Column::OrganizationId.eq(scope.organization_id))
        .and_where(training_session::Column::HeldOn.gte(since))
        .to_owned();
    let attended: Vec<(Uuid, Uuid)> = scope
        .select::<training_attendance::Entity>()
        .filter(training_attendance::Column::Attended.eq(true))
        .filter(training_attendance::Column::SessionId.in_subquery(recent.clone()))
        .select_only()
        .column(training_attendance::Column::SessionId)
        .column(training_attendance::Column::PersonId)
        .into_tuple()
        .all(db)
        .await?;
    let covers: Vec<(Uuid, Uuid)> = scope
        .select::<training_process::Entity>()
        .filter(training_process::Column::SessionId.in_subquery(recent))
        .select_only()
        .column(training_process::Column::SessionId)
        .column(training_process::Column::ProcessId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Coverage::of(&roles, &attended, &covers))
}

/// `months` as a look-back, 1 to 120: BAD_USER_INPUT on `months` otherwise.
pub fn look_back(today: NaiveDate, months: i32) -> AppResult<NaiveDate> {
    if !(1..=120).contains(&months) {
        return Err(AppError::bad_input("months", "`months` must be 1 to 120"));
    }
    Ok(coverage::since(today, months.unsigned_abs()))
}

//! GraphQL types and resolvers of training.

use std::{collections::BTreeMap, sync::Arc};

use chrono::Utc;
use entity::{document, person, process, training_session};

use super::store::{self, ATTENDEES_MAX, NewSession, SessionFilter, SessionPatch};
use crate::{
    compliance::{
        documents::graphql::Document,
        relations::{AttendanceOfSession, ProcessesOfSession},
    },
    graphql::{cost::related_complexity, prelude::*},
    people::graphql::Person,
    portfolio::processes::graphql::Process,
};

crate::node_object!(
    /// A training session: what was taught, when, by whom, on which processes, from which
    /// material, and who attended.
    TrainingSession(training_session)
);

#[Object(use_type_description)]
impl TrainingSession {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// What was taught.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// When.
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }
    /// Who taught it.
    async fn trainer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, self.0.trainer_id).await?)
    }
    /// The document taught from.
    async fn material(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(related::<Document>(ctx, self.0.material_document_id).await?)
    }
    /// Notes.
    async fn notes(&self) -> &str {
        &self.0.notes
    }
    /// The processes it covers.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_list::<Linked<ProcessesOfSession>, _, _>(ctx, self.0.id, Process).await?)
    }
    /// Everyone invited, attended or absent.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn attendance(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Attendance>> {
        Ok(
            related_list::<GroupedBy<AttendanceOfSession>, _, _>(ctx, self.0.id, Attendance)
                .await?,
        )
    }
    /// `version`, `createdAt`, `updatedAt`.
    #[graphql(flatten)]
    async fn stamps(&self) -> Stamps {
        Stamps::of::<training_session::Entity>(&self.0)
    }
}

crate::node_object!(
    /// A person invited to a training session, attended or absent.
    Attendance(training_attendance)
);

#[Object(use_type_description)]
impl Attendance {
    /// Global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, Some(self.0.person_id)).await?)
    }
    /// true: attended; false: absent.
    async fn attended(&self) -> bool {
        self.0.attended
    }
}

/// A person invited to a session.
#[derive(InputObject)]
pub struct AttendeeInput {
    /// The person.
    pub person_id: ID,
    /// true: attended; false: absent.
    pub attended: bool,
}

fn attendees(list: Option<Vec<AttendeeInput>>) -> AppResult<Option<BTreeMap<Uuid, bool>>> {
    let Some(list) = list else {
        return Ok(None);
    };
    if list.len() > ATTENDEES_MAX {
        return Err(AppError::bad_input(
            "input.attendees",
            format!("a session lists at most {ATTENDEES_MAX} people"),
        ));
    }
    let mut attendees = BTreeMap::new();
    for (index, attendee) in list.into_iter().enumerate() {
        let field = format!("input.attendees[{index}].personId");
        let person = decode::<person::Entity>(&attendee.person_id, &field)?;
        if attendees.insert(person, attendee.attended).is_some() {
            return Err(AppError::bad_input(field, "this person is already listed"));
        }
    }
    Ok(Some(attendees))
}

/// Input of `createTrainingSession`.
#[derive(InputObject)]
pub struct CreateTrainingSessionInput {
    /// What was taught (1 to 200 characters).
    pub title: String,
    /// When.
    pub held_on: Date,
    /// Who taught it.
    pub trainer_id: Option<ID>,
    /// The document taught from.
    pub material_document_id: Option<ID>,
    /// Notes (up to 4,000 characters).
    pub notes: Option<String>,
    /// The processes it covers; a PROCESS_OWNER names at least one of theirs, and only theirs.
    pub process_ids: Option<Vec<ID>>,
    /// Everyone invited, attended or absent (at most 500).
    pub attendees: Option<Vec<AttendeeInput>>,
}

impl CreateTrainingSessionInput {
    fn parse(self) -> AppResult<NewSession> {
        Ok(NewSession {
            title: Name::parse("input.title", &self.title)?,
            held_on: self.held_on.0,
            trainer_id: decode_opt::<person::Entity>(self.trainer_id.as_ref(), "input.trainerId")?,
            material_document_id: decode_opt::<document::Entity>(
                self.material_document_id.as_ref(),
                "input.materialDocumentId",
            )?,
            notes: parse_opt(self.notes, |n| Text::parse("input.notes", n))?.unwrap_or_default(),
            process_ids: decode_list::<process::Entity>(self.process_ids, "input.processIds")?
                .unwrap_or_default(),
            attendees: attendees(self.attendees)?.unwrap_or_default(),
        })
    }
}

/// Input of `updateTrainingSession`: omitted fields stay; `null` clears `trainerId` and
/// `materialDocumentId`; a list replaces the session's list.
#[derive(InputObject)]
pub struct UpdateTrainingSessionInput {
    /// The session.
    pub id: ID,
    /// The version the client read; CONFLICT if the session changed since.
    pub expected_version: Option<i32>,
    /// New title.
    pub title: Option<String>,
    /// New date.
    pub held_on: Option<Date>,
    /// New trainer, or null to clear.
    pub trainer_id: MaybeUndefined<ID>,
    /// New material, or null to clear.
    pub material_document_id: MaybeUndefined<ID>,
    /// New notes.
    pub notes: Option<String>,
    /// The processes: replaces the list.
    pub process_ids: Option<Vec<ID>>,
    /// The attendance: replaces the list.
    pub attendees: Option<Vec<AttendeeInput>>,
}

impl UpdateTrainingSessionInput {
    fn parse(self) -> AppResult<Edit<SessionPatch>> {
        Ok(Edit {
            id: decode::<training_session::Entity>(&self.id, "input.id")?,
            expected_version: self.expected_version,
            patch: SessionPatch {
                title: parse_opt(self.title, |t| Name::parse("input.title", t))?,
                held_on: self.held_on.map(|d| d.0),
                trainer_id: patch(self.trainer_id, |id| {
                    decode::<person::Entity>(&id, "input.trainerId")
                })?,
                material_document_id: patch(self.material_document_id, |id| {
                    decode::<document::Entity>(&id, "input.materialDocumentId")
                })?,
                notes: parse_opt(self.notes, |n| Text::parse("input.notes", n))?,
                process_ids: decode_list::<process::Entity>(self.process_ids, "input.processIds")?,
                attendees: attendees(self.attendees)?,
            },
        })
    }
}

crate::payload!(
    /// Result of a training session mutation.
    TrainingSessionPayload {
        /// The session after the change.
        training_session: TrainingSession(training_session)
    }
);

crate::record_mutations! {
    /// Training mutations.
    TrainingMutation {
        /// Records a training session with its attendance (ADMIN, MANAGER; a PROCESS_OWNER on
        /// their processes).
        create_training_session(CreateTrainingSessionInput, "The new session.") -> TrainingSessionPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::create;
        /// Changes a session or its attendance (ADMIN, MANAGER; a PROCESS_OWNER on their
        /// processes).
        update_training_session(UpdateTrainingSessionInput, "The session, the version read and the fields to change.")
            -> TrainingSessionPayload,
            guard = "Require(Permission::MaintainOwnCompliance)", apply = store::update;
    }
}

/// A process's RESPONSIBLE and ACCOUNTABLE people, trained or not.
pub struct ProcessCoverage {
    process: Uuid,
    trained: Vec<Uuid>,
    untrained: Vec<Uuid>,
}

/// A process's RESPONSIBLE and ACCOUNTABLE people, trained or not.
#[Object]
impl ProcessCoverage {
    /// The process.
    async fn process(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Process>> {
        Ok(related::<Process>(ctx, Some(self.process)).await?)
    }
    /// Those who attended a session on it in the period.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn trained(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Person>> {
        Ok(related_many::<Person>(ctx, &self.trained).await?)
    }
    /// Those who did not: the gap.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn untrained(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Person>> {
        Ok(related_many::<Person>(ctx, &self.untrained).await?)
    }
}

/// A person's processes (as RESPONSIBLE or ACCOUNTABLE), trained for or not.
pub struct PersonCoverage {
    person: Uuid,
    trained: Vec<Uuid>,
    untrained: Vec<Uuid>,
}

/// A person's processes (as RESPONSIBLE or ACCOUNTABLE), trained for or not.
#[Object]
impl PersonCoverage {
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(related::<Person>(ctx, Some(self.person)).await?)
    }
    /// Processes they attended a session on in the period.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn trained_for(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_many::<Process>(ctx, &self.trained).await?)
    }
    /// Processes they did not.
    #[graphql(complexity = "related_complexity(child_complexity)")]
    async fn untrained_for(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_many::<Process>(ctx, &self.untrained).await?)
    }
}

/// Training coverage over a period.
#[derive(Clone)]
pub struct TrainingCoverage {
    since: chrono::NaiveDate,
    coverage: Arc<super::coverage::Coverage>,
}

/// Training coverage over a period: per process and per person.
#[Object]
impl TrainingCoverage {
    /// The first day of the period.
    async fn since(&self) -> Date {
        Date(self.since)
    }
    /// Every process with RESPONSIBLE or ACCOUNTABLE people.
    async fn processes(&self) -> Vec<ProcessCoverage> {
        self.coverage
            .processes
            .iter()
            .map(|(process, (trained, untrained))| ProcessCoverage {
                process: *process,
                trained: trained.clone(),
                untrained: untrained.clone(),
            })
            .collect()
    }
    /// Every person RESPONSIBLE or ACCOUNTABLE for a process.
    async fn people(&self) -> Vec<PersonCoverage> {
        self.coverage
            .by_person()
            .into_iter()
            .map(|(person, (trained, untrained))| PersonCoverage {
                person,
                trained,
                untrained,
            })
            .collect()
    }
}

/// Training queries.
#[derive(Default)]
pub struct TrainingCoverageQuery;

#[Object]
impl TrainingCoverageQuery {
    /// Which of the people RESPONSIBLE or ACCOUNTABLE for each process attended a session on
    /// it in the last `months` months (default 12, 1 to 120), per process and per person;
    /// once per request.
    #[graphql(
        guard = "Require(Permission::Read)",
        complexity = "crate::graphql::cost::whole_organization_complexity(child_complexity)"
    )]
    async fn training_coverage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period, in months back from today (UTC): 1 to 120, default 12.")]
        months: Option<i32>,
    ) -> async_graphql::Result<TrainingCoverage> {
        let since = store::look_back(Utc::now().date_naive(), months.unwrap_or(12))?;
        let read = async {
            let coverage = store::coverage(&ctx.state().db, ctx.scope()?, since).await?;
            Ok(TrainingCoverage {
                since,
                coverage: Arc::new(coverage),
            })
        };
        Ok(ctx.once(format!("trainingCoverage:{since}"), read).await?)
    }
}

/// Filters of the session list; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct TrainingSessionFilterInput {
    /// Only sessions covering this process.
    pub process_id: Option<ID>,
    /// Only sessions this person was invited to.
    pub person_id: Option<ID>,
}

crate::record_queries! {
    /// Training session queries.
    TrainingQuery {
        @by_id
        /// One training session by id; null with a NOT_FOUND error when the organization has none with it.
        training_session -> TrainingSession, "Global id of the session, as its `id` field returns it; null with NOT_FOUND when the organization has no session with it, BAD_USER_INPUT when it is not an id.";
        /// The organization's training sessions, oldest first.
        training_sessions(ctx, args,
            #[graphql(desc = "Which sessions to list: the conditions set are combined with AND; all of them if omitted.")]
            filter: Option<TrainingSessionFilterInput>,
        ) -> Page<TrainingSession>, guard = "Require(Permission::Read)" {
            let filter = filter.unwrap_or_default();
            let select = store::select(
                ctx.scope()?,
                SessionFilter {
                    process_id: decode_opt::<process::Entity>(filter.process_id.as_ref(), "filter.processId")?,
                    person_id: decode_opt::<person::Entity>(filter.person_id.as_ref(), "filter.personId")?,
                },
            );
            Ok(paginate(
                ctx.reads(),
                select,
                training_session::Column::Id,
                |s| s.id,
                args,
                TrainingSession,
            )
            .await?)
        }
    }
}

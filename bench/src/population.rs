//! The data generator: an organization of a chosen size, made through the same code paths as
//! the API (so the audit trail is real too): people, services with owners, the process
//! catalogue with owners, a full RACI for every process, and the key processes applied to every
//! service.

use entity::{Criticality, LifecycleStatus, Maturity, RaciRole, Role, process};
use iso20000::{
    auth::Actor,
    error::AppError,
    organization::store as organization_store,
    people::store::{self as people_store, NewPerson},
    portfolio::{
        processes::store::{self as process_store, ProcessPatch},
        raci::store::{self as raci_store, NewAssignment},
        services::store::{self as service_store, NewService},
    },
    state::AppState,
    store::{Change, Edit},
    tenancy::Scope,
    validation::{Email, Line, Name, Text},
};
use sea_orm::QueryOrder;
use uuid::Uuid;

/// Records written per transaction.
const BATCH: usize = 100;

/// How large an organization to generate.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub people: usize,
    pub services: usize,
}

/// The processes every service is in scope of.
const KEY_PROCESSES: [&str; 5] = [
    "INCIDENT",
    "CHANGE",
    "SERVICE_LEVEL",
    "CONFIGURATION",
    "CONTINUITY",
];

fn fail(err: AppError) -> anyhow::Error {
    err.into_anyhow()
}

/// Creates the organization; returns its id.
pub async fn generate(state: &AppState, size: Size) -> anyhow::Result<Uuid> {
    let organization = organization_store::create(&state.db, &state.bus, "Bench Org", "bench")
        .await
        .map_err(fail)?;
    let actor = Actor::system(organization.id, "bench");

    let mut people = Vec::with_capacity(size.people);
    for start in (0..size.people).step_by(BATCH) {
        let mut change = Change::begin(&state.db, &actor).await.map_err(fail)?;
        for index in start..(start + BATCH).min(size.people) {
            let person = NewPerson {
                name: Name::parse("name", &format!("Person {index:04}")).map_err(fail)?,
                email: Email::parse("email", &format!("person{index}@bench.example"))
                    .map_err(fail)?,
                login_subject: None,
                role: Some(if index % 10 == 0 {
                    Role::ProcessOwner
                } else {
                    Role::Viewer
                }),
            };
            people.push(
                people_store::create(&mut change, person)
                    .await
                    .map_err(fail)?
                    .id,
            );
        }
        change.commit(&state.bus).await.map_err(fail)?;
    }
    anyhow::ensure!(people.len() >= 4, "generate at least 4 people");

    let criticalities = [
        Criticality::Low,
        Criticality::Medium,
        Criticality::High,
        Criticality::Critical,
    ];
    let mut services = Vec::with_capacity(size.services);
    for start in (0..size.services).step_by(BATCH) {
        let mut change = Change::begin(&state.db, &actor).await.map_err(fail)?;
        for index in start..(start + BATCH).min(size.services) {
            let new = NewService {
                name: Name::parse("name", &format!("Service {index:04}")).map_err(fail)?,
                description: Text::default(),
                customer: Line::parse("customer", &format!("Customer {}", index % 17))
                    .map_err(fail)?,
                criticality: criticalities[index % 4],
                lifecycle_status: if index % 9 == 0 {
                    LifecycleStatus::Pipeline
                } else {
                    LifecycleStatus::Live
                },
                owner_id: Some(people[index % people.len()]),
                restore_targets: Default::default(),
                availability_target: None,
            };
            services.push(
                service_store::create(&mut change, new)
                    .await
                    .map_err(fail)?
                    .id,
            );
        }
        change.commit(&state.bus).await.map_err(fail)?;
    }

    let mut change = Change::begin(&state.db, &actor).await.map_err(fail)?;
    let processes = Scope::from(&actor)
        .select::<process::Entity>()
        .order_by_asc(process::Column::Id)
        .all(change.db())
        .await?;
    for (index, process) in processes.iter().enumerate() {
        let key = KEY_PROCESSES.contains(&process.code.as_str());
        let patch = ProcessPatch {
            owner_id: Some(Some(people[(index * 3) % people.len()])),
            maturity: Some(Maturity::Defined),
            service_ids: key.then(|| services.clone()),
            ..Default::default()
        };
        process_store::update(&mut change, Edit::latest(process.id, patch))
            .await
            .map_err(fail)?;
        let roles = [
            RaciRole::Accountable,
            RaciRole::Responsible,
            RaciRole::Consulted,
            RaciRole::Informed,
        ];
        for (offset, role) in roles.into_iter().enumerate() {
            let new = NewAssignment {
                process_id: process.id,
                person_id: people[(index * 3 + offset + 1) % people.len()],
                role,
                responsibilities: Text::default(),
            };
            raci_store::assign(&mut change, new).await.map_err(fail)?;
        }
    }
    change.commit(&state.bus).await.map_err(fail)?;
    Ok(organization.id)
}

/// A certification cycle over the three built-in standards with every assessable clause
/// assessed (about 160; every third a GAP or PARTIAL, each gap with a remediation task): what
/// `gap_analysis` reads, with every process in scope for `readiness`. Returns the cycle's id.
pub async fn cycle(state: &AppState, organization: Uuid) -> anyhow::Result<Uuid> {
    use entity::{clause, clause_assessment::AssessmentStatus, framework};
    use iso20000::compliance::{
        assessments::store::{self as assessments, Assessment, ItemInput},
        cycles::store::{self as cycles, NewCycle},
        remediation::store::{self as remediation, NewTask},
    };
    use sea_orm::{ColumnTrait, QueryFilter};

    let actor = Actor::system(organization, "bench");
    let mut change = Change::begin(&state.db, &actor).await.map_err(fail)?;
    let frameworks: Vec<Uuid> = Scope::from(&actor)
        .select::<framework::Entity>()
        .filter(framework::Column::OrganizationId.is_null())
        .all(change.db())
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    // Every process in scope, for readiness's process rules (owners, Accountables, procedures).
    let processes: Vec<Uuid> = Scope::from(&actor)
        .select::<entity::process::Entity>()
        .all(change.db())
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let cycle = cycles::create(
        &mut change,
        NewCycle {
            name: Name::parse("name", "Bench cycle").map_err(fail)?,
            scope_statement: Text::default(),
            sponsor_id: None,
            target_date: None,
            framework_ids: frameworks.clone(),
            service_ids: Vec::new(),
            process_ids: processes,
            objectives: Vec::new(),
            carry_over_from: None,
        },
    )
    .await
    .map_err(fail)?;
    let clauses = Scope::from(&actor)
        .select::<clause::Entity>()
        .filter(clause::Column::FrameworkId.is_in(frameworks))
        .filter(clause::Column::Assessable.eq(true))
        .order_by_asc(clause::Column::Id)
        .all(change.db())
        .await?;
    let statuses = [
        AssessmentStatus::Implemented,
        AssessmentStatus::Gap,
        AssessmentStatus::Implemented,
        AssessmentStatus::Partial,
        AssessmentStatus::NotApplicable,
        AssessmentStatus::Implemented,
    ];
    let items = clauses
        .iter()
        .enumerate()
        .map(|(index, clause)| {
            let status = statuses[index % statuses.len()];
            Ok(ItemInput {
                index,
                clause_id: clause.id,
                expected_version: None,
                status,
                notes: Text::parse("notes", "Assessed by the bench").map_err(fail)?,
                justification: if status == AssessmentStatus::NotApplicable {
                    Text::parse("justification", "Outside the bench scope").map_err(fail)?
                } else {
                    Text::default()
                },
                process_ids: None,
                override_reason: None,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let gaps: Vec<Uuid> = items
        .iter()
        .filter(|i| matches!(i.status, AssessmentStatus::Gap | AssessmentStatus::Partial))
        .map(|i| i.clause_id)
        .collect();
    assessments::assess(
        &mut change,
        Assessment {
            cycle_id: cycle.id,
            items,
        },
    )
    .await
    .map_err(fail)?;
    for (index, clause) in gaps.into_iter().enumerate() {
        let task = NewTask {
            cycle_id: cycle.id,
            title: Name::parse("title", &format!("Close gap {index}")).map_err(fail)?,
            description: Text::default(),
            owner_id: None,
            due_date: None,
            phase: None,
            clause_ids: vec![clause],
            process_ids: Vec::new(),
        };
        remediation::create(&mut change, task).await.map_err(fail)?;
    }
    change.commit(&state.bus).await.map_err(fail)?;
    Ok(cycle.id)
}

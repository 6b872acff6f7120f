//! The compliance records of the demo organization: a first cycle over ISO/IEC 20000-1 scoped
//! to its live hosted services, in the DO phase, with a completed gap analysis holding the
//! seed's findings (change management: GAP, missing change controls; incident management:
//! PARTIAL, inconsistent incident logging) and their remediation tasks, one of them overdue;
//! approved incident and change procedures and a service management policy, a procedure in
//! review, and a training session with an absentee.

use std::collections::BTreeMap;

use chrono::{Days, Utc};
use entity::{
    LifecycleStatus, Role,
    certification_cycle::PdcaPhase,
    clause,
    clause_assessment::AssessmentStatus,
    document::{self, Classification, DocumentKind},
    document_version, framework, person, process, service,
};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

use super::{
    assessments::store::{self as assessments, Assessment, ItemInput},
    cycles::store::{self as cycles, NewCycle, NewObjective, PhaseMove},
    documents::{
        store::{self as documents, NewDocument},
        versions::store::{self as versions, Decide},
    },
    remediation::store::{self as remediation, NewTask},
    training::store::{self as training, NewSession},
};
use crate::{
    auth::{Actor, ActorKind, Grant},
    error::{AppError, AppResult},
    state::AppState,
    store::{Change, Edit},
    tenancy::Scope,
    validation::{Line, Name, Required, Text},
};

/// The key processes of the pilot scope.
const SCOPE_PROCESSES: [&str; 5] = [
    "INCIDENT",
    "CHANGE",
    "SERVICE_LEVEL",
    "CONFIGURATION",
    "CONTINUITY",
];

/// The seed's findings: (clause, status, notes, remediation task, process, days from today the
/// task is due; negative is overdue).
const FINDINGS: [(&str, AssessmentStatus, &str, &str, &str, i64); 2] = [
    (
        "8.5.1.1",
        AssessmentStatus::Gap,
        "Missing change controls: changes reach production without a recorded assessment or approval.",
        "Introduce change approval with a change advisory board",
        "CHANGE",
        45,
    ),
    (
        "8.6.1",
        AssessmentStatus::Partial,
        "Inconsistent incident logging: the night shift records incidents in chat, not the ITSM tool.",
        "Log every incident in the ITSM tool, on every shift",
        "INCIDENT",
        -14,
    ),
];

/// Loads the first cycle, its gap analysis and remediation plan; `sponsor` sponsors it.
pub async fn load(change: &mut Change, sponsor: &entity::person::Model) -> AppResult<()> {
    let scope = Scope::from(change.actor());
    let iso = scope
        .select::<framework::Entity>()
        .filter(framework::Column::Code.eq("iso20000-1"))
        .one(change.db())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the library has no ISO/IEC 20000-1")))?;
    let hosted: Vec<uuid::Uuid> = scope
        .select::<service::Entity>()
        .filter(service::Column::LifecycleStatus.eq(LifecycleStatus::Live))
        .all(change.db())
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let processes = scope
        .select::<process::Entity>()
        .filter(process::Column::Code.is_in(SCOPE_PROCESSES))
        .all(change.db())
        .await?;
    let today = Utc::now().date_naive();
    let objective = |description: &str, target: &str| -> AppResult<NewObjective> {
        Ok(NewObjective {
            description: Required::parse("description", description)?,
            target: Some(Required::parse("target", target)?),
        })
    };
    let cycle = cycles::create(
        change,
        NewCycle {
            name: Name::parse("name", "Pilot: hosted services")?,
            scope_statement: Text::parse(
                "scope",
                "The service management system for the live hosted services (managed hosting, \
                 backup, network and cloud desktop), delivered from both data centres.",
            )?,
            sponsor_id: Some(sponsor.id),
            target_date: today.checked_add_days(Days::new(270)),
            framework_ids: vec![iso.id],
            service_ids: hosted,
            process_ids: processes.iter().map(|p| p.id).collect(),
            objectives: vec![
                objective(
                    "Certify the hosted services against ISO/IEC 20000-1",
                    "Certificate within nine months",
                )?,
                objective(
                    "Restore priority 1 incidents within target",
                    "95 % of P1 incidents restored within 2 hours",
                )?,
            ],
            carry_over_from: None,
        },
    )
    .await?;
    let cycle = cycles::move_phase(
        change,
        Edit::latest(
            cycle.id,
            PhaseMove {
                phase: PdcaPhase::Do,
                note: Line::parse("note", "Gap analysis done; remediation under way")?,
            },
        ),
    )
    .await?;

    let clauses = scope
        .select::<clause::Entity>()
        .filter(clause::Column::FrameworkId.eq(iso.id))
        .filter(clause::Column::Assessable.eq(true))
        .order_by_asc(clause::Column::Id)
        .all(change.db())
        .await?;
    let mut items = Vec::with_capacity(clauses.len());
    for (index, clause) in clauses.iter().enumerate() {
        let finding = FINDINGS.iter().find(|f| f.0 == clause.number);
        items.push(ItemInput {
            index,
            clause_id: clause.id,
            expected_version: None,
            status: finding.map_or(AssessmentStatus::Implemented, |f| f.1),
            notes: Text::parse("notes", finding.map_or("In place and evidenced.", |f| f.2))?,
            justification: Text::default(),
            process_ids: None,
            override_reason: None,
        });
    }
    assessments::assess(
        change,
        Assessment {
            cycle_id: cycle.id,
            items,
        },
    )
    .await?;
    for (number, _, _, title, process_code, due_in) in FINDINGS {
        let clause = clauses.iter().find(|c| c.number == number);
        let process = processes.iter().find(|p| p.code == process_code);
        let due = if due_in < 0 {
            today.checked_sub_days(Days::new(due_in.unsigned_abs()))
        } else {
            today.checked_add_days(Days::new(due_in.unsigned_abs()))
        };
        remediation::create(
            change,
            NewTask {
                cycle_id: cycle.id,
                title: Name::parse("title", title)?,
                description: Text::default(),
                owner_id: process.and_then(|p| p.owner_id),
                due_date: due,
                phase: Some(PdcaPhase::Do),
                clause_ids: clause.map(|c| c.id).into_iter().collect(),
                process_ids: process.map(|p| p.id).into_iter().collect(),
            },
        )
        .await?;
    }
    Ok(())
}

/// The demo's documents, from the built-in templates: (title, template, kind, process,
/// approved; otherwise left in review).
const DOCUMENTS: [(&str, &str, DocumentKind, Option<&str>, bool); 4] = [
    (
        "Harbor service management policy",
        "Service management policy",
        DocumentKind::Policy,
        None,
        true,
    ),
    (
        "Incident management procedure",
        "Incident management procedure",
        DocumentKind::Procedure,
        Some("INCIDENT"),
        true,
    ),
    (
        "Change management procedure",
        "Change management procedure",
        DocumentKind::Procedure,
        Some("CHANGE"),
        true,
    ),
    (
        "Service level management procedure",
        "Service level management procedure",
        DocumentKind::Procedure,
        Some("SERVICE_LEVEL"),
        false,
    ),
];

/// The demo's documents (a service management policy and the incident and change procedures
/// approved by `approver`, the service level procedure in review) and a training session on
/// incident logging with an absentee. Runs after the organization's first change: the approval
/// is the approver's own change, as a person.
pub async fn load_documents(
    state: &AppState,
    organization_id: uuid::Uuid,
    approver: &person::Model,
    attendees: &[person::Model],
) -> AppResult<()> {
    let system = Actor::system(organization_id, "demo");
    let mut change = Change::begin(&state.db, &system).await?;
    let scope = Scope::from(&system);
    let today = Utc::now().date_naive();
    let processes = scope.select::<process::Entity>().all(change.db()).await?;
    let process = |code: &str| processes.iter().find(|p| p.code == code);
    let mut to_approve = Vec::new();
    let mut incident_procedure = None;
    for (title, template, kind, process_code, approved) in DOCUMENTS {
        let template = scope
            .select::<document::Entity>()
            .filter(document::Column::Kind.eq(DocumentKind::Template))
            .filter(document::Column::Title.eq(template))
            .one(change.db())
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no template {template}")))?;
        let process = process_code.and_then(process);
        let created = documents::create(
            &mut change,
            NewDocument {
                kind,
                title: Name::parse("title", title)?,
                owner_id: process.and_then(|p| p.owner_id).or(Some(approver.id)),
                process_id: process.map(|p| p.id),
                clause_ids: Vec::new(),
                classification: Classification::Internal,
                next_review_date: today.checked_add_days(Days::new(365)),
                body: None,
                change_summary: Text::parse("summary", "First issue, from the template")?,
                from_template_id: Some(template.id),
            },
        )
        .await?;
        if process_code == Some("INCIDENT") {
            incident_procedure = Some(created.id);
        }
        documents::name_approvers(&mut change, Edit::latest(created.id, vec![approver.id])).await?;
        let draft = scope
            .select::<document_version::Entity>()
            .filter(document_version::Column::DocumentId.eq(created.id))
            .one(change.db())
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("{title} has no draft")))?;
        let submitted = versions::submit(&mut change, Edit::latest(draft.id, ())).await?;
        if approved {
            to_approve.push(submitted);
        }
    }
    let incident = process("INCIDENT");
    let mut invited = BTreeMap::new();
    for (index, person) in attendees.iter().enumerate() {
        // The last one was on call that day.
        invited.insert(person.id, index + 1 < attendees.len());
    }
    training::create(
        &mut change,
        NewSession {
            title: Name::parse("title", "Incident logging on every shift")?,
            held_on: today.checked_sub_days(Days::new(30)).unwrap_or(today),
            trainer_id: incident.and_then(|p| p.owner_id),
            material_document_id: incident_procedure,
            notes: Text::parse(
                "notes",
                "After the gap analysis finding on incident logging.",
            )?,
            process_ids: incident.map(|p| p.id).into_iter().collect(),
            attendees: invited,
        },
    )
    .await?;
    change.commit(&state.bus).await?;

    let as_approver = Actor {
        organization_id,
        subject: "demo-approver".to_owned(),
        grant: Grant::Role(Role::Manager),
        person_id: Some(approver.id),
        kind: ActorKind::Person,
        expires_at: None,
    };
    let mut change = Change::begin(&state.db, &as_approver).await?;
    for version in to_approve {
        versions::approve(
            &mut change,
            Decide {
                id: version.id,
                content_hash: version.content_hash.clone(),
                comment: Text::parse("comment", "Approved for the pilot scope")?,
            },
        )
        .await?;
    }
    change.commit(&state.bus).await
}

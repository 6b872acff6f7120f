//! The demo organization of `serve --demo`: the seed's regional managed service provider with
//! 80 staff, scoped to its hosted-services portfolio. Each area adds its own records here.

use entity::{Criticality, LifecycleStatus, Role, organization, tool::ToolKind};

use crate::{
    audit_trail::Change,
    auth::Actor,
    error::AppResult,
    organization::store as organization_store,
    people::store::{self as people_store, NewPerson},
    state::AppState,
};

/// Name of the demo organization.
pub const ORGANIZATION_NAME: &str = "Harbor Hosted Services";
/// Login subject of the demo administrator, whose token `serve --demo` prints.
pub const ADMIN_SUBJECT: &str = "demo-admin";
/// Staff of the seed's example MSP.
const STAFF: usize = 80;

const FIRST_NAMES: [&str; 20] = [
    "Ada", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Lars", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara",
];
const LAST_NAMES: [&str; 16] = [
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Kowalski",
    "Haddad",
    "Novak",
    "Fischer",
    "Santos",
    "Byrne",
    "Larsen",
    "Costa",
    "Ivanova",
    "Mensah",
    "Walsh",
];

/// The role of staff member `index`: one admin, a few managers, process owners and auditors, the
/// rest viewers. Everyone but the viewers has a login.
fn role_of(index: usize) -> Option<Role> {
    match index {
        0 => Some(Role::Admin),
        1..=3 => Some(Role::Manager),
        4..=15 => Some(Role::ProcessOwner),
        16..=19 => Some(Role::Auditor),
        _ => None,
    }
}

fn staff_member(index: usize) -> NewPerson {
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    let last = LAST_NAMES[(index / FIRST_NAMES.len() + index * 3) % LAST_NAMES.len()];
    let role = role_of(index);
    NewPerson {
        name: format!("{first} {last}"),
        email: format!(
            "{}.{}.{index}@harbor-hosted.example",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        login_subject: match index {
            0 => Some(ADMIN_SUBJECT.to_owned()),
            _ if role.is_some() => Some(format!("demo-{}", index)),
            _ => None,
        },
        role: role.or(Some(Role::Viewer)),
    }
}

/// Loads the demo organization unless the database already has an organization; returns the
/// demo (or first) organization and whether it was just created.
pub async fn ensure(state: &AppState) -> AppResult<(organization::Model, bool)> {
    if let Some(existing) = organization_store::first(&state.db).await? {
        return Ok((existing, false));
    }
    let organization =
        organization_store::create(&state.db, &state.bus, ORGANIZATION_NAME, "demo").await?;
    let actor = Actor::system(organization.id, "demo");
    let mut change = Change::begin(&state.db, &actor).await?;
    let mut staff = Vec::with_capacity(STAFF);
    for index in 0..STAFF {
        staff.push(people_store::create(&mut change, staff_member(index)).await?);
    }
    portfolio(&mut change, &staff).await?;
    change.commit(&state.bus).await?;
    Ok((organization, true))
}

/// The hosted-services portfolio (the pilot scope of the seed's MSP): (name, customer,
/// criticality, status, P1 restore minutes, availability %).
const SERVICES: [(&str, &str, Criticality, LifecycleStatus, i32, f64); 5] = [
    (
        "Managed Hosting",
        "Retail and logistics customers",
        Criticality::Critical,
        LifecycleStatus::Live,
        120,
        99.95,
    ),
    (
        "Backup as a Service",
        "All hosting customers",
        Criticality::High,
        LifecycleStatus::Live,
        240,
        99.5,
    ),
    (
        "Managed Network",
        "Multi-site customers",
        Criticality::High,
        LifecycleStatus::Live,
        180,
        99.9,
    ),
    (
        "Cloud Desktop",
        "Professional services firms",
        Criticality::Medium,
        LifecycleStatus::Live,
        480,
        99.0,
    ),
    (
        "Colocation",
        "Regional enterprises",
        Criticality::Medium,
        LifecycleStatus::Pipeline,
        240,
        99.9,
    ),
];

/// The key processes of the seed's checklist, which get a complete RACI.
const KEY_PROCESSES: [&str; 5] = [
    "INCIDENT",
    "CHANGE",
    "SERVICE_LEVEL",
    "CONFIGURATION",
    "CONTINUITY",
];

/// Services with owners, every process with an owner and maturity, the hosted services as the
/// scope of the key processes, and a complete RACI for the key processes.
async fn portfolio(change: &mut Change, staff: &[entity::person::Model]) -> AppResult<()> {
    use entity::{Maturity, RaciRole, process};
    use sea_orm::QueryOrder;

    use crate::{
        portfolio::{
            processes::store::{self as process_store, ProcessFields},
            raci::store::{self as raci_store, NewAssignment},
            services::store::{self as service_store, ServiceFields},
        },
        tenancy::Scope,
    };

    let managers = &staff[1..=3];
    let owners = &staff[4..=15];
    let auditors = &staff[16..=19];
    let mut services = Vec::new();
    for (index, (name, customer, criticality, status, p1, availability)) in
        SERVICES.into_iter().enumerate()
    {
        let fields = ServiceFields {
            name: Some(name.to_owned()),
            description: Some(format!(
                "{name}, delivered from the company's two data centres"
            )),
            customer: Some(customer.to_owned()),
            criticality: Some(criticality),
            lifecycle_status: Some(status),
            owner_id: Some(Some(owners[index].id)),
            restore_targets: Some(vec![
                ("P1".into(), p1),
                ("P2".into(), p1 * 2),
                ("P3".into(), 1440),
            ]),
            availability_target: Some(Some(availability)),
        };
        services.push(service_store::create(change, fields).await?.id);
    }
    let processes = Scope::from(change.actor())
        .select::<process::Entity>()
        .order_by_asc(process::Column::Id)
        .all(change.db())
        .await?;
    for (index, process) in processes.iter().enumerate() {
        let key = KEY_PROCESSES.contains(&process.code.as_str());
        let fields = ProcessFields {
            owner_id: Some(Some(owners[index % owners.len()].id)),
            maturity: Some(if key {
                Maturity::Implemented
            } else {
                Maturity::Defined
            }),
            service_ids: key.then(|| services[..4].to_vec()),
            ..Default::default()
        };
        process_store::update(change, process.id, fields, None).await?;
        if !key {
            continue;
        }
        let owner = owners[index % owners.len()].id;
        let parts = [
            (
                managers[index % managers.len()].id,
                RaciRole::Accountable,
                "Answers for the process's results to management",
            ),
            (
                owner,
                RaciRole::Responsible,
                "Runs the process day to day and reports its KPIs",
            ),
            (
                owners[(index + 1) % owners.len()].id,
                RaciRole::Consulted,
                "Advises on changes to the procedure",
            ),
            (
                auditors[index % auditors.len()].id,
                RaciRole::Informed,
                "Receives the monthly process report",
            ),
        ];
        for (person_id, role, responsibilities) in parts {
            raci_store::assign(
                change,
                NewAssignment {
                    process_id: process.id,
                    person_id,
                    role,
                    responsibilities: responsibilities.to_owned(),
                },
            )
            .await?;
        }
    }
    process_map(change, &processes).await
}

/// The tools of the seed's MSP and how the key processes use them: (name, kind, vendor).
const TOOLS: [(&str, ToolKind, &str); 4] = [
    ("Service desk", ToolKind::Itsm, "HelpDeskCo"),
    ("CMDB", ToolKind::Cmdb, "HelpDeskCo"),
    ("Monitoring", ToolKind::Monitoring, "WatchTower"),
    ("Wiki", ToolKind::Documentation, "DocSpace"),
];

/// (process code, tool index, what flows).
const TOOL_USES: [(&str, usize, &str); 6] = [
    ("INCIDENT", 0, "incident records"),
    ("INCIDENT", 2, "alerts"),
    ("CHANGE", 0, "change records"),
    ("CONFIGURATION", 1, "CI data"),
    ("SERVICE_LEVEL", 0, "SLA reports"),
    ("CONTINUITY", 3, "continuity plans"),
];

/// (dependent process, process it depends on, why).
const DEPENDENCIES: [(&str, &str, &str); 4] = [
    ("PROBLEM", "INCIDENT", "incident trends"),
    ("CHANGE", "CONFIGURATION", "impact analysis"),
    ("RELEASE_DEPLOYMENT", "CHANGE", "approved changes"),
    ("SERVICE_LEVEL", "INCIDENT", "restore times"),
];

async fn process_map(change: &mut Change, processes: &[entity::process::Model]) -> AppResult<()> {
    use crate::portfolio::tools::store::{self as tool_store, LinkTarget, ToolFields};

    let by_code = |code: &str| processes.iter().find(|p| p.code == code).map(|p| p.id);
    let mut tools = Vec::new();
    for (name, kind, vendor) in TOOLS {
        let fields = ToolFields {
            name: Some(name.to_owned()),
            kind: Some(kind),
            vendor: Some(vendor.to_owned()),
            url: None,
        };
        tools.push(tool_store::create(change, fields).await?.id);
    }
    for (code, tool, flow) in TOOL_USES {
        if let Some(process) = by_code(code) {
            tool_store::link(change, process, LinkTarget::Tool(tools[tool]), flow).await?;
        }
    }
    for (code, other, why) in DEPENDENCIES {
        if let (Some(process), Some(other)) = (by_code(code), by_code(other)) {
            tool_store::link(change, process, LinkTarget::Process(other), why).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn staff_have_unique_emails_and_one_admin() {
        let staff: Vec<_> = (0..STAFF).map(staff_member).collect();
        let emails: HashSet<_> = staff.iter().map(|p| p.email.clone()).collect();
        assert_eq!(emails.len(), STAFF);
        let admins = staff.iter().filter(|p| p.role == Some(Role::Admin)).count();
        assert_eq!(admins, 1);
        assert_eq!(staff[0].login_subject.as_deref(), Some(ADMIN_SUBJECT));
    }
}

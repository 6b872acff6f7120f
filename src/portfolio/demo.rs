//! The portfolio of the demo organization: its hosted services, every process with an owner,
//! a complete RACI for the key processes, its tools and process map.

use entity::{Criticality, LifecycleStatus, Maturity, RaciRole, process, tool::ToolKind};
use sea_orm::QueryOrder;

use super::{
    process_map::store::{self as map_store, LinkTarget, LinkText, NewLink},
    processes::store::{self as process_store, ProcessPatch},
    raci::store::{self as raci_store, NewAssignment},
    services::store::{self as service_store, Availability, NewService},
    tools::store::{self as tool_store, NewTool},
};
use crate::{
    error::AppResult,
    store::{Change, Edit},
    tenancy::Scope,
    validation::{Line, Name, Text},
};

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
pub async fn load(change: &mut Change, staff: &[entity::person::Model]) -> AppResult<()> {
    let managers = &staff[1..=3];
    let owners = &staff[4..=15];
    let auditors = &staff[16..=19];
    let mut services = Vec::new();
    for (index, (name, customer, criticality, status, p1, availability)) in
        SERVICES.into_iter().enumerate()
    {
        let new = NewService {
            name: Name::parse("name", name)?,
            description: Text::parse(
                "description",
                &format!("{name}, delivered from the company's two data centres"),
            )?,
            customer: Line::parse("customer", customer)?,
            criticality,
            lifecycle_status: status,
            owner_id: Some(owners[index].id),
            restore_targets: service_store::restore_targets(vec![
                ("P1".into(), p1),
                ("P2".into(), p1 * 2),
                ("P3".into(), 1440),
            ])?,
            availability_target: Some(Availability::parse(availability)?),
        };
        services.push(service_store::create(change, new).await?.id);
    }
    let processes = Scope::from(change.actor())
        .select::<process::Entity>()
        .order_by_asc(process::Column::Id)
        .all(change.db())
        .await?;
    for (index, process) in processes.iter().enumerate() {
        let key = KEY_PROCESSES.contains(&process.code.as_str());
        let patch = ProcessPatch {
            owner_id: Some(Some(owners[index % owners.len()].id)),
            maturity: Some(if key {
                Maturity::Implemented
            } else {
                Maturity::Defined
            }),
            service_ids: key.then(|| services[..4].to_vec()),
            ..Default::default()
        };
        process_store::update(change, Edit::latest(process.id, patch)).await?;
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
                    responsibilities: Text::parse("responsibilities", responsibilities)?,
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
    let by_code = |code: &str| processes.iter().find(|p| p.code == code).map(|p| p.id);
    let mut tools = Vec::new();
    for (name, kind, vendor) in TOOLS {
        let new = NewTool {
            name: Name::parse("name", name)?,
            kind,
            vendor: Line::parse("vendor", vendor)?,
            url: None,
        };
        tools.push(tool_store::create(change, new).await?.id);
    }
    for (code, tool, flow) in TOOL_USES {
        if let Some(process) = by_code(code) {
            let link = NewLink {
                process_id: process,
                target: LinkTarget::Tool(tools[tool]),
                description: LinkText::parse("description", flow)?,
            };
            map_store::link(change, link).await?;
        }
    }
    for (code, other, why) in DEPENDENCIES {
        if let (Some(process), Some(other)) = (by_code(code), by_code(other)) {
            let link = NewLink {
                process_id: process,
                target: LinkTarget::Process(other),
                description: LinkText::parse("description", why)?,
            };
            map_store::link(change, link).await?;
        }
    }
    Ok(())
}

//! The service portfolio and the process landscape: services, the clause-8 process catalogue
//! and the organization's own processes, and who is responsible, accountable, consulted and
//! informed for each (RACI).

use sea_orm::EntityTrait;

pub mod catalogue;
pub mod demo;
pub mod people;
pub mod process_map;
pub mod processes;
pub mod raci;
pub mod readiness;
pub mod relations;
pub mod services;
pub mod tools;

crate::record!(service => "Service", versioned);
crate::record!(process => "Process", versioned);
crate::record!(raci_assignment => "RaciAssignment", versioned);
crate::record!(tool => "Tool", versioned);
crate::record!(process_link => "ProcessLink");
crate::tenant!(process_service);

/// Every organization starts with the clause-8 process catalogue.
pub async fn seed_organization(change: &mut crate::store::Change) -> crate::error::AppResult<()> {
    let processes = catalogue::processes(change.actor().organization_id, crate::store::now());
    entity::process::Entity::insert_many(
        processes
            .iter()
            .cloned()
            .map(entity::process::ActiveModel::from),
    )
    .exec_without_returning(change.db())
    .await?;
    for process in &processes {
        change
            .record::<entity::process::Entity>("process.create", None, Some(process))
            .await?;
    }
    Ok(())
}

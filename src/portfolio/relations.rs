//! The portfolio's relations, as its GraphQL fields load them.

use std::{collections::HashMap, sync::Arc};

use entity::{RaciRole, person, raci_assignment};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, QueryFilter};
use uuid::Uuid;

use crate::{
    graphql::{batch::BatchLoad, loaders::Loader},
    read_cache::weigh,
    tenancy::Scope,
};

crate::link_table!(
    /// The services a process applies to.
    ServicesOfProcess: process_service from ProcessId to service,
    |link| (link.process_id, link.service_id)
);
crate::link_table!(
    /// The processes that apply to a service.
    ProcessesOfService: process_service from ServiceId to process,
    |link| (link.service_id, link.process_id)
);
crate::grouping!(
    /// The RACI assignments of a process.
    RaciOfProcess: raci_assignment by ProcessId,
    |row| Some(row.process_id)
);
crate::grouping!(
    /// The RACI assignments of a person.
    RaciOfPerson: raci_assignment by PersonId,
    |row| Some(row.person_id)
);
crate::grouping!(
    /// The processes a person owns.
    ProcessesOfOwner: process by OwnerId,
    |row| row.owner_id
);
crate::grouping!(
    /// The services a person owns.
    ServicesOfOwner: service by OwnerId,
    |row| row.owner_id
);

/// The ACCOUNTABLE person of each process: the assignments joined with their people, in one
/// statement, so that the field costs neither a round for every assignment nor a second one
/// for the people.
pub struct AccountableOfProcess {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader for AccountableOfProcess {
    const NAME: &'static str = "AccountableOfProcess";
    fn new(db: &DatabaseConnection, scope: Scope) -> Self {
        Self {
            db: db.clone(),
            scope,
        }
    }
}

impl BatchLoad for AccountableOfProcess {
    type Value = Arc<person::Model>;

    fn weight(person: &Self::Value) -> usize {
        weigh(person.as_ref())
    }

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, DbErr> {
        Ok(self
            .scope
            .select::<raci_assignment::Entity>()
            .filter(raci_assignment::Column::RaciRole.eq(RaciRole::Accountable))
            .filter(raci_assignment::Column::ProcessId.is_in(keys.iter().copied()))
            .find_also_related(person::Entity)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|(assignment, person)| Some((assignment.process_id, Arc::new(person?))))
            .collect())
    }
}

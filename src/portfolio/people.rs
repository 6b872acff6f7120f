//! What the portfolio adds to a person: the processes and services they own and their parts in
//! processes. The portfolio owns these relations, so it contributes the fields; `people/` does
//! not know the portfolio exists.

use super::{
    processes::graphql::Process,
    raci::graphql::RaciAssignment,
    relations::{ProcessesOfOwner, RaciOfPerson, ServicesOfOwner},
    services::graphql::Service,
};
use crate::graphql::prelude::*;

/// A person's portfolio fields, flattened into `Person`.
pub struct PersonPortfolio(pub Uuid);

#[Object]
impl PersonPortfolio {
    /// Processes this person owns.
    #[graphql(complexity = "crate::graphql::cost::related_complexity(child_complexity)")]
    async fn owned_processes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Process>> {
        Ok(related_list::<GroupedBy<ProcessesOfOwner>, _, _>(ctx, self.0, Process).await?)
    }
    /// Services this person owns.
    #[graphql(complexity = "crate::graphql::cost::related_complexity(child_complexity)")]
    async fn owned_services(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Service>> {
        Ok(related_list::<GroupedBy<ServicesOfOwner>, _, _>(ctx, self.0, Service).await?)
    }
    /// This person's parts in processes.
    #[graphql(complexity = "crate::graphql::cost::related_complexity(child_complexity)")]
    async fn raci_assignments(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RaciAssignment>> {
        Ok(related_list::<GroupedBy<RaciOfPerson>, _, _>(ctx, self.0, RaciAssignment).await?)
    }
}

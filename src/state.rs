use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{auth::Authenticator, config::ServeConfig, events::EventBus, read_cache::ReadCache};

/// What every request can reach, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Committed changes, for subscriptions.
    pub bus: EventBus,
    /// Turns bearer tokens into actors.
    pub authenticator: Authenticator,
    /// Answers shared between requests while their organization's data stays the same.
    pub read_cache: Arc<ReadCache>,
    /// The latest readiness of the cycles someone subscribes to.
    pub readiness: Arc<crate::readiness::live::ReadinessHub>,
    /// The configuration the server started with.
    pub config: Arc<ServeConfig>,
}

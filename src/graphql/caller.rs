//! Who sends the operations of one HTTP request or WebSocket connection, and what their
//! GraphQL request data holds.

use async_graphql::{Data, Request, parser::types::OperationType};
use sea_orm::DatabaseConnection;

use std::sync::Arc;

use super::{loaders::Loaders, memo::Memo};
use crate::{auth::Authentication, read_cache::CachedReads, state::AppState, tenancy::Scope};

/// The caller of one or more operations: its credential's outcome and, while every operation
/// so far only read, the answers it may share with other requests.
pub struct Caller {
    db: DatabaseConnection,
    authentication: Authentication,
    cached_reads: Option<CachedReads>,
    /// Answers of whole-organization fields, shared by this caller's operations while they
    /// only read.
    memo: Arc<Memo>,
}

impl Caller {
    /// The caller of an HTTP request, checked just now: it may share answers read at the data
    /// version its credential check saw.
    pub fn new(state: &AppState, authentication: Authentication) -> Self {
        let cached_reads = match (authentication.actor(), authentication.data_version()) {
            (Ok(actor), Some(version)) => state.read_cache.reads(actor.organization_id, version),
            _ => None,
        };
        Self {
            db: state.db.clone(),
            authentication,
            cached_reads,
            memo: Arc::default(),
        }
    }

    /// A caller that reads everything from the database: a WebSocket's credential was checked
    /// at `connection_init`, and the data version it saw then is no bound on its later reads.
    pub fn uncached(state: &AppState, authentication: Authentication) -> Self {
        Self {
            db: state.db.clone(),
            authentication,
            cached_reads: None,
            memo: Arc::default(),
        }
    }

    /// Whether the credential was accepted.
    pub fn is_authenticated(&self) -> bool {
        self.authentication.actor().is_ok()
    }

    /// Gives `request` its data. A document with a mutation (or subscription) stops the
    /// sharing, for it and for every later operation of this caller: a mutation's answer, and
    /// what a batch reads after it, must show the change, which is newer than the version the
    /// credential check saw.
    pub fn prepare(&mut self, request: &mut Request) {
        if !reads_only(request) {
            self.cached_reads = None;
            // What this document and later ones read must show its change.
            self.memo = Arc::default();
        }
        request.data = self.request_data();
    }

    /// The per-request data every operation needs: the credential's outcome and, for an
    /// authenticated caller, the relation loaders scoped to its organization and the answers
    /// it may share.
    pub fn request_data(&self) -> Data {
        let mut data = Data::default();
        if let Ok(actor) = self.authentication.actor() {
            data.insert(Loaders::new(
                &self.db,
                Scope::from(actor),
                self.cached_reads.as_ref(),
            ));
            if let Some(cached_reads) = &self.cached_reads {
                data.insert(cached_reads.clone());
            }
        }
        data.insert(self.authentication.clone());
        data.insert(self.memo.clone());
        data
    }
}

/// Whether every operation of the (already parsed) document is a query.
fn reads_only(request: &mut Request) -> bool {
    request.parsed_query().is_ok_and(|document| {
        document
            .operations
            .iter()
            .all(|(_, operation)| operation.node.ty == OperationType::Query)
    })
}

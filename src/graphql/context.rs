use async_graphql::Context;

use crate::{
    auth::{Actor, Authentication},
    error::{AppError, AppResult},
    graphql::{
        batch::Batcher,
        connection::Reads,
        loaders::{Loader, Loaders},
    },
    state::AppState,
    tenancy::Scope,
};

/// What resolvers read from the request context.
pub trait ContextExt {
    /// The application state.
    fn state(&self) -> &AppState;
    /// The authenticated caller, or UNAUTHENTICATED.
    fn actor(&self) -> AppResult<&Actor>;
    /// The request's relation loaders, or UNAUTHENTICATED (no credential) or FORBIDDEN (one
    /// that may not read).
    fn loaders(&self) -> AppResult<&Loaders>;
    /// The request's relation loader `L`; refused like [`loaders`](Self::loaders).
    fn loader<L: Loader>(&self) -> AppResult<Batcher<L>> {
        Ok(self.loaders()?.get::<L>())
    }
    /// Where lists read: the database, and the read cache when this request may share answers.
    fn reads(&self) -> Reads<'_>;
    /// Runs a whole-organization root field once per request: the answer of `key` (the field
    /// and its arguments) if an operation of this caller already computed it.
    fn once<T, F>(
        &self,
        key: String,
        compute: F,
    ) -> impl std::future::Future<Output = AppResult<T>> + Send
    where
        T: Clone + Send + Sync + 'static,
        F: std::future::Future<Output = AppResult<T>> + Send;
    /// The caller's organization scope, or UNAUTHENTICATED.
    fn scope(&self) -> AppResult<Scope> {
        self.actor().map(Scope::from)
    }
}

impl ContextExt for Context<'_> {
    async fn once<T, F>(&self, key: String, compute: F) -> AppResult<T>
    where
        T: Clone + Send + Sync + 'static,
        F: std::future::Future<Output = AppResult<T>> + Send,
    {
        match self.data_opt::<std::sync::Arc<super::memo::Memo>>() {
            Some(memo) => memo.once(key, compute).await,
            None => compute.await,
        }
    }

    fn state(&self) -> &AppState {
        // The schema is only ever built with the state attached (`graphql::build`); the SDL-only
        // schema has no resolvers that run.
        self.data_unchecked::<AppState>()
    }

    fn reads(&self) -> Reads<'_> {
        Reads {
            db: &self.state().db,
            cache: self.data_opt(),
        }
    }

    fn loaders(&self) -> AppResult<&Loaders> {
        // Every relation field loads through here: a credential that may write but not read
        // (an API token without READ) sees the record its mutation changed, and nothing it
        // would reach from there.
        if !self.actor()?.may(crate::auth::Permission::Read) {
            return Err(AppError::Forbidden(
                "reading related records needs the READ scope; without it a payload shows the changed record only".into(),
            ));
        }
        self.data_opt::<Loaders>()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request without loaders")))
    }

    fn actor(&self) -> AppResult<&Actor> {
        match self.data_opt::<Authentication>() {
            Some(authentication) => authentication.actor(),
            None => Err(AppError::Unauthenticated("missing bearer token".into())),
        }
    }
}

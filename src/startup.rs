//! Building and running the server: connect, migrate, wire the state and router, bind. The
//! listener is bound in [`Application::build`], so tests use port 0 and read the real port.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use tokio::{net::TcpListener, sync::watch};

use crate::{
    auth::{Authenticator, jwt::JwtVerifier},
    config::{JwtAlgorithm, ServeConfig},
    db,
    events::EventBus,
    http::{self, Http},
    metrics::Metrics,
    read_cache::ReadCache,
    state::AppState,
};

/// A server, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
    metrics: Metrics,
    shutdown_timeout: Duration,
    /// Tells WebSockets that the server is stopping.
    shutdown: watch::Sender<bool>,
}

/// Installs the process-wide TLS crypto provider (ring, already in the build through the
/// database driver) that outgoing HTTPS (JWKS) uses. Idempotent.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Application {
    /// Connects to the database, applies migrations and binds the listener.
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        install_crypto_provider();
        let mut db = db::connect(&config.database).await?;
        db::migrate(&db).await?;
        let metrics = Metrics::default();
        metrics.count_statements(&mut db);
        if config.jwt.jwt_algorithm == JwtAlgorithm::Hs256 && config.jwt.jwt_secret.is_none() {
            tracing::warn!(
                data_dir = %config.database.data_dir.display(),
                "no JWT key configured: using the development secret in the data folder; set ISO20000_JWT_SECRET or an RS256/ES256 public key for production"
            );
        }
        let verifier = JwtVerifier::from_config(&config.jwt, &config.database.data_dir)?;
        let address = SocketAddr::new(config.server.host, config.server.port);
        let listener = TcpListener::bind(address).await.with_context(|| {
            format!(
                "cannot listen on {address}; is another server using it? choose one with --port"
            )
        })?;
        let (hits, misses) = metrics.read_cache_lookups();
        let state = AppState {
            authenticator: Authenticator::new(verifier, db.clone()),
            db,
            bus: EventBus::default(),
            read_cache: ReadCache::new(config.server.read_cache_bytes, hits, misses),
            readiness: Arc::default(),
            config: Arc::new(config),
        };
        // Both end with the runtime: they hold nothing a shutdown must flush.
        tokio::spawn(crate::events::bridge::run(
            state.db.clone(),
            state.bus.clone(),
        ));
        tokio::spawn(crate::readiness::live::run(state.clone()));
        let (shutdown, stopping) = watch::channel(false);
        let router = http::router(Http {
            schema: crate::schema::build(state.clone()),
            state: state.clone(),
            metrics: metrics.clone(),
            connections: http::ws::Registries::default(),
            persisted: http::persisted::PersistedQueries::default(),
            shutdown: stopping,
        });
        Ok(Self {
            listener,
            router,
            metrics,
            shutdown_timeout: state.config.server.shutdown_timeout,
            state,
            shutdown,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The router this server serves, to drive it without its listener (the fuzz target), so
    /// that what is driven is wired exactly as what is served.
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }

    /// The shared state (database, bus), e.g. for the demo loader.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes; then stops accepting, lets in-flight requests finish and
    /// closes WebSockets with 1001 (going away), for at most the configured shutdown timeout.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let shutdown = self.shutdown;
        let mut stopping = shutdown.subscribe();
        let server = axum::serve(self.listener, self.router).with_graceful_shutdown(async move {
            stop.await;
            tracing::info!("shutting down: finishing in-flight requests and closing WebSockets");
            let _ = shutdown.send(true);
        });
        let metrics = self.metrics;
        let drained = async move {
            server.await.context("server error")?;
            // Upgraded connections are not the server's to wait for: wait for their close frames.
            while metrics.open_websockets() > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            anyhow::Ok(())
        };
        let deadline = async move {
            let _ = stopping.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(self.shutdown_timeout).await;
        };
        tokio::select! {
            result = drained => result,
            () = deadline => {
                tracing::warn!("shutdown timeout reached; dropping remaining connections");
                Ok(())
            }
        }
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

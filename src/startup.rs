//! Assembling the service: settings → database → routes → a bound listener. `cli.rs` runs it;
//! tests build it on port 0 against their own database.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use sea_orm::DatabaseConnection;

use crate::actors::ActorTree;
use crate::config::Settings;
use crate::state::AppState;

/// How long in-flight requests get to finish after a shutdown signal.
const GRACEFUL_SHUTDOWN: Duration = Duration::from_secs(10);

pub struct Application {
    acceptor: TcpAcceptor,
    local_addr: SocketAddr,
    state: AppState,
    actors: ActorTree,
}

impl Application {
    /// Connect to the database, migrate it when asked, and bind the listener.
    pub async fn build(settings: Settings, migrate: bool) -> anyhow::Result<Self> {
        let db = crate::db::connect(&settings.database_url)
            .await
            .with_context(|| {
                format!(
                    "cannot open the database ({})",
                    redact_url(&settings.database_url)
                )
            })?;
        if migrate {
            crate::db::migrate_up(&db)
                .await
                .context("migrations failed")?;
        }
        Self::build_with_db(settings, db).await
    }

    pub async fn build_with_db(settings: Settings, db: DatabaseConnection) -> anyhow::Result<Self> {
        let acceptor = TcpListener::bind(settings.listen.clone())
            .into_acceptor()
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let local_addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .context("the listener has no socket address")?;
        let state = AppState::new(settings, db)?;
        let deps = crate::actors::TreeDeps {
            db: state.db.clone(),
            settings: state.settings.clone(),
            security: state.security.clone(),
            qq: state.qq.clone(),
            qq_unionid: state.qq_unionid.clone(),
            providers: state.providers.clone(),
            metrics: state.metrics.clone(),
            handles: state.actors.clone(),
            exchange: state.exchange.clone(),
            binder: state.binder.clone(),
        };
        let actors = ActorTree::start(crate::actors::children(&deps)?)
            .await
            .context("cannot start the actor tree")?;
        Ok(Self {
            acceptor,
            local_addr,
            state,
            actors,
        })
    }

    /// The address actually bound (tests bind port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serve until `shutdown` resolves; then answer `/readyz` 503 while still serving for the
    /// drain delay (`PASSPORT_SHUTDOWN_DRAIN_MS`), stop accepting, and let in-flight requests
    /// finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = crate::api::routes(self.state.clone());
        let draining = self.state.draining.clone();
        let drain = self.state.settings.http.drain;
        let shutdown = async move {
            shutdown.await;
            draining.store(true, std::sync::atomic::Ordering::SeqCst);
            if !drain.is_zero() {
                tracing::info!(
                    drain_ms = drain.as_millis() as u64,
                    "draining: /readyz answers 503, still serving until the listener closes"
                );
                tokio::time::sleep(drain).await;
            }
        };
        let served = crate::server::serve(
            self.acceptor,
            app,
            self.state.settings.http,
            shutdown,
            GRACEFUL_SHUTDOWN,
        )
        .await;
        // Then the actors: the dispatcher stops claiming, workers get their grace period.
        self.actors.shutdown().await;
        // Whatever this process still holds goes back to the queue now rather than when its
        // lease runs out.
        match crate::jobs::release(&self.state.db, &self.state.actors.job_owner, None).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "released unfinished jobs on shutdown"),
            Err(e) => tracing::warn!(error = %e, "cannot release unfinished jobs on shutdown"),
        }
        served
    }
}

/// Resolves on Ctrl-C or SIGTERM (what orchestrators send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}

/// A database URL fit for logs: the password (if any) replaced.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("REDACTED"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            super::redact_url("postgres://app:hunter2@db:5432/passport"),
            "postgres://app:REDACTED@db:5432/passport"
        );
        assert_eq!(
            super::redact_url("sqlite://var/passport.db?mode=rwc"),
            "sqlite://var/passport.db?mode=rwc"
        );
    }
}

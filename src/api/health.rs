//! Liveness and readiness for load balancers and orchestrators. Plain endpoints outside `/api`
//! and outside the client spec: operators call them, the frontend does not.

use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json};

use poem::{IntoResponse, Response, handler};
use serde_json::json;

use sea_orm::{DatabaseConnection, DbBackend};

use crate::api::error::ErrorBody;
use crate::jobs::queue_depth;
use crate::metrics::{Metrics, PoolUsage};
use crate::state::AppState;

/// A readiness probe must answer quickly even when the database hangs.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The process is up and serving HTTP. Never touches the database, so a database outage does not
/// get the process restarted in a loop.
#[handler]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The service can do its work: the database answers. 503 while it does not; recovers by itself
/// when it comes back (the pool reconnects on the next probe). 503 `shutting_down` for good once
/// a shutdown signal arrived.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return Json(ErrorBody::new("shutting_down", "服务正在重启，请稍后重试"))
            .with_status(StatusCode::SERVICE_UNAVAILABLE)
            .into_response();
    }
    let check = crate::db::check_ready(&state.db, &state.settings.database_url);
    match tokio::time::timeout(READY_TIMEOUT, check).await {
        Ok(Ok(())) => Json(json!({"status": "ready"})).into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed: database unreachable");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("readiness check timed out: database unreachable");
            unavailable()
        }
    }
}

fn unavailable() -> Response {
    Json(ErrorBody::new(
        "database_unavailable",
        "服务暂时不可用：数据库无法连接",
    ))
    .with_status(StatusCode::SERVICE_UNAVAILABLE)
    .into_response()
}

/// Prometheus metrics: the counters and histograms kept in memory, then the job queue and the
/// database pool read now (the queue query is skipped, not waited for, when the database hangs).
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    let mut text = state.metrics.render();
    if let Some(pool) = pool_usage(&state.db) {
        text.push_str(&Metrics::render_pool(&pool));
    }
    match tokio::time::timeout(READY_TIMEOUT, queue_depth::rows(&state.db)).await {
        Ok(Ok(rows)) => text.push_str(&Metrics::render_queue(&rows)),
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: cannot read the job queue"),
        Err(_) => tracing::warn!("metrics: reading the job queue timed out"),
    }
    text.with_content_type("text/plain; version=0.0.4; charset=utf-8")
        .into_response()
}

fn pool_usage(db: &DatabaseConnection) -> Option<PoolUsage> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            Some(PoolUsage {
                size: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            })
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            Some(PoolUsage {
                size: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            })
        }
        _ => None,
    }
}

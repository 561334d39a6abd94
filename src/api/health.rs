//! Liveness and readiness for load balancers and orchestrators. Plain endpoints outside `/api`
//! and outside the client spec: operators call them, the frontend does not.

use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{IntoResponse, Response, handler};
use serde_json::json;

use crate::api::error::ErrorBody;
use crate::startup::AppState;

/// A readiness probe must answer quickly even when the database hangs.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The process is up and serving HTTP. Never touches the database, so a database outage does not
/// get the process restarted in a loop.
#[handler]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The service can do its work: the database answers. 503 while it does not; recovers by itself
/// when it comes back (the pool reconnects on the next probe).
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
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

/// Prometheus counters.
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    state
        .metrics
        .render()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
        .into_response()
}

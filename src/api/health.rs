//! Liveness and readiness for load balancers and orchestrators. Plain endpoints outside `/api`
//! and outside the client spec: operators call them, the frontend does not.

use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json};

use poem::{IntoResponse, Response, handler};
use serde_json::json;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::api::error::ErrorBody;
use crate::metrics::{Metrics, PoolUsage, QueueRow};
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
    match tokio::time::timeout(READY_TIMEOUT, queue_rows(&state.db)).await {
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

const QUEUED_STATES: [&str; 3] = ["available", "retryable", "running"];

/// Queued jobs by kind and state, with the age of the oldest one already due.
async fn queue_rows(db: &DatabaseConnection) -> Result<Vec<QueueRow>, sea_orm::DbErr> {
    let now = chrono::Utc::now();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT kind, state, COUNT(*) AS n, \
             MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest \
             FROM jobs WHERE state IN ('available', 'retryable', 'running') \
             GROUP BY kind, state ORDER BY kind, state",
            vec![now.into()],
        ))
        .await?;
    // Every kind and state, zero included, so a graph never has gaps.
    let mut out: Vec<QueueRow> = crate::jobs::JobKind::ALL
        .into_iter()
        .flat_map(|kind| {
            QUEUED_STATES.into_iter().map(move |state| QueueRow {
                kind: kind.as_str().to_owned(),
                state: state.to_owned(),
                count: 0,
                oldest_age_secs: 0.0,
            })
        })
        .collect();
    for row in rows {
        let oldest: Option<chrono::DateTime<chrono::Utc>> =
            row.try_get("", "oldest").ok().flatten().or_else(|| {
                // SQLite hands an aggregate back as text.
                let text: Option<String> = row.try_get("", "oldest").ok().flatten();
                text.and_then(|t| {
                    chrono::DateTime::parse_from_rfc3339(&t)
                        .ok()
                        .or_else(|| {
                            chrono::DateTime::parse_from_str(
                                &format!("{t}+00:00"),
                                "%Y-%m-%d %H:%M:%S%.f%:z",
                            )
                            .ok()
                        })
                        .map(|d| d.with_timezone(&chrono::Utc))
                })
            });
        let kind: String = row.try_get("", "kind")?;
        let state: String = row.try_get("", "state")?;
        let count: i64 = row.try_get("", "n")?;
        let oldest_age_secs = oldest
            .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        match out.iter_mut().find(|r| r.kind == kind && r.state == state) {
            Some(r) => {
                r.count = count;
                r.oldest_age_secs = oldest_age_secs;
            }
            None => out.push(QueueRow {
                kind,
                state,
                count,
                oldest_age_secs,
            }),
        }
    }
    Ok(out)
}

//! The admin panel's QQ unionid back-fill: start a run (one background job, at most one live at
//! a time however many admins click) and read the latest run for the panel. The work itself is
//! `accounts::unionid_backfill::RunBackfill`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Statement, TransactionTrait, Value,
};

use super::AdminError;
use crate::accounts::unionid_backfill::{self as backfill, RunRecord};
use crate::audit::{self, Action};
use crate::entities::{audit_log, jobs as job_rows};
use crate::fault::Fault;
use crate::jobs::{self, Enqueued, JobKind, JobPayload, JobState, NewJob};

/// The audit action of a click.
pub const STARTED_ACTION: &str = "qq_unionid.backfill";

/// What a click did.
pub struct Started {
    pub job_id: i64,
    /// A run was already queued or running: that one is answered, no second was added.
    pub already_running: bool,
}

/// Queue a run, or find the live one. Audited as `qq_unionid.backfill` (with the job and
/// whether it was already running), in the transaction that queues it.
pub async fn start(
    db: &DatabaseConnection,
    admin_id: i64,
    now: DateTime<Utc>,
) -> Result<Started, AdminError> {
    let txn = db.begin().await?;
    let started = match jobs::enqueue(&txn, NewJob::qq_unionid_backfill(admin_id)).await? {
        Enqueued::Created(job_id) => Started {
            job_id,
            already_running: false,
        },
        Enqueued::Duplicate => {
            let row = txn
                .query_one_raw(Statement::from_sql_and_values(
                    txn.get_database_backend(),
                    "SELECT id FROM jobs WHERE unique_key = $1 \
                     AND state IN ('available', 'running', 'retryable')",
                    vec![Value::from(jobs::QQ_UNIONID_BACKFILL_KEY)],
                ))
                .await?
                .ok_or_else(|| Fault::Internal("the live back-fill job vanished".into()))?;
            Started {
                job_id: row.try_get("", "id")?,
                already_running: true,
            }
        }
    };
    audit::write(
        &txn,
        Action {
            actor_user_id: admin_id,
            action: STARTED_ACTION,
            target_type: backfill::AUDIT_TARGET_TYPE,
            target_id: started.job_id.to_string(),
            reason: None,
            details: Some(serde_json::json!({
                "job_id": started.job_id,
                "already_running": started.already_running,
            })),
            at: now,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(started)
}

/// The latest run, as the panel shows it.
#[derive(Clone, Debug)]
pub struct Run {
    pub job_id: i64,
    /// The job's state; `None` once the job row was pruned (the audit entry remains).
    pub job_state: Option<JobState>,
    pub requested_by: i64,
    pub queued_at: DateTime<Utc>,
    /// `None` until the job starts.
    pub record: Option<RunRecord>,
    /// The job's last error (a retried or discarded run).
    pub last_error: Option<String>,
    /// When the job ended (completed or discarded).
    pub finished_at: Option<DateTime<Utc>>,
}

/// The newest run: its job while the job row exists, else the audit entry its end wrote.
/// `None` when no run was ever made.
pub async fn latest(db: &DatabaseConnection) -> Result<Option<Run>, AdminError> {
    let job = job_rows::Entity::find()
        .filter(job_rows::Column::Kind.eq(JobKind::QqUnionidBackfill.as_str()))
        .order_by_desc(job_rows::Column::Id)
        .one(db)
        .await?;
    if let Some(job) = job {
        let payload: JobPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| Fault::Internal(format!("back-fill job {}: {e}", job.id)))?;
        let JobPayload::QqUnionidBackfill {
            requested_by,
            record,
        } = payload
        else {
            return Err(Fault::Internal(format!("job {} is not a back-fill", job.id)).into());
        };
        return Ok(Some(Run {
            job_id: job.id,
            job_state: JobState::parse(&job.state),
            requested_by,
            queued_at: job.created_at,
            finished_at: record
                .as_ref()
                .and_then(|r| r.finished_at)
                .or(job.finished_at),
            record,
            last_error: job.last_error,
        }));
    }
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(backfill::FINISHED_ACTION))
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await?;
    let Some(entry) = entry else {
        return Ok(None);
    };
    let details = entry.details.unwrap_or_default();
    let record: RunRecord = serde_json::from_value(details.clone())
        .map_err(|e| Fault::Internal(format!("audit entry {}: {e}", entry.id)))?;
    Ok(Some(Run {
        job_id: details["job_id"].as_i64().unwrap_or_default(),
        job_state: None,
        requested_by: entry.actor_user_id.unwrap_or_default(),
        queued_at: record.started_at,
        finished_at: record.finished_at,
        record: Some(record),
        last_error: None,
    }))
}

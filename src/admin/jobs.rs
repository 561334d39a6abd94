//! The job queue as the panel shows it: counts by state, the newest jobs (optionally of one
//! state) with their last error, and retry. Payloads are never shown (a mail's holds a reset
//! link); a token refresh shows its binding id.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::AdminError;
use crate::audit::{self, Action};
use crate::entities::jobs as job_rows;
use crate::jobs::{self, JobKind, JobState};

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;

pub struct JobPage {
    pub counts: BTreeMap<JobState, i64>,
    pub jobs: Vec<job_rows::Model>,
}

pub async fn list(
    db: &DatabaseConnection,
    state: Option<JobState>,
    page: u64,
    per_page: u64,
) -> Result<JobPage, AdminError> {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    // The API bounds `page`; the clamp keeps any other caller from reaching the database with an
    // offset it cannot bind (a 64-bit signed integer).
    let offset = page
        .max(1)
        .saturating_sub(1)
        .saturating_mul(per_page)
        .min(i64::MAX as u64);
    Ok(JobPage {
        counts: jobs::counts_by_state(db).await?,
        jobs: jobs::list(db, state, per_page, offset).await?,
    })
}

/// The binding a `qq_token_refresh` job is for.
pub fn binding_id(job: &job_rows::Model) -> Option<i64> {
    if JobKind::parse(&job.kind) == Some(JobKind::QqTokenRefresh) {
        job.payload.get("binding_id").and_then(|v| v.as_i64())
    } else {
        None
    }
}

/// Put a discarded or retryable job back in the queue now, and audit it.
pub async fn retry(
    db: &DatabaseConnection,
    admin_id: i64,
    job_id: i64,
    now: DateTime<Utc>,
) -> Result<job_rows::Model, AdminError> {
    let txn = db.begin().await?;
    let before = jobs::get(&txn, job_id).await?;
    match jobs::retry(&txn, job_id).await {
        Ok(()) => {}
        Err(jobs::JobError::NotFound | jobs::JobError::SealedPayloadCleared) => {
            return Err(AdminError::JobNotRetryable);
        }
        Err(e) => return Err(e.into()),
    }
    audit::write(
        &txn,
        Action {
            actor_user_id: admin_id,
            action: "job.retry",
            target_type: "job",
            target_id: job_id.to_string(),
            reason: None,
            details: Some(serde_json::json!({
                "kind": before.kind,
                "previous_state": before.state,
                "previous_attempt": before.attempt,
            })),
            at: now,
        },
    )
    .await?;
    let after = jobs::get(&txn, job_id).await?;
    txn.commit().await?;
    Ok(after)
}

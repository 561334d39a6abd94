//! The job queue as the panel shows it: counts by state, the newest jobs (optionally of one
//! state) with their last error, and retry. Payloads are never shown (a mail's holds a reset
//! link); a token refresh shows its binding id.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::{AdminError, job_subjects};
use crate::audit::{self, Action};
use crate::crypto::TokenCipher;
use crate::entities::jobs as job_rows;
use crate::jobs::{self, JobKind, JobState};

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;

pub struct JobPage {
    pub counts: BTreeMap<JobState, i64>,
    pub jobs: Vec<JobEntry>,
}

/// A job as the panel shows it: its row (whose payload is never shown) and what it is for.
pub struct JobEntry {
    pub row: job_rows::Model,
    /// In Chinese, never a secret (see [`super::job_subjects`]).
    pub subject: Option<String>,
}

/// The counts by state and one page of the newest jobs (of `state`, or all), with their
/// subjects (sealed payloads are opened with `cipher` to name their recipient, masked).
pub async fn list(
    db: &DatabaseConnection,
    cipher: &TokenCipher,
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
    let counts = jobs::counts_by_state(db).await?;
    let rows = jobs::list(db, state, per_page, offset).await?;
    Ok(JobPage {
        counts,
        jobs: with_subjects(db, cipher, rows).await?,
    })
}

async fn with_subjects(
    db: &DatabaseConnection,
    cipher: &TokenCipher,
    rows: Vec<job_rows::Model>,
) -> Result<Vec<JobEntry>, AdminError> {
    let subjects = job_subjects::subjects(db, cipher, &rows).await?;
    Ok(rows
        .into_iter()
        .zip(subjects)
        .map(|(row, subject)| JobEntry { row, subject })
        .collect())
}

/// The binding a `qq_token_refresh` or `wechat_token_refresh` job is for.
pub fn binding_id(job: &job_rows::Model) -> Option<i64> {
    if matches!(
        JobKind::parse(&job.kind),
        Some(JobKind::QqTokenRefresh | JobKind::WechatTokenRefresh)
    ) {
        job.payload.get("binding_id").and_then(|v| v.as_i64())
    } else {
        None
    }
}

/// Put a discarded or retryable job back in the queue now, and audit it; the job as it is now.
pub async fn retry(
    db: &DatabaseConnection,
    cipher: &TokenCipher,
    admin_id: i64,
    job_id: i64,
    now: DateTime<Utc>,
) -> Result<JobEntry, AdminError> {
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
    let mut entries = with_subjects(db, cipher, vec![after]).await?;
    entries.pop().ok_or(AdminError::JobNotFound)
}

//! QQ unionid back-fill (`passport qq backfill-unionid`). QQ grants an app the unionid
//! permission per developer account, often years after the app went live, so the bindings made
//! before hold no unionid. This walks them, asks QQ's `/oauth2.0/me?unionid=1` with each stored
//! access token, and stores the unionid: a QQ login through another app of the same developer
//! (whose openid differs) then finds the account by unionid (see `social_login::find_bound`).
//!
//! - Rate-limited (QQ counts calls per app): at most `rate` calls a second.
//! - Resumable: each binding is one short UPDATE (`… WHERE unionid IS NULL`), and a run walks
//!   the bindings without unionid by id from `after_id`, so a stopped run picks up where it
//!   ended by simply running again (or from the last id it printed).
//! - Dead tokens are skipped without a call when expired by our records, and counted when QQ
//!   refuses them: such a binding gets its unionid at the user's next QQ login instead.
//! - An app without the permission stops the run at the first call (QQ 100048): nothing to do
//!   until QQ grants it.
//!
//! The admin panel's "补全 unionid" runs the same walk as a job ([`RunBackfill`], one live run at
//! a time), which records its progress and outcome ([`RunRecord`]) in the job's payload and,
//! once it ends, in the audit log (`qq_unionid.backfill_finished`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, TransactionTrait,
};
use tokio::sync::watch;

use super::qq_refresher::RateLimiter;
use crate::audit;
use crate::crypto::{TokenCipher, TokenField};
use crate::db::UniqueKey;
use crate::entities::social_bindings;
use crate::jobs::{
    self, Job, JobKind, JobPayload, Perform, PerformError, PerformFuture, Performed,
};
use crate::qq::client::{QqClient, QqError};

/// How many bindings one read fetches.
const PAGE: u64 = 200;

/// What one run did, binding by binding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BackfillReport {
    /// Bindings without a unionid looked at.
    pub scanned: u64,
    /// Unionids stored.
    pub filled: u64,
    /// Skipped: the stored access token has expired by our records (no call made).
    pub expired: u64,
    /// Skipped: QQ refused the stored access token (revoked, expired early).
    pub refused: u64,
    /// Skipped: another binding already holds this unionid (one person bound to two accounts
    /// through two apps); left for an admin to sort out, never merged silently.
    pub conflicts: u64,
    /// Skipped: QQ answered for another openid than the binding's (a token of another app).
    pub mismatched: u64,
    /// Skipped: QQ failed or could not be read; running again retries them.
    pub failed: u64,
    /// The highest binding id looked at: `--after-id` resumes after it.
    pub last_id: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackfillError {
    #[error(
        "the QQ app has no unionid permission yet (QQ 100048): apply for it on QQ Connect first"
    )]
    NotPermitted,
    #[error("QQ refused our app credentials: {0}")]
    Misconfigured(QqError),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

pub struct BackfillOptions {
    /// QQ calls per second at most.
    pub rate: u32,
    /// Start after this binding id (0: from the first).
    pub after_id: i64,
    /// Stop after looking at this many bindings (`None`: all).
    pub limit: Option<u64>,
}

/// Walk the bindings without a unionid and store what QQ says. `progress` is called after
/// each page with the report so far (the CLI prints it, so a stopped run can resume).
pub async fn backfill_unionids(
    db: &DatabaseConnection,
    qq: &QqClient,
    cipher: &TokenCipher,
    options: &BackfillOptions,
    now: impl Fn() -> DateTime<Utc>,
    mut progress: impl FnMut(&BackfillReport),
) -> Result<BackfillReport, BackfillError> {
    let limiter = RateLimiter::per_second(options.rate);
    let mut report = BackfillReport {
        last_id: options.after_id,
        ..BackfillReport::default()
    };
    loop {
        let left = options.limit.map(|l| l.saturating_sub(report.scanned));
        if left == Some(0) {
            break;
        }
        let page = social_bindings::Entity::find()
            .filter(social_bindings::Column::Unionid.is_null())
            .filter(social_bindings::Column::Provider.eq(crate::oauth::ProviderKind::Qq.as_str()))
            .filter(social_bindings::Column::Id.gt(report.last_id))
            .order_by_asc(social_bindings::Column::Id)
            .limit(left.map_or(PAGE, |l| l.min(PAGE)))
            .all(db)
            .await?;
        if page.is_empty() {
            break;
        }
        for binding in page {
            report.scanned += 1;
            report.last_id = binding.id;
            if binding.token_expires_at <= now() {
                report.expired += 1;
                continue;
            }
            let access = match cipher.decrypt(
                TokenField::QqAccessToken,
                &binding.subject,
                &binding.access_token_enc,
            ) {
                Ok(token) => token,
                Err(e) => {
                    tracing::warn!(binding_id = binding.id, error = %e, "cannot open the stored access token");
                    report.failed += 1;
                    continue;
                }
            };
            limiter.acquire().await;
            let me = match qq.openid(&access, true).await {
                Ok(me) => me,
                Err(QqError::UnionidNotPermitted) => return Err(BackfillError::NotPermitted),
                Err(e) if e.needs_relogin() => {
                    report.refused += 1;
                    continue;
                }
                Err(e) if e.is_config_error() => return Err(BackfillError::Misconfigured(e)),
                Err(e) => {
                    tracing::warn!(binding_id = binding.id, error = %e, "QQ failed; run again to retry this binding");
                    report.failed += 1;
                    continue;
                }
            };
            let Some(unionid) = me.unionid.filter(|u| !u.is_empty()) else {
                report.failed += 1;
                continue;
            };
            if me.openid != binding.subject {
                report.mismatched += 1;
                continue;
            }
            let stored = social_bindings::Entity::update_many()
                .col_expr(social_bindings::Column::Unionid, Expr::value(Some(unionid)))
                .filter(social_bindings::Column::Id.eq(binding.id))
                .filter(social_bindings::Column::Unionid.is_null())
                .exec(db)
                .await;
            match stored {
                // 0 rows: a login stored it meanwhile, or the binding is gone.
                Ok(done) => report.filled += done.rows_affected,
                Err(e) if UniqueKey::violated(&e) == Some(UniqueKey::BindingUnionid) => {
                    tracing::warn!(
                        binding_id = binding.id,
                        "another binding already holds this QQ user's unionid; left as is"
                    );
                    report.conflicts += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
        progress(&report);
    }
    Ok(report)
}

/// The default pace: well under QQ's per-app quota, and a few thousand bindings an hour.
pub const DEFAULT_RATE: u32 = 5;

impl BackfillReport {
    /// `earlier`'s counts and `later`'s (a run resumed after `earlier.last_id`).
    fn after(earlier: &Self, later: &Self) -> Self {
        Self {
            scanned: earlier.scanned + later.scanned,
            filled: earlier.filled + later.filled,
            expired: earlier.expired + later.expired,
            refused: earlier.refused + later.refused,
            conflicts: earlier.conflicts + later.conflicts,
            mismatched: earlier.mismatched + later.mismatched,
            failed: earlier.failed + later.failed,
            last_id: later.last_id.max(earlier.last_id),
        }
    }
}

/// How a back-fill run (the admin action's job) stands or ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Still walking the bindings.
    Running,
    /// Every binding without a unionid was looked at.
    Completed,
    /// QQ has not granted the app the unionid permission (QQ 100048): nothing to do until it does.
    NotPermitted,
    /// QQ refused the app's credentials: the configuration needs fixing first.
    Misconfigured,
}

/// A run of the admin action, as its job records it (in the job's payload) and as the audit
/// entry `qq_unionid.backfill_finished` keeps it once it ends.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunRecord {
    pub outcome: RunOutcome,
    pub started_at: DateTime<Utc>,
    /// When it ended (`None` while running).
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    pub report: BackfillReport,
    /// Why it stopped early, in Chinese, for the panel.
    #[serde(default)]
    pub message: Option<String>,
}

/// What the panel shows when QQ has not granted the unionid permission.
pub const NOT_PERMITTED_MESSAGE: &str = "QQ 尚未给本应用开通 unionid 权限（QQ 错误 100048）：\
     请先在 QQ 互联管理中心申请，开通后再补全。";
/// What the panel shows when QQ refuses the app's credentials.
pub const MISCONFIGURED_MESSAGE: &str =
    "QQ 拒绝了本应用的凭据：请检查 QQ 互联应用的 ID 与密钥配置后再补全。";

/// The audit action a finished run writes (its record as the details; the admin who asked as
/// the actor).
pub const FINISHED_ACTION: &str = "qq_unionid.backfill_finished";
/// Audit entries of runs are about the job (`target_type`), by its id.
pub const AUDIT_TARGET_TYPE: &str = "job";

/// The `qq_unionid_backfill` job: one whole run at the default rate, recording its progress in
/// the job's payload after each page, so the panel can show it and a stopped run (a restart,
/// a lost lease) resumes after the last binding it looked at with the counts so far. An app
/// without the permission, or with credentials QQ refuses, ends the job (completed, the reason
/// in the record) instead of retrying what cannot succeed; only database trouble retries.
pub struct RunBackfill {
    pub db: DatabaseConnection,
    pub qq: Arc<QqClient>,
    pub cipher: Arc<TokenCipher>,
    /// QQ calls per second ([`DEFAULT_RATE`] in the service).
    pub rate: u32,
}

impl Perform for RunBackfill {
    const KIND: JobKind = JobKind::QqUnionidBackfill;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::QqUnionidBackfill {
                requested_by,
                record,
            } = job.decode()?
            else {
                return Err(PerformError::permanent("not a unionid back-fill payload"));
            };
            let before = record.as_ref().map(|r| r.report).unwrap_or_default();
            let started_at = record.map_or_else(jobs::now, |r| r.started_at);
            let running = |report: BackfillReport| RunRecord {
                outcome: RunOutcome::Running,
                started_at,
                finished_at: None,
                report,
                message: None,
            };
            self.write(job, requested_by, &running(before)).await?;

            let options = BackfillOptions {
                rate: self.rate,
                after_id: before.last_id,
                limit: None,
            };
            let (progress, mut updates) = watch::channel(before);
            let run = async move {
                backfill_unionids(
                    &self.db,
                    &self.qq,
                    &self.cipher,
                    &options,
                    jobs::now,
                    move |so_far| {
                        progress.send_replace(BackfillReport::after(&before, so_far));
                    },
                )
                .await
            };
            // Writes the progress while the run goes on; ends when the run drops its sender.
            let record_progress = async {
                while updates.changed().await.is_ok() {
                    let so_far = *updates.borrow_and_update();
                    if let Err(e) = self.write(job, requested_by, &running(so_far)).await {
                        tracing::warn!(job_id = job.id, error = %e.message, "cannot record the back-fill's progress");
                    }
                }
            };
            let (result, ()) = tokio::join!(run, record_progress);
            let so_far = *updates.borrow();
            let finished = |outcome, report, message: Option<&str>| RunRecord {
                outcome,
                started_at,
                finished_at: Some(jobs::now()),
                report,
                message: message.map(str::to_owned),
            };
            let record = match result {
                Ok(report) => finished(
                    RunOutcome::Completed,
                    BackfillReport::after(&before, &report),
                    None,
                ),
                Err(BackfillError::NotPermitted) => finished(
                    RunOutcome::NotPermitted,
                    so_far,
                    Some(NOT_PERMITTED_MESSAGE),
                ),
                Err(BackfillError::Misconfigured(e)) => {
                    tracing::warn!(job_id = job.id, error = %e, "QQ refused our app credentials; the back-fill ends");
                    finished(
                        RunOutcome::Misconfigured,
                        so_far,
                        Some(MISCONFIGURED_MESSAGE),
                    )
                }
                Err(BackfillError::Database(e)) => {
                    // The progress so far is recorded: the retry resumes after it.
                    return Err(PerformError::retry(format!("database: {e}")));
                }
            };
            let txn = self.db.begin().await.map_err(retry)?;
            write_record(&txn, job, requested_by, &record).await?;
            audit::write(
                &txn,
                audit::Action {
                    actor_user_id: requested_by,
                    action: FINISHED_ACTION,
                    target_type: AUDIT_TARGET_TYPE,
                    target_id: job.id.to_string(),
                    reason: None,
                    details: Some(audit_details(job.id, &record)),
                    at: jobs::now(),
                },
            )
            .await
            .map_err(retry)?;
            txn.commit().await.map_err(retry)?;
            tracing::info!(job_id = job.id, outcome = ?record.outcome, report = ?record.report, "QQ unionid back-fill ended");
            Ok(Performed::DONE)
        })
    }
}

impl RunBackfill {
    async fn write(
        &self,
        job: &Job,
        requested_by: i64,
        record: &RunRecord,
    ) -> Result<(), PerformError> {
        write_record(&self.db, job, requested_by, record).await
    }
}

fn retry(e: DbErr) -> PerformError {
    PerformError::retry(format!("database: {e}"))
}

/// The details of a finished run's audit entry: the job and its record.
pub fn audit_details(job_id: i64, record: &RunRecord) -> serde_json::Value {
    let mut details = serde_json::to_value(record).unwrap_or_default();
    if let Some(map) = details.as_object_mut() {
        map.insert("job_id".into(), job_id.into());
    }
    details
}

/// Store `record` in the job's payload while this process still holds the job.
async fn write_record<C: ConnectionTrait>(
    conn: &C,
    job: &Job,
    requested_by: i64,
    record: &RunRecord,
) -> Result<(), PerformError> {
    let payload = serde_json::to_value(JobPayload::QqUnionidBackfill {
        requested_by,
        record: Some(record.clone()),
    })
    .map_err(|e| PerformError::permanent(e.to_string()))?;
    conn.execute_raw(Statement::from_sql_and_values(
        conn.get_database_backend(),
        "UPDATE jobs SET payload = $1 WHERE id = $2 AND state = 'running' AND lease_owner = $3",
        vec![
            payload.into(),
            job.id.into(),
            job.lease_owner.as_str().into(),
        ],
    ))
    .await
    .map_err(retry)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_run_adds_its_counts_to_the_earlier_ones() {
        let earlier = BackfillReport {
            scanned: 3,
            filled: 1,
            expired: 1,
            refused: 1,
            last_id: 40,
            ..BackfillReport::default()
        };
        let later = BackfillReport {
            scanned: 2,
            filled: 2,
            last_id: 57,
            ..BackfillReport::default()
        };
        let both = BackfillReport::after(&earlier, &later);
        assert_eq!((both.scanned, both.filled, both.expired), (5, 3, 1));
        assert_eq!(both.last_id, 57);
        // Nothing looked at since: the resume point stays.
        let idle = BackfillReport {
            last_id: 40,
            ..BackfillReport::default()
        };
        assert_eq!(BackfillReport::after(&earlier, &idle).last_id, 40);
    }

    #[test]
    fn the_job_payload_carries_its_record_once_it_started() {
        let queued = crate::jobs::NewJob::qq_unionid_backfill(7);
        assert_eq!(queued.unique_key.as_deref(), Some("qq_unionid_backfill"));
        assert_eq!(
            serde_json::to_value(&queued.payload).expect("json"),
            serde_json::json!({"kind": "qq_unionid_backfill", "requested_by": 7})
        );
        let started = JobPayload::QqUnionidBackfill {
            requested_by: 7,
            record: Some(RunRecord {
                outcome: RunOutcome::NotPermitted,
                started_at: jobs::now(),
                finished_at: Some(jobs::now()),
                report: BackfillReport::default(),
                message: Some(NOT_PERMITTED_MESSAGE.to_owned()),
            }),
        };
        let json = serde_json::to_value(&started).expect("json");
        assert_eq!(json["record"]["outcome"], "not_permitted");
        assert_eq!(
            serde_json::from_value::<JobPayload>(json).expect("back"),
            started
        );
    }
}

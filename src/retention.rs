//! How long short-lived rows are kept, and the pruning that enforces it (run by the `pruner`
//! actor every `PASSPORT_PRUNE_INTERVAL_SECS`):
//!
//! | table | kept until | setting (hours) |
//! |---|---|---|
//! | `rate_limits` | the window started this long ago | `PASSPORT_RETENTION_RATE_LIMITS_HOURS` (48) |
//! | `pending_identities` | this long after it expired | `PASSPORT_RETENTION_PENDING_QQ_HOURS` (24) |
//! | `sms_codes` | this long after it expired | `PASSPORT_RETENTION_SMS_CODES_HOURS` (24) |
//! | `password_resets`, `email_verifications` | this long after it expired | `PASSPORT_RETENTION_PASSWORD_RESETS_HOURS` (168) |
//! | `jobs` (discarded) | this long after it was given up | `PASSPORT_RETENTION_DISCARDED_JOBS_HOURS` (720) |
//! | `used_login_states`, `callback_replays` | they expire (the state's 10 minutes, the retry's 30 s) | – |
//!
//! A pending QQ identity holds encrypted QQ tokens: they are wiped when it is consumed (in the
//! same transaction as the bind or registration) and, by each pass, as soon as it has expired,
//! long before the row itself goes.
//!
//! Deletes go in batches of [`BATCH`] rows (each its own short statement, so no pass holds locks
//! for long), and every statement is safe to run from several instances at once: a row another
//! instance deleted first is simply not counted again.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};

/// Rows deleted per statement.
pub const BATCH: u64 = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionSettings {
    /// Time between two pruning passes of one instance. `PASSPORT_PRUNE_INTERVAL_SECS`, default
    /// 10 minutes.
    pub interval: Duration,
    pub rate_limits: Duration,
    pub pending_qq: Duration,
    pub sms_codes: Duration,
    pub password_resets: Duration,
    pub discarded_jobs: Duration,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        let hours = |h: u64| Duration::from_secs(h * 3600);
        Self {
            interval: Duration::from_secs(600),
            rate_limits: hours(48),
            pending_qq: hours(24),
            sms_codes: hours(24),
            password_resets: hours(168),
            discarded_jobs: hours(720),
        }
    }
}

/// What one pass removed (rows) and wiped (pending identities' tokens).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub rate_limits: u64,
    pub pending_tokens_wiped: u64,
    pub pending_qq: u64,
    pub sms_codes: u64,
    pub password_resets: u64,
    pub email_verifications: u64,
    pub discarded_jobs: u64,
    /// Spent login states and callback replay entries past their expiry (refused as expired
    /// anyway; the login path leaves them to this pass).
    pub login_states: u64,
    pub callback_replays: u64,
}

impl Pruned {
    pub fn total(&self) -> u64 {
        self.rate_limits
            + self.pending_tokens_wiped
            + self.pending_qq
            + self.sms_codes
            + self.password_resets
            + self.email_verifications
            + self.discarded_jobs
            + self.login_states
            + self.callback_replays
    }
}

/// One pruning pass at `now`.
pub async fn prune<C: ConnectionTrait>(
    db: &C,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
) -> Result<Pruned, DbErr> {
    let before = |d: Duration| now - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    let rate_cutoff = (now.timestamp()).saturating_sub(settings.rate_limits.as_secs() as i64);
    Ok(Pruned {
        rate_limits: in_batches(
            db,
            "DELETE FROM rate_limits WHERE (key, window_start) IN \
             (SELECT key, window_start FROM rate_limits WHERE window_start < $1 LIMIT $2)",
            rate_cutoff.into(),
        )
        .await?,
        pending_tokens_wiped: wipe_expired_pending_tokens(db, now).await?,
        pending_qq: in_batches(
            db,
            &expired("pending_identities", "id"),
            before(settings.pending_qq).into(),
        )
        .await?,
        sms_codes: in_batches(
            db,
            &expired("sms_codes", "id"),
            before(settings.sms_codes).into(),
        )
        .await?,
        password_resets: in_batches(
            db,
            &expired("password_resets", "id"),
            before(settings.password_resets).into(),
        )
        .await?,
        // Verification links are mailed links like resets: the same retention.
        email_verifications: in_batches(
            db,
            &expired("email_verifications", "id"),
            before(settings.password_resets).into(),
        )
        .await?,
        discarded_jobs: in_batches(
            db,
            "DELETE FROM jobs WHERE id IN \
             (SELECT id FROM jobs WHERE state = 'discarded' AND finished_at < $1 LIMIT $2)",
            before(settings.discarded_jobs).into(),
        )
        .await?,
        login_states: in_batches(db, &expired("used_login_states", "nonce_hash"), now.into())
            .await?,
        callback_replays: in_batches(db, &expired("callback_replays", "nonce_hash"), now.into())
            .await?,
    })
}

/// The encrypted tokens of pending identities that expired unconsumed (consumed ones were wiped
/// when they were taken).
async fn wipe_expired_pending_tokens<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    in_batches(
        db,
        "UPDATE pending_identities SET access_token_enc = '', refresh_token_enc = NULL \
         WHERE id IN (SELECT id FROM pending_identities \
         WHERE (expires_at < $1 OR consumed_at IS NOT NULL) \
         AND (access_token_enc <> '' OR refresh_token_enc IS NOT NULL) LIMIT $2)",
        now.into(),
    )
    .await
}

/// The batched delete of `table`'s rows (keyed by `key`) whose `expires_at` is before `$1`.
fn expired(table: &str, key: &str) -> String {
    format!(
        "DELETE FROM {table} WHERE {key} IN \
         (SELECT {key} FROM {table} WHERE expires_at < $1 LIMIT $2)"
    )
}

/// Run `sql` (`$1` = the cutoff, `$2` = the batch size) until a batch comes back short.
async fn in_batches<C: ConnectionTrait>(db: &C, sql: &str, cutoff: Value) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let mut total = 0;
    loop {
        let done = db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [cutoff.clone(), (BATCH as i64).into()],
            ))
            .await?
            .rows_affected();
        total += done;
        if done < BATCH {
            return Ok(total);
        }
        // Let other writers in between two batches.
        tokio::task::yield_now().await;
    }
}

//! Keeping stored QQ tokens fresh (journey 8): find the bindings whose access token expires
//! soon, queue one refresh job each (spread over time, one live job per binding even with
//! several instances), and run a refresh: QQ's refresh grant, then a compare-and-swap on the
//! binding's `token_version` so a concurrent refresh or login is never overwritten.

use chrono::{DateTime, Utc};
use rand::Rng as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityName, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait, UpdateMany,
};

use super::token_events::{self, TokenEventKind};
use crate::config::RefreshSettings;
use crate::crypto::{TokenCipher, TokenField};
use crate::entities::social_bindings;
use crate::jobs::{self, Enqueued, NewJob};
use crate::qq::client::{QqClient, QqError};

/// How long one refresher may hold a binding (longer than the QQ client's whole timeout).
pub const REFRESH_LEASE: chrono::Duration = chrono::Duration::seconds(60);

/// The `refresh_error` prefix of a binding whose stored token no configured key can open.
pub const UNDECRYPTABLE: &str = "token_undecryptable";

/// The `refresh_error` prefix of a binding whose refresher died mid-call (see
/// [`RefreshOutcome::Interrupted`]).
pub const INTERRUPTED: &str = "refresh_interrupted";

/// How many due bindings one scan queues at most (the next scan takes the rest).
pub const SCAN_BATCH: u64 = 5_000;

/// Queue a refresh for every binding due within `settings.ahead`, at a random moment within
/// `settings.spread`. Served by the `(refresh_status, token_expires_at)` index: the work grows
/// with the bindings due, not with all bindings. Returns how many jobs were new.
pub async fn schedule_due(
    db: &DatabaseConnection,
    settings: &RefreshSettings,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let cutoff = now + settings.ahead;
    // Bindings that already have a live refresh job are left out here, not by a conflicting
    // insert per binding: a scan that finds thousands due, most of them queued by the previous
    // scan, costs one query (a probe of `ux_jobs_unique_key_live` per binding), not thousands
    // of inserts on the database's one writer. The unique key still guards the race.
    let no_live_job = Expr::cust(format!(
        "NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.unique_key = '{REFRESH_KEY_PREFIX}' || {}.id \
         AND jobs.state IN ('available', 'running', 'retryable'))",
        social_bindings::Entity.table_name()
    ));
    let due: Vec<i64> = social_bindings::Entity::find()
        .select_only()
        .column(social_bindings::Column::Id)
        .filter(social_bindings::Column::RefreshStatus.eq("ok"))
        .filter(social_bindings::Column::Provider.eq(crate::oauth::ProviderKind::Qq.as_str()))
        .filter(social_bindings::Column::TokenExpiresAt.lt(cutoff))
        .filter(no_live_job)
        .order_by_asc(social_bindings::Column::TokenExpiresAt)
        .limit(SCAN_BATCH)
        .into_tuple()
        .all(db)
        .await?;
    let spread_ms = settings.spread.as_millis().min(i64::MAX as u128) as i64;
    let mut queued = 0;
    // One transaction per chunk, not one commit per job: a scan that finds thousands due
    // costs a few commits. A chunk that fails rolls back alone; the next scan queues it.
    for chunk in due.chunks(ENQUEUE_CHUNK) {
        let txn = db.begin().await?;
        for &id in chunk {
            let delay = if spread_ms > 0 {
                rand::rng().random_range(0..spread_ms)
            } else {
                0
            };
            let job = NewJob::qq_token_refresh(id)
                .unique_key(refresh_key(id))
                .run_at(now + chrono::Duration::milliseconds(delay));
            match jobs::enqueue(&txn, job).await {
                Ok(Enqueued::Created(_)) => queued += 1,
                Ok(_) => {}
                Err(e) => return Err(DbErr::Custom(format!("cannot queue a refresh: {e}"))),
            }
        }
        txn.commit().await?;
    }
    Ok(queued)
}

/// Refresh jobs queued per transaction by [`schedule_due`].
const ENQUEUE_CHUNK: usize = 500;

/// At most one live refresh job per binding.
pub fn refresh_key(binding_id: i64) -> String {
    format!("{REFRESH_KEY_PREFIX}{binding_id}")
}

/// [`refresh_key`] without the binding id.
const REFRESH_KEY_PREFIX: &str = "qq_token_refresh:";

#[derive(Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// New tokens stored.
    Refreshed,
    /// Someone else (a login, another refresher) changed the tokens meanwhile; theirs stand.
    Superseded,
    /// QQ refused the refresh token: the binding is marked `refresh_failed`.
    Failed { qq_code: Option<i64> },
    /// The binding is gone (unbound) or no longer refreshable.
    Skipped,
    /// Another refresher holds the binding's lease and is calling QQ until `until`.
    Held { until: DateTime<Utc> },
    /// A refresher died after handing the refresh token to QQ: the binding is marked
    /// `refresh_failed` ([`INTERRUPTED`]) without sending the token again.
    Interrupted,
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// Worth retrying later: QQ down, slow or odd; the database unreachable.
    #[error("transient: {0}")]
    Transient(String),
    /// Retrying cannot help (corrupt ciphertext, wrong key).
    #[error("permanent: {0}")]
    Permanent(String),
}

impl From<DbErr> for RefreshError {
    fn from(e: DbErr) -> Self {
        Self::Transient(format!("database: {e}"))
    }
}

/// Refresh one binding's tokens through QQ's refresh grant.
pub async fn refresh_binding(
    db: &DatabaseConnection,
    qq: &QqClient,
    cipher: &TokenCipher,
    binding_id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, RefreshError> {
    // QQ rotates refresh tokens: once one has been handed to QQ it must never be sent again,
    // by this instance or another. Take the binding's refresh lease and record that intent
    // (the token version being sent) in one committed statement before the call, which also
    // reads the binding: only where no intent for its current tokens is recorded (an intent of
    // an older version, before a login stored new tokens, is void).
    let leased = social_bindings::Entity::update_many()
        .col_expr(
            social_bindings::Column::RefreshLeaseUntil,
            Expr::value(Some(now + REFRESH_LEASE)),
        )
        .col_expr(
            social_bindings::Column::RefreshSentVersion,
            Expr::col(social_bindings::Column::TokenVersion),
        )
        .filter(social_bindings::Column::Id.eq(binding_id))
        .filter(social_bindings::Column::RefreshStatus.eq("ok"))
        .filter(
            sea_orm::Condition::any()
                .add(social_bindings::Column::RefreshSentVersion.is_null())
                .add(sea_orm::sea_query::ExprTrait::ne(
                    Expr::col(social_bindings::Column::RefreshSentVersion),
                    Expr::col(social_bindings::Column::TokenVersion),
                )),
        )
        .exec_with_returning(db)
        .await?;
    let Some(binding) = leased.into_iter().next() else {
        return not_leased(db, binding_id, now).await;
    };
    let Some(stored_refresh) = binding.refresh_token_enc.as_deref() else {
        mark_failed(db, &binding, None, "no refresh token stored", now).await?;
        return Ok(RefreshOutcome::Failed { qq_code: None });
    };
    let refresh_token =
        match cipher.decrypt(TokenField::QqRefreshToken, &binding.subject, stored_refresh) {
            Ok(token) => token,
            Err(e) => {
                // No key we hold opens it, so no retry can help: mark the binding failed (the user's
                // next QQ login stores fresh tokens) instead of queueing a doomed job every scan.
                let detail = format!(
                    "{UNDECRYPTABLE}: the stored refresh token opens under neither \
                 PASSPORT_TOKEN_KEY nor PASSPORT_TOKEN_KEYS_OLD ({e})"
                );
                if mark_failed(db, &binding, None, &detail, now).await? {
                    return Ok(RefreshOutcome::Failed { qq_code: None });
                }
                return Ok(RefreshOutcome::Superseded);
            }
        };

    match qq.refresh(&refresh_token).await {
        Ok(token) => {
            let access = cipher
                .encrypt(
                    TokenField::QqAccessToken,
                    &binding.subject,
                    token.access_token.expose(),
                )
                .map_err(|e| RefreshError::Permanent(e.to_string()))?;
            // QQ rotates the refresh token; should it ever send none, the stored one stays.
            let refresh = match &token.refresh_token {
                Some(t) => Some(
                    cipher
                        .encrypt(TokenField::QqRefreshToken, &binding.subject, t.expose())
                        .map_err(|e| RefreshError::Permanent(e.to_string()))?,
                ),
                None => binding.refresh_token_enc.clone(),
            };
            let lifetime =
                chrono::Duration::seconds(token.expires_in.min(10 * 365 * 86_400) as i64);
            let expires_at = now + lifetime;
            let txn = db.begin().await?;
            let swapped = social_bindings::Entity::update_many()
                .col_expr(social_bindings::Column::AccessTokenEnc, Expr::value(access))
                .col_expr(
                    social_bindings::Column::RefreshTokenEnc,
                    Expr::value(refresh),
                )
                .col_expr(
                    social_bindings::Column::TokenExpiresAt,
                    Expr::value(expires_at),
                )
                .col_expr(
                    social_bindings::Column::TokenVersion,
                    Expr::value(binding.token_version + 1),
                )
                .col_expr(
                    social_bindings::Column::RefreshError,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(social_bindings::Column::RefreshStatus, Expr::value("ok"));
            if !end_attempt(&txn, &binding, swapped, now).await? {
                return Ok(RefreshOutcome::Superseded);
            }
            // Shown as is in the admin panel, whose readers read Chinese and Beijing time.
            let beijing = chrono::FixedOffset::east_opt(8 * 3600)
                .unwrap_or_else(|| unreachable!("+8h is valid"));
            let detail = format!(
                "新令牌有效期至 {}（北京时间）",
                expires_at.with_timezone(&beijing).format("%Y-%m-%d %H:%M")
            );
            token_events::record(&txn, &binding, TokenEventKind::Refresh, now, Some(detail))
                .await?;
            txn.commit().await?;
            Ok(RefreshOutcome::Refreshed)
        }
        Err(e) if e.needs_relogin() => {
            // Another refresher may have rotated the token under us: only a refresh token that
            // is still the stored one is really dead.
            if mark_failed(db, &binding, e.qq_code(), &e.to_string(), now).await? {
                Ok(RefreshOutcome::Failed {
                    qq_code: e.qq_code(),
                })
            } else {
                Ok(RefreshOutcome::Superseded)
            }
        }
        Err(e) => {
            release_lease(db, &binding).await?;
            Err(RefreshError::Transient(match e {
                QqError::BadCredentials { .. } | QqError::RedirectMismatch => {
                    format!("QQ refused our app credentials: {e}")
                }
                e => e.to_string(),
            }))
        }
    }
}

/// Why [`refresh_binding`] could not take `binding_id`'s lease.
async fn not_leased(
    db: &DatabaseConnection,
    binding_id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, RefreshError> {
    let Some(binding) = social_bindings::Entity::find_by_id(binding_id)
        .one(db)
        .await?
    else {
        return Ok(RefreshOutcome::Skipped);
    };
    if binding.refresh_status != "ok" {
        return Ok(RefreshOutcome::Skipped);
    }
    if binding.refresh_sent_version != Some(binding.token_version) {
        // Changed between the two statements (a login stored new tokens): theirs stand.
        return Ok(RefreshOutcome::Superseded);
    }
    match binding.refresh_lease_until {
        // A refresher is calling QQ with this token now; this job looks again after it.
        Some(until) if until >= now => Ok(RefreshOutcome::Held { until }),
        // Its refresher died mid-call: QQ may have rotated the token, and the new one died
        // with it. Sending the old one again could only fail, so the user logs in again.
        _ => {
            if mark_interrupted(db, &binding, now).await? {
                Ok(RefreshOutcome::Interrupted)
            } else {
                Ok(RefreshOutcome::Superseded)
            }
        }
    }
}

/// End a refresh attempt on `binding` as read: `update`, the attempt's time and the lease
/// released, only while its tokens are the ones read (compare-and-swap on `token_version`).
/// Whether it applied.
async fn end_attempt<C: ConnectionTrait>(
    txn: &C,
    binding: &social_bindings::Model,
    update: UpdateMany<social_bindings::Entity>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let update = update.col_expr(
        social_bindings::Column::LastRefreshedAt,
        Expr::value(Some(now)),
    );
    released_with(txn, binding, update).await
}

/// Apply `update` with the lease and the intent released, while the binding's tokens are the
/// ones read (compare-and-swap on `token_version`). Whether it applied.
async fn released_with<C: ConnectionTrait>(
    conn: &C,
    binding: &social_bindings::Model,
    update: UpdateMany<social_bindings::Entity>,
) -> Result<bool, DbErr> {
    let done = update
        .col_expr(
            social_bindings::Column::RefreshLeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            social_bindings::Column::RefreshSentVersion,
            Expr::value(Option::<i64>::None),
        )
        .filter(social_bindings::Column::Id.eq(binding.id))
        .filter(social_bindings::Column::TokenVersion.eq(binding.token_version))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Mark a binding `refresh_failed` unless its tokens changed since `binding` was read.
async fn mark_failed(
    db: &DatabaseConnection,
    binding: &social_bindings::Model,
    qq_code: Option<i64>,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let error = match qq_code {
        Some(code) => format!("QQ {code}: {detail}"),
        None => detail.to_owned(),
    };
    record_failure(db, binding, error, now, sea_orm::Condition::all()).await
}

/// Mark a binding whose refresher died mid-call `refresh_failed` ([`INTERRUPTED`]), unless
/// its tokens, intent or lease changed since `binding` was read (another instance got there
/// first, or a login stored new tokens).
async fn mark_interrupted(
    db: &DatabaseConnection,
    binding: &social_bindings::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let since = binding
        .refresh_lease_until
        .map(|t| format!(" (lease lapsed {})", t.format("%Y-%m-%d %H:%M:%S UTC")))
        .unwrap_or_default();
    let error = format!(
        "{INTERRUPTED}: the refresher that sent this refresh token to QQ stopped before storing \
         QQ's answer{since}; QQ may have rotated it, so it is not sent again. The user's next QQ \
         login stores fresh tokens."
    );
    let unchanged = sea_orm::Condition::all()
        .add(social_bindings::Column::RefreshStatus.eq("ok"))
        .add(social_bindings::Column::RefreshSentVersion.eq(binding.token_version))
        .add(
            sea_orm::Condition::any()
                .add(social_bindings::Column::RefreshLeaseUntil.is_null())
                .add(social_bindings::Column::RefreshLeaseUntil.lt(now)),
        );
    record_failure(db, binding, error, now, unchanged).await
}

/// Set `refresh_failed` with `error` and record it in the binding's token history, in one
/// transaction, where the binding still has `binding.token_version` and matches `unchanged`.
async fn record_failure(
    db: &DatabaseConnection,
    binding: &social_bindings::Model,
    error: String,
    now: DateTime<Utc>,
    unchanged: sea_orm::Condition,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let marked = social_bindings::Entity::update_many()
        .col_expr(
            social_bindings::Column::RefreshStatus,
            Expr::value("refresh_failed"),
        )
        .col_expr(
            social_bindings::Column::RefreshError,
            Expr::value(Some(error.clone())),
        )
        .filter(unchanged);
    if !end_attempt(&txn, binding, marked, now).await? {
        return Ok(false);
    }
    token_events::record(
        &txn,
        binding,
        TokenEventKind::RefreshFailed,
        now,
        Some(error),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Give the lease back after a transient failure, so the retry need not wait for it to lapse.
async fn release_lease(
    db: &DatabaseConnection,
    binding: &social_bindings::Model,
) -> Result<(), DbErr> {
    released_with(db, binding, social_bindings::Entity::update_many())
        .await
        .map(|_| ())
}

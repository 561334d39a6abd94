//! QQ unionid back-fill (`passport qq backfill-unionid`). QQ grants an app the unionid
//! permission per developer account, often years after the app went live, so the bindings made
//! before hold no unionid. This walks them, asks QQ's `/oauth2.0/me?unionid=1` with each stored
//! access token, and stores the unionid: a QQ login through another app of the same developer
//! (whose openid differs) then finds the account by unionid (see `qq_login::find_bound`).
//!
//! - Rate-limited (QQ counts calls per app): at most `rate` calls a second.
//! - Resumable: each binding is one short UPDATE (`… WHERE unionid IS NULL`), and a run walks
//!   the bindings without unionid by id from `after_id`, so a stopped run picks up where it
//!   ended by simply running again (or from the last id it printed).
//! - Dead tokens are skipped without a call when expired by our records, and counted when QQ
//!   refuses them: such a binding gets its unionid at the user's next QQ login instead.
//! - An app without the permission stops the run at the first call (QQ 100048): nothing to do
//!   until QQ grants it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::qq_refresher::RateLimiter;
use crate::crypto::{TokenCipher, TokenField};
use crate::db::UniqueKey;
use crate::entities::qq_bindings;
use crate::qq::client::{QqClient, QqError};

/// How many bindings one read fetches.
const PAGE: u64 = 200;

/// What one run did, binding by binding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
        let page = qq_bindings::Entity::find()
            .filter(qq_bindings::Column::Unionid.is_null())
            .filter(qq_bindings::Column::Id.gt(report.last_id))
            .order_by_asc(qq_bindings::Column::Id)
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
                &binding.openid,
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
            if me.openid != binding.openid {
                report.mismatched += 1;
                continue;
            }
            let stored = qq_bindings::Entity::update_many()
                .col_expr(qq_bindings::Column::Unionid, Expr::value(Some(unionid)))
                .filter(qq_bindings::Column::Id.eq(binding.id))
                .filter(qq_bindings::Column::Unionid.is_null())
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

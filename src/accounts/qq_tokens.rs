//! Keeping stored QQ and WeChat tokens fresh (journey 8): find the bindings due, queue one
//! refresh job each (spread over time, one live job per binding even with several instances),
//! and run a refresh: the provider's refresh grant, then a compare-and-swap on the binding's
//! `token_version` so a concurrent refresh or login is never overwritten.
//!
//! When a binding is due, by provider:
//! - QQ: its access token (90 days) expires within `RefreshSettings::ahead` (10 days).
//! - WeChat: its access token lives 2 hours and its refresh token 30 days from the login that
//!   issued it; WeChat's documentation never says a refresh renews the refresh token (the
//!   simulator keeps it and its deadline). Keeping a 2-hour token alive around the clock would
//!   cost twelve calls a day per binding for a token nothing uses between logins, so a WeChat
//!   binding is refreshed once its access token was issued `RefreshSettings::wechat_after` ago
//!   (25 days): inside the refresh token's 30 days, WeChat renews the access token, and a dead
//!   authorization (42002 expired, 40030 revoked) marks the binding `refresh_failed` with the
//!   code in `refresh_error`. Its next refresh would be `wechat_after` later again: past the 30
//!   days WeChat answers 42002 and the binding ends `refresh_failed` (renewed at the next login)
//!   — or, should WeChat renew refresh tokens after all, the chain goes on. Both scans are one
//!   range of the index `(provider, refresh_status, token_expires_at)`.
//! - Weibo: never (no refresh grant for websites); its expiry is shown and a login renews it.
//!
//! The guarantees are the same for both providers: one refresher at a time per binding (the
//! lease), the compare-and-swap, and the refresh intent (`refresh_sent_version`) so a refresh
//! token handed to the provider by a refresher that died is never sent again.

use chrono::{DateTime, Utc};
use rand::Rng as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityName, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Statement, TransactionTrait, UpdateMany, Value,
};

use super::token_events::{self, TokenEventKind};
use crate::config::RefreshSettings;
use crate::config::Secret;
use crate::crypto::{TokenCipher, TokenField};
use crate::entities::social_bindings;
use crate::fault::Fault;
use crate::group_commit::{BatchWrite, GroupCommit};
use crate::jobs::{self, NewJob};
use crate::oauth::ProviderKind;
use crate::oauth::wechat::WechatClient;
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

/// How long WeChat's access tokens live (`expires_in` 7200, `docs/wire/wechat.md` §2).
pub const WECHAT_ACCESS_LIFETIME: chrono::Duration = chrono::Duration::hours(2);

/// Queue a refresh for every QQ binding due within `settings.ahead`, at a random moment within
/// `settings.spread`. Served by the `(provider, refresh_status, token_expires_at)` index: the
/// work grows with the bindings due, not with all bindings. Returns how many jobs were new.
pub async fn schedule_due(
    db: &DatabaseConnection,
    settings: &RefreshSettings,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let due = due_ids(db, ProviderKind::Qq, now + settings.ahead).await?;
    queue_refreshes(db, settings, now, &due, NewJob::qq_token_refresh).await
}

/// Queue a refresh for every WeChat binding whose access token was issued at least
/// `settings.wechat_after` ago (see the module docs), as [`schedule_due`] does for QQ.
pub async fn schedule_due_wechat(
    db: &DatabaseConnection,
    settings: &RefreshSettings,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let wechat_after =
        chrono::Duration::from_std(settings.wechat_after).unwrap_or(chrono::Duration::days(25));
    // Issued before `now - wechat_after`: it expires before that plus its two hours.
    let cutoff = now - wechat_after + WECHAT_ACCESS_LIFETIME;
    let due = due_ids(db, ProviderKind::Wechat, cutoff).await?;
    queue_refreshes(db, settings, now, &due, NewJob::wechat_token_refresh).await
}

/// The `provider` bindings still refreshable whose access token expires before `cutoff`,
/// soonest first, at most [`SCAN_BATCH`]: one range of `(provider, refresh_status,
/// token_expires_at)` (public for the test that reads its plan).
pub fn due_query(provider: ProviderKind, cutoff: DateTime<Utc>) -> Select<social_bindings::Entity> {
    social_bindings::Entity::find()
        .select_only()
        .column(social_bindings::Column::Id)
        .filter(social_bindings::Column::Provider.eq(provider.as_str()))
        .filter(social_bindings::Column::RefreshStatus.eq("ok"))
        .filter(social_bindings::Column::TokenExpiresAt.lt(cutoff))
        .order_by_asc(social_bindings::Column::TokenExpiresAt)
        .limit(SCAN_BATCH)
}

/// [`due_query`] without the bindings that already have a live refresh job: left out here,
/// not by a conflicting insert per binding, so a scan that finds thousands due, most of them
/// queued by the previous scan, costs one query (a probe of `ux_jobs_unique_key_live` per
/// binding), not thousands of inserts on the database's one writer. The unique key still
/// guards the race between instances.
async fn due_ids(
    db: &DatabaseConnection,
    provider: ProviderKind,
    cutoff: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    let key_prefix = match provider {
        ProviderKind::Wechat => "wechat_token_refresh:",
        _ => "qq_token_refresh:",
    };
    let no_live_job = Expr::cust(format!(
        "NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.unique_key = '{key_prefix}' || {}.id \
         AND jobs.state IN ('available', 'running', 'retryable'))",
        social_bindings::Entity.table_name()
    ));
    due_query(provider, cutoff)
        .filter(no_live_job)
        .into_tuple()
        .all(db)
        .await
}

/// One refresh job per id (`job`: the provider's), each at a random moment within
/// `settings.spread`. Returns how many jobs were new.
async fn queue_refreshes(
    db: &DatabaseConnection,
    settings: &RefreshSettings,
    now: DateTime<Utc>,
    due: &[i64],
    job: fn(i64) -> NewJob,
) -> Result<usize, DbErr> {
    let spread_ms = settings.spread.as_millis().min(i64::MAX as u128) as i64;
    let mut queued = 0;
    // One statement per chunk, not one per job: a scan that finds thousands due costs a few
    // round trips and commits. A chunk that fails is queued by the next scan.
    for chunk in due.chunks(ENQUEUE_CHUNK) {
        let jobs = chunk
            .iter()
            .map(|&id| {
                let delay = if spread_ms > 0 {
                    rand::rng().random_range(0..spread_ms)
                } else {
                    0
                };
                job(id).run_at(now + chrono::Duration::milliseconds(delay))
            })
            .collect();
        queued += jobs::enqueue_all(db, jobs)
            .await
            .map_err(|e| DbErr::Custom(format!("cannot queue a refresh: {e}")))?
            .len();
    }
    Ok(queued)
}

/// Refresh jobs queued per statement by [`schedule_due`].
const ENQUEUE_CHUNK: usize = 500;

/// At most one live refresh job per QQ binding (a WeChat binding's: `wechat_token_refresh:{id}`).
pub fn refresh_key(binding_id: i64) -> String {
    format!("qq_token_refresh:{binding_id}")
}

#[derive(Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// New tokens stored.
    Refreshed,
    /// Someone else (a login, another refresher) changed the tokens meanwhile; theirs stand.
    Superseded,
    /// The provider refused the refresh token: the binding is marked `refresh_failed`.
    /// `qq_code`: the provider's error code (QQ's, WeChat's `errcode`).
    Failed { qq_code: Option<i64> },
    /// The binding is gone (unbound) or no longer refreshable.
    Skipped,
    /// Another refresher holds the binding's lease and is calling the provider until `until`.
    Held { until: DateTime<Utc> },
    /// A refresher died after handing the refresh token to the provider: the binding is marked
    /// `refresh_failed` ([`INTERRUPTED`]) without sending the token again.
    Interrupted,
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// Worth retrying later: the provider down, slow or odd; the database unreachable.
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

/// A provider's refresh grant, as the refresher calls it.
#[derive(Clone, Copy)]
pub enum Grant<'a> {
    Qq(&'a QqClient),
    Wechat(&'a WechatClient),
}

/// What a refresh grant gave.
struct Fresh {
    access_token: Secret,
    expires_in: u64,
    /// `None`: keep the stored one.
    refresh_token: Option<Secret>,
}

/// Why a refresh grant failed.
enum GrantError {
    /// The refresh token is dead (expired, revoked, used): the user must log in again.
    Dead { code: Option<i64>, detail: String },
    /// Worth retrying later (the provider down or slow, or refusing our app's credentials).
    Transient(String),
}

impl Grant<'_> {
    fn kind(self) -> ProviderKind {
        match self {
            Grant::Qq(_) => ProviderKind::Qq,
            Grant::Wechat(_) => ProviderKind::Wechat,
        }
    }

    /// How `refresh_error` names the provider: `QQ 100015: …`, `WeChat 42002: …`.
    fn name(self) -> &'static str {
        match self {
            Grant::Qq(_) => "QQ",
            Grant::Wechat(_) => "WeChat",
        }
    }

    async fn refresh(self, refresh_token: &str) -> Result<Fresh, GrantError> {
        match self {
            Grant::Qq(qq) => match qq.refresh(refresh_token).await {
                Ok(token) => Ok(Fresh {
                    access_token: token.access_token,
                    expires_in: token.expires_in,
                    refresh_token: token.refresh_token,
                }),
                Err(e) if e.needs_relogin() => Err(GrantError::Dead {
                    code: e.qq_code(),
                    detail: e.to_string(),
                }),
                Err(e) => Err(GrantError::Transient(match e {
                    QqError::BadCredentials { .. } | QqError::RedirectMismatch => {
                        format!("QQ refused our app credentials: {e}")
                    }
                    e => e.to_string(),
                })),
            },
            Grant::Wechat(wechat) => match wechat.refresh(refresh_token).await {
                Ok(token) => Ok(Fresh {
                    access_token: token.access_token,
                    expires_in: token.expires_in,
                    refresh_token: Some(token.refresh_token),
                }),
                Err(e) if e.needs_relogin() => Err(GrantError::Dead {
                    code: e.code(),
                    detail: e.to_string(),
                }),
                Err(e) => Err(GrantError::Transient(e.to_string())),
            },
        }
    }
}

/// Refresh one QQ binding's tokens through QQ's refresh grant.
pub async fn refresh_binding(
    db: &DatabaseConnection,
    qq: &QqClient,
    cipher: &TokenCipher,
    binding_id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, RefreshError> {
    refresh_through(db, Grant::Qq(qq), cipher, binding_id, now).await
}

/// Refresh one WeChat binding's tokens through WeChat's refresh grant, with every guarantee of
/// [`refresh_binding`].
pub async fn refresh_wechat_binding(
    db: &DatabaseConnection,
    wechat: &WechatClient,
    cipher: &TokenCipher,
    binding_id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, RefreshError> {
    refresh_through(db, Grant::Wechat(wechat), cipher, binding_id, now).await
}

/// Refresh one binding of `grant`'s provider (any other binding is `Skipped`), on its own.
pub async fn refresh_through(
    db: &DatabaseConnection,
    grant: Grant<'_>,
    cipher: &TokenCipher,
    binding_id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, RefreshError> {
    refresh_with(db, Writes::Alone, grant, cipher, binding_id, now).await
}

/// How a refresh takes its lease and stores the provider's answer: in transactions of its own,
/// or group-committed with the other refreshes of this process ([`RefreshBatches`]). The rare
/// ends (a refusal, a transient failure, a lease held elsewhere) are always written alone.
#[derive(Clone, Copy)]
pub enum Writes<'a> {
    Alone,
    Batched(&'a RefreshBatches),
}

/// Refresh one binding, its lease and its new tokens written as `writes` says.
pub async fn refresh_with(
    db: &DatabaseConnection,
    writes: Writes<'_>,
    grant: Grant<'_>,
    cipher: &TokenCipher,
    binding_id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, RefreshError> {
    let leased = match writes {
        Writes::Alone => lease_one(db, grant.kind(), binding_id, now).await?,
        Writes::Batched(batches) => batches.leases.submit((binding_id, now)).await?,
    };
    let Some(binding) = leased else {
        return not_leased(db, grant, binding_id, now).await;
    };
    let Some(stored_refresh) = binding.refresh_token_enc.as_deref() else {
        mark_failed(db, &binding, None, "no refresh token stored", now).await?;
        return Ok(RefreshOutcome::Failed { qq_code: None });
    };
    let owner = binding.token_owner();
    let refresh_token = match cipher.decrypt(TokenField::QqRefreshToken, &owner, stored_refresh) {
        Ok(token) => token,
        Err(e) => {
            // No key we hold opens it, so no retry can help: mark the binding failed (the user's
            // next login stores fresh tokens) instead of queueing a doomed job every scan.
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

    match grant.refresh(&refresh_token).await {
        Ok(token) => {
            let access = cipher
                .encrypt(
                    TokenField::QqAccessToken,
                    &owner,
                    token.access_token.expose(),
                )
                .map_err(|e| RefreshError::Permanent(e.to_string()))?;
            // QQ rotates the refresh token, WeChat sends the same one back (which is stored
            // re-sealed); should a provider ever send none, the stored one stays.
            let refresh = match &token.refresh_token {
                Some(t) => Some(
                    cipher
                        .encrypt(TokenField::QqRefreshToken, &owner, t.expose())
                        .map_err(|e| RefreshError::Permanent(e.to_string()))?,
                ),
                None => binding.refresh_token_enc.clone(),
            };
            let lifetime =
                chrono::Duration::seconds(token.expires_in.min(10 * 365 * 86_400) as i64);
            let write = TokenWrite {
                binding,
                access,
                refresh,
                expires_at: now + lifetime,
                now,
            };
            let stored = match writes {
                Writes::Alone => store_one(db, &write).await?,
                Writes::Batched(batches) => batches.tokens.submit(write).await?,
            };
            Ok(if stored {
                RefreshOutcome::Refreshed
            } else {
                RefreshOutcome::Superseded
            })
        }
        Err(GrantError::Dead { code, detail }) => {
            // Another refresher may have rotated the token under us: only a refresh token that
            // is still the stored one is really dead.
            let error = match code {
                Some(code) => format!("{} {code}: {detail}", grant.name()),
                None => detail,
            };
            if mark_failed(db, &binding, None, &error, now).await? {
                Ok(RefreshOutcome::Failed { qq_code: code })
            } else {
                Ok(RefreshOutcome::Superseded)
            }
        }
        Err(GrantError::Transient(detail)) => {
            release_lease(db, &binding).await?;
            Err(RefreshError::Transient(detail))
        }
    }
}

/// Take the refresh lease of each of `ids` (bindings of `provider`) and record the intent, in
/// one committed statement that also reads them: each binding leased, or `None` where it is not
/// refreshable now (gone, failed, another provider's, or an intent for its current tokens
/// already recorded). An id named twice is leased once, for its first mention.
async fn lease_all(
    db: &DatabaseConnection,
    provider: ProviderKind,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<Option<social_bindings::Model>>, DbErr> {
    // QQ rotates refresh tokens (and WeChat may): once one has been handed to the provider it
    // must never be sent again, by this instance or another. So the lease and the intent (the
    // token version being sent) are committed before the call, only where no intent for the
    // current tokens is recorded (an intent of an older version, before a login stored new
    // tokens, is void).
    let leased = social_bindings::Entity::update_many()
        .col_expr(
            social_bindings::Column::RefreshLeaseUntil,
            Expr::value(Some(now + REFRESH_LEASE)),
        )
        .col_expr(
            social_bindings::Column::RefreshSentVersion,
            Expr::col(social_bindings::Column::TokenVersion),
        )
        .filter(social_bindings::Column::Id.is_in(ids.iter().copied()))
        // Written so that only the primary key can serve this statement: on a table without
        // statistics yet (just filled by a migration, a restore or a bench's seeding),
        // PostgreSQL rated the `(provider, refresh_status, …)` index as good as the key and
        // scanned every binding of the provider for each lease (10 ms a refresh at 10,000).
        // (Literals, not parameters: the provider's name is one of our own constants, and the
        // placeholders of a custom expression differ between the backends.)
        .filter(Expr::cust(format!(
            "(refresh_status || '') = 'ok' AND (provider || '') = '{}'",
            provider.as_str()
        )))
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
    let mut leased: std::collections::HashMap<i64, social_bindings::Model> =
        leased.into_iter().map(|b| (b.id, b)).collect();
    Ok(ids.iter().map(|id| leased.remove(id)).collect())
}

/// [`lease_all`] for one binding: the binding leased, or `None`.
async fn lease_one(
    db: &DatabaseConnection,
    provider: ProviderKind,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<social_bindings::Model>, DbErr> {
    Ok(lease_all(db, provider, &[id], now)
        .await?
        .into_iter()
        .flatten()
        .next())
}

/// The new tokens of a refreshed binding, to be stored.
struct TokenWrite {
    /// As leased.
    binding: social_bindings::Model,
    access: String,
    refresh: Option<String>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
}

/// Store each of `writes` where its binding's tokens are still the ones leased
/// (compare-and-swap on `token_version`), with its history event, in one transaction of two
/// statements whatever their number. Whether each was stored (otherwise a login or another
/// refresher changed the tokens meanwhile, and theirs stand).
async fn store_all(db: &DatabaseConnection, writes: &[TokenWrite]) -> Result<Vec<bool>, DbErr> {
    if writes.is_empty() {
        return Ok(Vec::new());
    }
    // One `UPDATE … FROM (VALUES …)` (PostgreSQL, and SQLite since 3.33), each row's condition
    // the lease's version: the same compare-and-swap as a lone `UPDATE`, and the lease and
    // the intent released with it. (A binding named twice, which its lease rules out, would
    // be written once and counted stored for its first mention.)
    let mut sql = String::from(
        "UPDATE social_bindings SET access_token_enc = v.column3, refresh_token_enc = v.column4, \
         token_expires_at = v.column5, last_refreshed_at = v.column6, \
         token_version = social_bindings.token_version + 1, refresh_error = NULL, \
         refresh_status = 'ok', refresh_lease_until = NULL, refresh_sent_version = NULL \
         FROM (VALUES ",
    );
    let mut values: Vec<Value> = Vec::with_capacity(writes.len() * 6);
    for (i, write) in writes.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        let p = 6 * i;
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6
        ));
        values.extend([
            write.binding.id.into(),
            write.binding.token_version.into(),
            write.access.clone().into(),
            write.refresh.clone().into(),
            write.expires_at.into(),
            write.now.into(),
        ]);
    }
    sql.push_str(
        ") AS v WHERE social_bindings.id = v.column1 \
         AND social_bindings.token_version = v.column2 RETURNING social_bindings.id",
    );
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let swapped: std::collections::HashSet<i64> = txn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<_, _>>()?;
    // Shown as is in the admin panel, whose readers read Chinese and Beijing time.
    let beijing =
        chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("+8h is valid"));
    let mut seen = std::collections::HashSet::with_capacity(writes.len());
    let mut events = Vec::with_capacity(swapped.len());
    let stored: Vec<bool> = writes
        .iter()
        .map(|write| {
            let binding = &write.binding;
            let stored = swapped.contains(&binding.id) && seen.insert(binding.id);
            if stored {
                let detail = format!(
                    "新令牌有效期至 {}（北京时间）",
                    write
                        .expires_at
                        .with_timezone(&beijing)
                        .format("%Y-%m-%d %H:%M")
                );
                events.push(token_events::event(
                    binding,
                    TokenEventKind::Refresh,
                    write.now,
                    Some(detail),
                ));
            }
            stored
        })
        .collect();
    token_events::record_all(&txn, events).await?;
    txn.commit().await?;
    Ok(stored)
}

/// [`store_all`] for one refresh: whether its tokens were stored.
async fn store_one(db: &DatabaseConnection, write: &TokenWrite) -> Result<bool, DbErr> {
    Ok(store_all(db, std::slice::from_ref(write)).await? == [true])
}

/// The group-commit writers of one provider's refresh worker: the leases taken while the
/// previous batch commits are taken in one statement, and the tokens of the refreshes that
/// finish together are stored in one transaction, each refresh answered once its batch has
/// committed (`group_commit`). A refresh thus waits for two commits shared with its neighbours
/// instead of two of its own; every guarantee of the lease, the intent and the
/// compare-and-swap holds per binding, as the statements are the same.
pub struct RefreshBatches {
    leases: GroupCommit<LeaseWriter>,
    tokens: GroupCommit<TokenWriter>,
}

impl RefreshBatches {
    pub fn new(db: DatabaseConnection, provider: ProviderKind) -> Self {
        Self {
            leases: GroupCommit::new(LeaseWriter {
                db: db.clone(),
                provider,
            }),
            tokens: GroupCommit::new(TokenWriter { db }),
        }
    }
}

struct LeaseWriter {
    db: DatabaseConnection,
    provider: ProviderKind,
}

impl BatchWrite for LeaseWriter {
    /// The binding, and the time its refresher read.
    type Request = (i64, DateTime<Utc>);
    type Outcome = Option<social_bindings::Model>;

    async fn write_all(
        &self,
        requests: &[(i64, DateTime<Utc>)],
    ) -> Result<Vec<Self::Outcome>, Fault> {
        let ids: Vec<i64> = requests.iter().map(|(id, _)| *id).collect();
        // One lease end for the batch: its latest reading of the clock (they differ by the
        // batch's wait, milliseconds against the lease's minute).
        let now = requests
            .iter()
            .map(|(_, now)| *now)
            .max()
            .unwrap_or_else(jobs::now);
        Ok(lease_all(&self.db, self.provider, &ids, now).await?)
    }

    async fn write_one(&self, &(id, now): &(i64, DateTime<Utc>)) -> Result<Self::Outcome, Fault> {
        Ok(lease_one(&self.db, self.provider, id, now).await?)
    }
}

struct TokenWriter {
    db: DatabaseConnection,
}

impl BatchWrite for TokenWriter {
    type Request = TokenWrite;
    /// Whether the tokens were stored.
    type Outcome = bool;

    async fn write_all(&self, writes: &[TokenWrite]) -> Result<Vec<bool>, Fault> {
        Ok(store_all(&self.db, writes).await?)
    }

    async fn write_one(&self, write: &TokenWrite) -> Result<bool, Fault> {
        Ok(store_one(&self.db, write).await?)
    }
}

impl From<Fault> for RefreshError {
    fn from(e: Fault) -> Self {
        Self::Transient(e.to_string())
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

/// Why [`refresh_through`] could not take `binding_id`'s lease.
async fn not_leased(
    db: &DatabaseConnection,
    grant: Grant<'_>,
    binding_id: i64,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, RefreshError> {
    let Some(binding) = social_bindings::Entity::find_by_id(binding_id)
        .one(db)
        .await?
    else {
        return Ok(RefreshOutcome::Skipped);
    };
    if binding.refresh_status != "ok" || binding.provider != grant.kind().as_str() {
        return Ok(RefreshOutcome::Skipped);
    }
    if binding.refresh_sent_version != Some(binding.token_version) {
        // Changed between the two statements (a login stored new tokens): theirs stand.
        return Ok(RefreshOutcome::Superseded);
    }
    match binding.refresh_lease_until {
        // A refresher is calling the provider with this token now; this job looks again after.
        Some(until) if until >= now => Ok(RefreshOutcome::Held { until }),
        // Its refresher died mid-call: the provider may have rotated the token, and the new one
        // died with it. Sending the old one again could only fail, so the user logs in again.
        _ => {
            if mark_interrupted(db, &binding, grant.name(), now).await? {
                Ok(RefreshOutcome::Interrupted)
            } else {
                Ok(RefreshOutcome::Superseded)
            }
        }
    }
}

/// Mark a binding whose refresher died mid-call `refresh_failed` ([`INTERRUPTED`]), unless
/// its tokens, intent or lease changed since `binding` was read (another instance got there
/// first, or a login stored new tokens).
async fn mark_interrupted(
    db: &DatabaseConnection,
    binding: &social_bindings::Model,
    provider: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let since = binding
        .refresh_lease_until
        .map(|t| format!(" (lease lapsed {})", t.format("%Y-%m-%d %H:%M:%S UTC")))
        .unwrap_or_default();
    let error = format!(
        "{INTERRUPTED}: the refresher that sent this refresh token to {provider} stopped before \
         storing {provider}'s answer{since}; {provider} may have rotated it, so it is not sent \
         again. The user's next {provider} login stores fresh tokens."
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

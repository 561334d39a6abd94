//! A retried social-login callback (QQ, WeChat, Weibo) gets the first one's outcome instead of 400 `state_used`.
//!
//! nginx hands a request that got no answer (its instance died mid-request: `kill -9`, OOM, a
//! crash) to another instance (`proxy_next_upstream error non_idempotent`, for rolling restarts).
//! For the callback, that retry carries a state the dead instance had already used up, so the
//! user would be told their login was replayed when they did nothing wrong.
//!
//! A retry is recognised only when it brings the same signed state, from the same browser (its
//! cookie, checked before this module is asked), with the same code (a keyed hash of it is kept
//! with the used state). A used state with another code is still refused: that is the login-CSRF
//! protection, and a stolen state alone replays nothing.
//!
//! What is kept is who the login ended as (a user id, or a pending identity's id), never a
//! credential: the retry gets a freshly minted JWT or bind ticket, after the checks the first
//! login passed (account not locked and still bound; pending identity still open). Rows live
//! [`REPLAY_WINDOW`]: a proxy retries within seconds (nginx: `proxy_next_upstream_timeout 5s`),
//! and a short window keeps a callback URL left in a shared browser's history from logging the
//! next person in as the last one.
//!
//! When the first instance died before it had an outcome, the retry runs the login again with the
//! same code. QQ accepts a code once, so at worst (it had already spent the code) the user is
//! told to log in again (`qq_login_expired`), never logged in twice from one code.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    SqlErr, Statement, Value,
};

use super::locking;
use super::social_login::CallbackOutcome;
use super::social_login::SocialLoginError;
use crate::crypto::token_cipher::{HashPurpose, KeyedHasher};
use crate::entities::{callback_replays, pending_identities, social_bindings, users};
use crate::oauth::ProviderKind;

/// How long after a callback its retry is answered with the same outcome.
pub const REPLAY_WINDOW: Duration = Duration::from_secs(30);

/// The callback's entry in `callback_replays` (the keyed hash of its state's nonce): the login's
/// transaction records its outcome there ([`record`]), so a retry finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayKey(String);

impl ReplayKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the callback does with a state whose signature and browser check passed.
#[derive(Debug)]
pub enum Admission {
    /// The state's first use: log in, recording the outcome under the key.
    Fresh(ReplayKey),
    /// The same callback again after the first one finished: answer with its outcome.
    Replay(Box<CallbackOutcome>),
    /// The same callback again and the first one has no outcome (it died, or is still running):
    /// log in again with the same code.
    Retry(ReplayKey),
}

/// Spend the state (`used_login_states`, whose primary key lets one callback through) and open
/// its replay entry, in one round trip; a state already spent is a retry of the same callback
/// or refused (400 `state_used`).
///
/// On PostgreSQL one statement does both (the replay entry is inserted only when the state was
/// not spent yet); on SQLite two statements sent together, the second skipped when the first
/// fails on the key. Expired rows of both tables are the pruner's (`retention.rs`).
pub async fn admit<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    provider: ProviderKind,
    state_nonce: &str,
    code: &str,
    state_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Admission, SocialLoginError> {
    let key = ReplayKey(nonce_hash(hasher, state_nonce));
    let code_hash = code_hash(hasher, state_nonce, code);
    let window = chrono::Duration::seconds(REPLAY_WINDOW.as_secs() as i64);
    let values: Vec<Value> = vec![
        key.0.clone().into(),
        state_expires_at.into(),
        code_hash.into(),
        now.into(),
        (now + window).into(),
    ];
    let backend = db.get_database_backend();
    let fresh = match backend {
        DbBackend::Postgres => {
            let row = db
                .query_one_raw(Statement::from_sql_and_values(backend, SPEND_PG, values))
                .await?
                .ok_or_else(|| DbErr::RecordNotFound("the spend count".into()))?;
            row.try_get_by_index::<i64>(0)? == 1
        }
        _ => match db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                SPEND_SQLITE,
                values,
            ))
            .await
        {
            Ok(_) => true,
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => false,
            Err(e) => return Err(e.into()),
        },
    };
    if fresh {
        Ok(Admission::Fresh(key))
    } else {
        recall(db, hasher, provider, key, state_nonce, code, now).await
    }
}

/// `$1` the state's nonce hash, `$2` its expiry, `$3` the code hash, `$4` now, `$5` the end of the
/// replay window. A state spent already inserts nothing (`ON CONFLICT DO NOTHING` waits for a
/// racing first use to commit, then skips), and then neither does the replay entry.
const SPEND_PG: &str = "WITH spent AS ( \
     INSERT INTO used_login_states (nonce_hash, expires_at) VALUES ($1, $2) \
     ON CONFLICT (nonce_hash) DO NOTHING RETURNING nonce_hash \
   ), opened AS ( \
     INSERT INTO callback_replays (nonce_hash, code_hash, created_at, expires_at) \
     SELECT nonce_hash, $3, $4, $5 FROM spent \
     ON CONFLICT (nonce_hash) DO NOTHING \
   ) \
   SELECT COUNT(*) FROM spent";

/// The same on SQLite: the first `INSERT` fails on a spent state's key and the second is then
/// never run. A replay entry already there can only be a leftover (its state was fresh): kept.
const SPEND_SQLITE: &str = "INSERT INTO used_login_states (nonce_hash, expires_at) VALUES ($1, $2); \
   INSERT INTO callback_replays (nonce_hash, code_hash, created_at, expires_at) \
   VALUES ($1, $3, $4, $5) ON CONFLICT (nonce_hash) DO NOTHING";

/// Remember how the callback ended, for a retry of it: in the transaction that wrote the login or
/// the pending identity, so the outcome and its record commit together.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    key: &ReplayKey,
    outcome: &CallbackOutcome,
) -> Result<(), DbErr> {
    let (user_id, pending_id) = match outcome {
        CallbackOutcome::LoggedIn(user) => (Some(user.id), None),
        CallbackOutcome::BindRequired(pending) => (None, Some(pending.id.clone())),
    };
    callback_replays::Entity::update_many()
        .col_expr(callback_replays::Column::UserId, Expr::value(user_id))
        .col_expr(callback_replays::Column::PendingId, Expr::value(pending_id))
        .filter(callback_replays::Column::NonceHash.eq(key.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// [`record`] for a group commit's logins: one statement for all of them.
pub async fn record_logins<C: ConnectionTrait>(
    db: &C,
    logins: &[(&ReplayKey, i64)],
) -> Result<(), DbErr> {
    if logins.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "UPDATE callback_replays SET user_id = v.column2, pending_id = NULL FROM (VALUES ",
    );
    let mut values: Vec<Value> = Vec::with_capacity(logins.len() * 2);
    for (i, (key, user_id)) in logins.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
        values.push(key.as_str().into());
        values.push((*user_id).into());
    }
    sql.push_str(") AS v WHERE callback_replays.nonce_hash = v.column1");
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

fn nonce_hash(hasher: &KeyedHasher, state_nonce: &str) -> String {
    hasher.hash(HashPurpose::QqLoginState, state_nonce)
}

/// Bound to the nonce as well, so equal codes of different states never hash alike.
fn code_hash(hasher: &KeyedHasher, state_nonce: &str, code: &str) -> String {
    hasher.hash_parts(HashPurpose::QqLoginState, &[state_nonce, code])
}

async fn recall<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    provider: ProviderKind,
    key: ReplayKey,
    state_nonce: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Admission, SocialLoginError> {
    let Some(row) = callback_replays::Entity::find_by_id(key.as_str())
        .one(db)
        .await?
        .filter(|row| row.expires_at > now)
        .filter(|row| {
            hasher.verify_parts(
                HashPurpose::QqLoginState,
                &[state_nonce, code],
                &row.code_hash,
            )
        })
    else {
        return Err(SocialLoginError::StateUsed);
    };
    if let Some(user_id) = row.user_id {
        let user = users::Entity::find_by_id(user_id)
            .one(db)
            .await?
            .ok_or(SocialLoginError::StateUsed)?;
        locking::ensure_unlocked(&user)?;
        // Unbound since: this identity no longer logs in to that account.
        let bound = social_bindings::Entity::find()
            .filter(social_bindings::Column::UserId.eq(user_id))
            .filter(social_bindings::Column::Provider.eq(provider.as_str()))
            .count(db)
            .await?;
        return if bound > 0 {
            Ok(Admission::Replay(Box::new(CallbackOutcome::LoggedIn(user))))
        } else {
            Err(SocialLoginError::StateUsed)
        };
    }
    if let Some(pending_id) = row.pending_id {
        // A pending identity already bound (or expired) has nothing left to offer.
        return match pending_identities::Entity::find_by_id(pending_id)
            .one(db)
            .await?
        {
            Some(p)
                if p.consumed_at.is_none()
                    && p.expires_at > now
                    && p.provider == provider.as_str() =>
            {
                Ok(Admission::Replay(Box::new(CallbackOutcome::BindRequired(
                    p,
                ))))
            }
            _ => Err(SocialLoginError::StateUsed),
        };
    }
    Ok(Admission::Retry(key))
}

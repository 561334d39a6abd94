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
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, SqlErr,
};

use super::locking;
use super::social_login::CallbackOutcome;
use super::social_login::SocialLoginError;
use crate::crypto::token_cipher::{HashPurpose, KeyedHasher};
use crate::entities::{callback_replays, pending_identities, social_bindings, users};
use crate::oauth::ProviderKind;

/// How long after a callback its retry is answered with the same outcome.
pub const REPLAY_WINDOW: Duration = Duration::from_secs(30);

/// What the callback does with a state whose signature and browser check passed.
#[derive(Debug)]
pub enum Admission {
    /// The state's first use: log in.
    Fresh,
    /// The same callback again after the first one finished: answer with its outcome.
    Replay(Box<CallbackOutcome>),
    /// The same callback again and the first one has no outcome (it died, or is still running):
    /// log in again with the same code.
    Retry,
}

/// Decide from `consumed` (the state's [`super::login_state::consume`] result) whether this
/// callback is a first one, a retry of one, or refused.
pub async fn admit<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    provider: ProviderKind,
    state_nonce: &str,
    code: &str,
    consumed: Result<(), SocialLoginError>,
    now: DateTime<Utc>,
) -> Result<Admission, SocialLoginError> {
    match consumed {
        Ok(()) => {
            claim(db, hasher, state_nonce, code, now).await?;
            Ok(Admission::Fresh)
        }
        Err(SocialLoginError::StateUsed) => {
            recall(db, hasher, provider, state_nonce, code, now).await
        }
        Err(e) => Err(e),
    }
}

/// Remember how the callback for `state_nonce` ended, for a retry of it. Best effort for the
/// caller: the login itself has already succeeded.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    state_nonce: &str,
    outcome: &CallbackOutcome,
) -> Result<(), DbErr> {
    let (user_id, pending_id) = match outcome {
        CallbackOutcome::LoggedIn(user) => (Some(user.id), None),
        CallbackOutcome::BindRequired(pending) => (None, Some(pending.id.clone())),
    };
    callback_replays::Entity::update_many()
        .col_expr(callback_replays::Column::UserId, Expr::value(user_id))
        .col_expr(callback_replays::Column::PendingId, Expr::value(pending_id))
        .filter(callback_replays::Column::NonceHash.eq(nonce_hash(hasher, state_nonce)))
        .exec(db)
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

async fn claim<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    state_nonce: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), SocialLoginError> {
    let window = chrono::Duration::seconds(REPLAY_WINDOW.as_secs() as i64);
    let row = callback_replays::ActiveModel {
        nonce_hash: Set(nonce_hash(hasher, state_nonce)),
        code_hash: Set(code_hash(hasher, state_nonce, code)),
        user_id: Set(None),
        pending_id: Set(None),
        created_at: Set(now),
        expires_at: Set(now + window),
    };
    match callback_replays::Entity::insert(row).exec(db).await {
        Ok(_) => {}
        // The state was fresh a moment ago, so its row can only be a leftover: keep it.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
        Err(e) => return Err(e.into()),
    }
    callback_replays::Entity::delete_many()
        .filter(callback_replays::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(())
}

async fn recall<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    provider: ProviderKind,
    state_nonce: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Admission, SocialLoginError> {
    let Some(row) = callback_replays::Entity::find_by_id(nonce_hash(hasher, state_nonce))
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
    Ok(Admission::Retry)
}

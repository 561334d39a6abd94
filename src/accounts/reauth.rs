//! Proving again, inside a signed-in session, that the person at the keyboard owns the account,
//! before a change to how it can be entered or recovered (the email change): the current
//! password, or for an account without one (made through QQ), a QQ login within the last
//! [`RECENT_QQ_LOGIN`].
//!
//! Password checks are throttled with the login limits, per account and per client, and counted
//! atomically before the (slow) check, so parallel guesses cannot slip past the limit. Every
//! check counts, a right one too: a person changes their email a few times an hour at most.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::AccountError;
use super::login_attempts::LoginLimits;
use super::throttle;
use crate::crypto::password::PasswordHasher;
use crate::entities::users;
use crate::net::ClientAddr;

/// How fresh the session of an account without a password must be.
pub const RECENT_QQ_LOGIN: Duration = Duration::from_secs(10 * 60);

/// What the caller offers as proof.
#[derive(Clone, Copy, Debug)]
pub struct Proof<'a> {
    /// The current password, as typed (`None` or empty: not given).
    pub current_password: Option<&'a str>,
    /// When the session's token was issued. For an account without a password every token
    /// comes from a QQ login (or a QQ registration), so this is when they last signed in with QQ.
    pub session_issued_at: DateTime<Utc>,
}

/// `Ok(())` when the proof holds for `user`.
#[tracing::instrument(skip_all)]
pub async fn confirm<C: ConnectionTrait>(
    db: &C,
    passwords: &PasswordHasher,
    user: &users::Model,
    proof: Proof<'_>,
    limits: LoginLimits,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let Some(stored) = user.password_hash.as_deref() else {
        let age = now - proof.session_issued_at;
        let fresh = chrono::Duration::from_std(RECENT_QQ_LOGIN).unwrap_or(chrono::Duration::MAX);
        return if age <= fresh {
            Ok(())
        } else {
            Err(AccountError::RecentQqLoginRequired)
        };
    };
    let password = proof
        .current_password
        .filter(|p| !p.is_empty())
        .ok_or(AccountError::CurrentPasswordRequired)?;
    // Counted before the check: 40 parallel guesses meet the counter one by one.
    let per_account = throttle::hit(
        db,
        &throttle::key("reauth:account", &user.id.to_string()),
        limits.per_account,
        now,
    )
    .await?;
    let per_client = throttle::hit(
        db,
        &throttle::key("reauth:client", &client.throttle_key()),
        limits.per_client,
        now,
    )
    .await?;
    if per_account.exceeds(limits.per_account) {
        return Err(AccountError::TooManyAttempts {
            retry_after: per_account.retry_after,
        });
    }
    if per_client.exceeds(limits.per_client) {
        return Err(AccountError::TooManyAttempts {
            retry_after: per_client.retry_after,
        });
    }
    if passwords.verify(password, Some(stored)).await? {
        Ok(())
    } else {
        Err(AccountError::WrongCurrentPassword)
    }
}

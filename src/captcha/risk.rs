//! "Has this account or client failed a sign-in?" for the `risk` policy: a read-only look at
//! the login failure counters `accounts::authenticate` keeps (the same keys and windows).
//!
//! Kept apart so it can give way to the throttle module's own answer to the same question.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::accounts::throttle;
use crate::accounts::{LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_CLIENT};

/// Whether a sign-in for `account`, or from `client`, failed in the current window.
pub async fn failed_before<C: ConnectionTrait>(
    db: &C,
    account: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let per_account = throttle::peek(
        db,
        &throttle::key("login_fail:account", account),
        LOGIN_FAILURES_PER_ACCOUNT,
        now,
    )
    .await?;
    if per_account.hits > 0 {
        return Ok(true);
    }
    let per_client = throttle::peek(
        db,
        &throttle::key("login_fail:client", client),
        LOGIN_FAILURES_PER_CLIENT,
        now,
    )
    .await?;
    Ok(per_client.hits > 0)
}

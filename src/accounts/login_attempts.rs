//! Counting sign-in attempts (password login and QQ bind) so that guessing stays slow.
//!
//! Each attempt is counted *before* the password is checked, with one atomic upsert per counter
//! that returns the new total: parallel guesses cannot all read "4 failures so far" and all go
//! on to try (argon2 takes ~40 ms, plenty of room for a race). A success clears the account's
//! counter and takes its own hit back from the client's, so only failures keep counting.
//!
//! The account counter is keyed on the account itself (its user id) when the identifier names
//! one, so `+86 138 0013 8000`, `0086 13800138000` and `13800138000` share one budget; an
//! identifier that names nobody is keyed on its normalised form (mobile digits, NFKC-lowercased
//! email, username as typed), and unparseable text on itself. The client counter is keyed on
//! the client address (an IPv6 /64).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use super::throttle::{self, Limit};
use super::{AccountError, find_by_account};
use crate::config::LimitSettings;
use crate::domain::AccountIdentifier;
use crate::net::ClientAddr;

/// Sign-in attempts are counted per 15 minutes.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How many failed sign-ins an account and a client may have per [`WINDOW`].
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    pub per_account: Limit,
    pub per_client: Limit,
}

impl From<&LimitSettings> for LoginLimits {
    fn from(s: &LimitSettings) -> Self {
        Self {
            per_account: Limit {
                max: s.login_failures_per_account,
                window: WINDOW,
            },
            per_client: Limit {
                max: s.login_failures_per_client,
                window: WINDOW,
            },
        }
    }
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self::from(&LimitSettings::default())
    }
}

/// The two counters one attempt is counted in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptKeys {
    pub account: String,
    pub client: String,
}

impl AttemptKeys {
    /// `user_id`: the account `identifier` resolved to, if any.
    pub fn new(identifier: &str, user_id: Option<i64>, client: &ClientAddr) -> Self {
        Self {
            account: account_key(identifier, user_id),
            client: throttle::key("login_fail:client", &client.throttle_key()),
        }
    }
}

fn account_key(identifier: &str, user_id: Option<i64>) -> String {
    if let Some(id) = user_id {
        return throttle::key("login_fail:user", &id.to_string());
    }
    match AccountIdentifier::parse(identifier) {
        // The kind keeps a username from sharing a counter with an email that reads the same.
        Ok(id) => throttle::key(
            "login_fail:account",
            &format!("{}:{}", id.kind(), id.as_ref()),
        ),
        Err(_) => throttle::key("login_fail:account", &format!("text:{}", identifier.trim())),
    }
}

/// Count one attempt; refuse with `TooManyAttempts` when it is over either limit.
pub async fn begin<C: ConnectionTrait>(
    db: &C,
    keys: &AttemptKeys,
    limits: LoginLimits,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let per_account = throttle::hit(db, &keys.account, limits.per_account, now).await?;
    let per_client = throttle::hit(db, &keys.client, limits.per_client, now).await?;
    let over = [
        (per_account, limits.per_account),
        (per_client, limits.per_client),
    ]
    .into_iter()
    .filter(|(count, limit)| count.exceeds(*limit))
    .map(|(count, _)| count.retry_after)
    .max();
    match over {
        Some(retry_after) => Err(AccountError::TooManyAttempts { retry_after }),
        None => Ok(()),
    }
}

/// The attempt proved the password: the account starts afresh and the client's hit is returned.
pub async fn succeeded<C: ConnectionTrait>(
    db: &C,
    keys: &AttemptKeys,
    limits: LoginLimits,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    throttle::clear(db, &keys.account).await?;
    throttle::refund(db, &keys.client, limits.per_client, now).await
}

/// Whether this account (when given) or this client already has a failed sign-in in the current
/// window, without counting anything. For step-up checks (a captcha after a first failure).
pub async fn has_failed_before<C: ConnectionTrait>(
    db: &C,
    account: Option<&str>,
    client: &ClientAddr,
    limits: LoginLimits,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let user = match account.map(AccountIdentifier::parse) {
        Some(Ok(id)) => find_by_account(db, &id).await?,
        _ => None,
    };
    let keys = AttemptKeys::new(account.unwrap_or_default(), user.map(|u| u.id), client);
    if throttle::peek(db, &keys.client, limits.per_client, now)
        .await?
        .hits
        > 0
    {
        return Ok(true);
    }
    Ok(account.is_some()
        && throttle::peek(db, &keys.account, limits.per_account, now)
            .await?
            .hits
            > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_one_account_shares_a_key() {
        let client = ClientAddr::new("198.51.100.1".parse().expect("ip"));
        let key = |text: &str| AttemptKeys::new(text, None, &client).account;
        let mobile = key("13800138000");
        for spelling in [
            "+8613800138000",
            "0086 13800138000",
            "138 0013 8000",
            "+86 138 0013 8000",
            " 13800138000 ",
        ] {
            assert_eq!(key(spelling), mobile, "{spelling:?}");
        }
        let email = key("lao@renran.cn");
        for spelling in [
            "LAO@Renran.CN",
            "ｌａｏ＠ｒｅｎｒａｎ．ｃｎ",
            " lao@renran.cn",
        ] {
            assert_eq!(key(spelling), email, "{spelling:?}");
        }
        assert_ne!(mobile, email);
        // Once resolved, the account itself is the key, whatever was typed.
        let resolved = AttemptKeys::new("+8613800138000", Some(7), &client).account;
        assert_eq!(
            resolved,
            AttemptKeys::new("lao@renran.cn", Some(7), &client).account
        );
        assert_ne!(
            resolved,
            AttemptKeys::new("lao@renran.cn", Some(8), &client).account
        );
    }

    #[test]
    fn clients_of_one_ipv6_64_share_a_key() {
        let a = ClientAddr::new("2001:db8:1:2::1".parse().expect("ip"));
        let b = ClientAddr::new("2001:db8:1:2:ffff::9".parse().expect("ip"));
        let c = ClientAddr::new("2001:db8:1:3::1".parse().expect("ip"));
        let key = |c: &ClientAddr| AttemptKeys::new("x", None, c).client;
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
    }
}

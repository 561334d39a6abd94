//! Security notices: the owner hears of every change to how the account can be entered (a QQ
//! identity bound or unbound, the password changed, the email changed), by mail to the verified
//! address, saying when, from which client address, and what to do if it was not them.
//!
//! Queue a notice in the transaction that makes the change, so both commit or neither does.
//! An account without a verified email gets none: there is nowhere to send it.

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::ConnectionTrait;

use super::mails::{self, NoticeLinks, Origin};
use crate::entities::users;
use crate::fault::Fault;
use crate::jobs::{self, NewJob};

/// What changed.
#[derive(Clone, Copy, Debug)]
pub enum Change<'a> {
    /// An identity at `provider` (QQ, WeChat, Weibo) was bound.
    QqBound {
        provider: crate::oauth::ProviderKind,
        qq_nickname: &'a str,
    },
    /// The identity at `provider` was unbound (by its owner or by staff).
    QqUnbound {
        provider: crate::oauth::ProviderKind,
        qq_nickname: &'a str,
        by: UnboundBy<'a>,
    },
    PasswordChanged,
    /// Goes to the old address (the new one has just proven itself by its link).
    EmailChanged {
        old_email: &'a str,
        new_email: &'a str,
    },
}

#[derive(Clone, Copy, Debug)]
pub enum UnboundBy<'a> {
    Owner,
    Staff { reason: &'a str },
}

/// Queue the notice of `change` to `user`'s account (see the module doc). `client` is the
/// address the change came from. `Ok(false)`: no address to send it to.
pub async fn queue<C: ConnectionTrait>(
    txn: &C,
    public_base_url: &url::Url,
    user: &users::Model,
    change: Change<'_>,
    client: &str,
    at: DateTime<Utc>,
) -> Result<bool, Fault> {
    let to = match change {
        Change::EmailChanged { old_email, .. } => Some(old_email),
        _ => user.email.as_deref(),
    };
    let Some(to) = to else {
        return Ok(false);
    };
    let when = beijing_time(at);
    let origin = Origin {
        when: &when,
        client,
    };
    let forgot = mails::link(public_base_url, "/forgot-password");
    let account = mails::link(public_base_url, "/account");
    let links = NoticeLinks {
        forgot: &forgot,
        account: &account,
    };
    let mail = mails::notice(change, to, &user.nickname, origin, links);
    jobs::enqueue(txn, NewJob::mail(mail)).await?;
    Ok(true)
}

/// `2026-11-29 20:30:00（北京时间 UTC+8）`: Renran's readers are in China.
pub fn beijing_time(at: DateTime<Utc>) -> String {
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("+8h is valid"));
    format!(
        "{}（北京时间 UTC+8）",
        at.with_timezone(&beijing).format("%Y-%m-%d %H:%M:%S")
    )
}

/// `r***@example.com`: enough for the owner to recognise an address, not to harvest it.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_beijing_time_with_the_zone_named() {
        let at = DateTime::parse_from_rfc3339("2026-11-29T20:30:05Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(beijing_time(at), "2026-11-30 04:30:05（北京时间 UTC+8）");
    }

    #[test]
    fn masked_addresses_keep_the_first_letter_and_the_domain() {
        assert_eq!(mask_email("reader@example.com"), "r***@example.com");
        assert_eq!(mask_email("读者@例子.中国"), "读***@例子.中国");
        assert_eq!(mask_email("garbage"), "***");
    }
}

//! Accounts: users, their QQ bindings, and the ways to prove who you are (password, QQ, SMS
//! code). The functions here are the domain operations; HTTP handlers and actors call them.

pub mod callback_replay;
pub mod email_change;
pub mod key_rotation;
pub mod locking;
pub mod login_attempts;
pub mod login_state;
pub mod mails;
pub mod next;
pub mod notices;
pub mod password_reset;
pub mod profile;
pub mod qq_login;
pub mod qq_refresher;
pub mod qq_tokens;
pub mod reauth;
pub mod reset_requests;
pub mod signup;
pub mod sms_codes;
pub mod sms_login;
pub mod sms_requests;
pub mod staff;
pub mod throttle;
pub mod token_events;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::crypto::password::PasswordHasher;
use crate::domain::{AccountIdentifier, DomainError};
use crate::entities::users;
use crate::net::ClientAddr;
use login_attempts::{AttemptKeys, LoginLimits};

/// Everything the account operations can refuse, in domain terms. `api::error` maps each to one
/// HTTP status and machine code, in one place.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("state is invalid")]
    StateInvalid,
    #[error("state expired")]
    StateExpired,
    /// The callback came without the cookie of the browser that asked for this state.
    #[error("state was issued to another browser")]
    StateNotThisBrowser,
    #[error("state was already used")]
    StateUsed,
    #[error("next is not a same-site path")]
    UnsafeNext,
    #[error("authorization code is malformed")]
    InvalidCode,
    #[error("too many QQ logins in progress")]
    Overloaded,
    #[error("QQ says the login is no longer valid")]
    QqLoginExpired,
    #[error("QQ is unavailable: {0}")]
    QqUnavailable(String),
    #[error("bind ticket is invalid")]
    TicketInvalid,
    #[error("bind ticket expired")]
    TicketExpired,
    #[error("bind ticket was already used")]
    TicketUsed,
    #[error("wrong account or password")]
    InvalidCredentials,
    #[error("too many attempts")]
    TooManyAttempts { retry_after: u64 },
    #[error("this QQ account is already bound")]
    QqAlreadyBound,
    #[error("this account already has a QQ binding")]
    AccountAlreadyBound,
    #[error("nickname taken")]
    NicknameTaken,
    #[error("mobile taken")]
    MobileTaken,
    #[error("SMS code is wrong")]
    SmsCodeInvalid,
    #[error("SMS code expired")]
    SmsCodeExpired,
    #[error("SMS code was tried too often")]
    SmsCodeTooManyAttempts,
    #[error("SMS code requested too often")]
    SmsTooFrequent { retry_after: u64 },
    /// A daily SMS quota (of this client, this mobile or the whole service) is spent.
    #[error("SMS daily limit reached")]
    SmsDailyLimit { retry_after: u64 },
    #[error("{0}")]
    Invalid(#[from] DomainError),
    #[error("no QQ binding")]
    QqNotBound,
    #[error("unbinding would leave no way to sign in")]
    LastLoginMethod,
    #[error("reset link is invalid")]
    ResetTokenInvalid,
    #[error("reset link expired")]
    ResetTokenExpired,
    #[error("reset link was already used")]
    ResetTokenUsed,
    #[error("a newer reset link replaced this one")]
    ResetTokenSuperseded,
    #[error("email verification link is invalid")]
    EmailTokenInvalid,
    #[error("email verification link expired")]
    EmailTokenExpired,
    #[error("email verification link was already used")]
    EmailTokenUsed,
    #[error("a newer email change replaced this link")]
    EmailTokenSuperseded,
    #[error("the current password is required")]
    CurrentPasswordRequired,
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    #[error("an account without a password needs a QQ login within the last minutes")]
    RecentQqLoginRequired,
    #[error("email taken")]
    EmailTaken,
    /// Staff locked the account: every sign-in path refuses it.
    #[error("account is locked")]
    AccountLocked,
    /// A QQ registration code was asked for without the registration's bind ticket.
    #[error("bind ticket is required")]
    TicketRequired,
    #[error("username taken")]
    UsernameTaken,
    /// The generated username may be replaced once.
    #[error("username was already changed")]
    UsernameAlreadyChanged,
    #[error("no such user")]
    UserNotFound,
    /// A forced reset needs a verified email to send the link to.
    #[error("the account has no verified email")]
    NoVerifiedEmail,
    /// No database connection could be had in time (the database is down or restarting).
    #[error("the database is unavailable: {0}")]
    DatabaseUnavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbErr> for AccountError {
    fn from(e: DbErr) -> Self {
        match e {
            // A pool that cannot hand out a connection, or a connection that broke: the database
            // is away (a restart, a failover), not a bug; the caller may retry shortly.
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                Self::DatabaseUnavailable(e.to_string())
            }
            e => Self::Internal(format!("database: {e}")),
        }
    }
}

impl From<crate::crypto::password::PasswordError> for AccountError {
    fn from(e: crate::crypto::password::PasswordError) -> Self {
        Self::Internal(format!("password hashing: {e}"))
    }
}

/// Find the user an identifier names.
pub async fn find_by_account<C: ConnectionTrait>(
    db: &C,
    account: &AccountIdentifier,
) -> Result<Option<users::Model>, DbErr> {
    let filter = match account {
        AccountIdentifier::Username(u) => users::Column::Username.eq(u.as_ref()),
        AccountIdentifier::Mobile(m) => users::Column::Mobile.eq(m.as_ref()),
        AccountIdentifier::Email(e) => users::Column::Email.eq(e.as_ref()),
    };
    users::Entity::find().filter(filter).one(db).await
}

/// Prove an account's password, throttled per account and per client (see [`login_attempts`]:
/// the attempt is counted before the password is checked). Unknown accounts, bad input and wrong
/// passwords are the same `InvalidCredentials`, in about the same time (a dummy hash is verified
/// when there is no user).
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    passwords: &PasswordHasher,
    account: &str,
    password: &str,
    client: &ClientAddr,
    limits: LoginLimits,
    now: DateTime<Utc>,
) -> Result<users::Model, AccountError> {
    let user = match AccountIdentifier::parse(account) {
        Ok(id) => find_by_account(db, &id).await?,
        Err(_) => None,
    };
    let keys = AttemptKeys::new(account, user.as_ref().map(|u| u.id), client);
    login_attempts::begin(db, &keys, limits, now).await?;
    let verified = passwords
        .verify(
            password,
            user.as_ref().and_then(|u| u.password_hash.as_deref()),
        )
        .await?;
    match user {
        Some(user) if verified && !password.is_empty() => {
            login_attempts::succeeded(db, &keys, limits, now).await?;
            // Only after the password is proven: a locked account is not revealed to guessers.
            locking::ensure_unlocked(&user)?;
            Ok(user)
        }
        _ => Err(AccountError::InvalidCredentials),
    }
}

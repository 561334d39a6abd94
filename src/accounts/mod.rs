//! Accounts: users, their QQ bindings, and the ways to prove who you are (password, QQ, SMS
//! code). The functions here are the domain operations; HTTP handlers and actors call them.

pub mod bindings;
pub mod callback_replay;
pub mod email_change;
pub mod key_rotation;
pub mod links;
pub mod locking;
pub mod login_attempts;
pub mod login_state;
pub mod mails;
pub mod next;
pub mod notices;
pub mod password_reset;
pub mod profile;
pub mod qq_refresher;
pub mod qq_tokens;
pub mod reauth;
pub mod reset_intake;
pub mod reset_requests;
pub mod signup;
pub mod sms_codes;
pub mod sms_login;
pub mod sms_requests;
pub mod social_login;
pub mod staff;
pub mod throttle;
pub mod token_events;
pub mod unionid_backfill;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::captcha::{CaptchaAnswer, CaptchaError, CaptchaGate, Protected};
use crate::crypto::Security;
use crate::crypto::password::PasswordHasher;
use crate::db::UniqueKey;
use crate::domain::{AccountIdentifier, DomainError};
use crate::entities::users;
use crate::fault::Fault;
use crate::net::ClientAddr;
use login_attempts::{AttemptKeys, LoginLimits};

/// What the account operations shared by several features refuse (credentials, taken names,
/// bad input). Each feature has its own enum beside it (`social_login::SocialLoginError`,
/// `sms_codes::SmsError`, `password_reset::ResetError`, `email_change::EmailChangeError`) that
/// wraps this one; `api::error` maps each enum to HTTP statuses and machine codes, once.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("wrong account or password")]
    InvalidCredentials,
    #[error("too many attempts")]
    TooManyAttempts { retry_after: u64 },
    #[error("nickname taken")]
    NicknameTaken,
    #[error("mobile taken")]
    MobileTaken,
    #[error("{0}")]
    Invalid(#[from] DomainError),
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
    #[error("username taken")]
    UsernameTaken,
    /// The generated username may be replaced once.
    #[error("username was already changed")]
    UsernameAlreadyChanged,
    #[error("no such user")]
    UserNotFound,
    /// A code-checked operation (SMS sign-in, sign-up, reset by SMS) refused the code.
    #[error(transparent)]
    Sms(#[from] sms_codes::SmsError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::fault_from!(AccountError);

/// A session token (JWT) for `user`: what every way of signing in ends with.
pub fn session_token(security: &Security, user: &users::Model) -> Result<String, Fault> {
    security
        .jwt
        .issue(crate::crypto::jwt::Subject {
            user_id: user.id,
            username: &user.username,
            token_version: user.token_version,
            staff: user.is_staff,
        })
        .map_err(|e| Fault::internal("issuing a session token", e))
}

impl AccountError {
    /// Taken names found by the unique index (a race past the checks); other errors as they are.
    pub fn taken(e: DbErr) -> Self {
        match UniqueKey::violated(&e) {
            Some(UniqueKey::UserNickname) => Self::NicknameTaken,
            Some(UniqueKey::UserMobile) => Self::MobileTaken,
            Some(UniqueKey::UserUsername) => Self::UsernameTaken,
            Some(UniqueKey::UserEmail) => Self::EmailTaken,
            _ => e.into(),
        }
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
#[tracing::instrument(skip_all)]
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

/// What a person types to sign in with a password, and the captcha when one was sent.
pub struct Credentials<'a> {
    /// Username, mobile or email, as typed.
    pub account: &'a str,
    pub password: &'a str,
    pub captcha: Option<&'a CaptchaAnswer>,
}

/// What a password sign-in can refuse: the captcha, or the account side.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Captcha(#[from] CaptchaError),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<Fault> for SignInError {
    fn from(e: Fault) -> Self {
        Self::Account(e.into())
    }
}

/// A session: its token (JWT) and whose.
#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub user: users::Model,
}

impl Session {
    /// A new session for `user`.
    pub fn of(security: &Security, user: users::Model) -> Result<Self, Fault> {
        Ok(Self {
            token: session_token(security, &user)?,
            user,
        })
    }
}

/// Sign in with a password: the captcha as the policy says, then [`authenticate`], then a
/// session token.
#[tracing::instrument(skip_all)]
pub async fn sign_in<C: ConnectionTrait>(
    db: &C,
    security: &Security,
    captcha: &CaptchaGate,
    credentials: Credentials<'_>,
    client: &ClientAddr,
    limits: LoginLimits,
    now: DateTime<Utc>,
) -> Result<Session, SignInError> {
    let action = Protected::SignIn {
        account: credentials.account,
    };
    captcha
        .check(db, action, credentials.captcha, client, limits, now)
        .await?;
    let user = authenticate(
        db,
        &security.passwords,
        credentials.account,
        credentials.password,
        client,
        limits,
        now,
    )
    .await?;
    Ok(Session::of(security, user)?)
}

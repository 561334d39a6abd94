//! SMS verification codes: 6 digits, stored only as a keyed hash, 5 minutes, 5 attempts, one
//! request per mobile per 60 s; and the quotas that keep the service from being used to pump
//! SMS (per client per hour and per day, per mobile per day, and a daily ceiling for all).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::AccountError;
use super::social_login::{self, BindTicket, SocialLoginError};
use super::throttle::{self, Limit};
use crate::captcha::{CaptchaAnswer, CaptchaError, CaptchaGate, Protected};
use crate::config::LimitSettings;
use crate::crypto::Security;
use crate::crypto::token_cipher::{HashPurpose, KeyedHasher};
use crate::domain::Mobile;
use crate::entities::{sms_codes, users};
use crate::fault::Fault;
use crate::jobs::{self, NewJob};
use crate::net::ClientAddr;
use crate::sms::Sms;

pub const CODE_LIFETIME: Duration = Duration::from_secs(5 * 60);
pub const MAX_ATTEMPTS: i32 = 5;
pub const RESEND_AFTER: Duration = Duration::from_secs(60);

/// What sending or checking an SMS code can refuse.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("SMS code is wrong")]
    CodeInvalid,
    #[error("SMS code expired")]
    CodeExpired,
    #[error("SMS code was tried too often")]
    CodeTooManyAttempts,
    #[error("SMS code requested too often")]
    TooFrequent { retry_after: u64 },
    /// A daily SMS quota (of this client, this mobile or the whole service) is spent.
    #[error("SMS daily limit reached")]
    DailyLimit { retry_after: u64 },
    /// A QQ registration code was asked for without the registration's bind ticket.
    #[error("bind ticket is required")]
    TicketRequired,
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::fault_from!(SmsError);

/// What a code is for. A code is accepted only for the purpose it was sent for, so a code
/// asked for signing in cannot register an account, nor one for registering reset a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsPurpose {
    /// Registering a new account for a QQ identity (proof: a live bind ticket).
    QqRegister,
    /// Signing up with a mobile (proof: the captcha, per policy).
    Signup,
    /// Signing in with a code instead of a password (proof: the captcha, per policy).
    Login,
    /// Setting a new password by SMS (proof: the captcha, per policy).
    ResetPassword,
}

impl SmsPurpose {
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::QqRegister,
            Self::Signup,
            Self::Login,
            Self::ResetPassword,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::QqRegister => "qq_register",
            Self::Signup => "signup",
            Self::Login => "login",
            Self::ResetPassword => "reset_password",
        }
    }
}

/// Create a code for `mobile` and `purpose` (refused within 60 s of the previous one, whatever
/// its purpose) and return it for delivery. Call inside the transaction that also queues its
/// delivery.
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    mobile: &Mobile,
    purpose: SmsPurpose,
    now: DateTime<Utc>,
) -> Result<String, SmsError> {
    if let Some(last) = latest(db, mobile, None).await? {
        let elapsed = Ord::max((now - last.created_at).num_seconds(), 0) as u64;
        if elapsed < RESEND_AFTER.as_secs() {
            return Err(SmsError::TooFrequent {
                retry_after: RESEND_AFTER.as_secs() - elapsed,
            });
        }
    }
    hold_send_window(db, mobile, now).await?;
    store(db, hasher, mobile, purpose, now).await
}

/// The one-code-per-mobile-per-60-s counter alone. Sign-in and reset requests use only this
/// (not the last stored code, which exists only for mobiles with an account), so a caller
/// learns nothing about the mobile from being told to wait.
pub async fn hold_send_window<C: ConnectionTrait>(
    db: &C,
    mobile: &Mobile,
    now: DateTime<Utc>,
) -> Result<(), SmsError> {
    // Two requests racing past the stored-code check still meet here: the counter is atomic.
    let limit = Limit {
        max: 1,
        window: RESEND_AFTER,
    };
    let count = throttle::hit(db, &throttle::key("sms_send", mobile.as_ref()), limit, now).await?;
    if count.exceeds(limit) {
        return Err(SmsError::TooFrequent {
            retry_after: count.retry_after,
        });
    }
    Ok(())
}

async fn store<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    mobile: &Mobile,
    purpose: SmsPurpose,
    now: DateTime<Utc>,
) -> Result<String, SmsError> {
    let code = crate::crypto::token_cipher::sms_code()?;
    sms_codes::ActiveModel {
        mobile: Set(mobile.as_ref().to_owned()),
        code_hash: Set(hasher.hash_parts(HashPurpose::SmsCode, &[mobile.as_ref(), &code])),
        purpose: Set(purpose.as_str().to_owned()),
        expires_at: Set(now + CODE_LIFETIME),
        attempts: Set(0),
        consumed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(code)
}

/// The message a person receives: the verification-code template with the code and its minutes.
pub fn message(mobile: &Mobile, code: &str) -> Sms {
    Sms::verification_code(mobile.as_ref(), code, (CODE_LIFETIME.as_secs() / 60) as u32)
}

/// What asking for a code can refuse: the code's own limits, a taken mobile (sign up instead),
/// or a dead bind ticket (QQ registration).
#[derive(Debug, thiserror::Error)]
pub enum SendCodeError {
    #[error(transparent)]
    Sms(#[from] SmsError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Ticket(#[from] SocialLoginError),
    /// The captcha every code request may need.
    #[error(transparent)]
    Captcha(#[from] CaptchaError),
}

impl From<sea_orm::DbErr> for SendCodeError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Sms(e.into())
    }
}

/// A request for a code, parsed.
pub struct CodeRequest<'a> {
    pub mobile: &'a Mobile,
    pub purpose: SmsPurpose,
    /// The QQ registration's ticket, signature checked (`QqRegister` only).
    pub ticket: Option<&'a BindTicket>,
    /// The solved captcha, when one was sent.
    pub captcha: Option<&'a CaptchaAnswer>,
}

/// Someone asks for a code: first the captcha, as the policy says. `QqRegister` needs the registration's ticket (its signature already
/// checked) and its pending identity still live; registering purposes refuse a taken mobile
/// before a code is spent. The code and its sealed SMS, or (sign-in, reset) the job that looks
/// the mobile up, commit with the quota counters, so every mobile costs the same there.
#[tracing::instrument(skip_all, fields(purpose = request.purpose.as_str()))]
pub async fn send(
    db: &DatabaseConnection,
    security: &Security,
    captcha: &CaptchaGate,
    limits: &LimitSettings,
    request: CodeRequest<'_>,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<(), SendCodeError> {
    let CodeRequest {
        mobile,
        purpose,
        ticket,
        captcha: answer,
    } = request;
    captcha
        .check(db, Protected::SmsCode, answer, client, limits.into(), now)
        .await?;
    if purpose == SmsPurpose::QqRegister {
        let ticket = ticket.ok_or(SmsError::TicketRequired)?;
        social_login::pending_for_ticket(db, ticket, now).await?;
    }
    let txn = db.begin().await?;
    match purpose {
        SmsPurpose::QqRegister | SmsPurpose::Signup => {
            // Said before a code is spent: this mobile should sign in instead.
            if super::signup::mobile_taken(&txn, mobile).await? {
                return Err(AccountError::MobileTaken.into());
            }
            let code = issue(&txn, &security.hasher, mobile, purpose, now).await?;
            charge_quotas(&txn, mobile, client, limits, now).await?;
            // Sealed: the code is in the database only as a keyed hash and inside this
            // ciphertext.
            jobs::enqueue_sealed(&txn, NewJob::sms(message(mobile, &code)), &security.cipher)
                .await
                .map_err(SmsError::from)?;
        }
        SmsPurpose::Login | SmsPurpose::ResetPassword => {
            // The same work for every mobile; the job looks it up and sends only to an
            // account's mobile.
            hold_send_window(&txn, mobile, now).await?;
            charge_quotas(&txn, mobile, client, limits, now).await?;
            jobs::enqueue(
                &txn,
                NewJob::sms_code_request(mobile.as_ref(), purpose.as_str()),
            )
            .await
            .map_err(SmsError::from)?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The `sms_code_request` job's work (`request`: that job): for an account with this mobile
/// that is not locked, store a code for `purpose` and queue its SMS (sealed), in one
/// transaction. The SMS job is queued held by the request's own process
/// (`jobs::enqueue_held_all`) and returned: the request's worker hands it
/// on to the SMS sender in its place, so the code goes out without waiting for a claim.
/// `Ok(None)` when no account may use it (nothing is sent; the HTTP answer was the same).
#[tracing::instrument(skip_all)]
pub async fn issue_for_account(
    db: &DatabaseConnection,
    security: &Security,
    mobile: &Mobile,
    purpose: SmsPurpose,
    now: DateTime<Utc>,
    request: &jobs::Job,
) -> Result<Option<jobs::Job>, SmsError> {
    let Some(user) = users::Entity::find()
        .filter(users::Column::Mobile.eq(mobile.as_ref()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if user.locked_at.is_some() {
        return Ok(None);
    }
    let txn = db.begin().await?;
    let code = store(&txn, &security.hasher, mobile, purpose, now).await?;
    let held = jobs::enqueue_held_all(
        &txn,
        vec![NewJob::sms(message(mobile, &code))],
        Some(&security.cipher),
        request,
    )
    .await?;
    txn.commit().await?;
    Ok(held.into_iter().flatten().next())
}

const HOUR: Duration = Duration::from_secs(3600);
/// Daily windows are UTC days.
const DAY: Duration = Duration::from_secs(86_400);

/// Count one SMS against every quota; refuse (429) when any is spent. Call in the transaction
/// that issues the code, so a refused request (rolled back) spends nothing.
#[tracing::instrument(skip_all)]
pub async fn charge_quotas<C: ConnectionTrait>(
    db: &C,
    mobile: &Mobile,
    client: &ClientAddr,
    limits: &LimitSettings,
    now: DateTime<Utc>,
) -> Result<(), SmsError> {
    let client_key = client.throttle_key();
    let quotas = [
        (
            throttle::key("sms:client:hour", &client_key),
            Limit {
                max: limits.sms_per_client_hourly,
                window: HOUR,
            },
        ),
        (
            throttle::key("sms:client:day", &client_key),
            Limit {
                max: limits.sms_per_client_daily,
                window: DAY,
            },
        ),
        (
            throttle::key("sms:mobile:day", mobile.as_ref()),
            Limit {
                max: limits.sms_per_mobile_daily,
                window: DAY,
            },
        ),
        (
            "sms:all:day".to_owned(),
            Limit {
                max: limits.sms_daily,
                window: DAY,
            },
        ),
    ];
    for (key, limit) in quotas {
        let count = throttle::hit(db, &key, limit, now).await?;
        if count.exceeds(limit) {
            return Err(if limit.window == HOUR {
                SmsError::TooFrequent {
                    retry_after: count.retry_after,
                }
            } else {
                SmsError::DailyLimit {
                    retry_after: count.retry_after,
                }
            });
        }
    }
    Ok(())
}

/// The newest code sent to `mobile` (for `purpose`, when given).
async fn latest<C: ConnectionTrait>(
    db: &C,
    mobile: &Mobile,
    purpose: Option<SmsPurpose>,
) -> Result<Option<sms_codes::Model>, sea_orm::DbErr> {
    let mut query = sms_codes::Entity::find().filter(sms_codes::Column::Mobile.eq(mobile.as_ref()));
    if let Some(purpose) = purpose {
        query = query.filter(sms_codes::Column::Purpose.eq(purpose.as_str()));
    }
    query
        .order_by_desc(sms_codes::Column::CreatedAt)
        .order_by_desc(sms_codes::Column::Id)
        .one(db)
        .await
}

/// Check `code` against the newest code sent to `mobile` for `purpose`, counting the attempt (the count
/// survives even when the caller's transaction later rolls back). Returns the code's id, to be
/// consumed with [`consume`] in the transaction that uses it.
#[tracing::instrument(skip_all)]
pub async fn check<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    mobile: &Mobile,
    purpose: SmsPurpose,
    code: &str,
    now: DateTime<Utc>,
) -> Result<i64, SmsError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SmsError::CodeInvalid);
    }
    let Some(row) = latest(db, mobile, Some(purpose)).await? else {
        return Err(SmsError::CodeInvalid);
    };
    if row.consumed_at.is_some() {
        return Err(SmsError::CodeInvalid);
    }
    if row.expires_at <= now {
        return Err(SmsError::CodeExpired);
    }
    let counted = sms_codes::Entity::update_many()
        .col_expr(
            sms_codes::Column::Attempts,
            Expr::col(sms_codes::Column::Attempts).add(1),
        )
        .filter(sms_codes::Column::Id.eq(row.id))
        .filter(sms_codes::Column::Attempts.lt(MAX_ATTEMPTS))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Err(SmsError::CodeTooManyAttempts);
    }
    if hasher.verify_parts(
        HashPurpose::SmsCode,
        &[mobile.as_ref(), code],
        &row.code_hash,
    ) {
        Ok(row.id)
    } else {
        Err(SmsError::CodeInvalid)
    }
}

/// Mark a checked code used; `false` if someone else used it first.
pub async fn consume<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let done = sms_codes::Entity::update_many()
        .col_expr(sms_codes::Column::ConsumedAt, Expr::value(now))
        .filter(sms_codes::Column::Id.eq(id))
        .filter(sms_codes::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

//! Signing up with a mobile (手机号 + 短信验证码), without QQ: the same domain rules as the QQ
//! registration (nickname, mobile and password types, taken nickname or mobile refused), and the
//! user created and the SMS code consumed in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};

use super::{AccountError, Session};
use std::time::Duration;

use super::sms_codes::{self, SmsError, SmsPurpose};
use super::throttle::{self, Limit};
use crate::crypto::Security;
use crate::domain::{Mobile, Nickname, Password};
use crate::entities::users;
use crate::fault::Fault;
use crate::net::ClientAddr;

/// A generated login name, `rr_` and 12 lowercase letters or digits; the owner may replace it
/// once (`accounts::profile::change_username`).
pub fn generated_username() -> Result<String, AccountError> {
    Ok(format!(
        "rr_{}",
        crate::crypto::token_cipher::random_token(9)
            .map_err(|e| Fault::Internal(e.to_string()))?
            .to_lowercase()
            .replace(['-', '_'], "x")
    ))
}

/// Whether `username` is still the generated one (`rr_` + 12 characters).
pub fn is_generated_username(username: &str) -> bool {
    username
        .strip_prefix("rr_")
        .is_some_and(|rest| rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A new account made with a mobile and an SMS code.
pub struct NewMobileAccount {
    pub nickname: Nickname,
    pub mobile: Mobile,
    /// argon2id, hashed before the transaction (it is slow).
    pub password_hash: String,
    /// A `signup` code already checked by `sms_codes::check`; consumed in the same transaction.
    pub sms_code_id: i64,
}

/// A sign-up form, parsed; the code still to be checked against the store.
pub struct SignupForm<'a> {
    pub nickname: Nickname,
    pub mobile: Mobile,
    pub password: Password,
    /// 6 digits (checked as typed).
    pub sms_code: &'a str,
}

/// Check the `signup` code, hash the password (before the transaction: it is slow) and create
/// the account, signed in. A taken nickname or mobile leaves the code usable.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    db: &DatabaseConnection,
    security: &Security,
    form: SignupForm<'_>,
    now: DateTime<Utc>,
) -> Result<Session, AccountError> {
    let sms_code_id = sms_codes::check(
        db,
        &security.hasher,
        &form.mobile,
        SmsPurpose::Signup,
        form.sms_code,
        now,
    )
    .await?;
    let password_hash = security.passwords.hash(&form.password).await?;
    let user = signup(
        db,
        NewMobileAccount {
            nickname: form.nickname,
            mobile: form.mobile,
            password_hash,
            sms_code_id,
        },
        now,
    )
    .await?;
    Ok(Session::of(security, user)?)
}

/// Availability checks one client may make per minute (the sign-up form checks as the person
/// types, debounced).
pub const AVAILABILITY_PER_CLIENT_PER_MINUTE: u32 = 30;

/// Whether a nickname and a mobile (each when asked) could sign up: `Err` says why not
/// (`Invalid`, `NicknameTaken`, `MobileTaken`).
pub struct Availability {
    pub nickname: Option<Result<(), AccountError>>,
    pub mobile: Option<Result<(), AccountError>>,
}

/// For the sign-up and QQ registration forms; throttled per client (429 `TooManyAttempts`).
#[tracing::instrument(skip_all)]
pub async fn availability<C: ConnectionTrait>(
    db: &C,
    client: &ClientAddr,
    nickname: Option<&str>,
    mobile: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Availability, AccountError> {
    let limit = Limit {
        max: AVAILABILITY_PER_CLIENT_PER_MINUTE,
        window: Duration::from_secs(60),
    };
    let count = throttle::hit(
        db,
        &throttle::key("availability:client", &client.throttle_key()),
        limit,
        now,
    )
    .await?;
    if count.exceeds(limit) {
        return Err(AccountError::TooManyAttempts {
            retry_after: count.retry_after,
        });
    }
    let nickname = match nickname.map(Nickname::parse) {
        None => None,
        Some(Err(e)) => Some(Err(e.into())),
        Some(Ok(n)) if nickname_taken(db, &n).await? => Some(Err(AccountError::NicknameTaken)),
        Some(Ok(_)) => Some(Ok(())),
    };
    let mobile = match mobile.map(Mobile::parse) {
        None => None,
        Some(Err(e)) => Some(Err(e.into())),
        Some(Ok(m)) if mobile_taken(db, &m).await? => Some(Err(AccountError::MobileTaken)),
        Some(Ok(_)) => Some(Ok(())),
    };
    Ok(Availability { nickname, mobile })
}

pub async fn nickname_taken<C: ConnectionTrait>(
    db: &C,
    nickname: &Nickname,
) -> Result<bool, DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Nickname.eq(nickname.as_ref()))
        .one(db)
        .await?
        .is_some())
}

pub async fn mobile_taken<C: ConnectionTrait>(db: &C, mobile: &Mobile) -> Result<bool, DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Mobile.eq(mobile.as_ref()))
        .one(db)
        .await?
        .is_some())
}

/// A new reader's account row (a generated username, not staff), in the caller's transaction;
/// a unique key another account holds is refused as taken.
pub async fn insert_user<C: ConnectionTrait>(
    txn: &C,
    nickname: &Nickname,
    mobile: &Mobile,
    avatar: String,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<users::Model, AccountError> {
    users::ActiveModel {
        username: Set(generated_username()?),
        mobile: Set(Some(mobile.as_ref().to_owned())),
        email: Set(None),
        nickname: Set(nickname.as_ref().to_owned()),
        avatar: Set(avatar),
        password_hash: Set(Some(password_hash)),
        token_version: Set(0),
        is_staff: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(AccountError::taken)
}

/// Create the user and consume the code: all or nothing.
#[tracing::instrument(skip_all)]
pub async fn signup(
    db: &DatabaseConnection,
    account: NewMobileAccount,
    now: DateTime<Utc>,
) -> Result<users::Model, AccountError> {
    let txn = db.begin().await?;
    if nickname_taken(&txn, &account.nickname).await? {
        return Err(AccountError::NicknameTaken);
    }
    if mobile_taken(&txn, &account.mobile).await? {
        return Err(AccountError::MobileTaken);
    }
    if !super::sms_codes::consume(&txn, account.sms_code_id, now).await? {
        return Err(AccountError::Sms(SmsError::CodeInvalid));
    }
    let user = insert_user(
        &txn,
        &account.nickname,
        &account.mobile,
        String::new(),
        account.password_hash,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_usernames_are_recognised() {
        for _ in 0..20 {
            let name = generated_username().expect("random");
            assert!(is_generated_username(&name), "{name}");
            crate::domain::Username::parse(&name).expect("a valid username");
        }
        assert!(!is_generated_username("laowang"));
        assert!(!is_generated_username("rr_short"));
    }
}

//! The two things an SMS code proves about an existing account: signing in without the
//! password (`login` codes), and setting a new password (`reset_password` codes). Codes for these
//! are sent only to mobiles with an account, by a job, so the request answers the same for every
//! mobile (see `accounts::sms_codes::issue_for_account`).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, TransactionTrait};

use super::login_attempts::{self, AttemptKeys, LoginLimits};
use super::notices::{self, Change};
use super::sms_codes::{self, SmsError, SmsPurpose};
use super::{AccountError, Session, locking};
use crate::crypto::Security;
use crate::domain::{Mobile, Password};
use crate::entities::users;
use crate::net::ClientAddr;

async fn user_by_mobile(
    db: &DatabaseConnection,
    mobile: &Mobile,
) -> Result<Option<users::Model>, AccountError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(users::Entity::find()
        .filter(users::Column::Mobile.eq(mobile.as_ref()))
        .one(db)
        .await?)
}

/// Sign in with a `login` code. Throttled like password login (the same per-account and
/// per-client counters, counted before the code is checked); a wrong code, another purpose's
/// code and a mobile without an account are the same `sms_code_invalid`. A locked account is
/// refused once the code is proven.
#[tracing::instrument(skip_all)]
pub async fn login(
    db: &DatabaseConnection,
    security: &Security,
    mobile: &Mobile,
    code: &str,
    client: &ClientAddr,
    limits: LoginLimits,
    now: DateTime<Utc>,
) -> Result<Session, AccountError> {
    let user = user_by_mobile(db, mobile).await?;
    let keys = AttemptKeys::new(mobile.as_ref(), user.as_ref().map(|u| u.id), client);
    login_attempts::begin(db, &keys, limits, now).await?;
    let code_id =
        sms_codes::check(db, &security.hasher, mobile, SmsPurpose::Login, code, now).await?;
    // A code exists only for a mobile with an account (the job checks), but the account may
    // have changed its mobile since.
    let user = user.ok_or(AccountError::Sms(SmsError::CodeInvalid))?;
    locking::ensure_unlocked(&user)?;
    if !sms_codes::consume(db, code_id, now).await? {
        return Err(AccountError::Sms(SmsError::CodeInvalid));
    }
    login_attempts::succeeded(db, &keys, limits, now).await?;
    Ok(Session::of(security, user)?)
}

#[allow(clippy::too_many_arguments)]
/// Set a new password with a `reset_password` code, once: the code is consumed, the token
/// version bumped (every session ends) and the password-changed notice queued, in one
/// transaction.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    mobile: &Mobile,
    code: &str,
    new_password: &Password,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let code_id = sms_codes::check(
        db,
        &security.hasher,
        mobile,
        SmsPurpose::ResetPassword,
        code,
        now,
    )
    .await?;
    let user = user_by_mobile(db, mobile)
        .await?
        .ok_or(AccountError::Sms(SmsError::CodeInvalid))?;
    // Hash before the transaction: it is slow.
    let password_hash = security.passwords.hash(new_password).await?;
    let txn = db.begin().await?;
    if !sms_codes::consume(&txn, code_id, now).await? {
        return Err(AccountError::Sms(SmsError::CodeInvalid));
    }
    let mut active: users::ActiveModel = user.clone().into();
    active.password_hash = Set(Some(password_hash));
    active.token_version = Set(user.token_version + 1);
    active.updated_at = Set(now);
    active.update(&txn).await.map_err(AccountError::taken)?;
    notices::queue(
        &txn,
        public_base_url,
        &user,
        Change::PasswordChanged,
        &client.to_string(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

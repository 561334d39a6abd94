//! Signing up with a mobile (手机号 + 短信验证码), without QQ: the same domain rules as the QQ
//! registration (nickname, mobile and password types, taken nickname or mobile refused), and the
//! user created and the SMS code consumed in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, SqlErr, TransactionTrait,
};

use super::AccountError;
use crate::domain::{Mobile, Nickname};
use crate::entities::users;

/// A generated login name, `rr_` and 12 lowercase letters or digits; the owner may replace it
/// once (`accounts::profile::change_username`).
pub fn generated_username() -> Result<String, AccountError> {
    Ok(format!(
        "rr_{}",
        crate::crypto::token_cipher::random_token(9)
            .map_err(|e| AccountError::Internal(e.to_string()))?
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

/// A taken nickname or mobile found by the unique index (a race past the checks).
pub fn taken(e: DbErr) -> AccountError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(d)) if d.contains("nickname") => {
            AccountError::NicknameTaken
        }
        Some(SqlErr::UniqueConstraintViolation(d)) if d.contains("mobile") => {
            AccountError::MobileTaken
        }
        Some(SqlErr::UniqueConstraintViolation(d)) if d.contains("username") => {
            AccountError::UsernameTaken
        }
        _ => e.into(),
    }
}

/// Create the user and consume the code: all or nothing.
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
        return Err(AccountError::SmsCodeInvalid);
    }
    let user = users::ActiveModel {
        username: Set(generated_username()?),
        mobile: Set(Some(account.mobile.into_inner())),
        email: Set(None),
        nickname: Set(account.nickname.into_inner()),
        avatar: Set(String::new()),
        password_hash: Set(Some(account.password_hash)),
        token_version: Set(0),
        is_staff: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken)?;
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

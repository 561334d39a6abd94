//! Setting an account's email (accounts made through QQ have none): a signed 24-hour link to the
//! new address; the address becomes the account's only when the link is followed. A taken
//! address gets the same answer as a free one, and its owner a notice instead of a link.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    SqlErr, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::AccountError;
use super::mails;
use super::throttle::{self, Limit};
use crate::auth::{Security, SignerError};
use crate::domain::Email;
use crate::entities::users;
use crate::jobs::{self, NewJob};

pub const LINK_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
pub const PER_USER: Limit = Limit {
    max: 5,
    window: Duration::from_secs(60 * 60),
};

/// What the verification link carries (salt `email-verify`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailToken {
    #[serde(rename = "u")]
    pub user_id: i64,
    #[serde(rename = "e")]
    pub email: String,
}

/// Queue the verification link (or, for a taken address, the notice to its owner).
pub async fn request(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    user: &users::Model,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let count = throttle::hit(
        db,
        &throttle::key("email_change", &user.id.to_string()),
        PER_USER,
        now,
    )
    .await?;
    if count.exceeds(PER_USER) {
        return Err(AccountError::TooManyAttempts {
            retry_after: count.retry_after,
        });
    }
    let owner = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_ref()))
        .one(db)
        .await?;
    let mail = match owner {
        Some(owner) if owner.id == user.id => return Ok(()),
        Some(_) => mails::email_taken(
            email.as_ref(),
            &mails::link(public_base_url, "/forgot-password"),
        ),
        None => {
            let token = security
                .email_signer
                .dumps(&EmailToken {
                    user_id: user.id,
                    email: email.as_ref().to_owned(),
                })
                .map_err(|e| AccountError::Internal(e.to_string()))?;
            let link = mails::link(public_base_url, &format!("/verify-email?token={token}"));
            mails::email_verify(
                email.as_ref(),
                &user.nickname,
                &link,
                LINK_LIFETIME.as_secs() / 3600,
            )
        }
    };
    jobs::enqueue(db, NewJob::mail(mail))
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?;
    Ok(())
}

/// Follow the link: the address becomes the account's email.
pub async fn verify(
    db: &DatabaseConnection,
    security: &Security,
    token: &str,
    now: DateTime<Utc>,
) -> Result<users::Model, AccountError> {
    let claims: EmailToken = security
        .email_signer
        .loads_at(token, LINK_LIFETIME, now.timestamp().max(0) as u64)
        .map_err(|e| match e {
            SignerError::Expired { .. } => AccountError::EmailTokenExpired,
            _ => AccountError::EmailTokenInvalid,
        })?;
    let email = Email::parse(&claims.email).map_err(|_| AccountError::EmailTokenInvalid)?;
    let txn = db.begin().await?;
    let user = users::Entity::find_by_id(claims.user_id)
        .one(&txn)
        .await?
        .ok_or(AccountError::EmailTokenInvalid)?;
    if user.email.as_deref() == Some(email.as_ref()) {
        return Ok(user);
    }
    let mut active: users::ActiveModel = user.into();
    active.email = Set(Some(email.as_ref().to_owned()));
    active.updated_at = Set(now);
    let user = active.update(&txn).await.map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AccountError::EmailTaken,
        _ => e.into(),
    })?;
    txn.commit().await?;
    Ok(user)
}

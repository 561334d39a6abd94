//! Setting or changing an account's email. The request must prove the owner again (the current
//! password, or a fresh QQ login for an account without one: `reauth`); a 24-hour link then goes
//! to the new address, and the address becomes the account's only when that link is followed.
//!
//! As with password resets, one link per user is live: the link carries a nonce whose keyed
//! hash is stored in `email_verifications`, a new request voids every older link, and a link
//! dies when used, superseded or expired. A verified change tells the OLD address. A taken
//! address gets the same answer as a free one, and its owner a notice instead of a link.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::AccountError;
use super::links;
use super::login_attempts::LoginLimits;
use super::mails;
use super::notices::{self, Change};
use super::reauth::{self, Proof};
use super::throttle::{self, Limit};
use crate::crypto::Security;
use crate::crypto::token_cipher::HashPurpose;
use crate::domain::Email;
use crate::entities::{email_verifications, password_resets, users};
use crate::fault::Fault;
use crate::jobs::{self, NewJob};
use crate::net::ClientAddr;

pub const LINK_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
pub const PER_USER: Limit = Limit {
    max: 5,
    window: Duration::from_secs(60 * 60),
};

/// What the verification link carries (itsdangerous-signed, salt `email-verify`). The address
/// is not in it: it is in the record the nonce names, so only the newest request counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailToken {
    #[serde(rename = "u")]
    pub user_id: i64,
    /// Random; only its keyed hash is stored.
    #[serde(rename = "n")]
    pub nonce: String,
}

/// What changing an account's email can refuse.
#[derive(Debug, thiserror::Error)]
pub enum EmailChangeError {
    #[error("email verification link is invalid")]
    TokenInvalid,
    #[error("email verification link expired")]
    TokenExpired,
    #[error("email verification link was already used")]
    TokenUsed,
    #[error("a newer email change replaced this link")]
    TokenSuperseded,
    /// Throttled, or the address is another account's.
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::fault_from!(EmailChangeError);

// The link's refusals, as this feature names them.
crate::link_refusals!(EmailChangeError);

/// Prove the owner again (`reauth`: the current password, throttled like logins, or a recent
/// QQ login), then queue the verification link (or, for a taken address, the notice to its
/// owner), voiding every older link of the user.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all)]
pub async fn request(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    user: &users::Model,
    proof: Proof<'_>,
    email: &Email,
    limits: LoginLimits,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<(), EmailChangeError> {
    reauth::confirm(db, &security.passwords, user, proof, limits, client, now).await?;
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
        }
        .into());
    }
    let txn = db.begin().await?;
    // Whatever this request asks for, the links sent before it are dead.
    links::void_live::<email_verifications::Entity, _>(&txn, user.id, now).await?;
    let owner = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_ref()))
        .one(&txn)
        .await?;
    match owner {
        Some(owner) if owner.id == user.id => {}
        Some(_) => {
            let mail = mails::email_taken(
                email.as_ref(),
                &mails::link(public_base_url, "/forgot-password"),
            );
            jobs::enqueue(&txn, NewJob::mail(mail)).await?;
        }
        None => {
            let nonce = crate::crypto::token_cipher::random_token(24)?;
            email_verifications::ActiveModel {
                user_id: Set(user.id),
                email: Set(email.as_ref().to_owned()),
                nonce_hash: Set(security.hasher.hash(HashPurpose::EmailVerifyNonce, &nonce)),
                expires_at: Set(now + LINK_LIFETIME),
                used_at: Set(None),
                voided_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let token = security
                .email_signer
                .dumps(&EmailToken {
                    user_id: user.id,
                    nonce,
                })
                .map_err(|e| Fault::internal("signing the verification link", e))?;
            // The address rides along for the page to say which one is being confirmed (display
            // only: the token alone decides, and names the address in its record).
            let shown: String =
                url::form_urlencoded::byte_serialize(email.as_ref().as_bytes()).collect();
            let link = mails::link(
                public_base_url,
                &format!("/verify-email?token={token}&email={shown}"),
            );
            let mail = mails::email_verify(
                email.as_ref(),
                &user.nickname,
                &link,
                LINK_LIFETIME.as_secs() / 3600,
            );
            // Sealed: whoever reads the jobs table must not find the link.
            jobs::enqueue_sealed(&txn, NewJob::mail(mail), &security.cipher).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Follow the link: once, within 24 hours, only the user's newest link. The address becomes the
/// account's email (returned); outstanding reset links (sent to the old address) die; the old
/// address is told, with when and from which `client`.
#[tracing::instrument(skip_all)]
pub async fn verify(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    token: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Email, EmailChangeError> {
    let claims: EmailToken = links::open(&security.email_signer, token, LINK_LIFETIME, now)?;
    let nonce_hash = security
        .hasher
        .hash(HashPurpose::EmailVerifyNonce, &claims.nonce);
    let txn = db.begin().await?;
    let record = links::find_live::<email_verifications::Entity, _, EmailChangeError>(
        &txn,
        &nonce_hash,
        claims.user_id,
        now,
    )
    .await?;
    links::use_up::<email_verifications::Entity, _, EmailChangeError>(&txn, &record, now).await?;
    let email = Email::parse(&record.email).map_err(|_| EmailChangeError::TokenInvalid)?;
    let user = users::Entity::find_by_id(claims.user_id)
        .one(&txn)
        .await?
        .ok_or(EmailChangeError::TokenInvalid)?;
    if user.email.as_deref() == Some(email.as_ref()) {
        txn.commit().await?;
        return Ok(email);
    }
    let old_email = user.email.clone();
    let mut active: users::ActiveModel = user.into();
    active.email = Set(Some(email.as_ref().to_owned()));
    active.updated_at = Set(now);
    let user = active.update(&txn).await.map_err(AccountError::taken)?;
    // Reset links went to the old address; it is no longer the account's.
    links::void_live::<password_resets::Entity, _>(&txn, user.id, now).await?;
    if let Some(old_email) = &old_email {
        notices::queue(
            &txn,
            public_base_url,
            &user,
            Change::EmailChanged {
                old_email,
                new_email: email.as_ref(),
            },
            client,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(email)
}

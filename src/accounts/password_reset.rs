//! Password reset by email (journey 7): a signed, single-use, 30-minute link that dies when the
//! password changes by any path, and a notice after the change.
//!
//! The HTTP request only queues a `password_reset_request` job (the same work whether or not the
//! address has an account, so neither the answer nor its timing tells). The job looks the address
//! up and, for an account, writes the reset record and the mail job in one transaction.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::links;
use super::mails;
use super::notices::{self, Change};
use super::throttle::{self, Limit};
use crate::crypto::Security;
use crate::crypto::token_cipher::{HashPurpose, KeyedHasher};
use crate::domain::{Email, Password};
use crate::entities::{password_resets, users};
use crate::fault::Fault;
use crate::jobs::{self, NewJob};

/// What following a reset link can refuse.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("reset link is invalid")]
    TokenInvalid,
    #[error("reset link expired")]
    TokenExpired,
    #[error("reset link was already used")]
    TokenUsed,
    #[error("a newer reset link replaced this one")]
    TokenSuperseded,
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::fault_from!(ResetError);

// The link's refusals, as this feature names them.
crate::link_refusals!(ResetError);

pub const LINK_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Reset requests per address; beyond it the answer is the same 202 but nothing is sent.
pub const PER_ADDRESS: Limit = Limit {
    max: 3,
    window: Duration::from_secs(60 * 60),
};
pub const PER_CLIENT: Limit = Limit {
    max: 20,
    window: Duration::from_secs(60 * 60),
};

/// What the link's token carries (itsdangerous-signed, salt `password-reset`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResetToken {
    /// The user.
    #[serde(rename = "u")]
    pub user_id: i64,
    /// Random; only its keyed hash is stored.
    #[serde(rename = "n")]
    pub nonce: String,
    /// Fingerprint of the password hash when the link was made: any password change kills it.
    #[serde(rename = "f")]
    pub fingerprint: String,
}

pub fn fingerprint(hasher: &KeyedHasher, password_hash: Option<&str>) -> String {
    let full = hasher.hash_parts(
        HashPurpose::PasswordResetNonce,
        &["fingerprint", password_hash.unwrap_or("")],
    );
    full[..16].to_owned()
}

/// Someone asks for a reset link: count the request per address and per client and, within
/// both limits, queue the job that looks the address up (so known and unknown addresses cost the
/// same here). The answer is the same whatever happened.
///
/// For several requests (address, client's throttle key) at once, as `reset_intake` gathers
/// them from HTTP: one transaction, in which all the counters are upserted by one statement and
/// all the lookup jobs inserted by another, so the counters and the jobs commit together. Each
/// request is counted and judged as if they had come one after the other, in this order.
#[tracing::instrument(skip_all, fields(requests = requests.len()))]
pub async fn request_all(
    db: &DatabaseConnection,
    requests: &[(Email, String)],
    now: DateTime<Utc>,
) -> Result<(), Fault> {
    let keys: Vec<(String, String)> = requests
        .iter()
        .map(|(email, client)| {
            (
                throttle::key("reset:address", email.as_ref()),
                throttle::key("reset:client", client),
            )
        })
        .collect();
    let limits: Vec<(&str, Limit)> = keys
        .iter()
        .flat_map(|(address, client)| {
            [
                (address.as_str(), PER_ADDRESS),
                (client.as_str(), PER_CLIENT),
            ]
        })
        .collect();
    let txn = db.begin().await?;
    let counts = throttle::hit_all(&txn, &limits, now).await?;
    if counts.len() != limits.len() {
        return Err(DbErr::Custom("rate limits counted, not as many counts".into()).into());
    }
    let mut lookups = Vec::with_capacity(requests.len());
    for ((email, _), count) in requests.iter().zip(counts.chunks_exact(2)) {
        if count[0].exceeds(PER_ADDRESS) || count[1].exceeds(PER_CLIENT) {
            tracing::warn!("password reset request throttled; nothing sent");
        } else {
            lookups.push(NewJob::password_reset_request(email.as_ref()));
        }
    }
    jobs::enqueue_all(&txn, lookups).await?;
    txn.commit().await?;
    Ok(())
}

/// For an account with this (verified) address, void older links, store a new one and queue
/// its mail, all in one transaction (the admin panel's "send a reset link"). `Ok(false)` when
/// no account has the address. [`issue_all`] with one address and no job.
pub async fn issue(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<bool, Fault> {
    let issued = issue_all(
        db,
        security,
        public_base_url,
        std::slice::from_ref(email),
        now,
        &[],
    )
    .await?;
    Ok(matches!(issued.as_slice(), [Issued::Queued]))
}

/// What [`issue_all`] did for one address.
#[derive(Debug)]
pub enum Issued {
    /// No account has it: nothing was written.
    NoAccount,
    /// A link was stored and its mail queued.
    Queued,
    /// A link was stored and its mail job queued already leased to the lookup's process: the
    /// lookup's worker hands it on to the mailer (`Performed::then_run`).
    Held(jobs::Job),
}

/// The lookup jobs' work, for the requests that arrived together: for each address with an
/// account (verified), void its older links, store a new one and queue its mail. One query for
/// the accounts, one transaction for all their links and mails (one statement each for the
/// voiding, the new links and the mail jobs), instead of six statements and a commit per
/// request. The same outcome as issuing them one after the other in this order: when two
/// requests name the same account, only the later one's link is live (the earlier is stored
/// already voided, as the later request would have voided it), and both mails go out.
/// What was done for each address ([`Issued`]), in the order of `emails`.
///
/// `done`: the lookup jobs these requests came from, if any. They are completed (with their
/// delivery records) in the same transaction as the links and mails they produced, so a lookup
/// is never acked without its work nor its work committed without the ack (see
/// `jobs::complete_in`). And their mails are queued held by the lookups' own process
/// (`jobs::enqueue_held_all`), to be sent next without a claim: a reset's mail no longer waits
/// for a dispatcher round, behind the lookups of a flood.
#[tracing::instrument(skip_all)]
pub async fn issue_all(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    emails: &[Email],
    now: DateTime<Utc>,
    done: &[&jobs::Job],
) -> Result<Vec<Issued>, Fault> {
    if emails.is_empty() && done.is_empty() {
        return Ok(Vec::new());
    }
    let accounts = users::Entity::find()
        .filter(users::Column::Email.is_in(emails.iter().map(|e| e.as_ref().to_owned())))
        .all(db)
        .await?;
    let by_email: HashMap<&str, &users::Model> = accounts
        .iter()
        .filter_map(|u| u.email.as_deref().map(|e| (e, u)))
        .collect();
    let account = |email: &Email| by_email.get(email.as_ref()).copied();
    let last_request: HashMap<i64, usize> = emails
        .iter()
        .enumerate()
        .filter_map(|(i, e)| account(e).map(|u| (u.id, i)))
        .collect();
    let mut records = Vec::new();
    let mut mails = Vec::new();
    for (i, email) in emails.iter().enumerate() {
        let Some(user) = account(email) else {
            continue;
        };
        let (mut record, mail) = new_link(security, public_base_url, email, user, now)?;
        if last_request.get(&user.id) != Some(&i) {
            record.voided_at = Set(Some(now));
        }
        records.push(record);
        mails.push(NewJob::mail(mail));
    }
    let mut issued: Vec<Issued> = emails
        .iter()
        .map(|e| match account(e) {
            Some(_) => Issued::Queued,
            None => Issued::NoAccount,
        })
        .collect();
    if records.is_empty() && done.is_empty() {
        return Ok(issued);
    }
    let user_ids: Vec<i64> = last_request.keys().copied().collect();
    let txn = db.begin().await?;
    if !records.is_empty() {
        links::void_live_all::<password_resets::Entity, _>(&txn, &user_ids, now).await?;
        password_resets::Entity::insert_many(records)
            .exec_without_returning(&txn)
            .await?;
        // Sealed: whoever reads the jobs table must not find the links.
        match done.first() {
            // Held by the lookups' process (one worker's: the same holder and lease).
            Some(lookup) => {
                let held =
                    jobs::enqueue_held_all(&txn, mails, Some(&security.cipher), lookup).await?;
                let mut held = held.into_iter();
                for outcome in issued.iter_mut() {
                    if matches!(outcome, Issued::Queued)
                        && let Some(Some(job)) = held.next()
                    {
                        *outcome = Issued::Held(job);
                    }
                }
            }
            None => {
                jobs::enqueue_sealed_all(&txn, mails, &security.cipher).await?;
            }
        }
    }
    let completed = jobs::complete_in(&txn, done).await?;
    txn.commit().await?;
    if completed.len() < done.len() {
        tracing::warn!(
            jobs = done.len() - completed.len(),
            "reset lookups done after their lease was lost; their new holder completes them"
        );
    }
    Ok(issued)
}

/// A new reset link for `user` (its record, not yet stored) and the mail that carries it.
fn new_link(
    security: &Security,
    public_base_url: &url::Url,
    email: &Email,
    user: &users::Model,
    now: DateTime<Utc>,
) -> Result<(password_resets::ActiveModel, crate::mail::Mail), Fault> {
    let nonce = crate::crypto::token_cipher::random_token(24)?;
    let token = security
        .reset_signer
        .dumps(&ResetToken {
            user_id: user.id,
            nonce: nonce.clone(),
            fingerprint: fingerprint(&security.hasher, user.password_hash.as_deref()),
        })
        .map_err(|e| Fault::internal("signing the reset link", e))?;
    let link = mails::link(public_base_url, &format!("/reset-password?token={token}"));
    let record = password_resets::ActiveModel {
        user_id: Set(user.id),
        nonce_hash: Set(security
            .hasher
            .hash(HashPurpose::PasswordResetNonce, &nonce)),
        expires_at: Set(now + LINK_LIFETIME),
        used_at: Set(None),
        voided_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    let mail = mails::password_reset(
        email.as_ref(),
        &user.nickname,
        &link,
        LINK_LIFETIME.as_secs() / 60,
    );
    Ok((record, mail))
}

/// Check the link and set the new password: once, within 30 minutes, only for the newest link,
/// only while the password is the one the link was made for. Bumps the token version (every JWT
/// issued before dies) and queues a notice mail (when, and from `client`).
#[tracing::instrument(skip_all)]
pub async fn confirm(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    token: &str,
    new_password: &Password,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), ResetError> {
    let claims: ResetToken = links::open(&security.reset_signer, token, LINK_LIFETIME, now)?;
    let nonce_hash = security
        .hasher
        .hash(HashPurpose::PasswordResetNonce, &claims.nonce);
    // Hash before the transaction: it is slow, and holding a write lock over it is not needed.
    let password_hash = security.passwords.hash(new_password).await?;

    let txn = db.begin().await?;
    let record = links::find_live::<password_resets::Entity, _, ResetError>(
        &txn,
        &nonce_hash,
        claims.user_id,
        now,
    )
    .await?;
    let user = users::Entity::find_by_id(claims.user_id)
        .one(&txn)
        .await?
        .ok_or(ResetError::TokenInvalid)?;
    if fingerprint(&security.hasher, user.password_hash.as_deref()) != claims.fingerprint {
        // The password changed since the link was made.
        return Err(ResetError::TokenInvalid);
    }
    links::use_up::<password_resets::Entity, _, ResetError>(&txn, &record, now).await?;
    let mut active: users::ActiveModel = user.clone().into();
    active.password_hash = Set(Some(password_hash));
    active.token_version = Set(user.token_version + 1);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    notices::queue(
        &txn,
        public_base_url,
        &user,
        Change::PasswordChanged,
        client,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

//! Single-use links sent by mail: the password reset (`password_resets`) and the email
//! verification (`email_verifications`). Each link carries a signed token with a random nonce;
//! only the nonce's keyed hash is stored, one row per link. A link works once, within its
//! lifetime, and only while it is its user's newest: a new request voids every older live link.
//! The two features share these steps; what each link does once accepted stays with its feature.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryTrait, Statement,
};
use serde::de::DeserializeOwned;

use crate::crypto::{SignerError, TimedSerializer};
use crate::entities::{email_verifications, password_resets};

/// Why a link is refused; each feature names it in its own error (`reset_token_*`,
/// `email_token_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Invalid,
    Expired,
    Used,
    Superseded,
}

/// `From<Refusal>` for a feature error with `TokenInvalid`, `TokenExpired`, `TokenUsed` and
/// `TokenSuperseded` variants.
#[macro_export]
macro_rules! link_refusals {
    ($error:ty) => {
        impl From<$crate::accounts::links::Refusal> for $error {
            fn from(r: $crate::accounts::links::Refusal) -> Self {
                use $crate::accounts::links::Refusal;
                match r {
                    Refusal::Invalid => Self::TokenInvalid,
                    Refusal::Expired => Self::TokenExpired,
                    Refusal::Used => Self::TokenUsed,
                    Refusal::Superseded => Self::TokenSuperseded,
                }
            }
        }
    };
}

/// A table of links and the columns the shared steps use.
pub trait LinkTable: EntityTrait {
    const ID: Self::Column;
    const USER_ID: Self::Column;
    const NONCE_HASH: Self::Column;
    const USED_AT: Self::Column;
    const VOIDED_AT: Self::Column;

    /// (id, user id, used, voided, expires at) of a row.
    fn state(row: &Self::Model) -> LinkState;
}

/// What decides whether a stored link still works.
pub struct LinkState {
    pub id: i64,
    pub user_id: i64,
    pub used: bool,
    pub voided: bool,
    pub expires_at: DateTime<Utc>,
}

macro_rules! link_table {
    ($module:ident) => {
        impl LinkTable for $module::Entity {
            const ID: Self::Column = $module::Column::Id;
            const USER_ID: Self::Column = $module::Column::UserId;
            const NONCE_HASH: Self::Column = $module::Column::NonceHash;
            const USED_AT: Self::Column = $module::Column::UsedAt;
            const VOIDED_AT: Self::Column = $module::Column::VoidedAt;

            fn state(row: &$module::Model) -> LinkState {
                LinkState {
                    id: row.id,
                    user_id: row.user_id,
                    used: row.used_at.is_some(),
                    voided: row.voided_at.is_some(),
                    expires_at: row.expires_at,
                }
            }
        }
    };
}

link_table!(password_resets);
link_table!(email_verifications);

/// The claims of a link's token, checked against `signer` at `now`.
pub fn open<T: DeserializeOwned>(
    signer: &TimedSerializer,
    token: &str,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<T, Refusal> {
    signer
        .loads_at(token, lifetime, now.timestamp().max(0) as u64)
        .map_err(|e| match e {
            SignerError::Expired { .. } => Refusal::Expired,
            _ => Refusal::Invalid,
        })
}

/// Void every live link of `user_id` (a new request, or the address they went to is gone).
pub async fn void_live<T: LinkTable, C: ConnectionTrait>(
    txn: &C,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    void_live_all::<T, C>(txn, &[user_id], now).await
}

/// [`void_live`] for several users in one statement.
pub async fn void_live_all<T: LinkTable, C: ConnectionTrait>(
    txn: &C,
    user_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if user_ids.is_empty() {
        return Ok(());
    }
    txn.execute_raw(void_live_all_statement::<T>(
        txn.get_database_backend(),
        user_ids,
        now,
    ))
    .await?;
    Ok(())
}

/// The statement [`void_live_all`] runs (its plan is tested: the live links' partial index
/// serves it even on a table without statistics).
pub fn void_live_all_statement<T: LinkTable>(
    backend: DbBackend,
    user_ids: &[i64],
    now: DateTime<Utc>,
) -> Statement {
    T::update_many()
        .col_expr(T::VOIDED_AT, Expr::value(now))
        .filter(T::USER_ID.is_in(user_ids.iter().copied()))
        .filter(T::USED_AT.is_null())
        .filter(T::VOIDED_AT.is_null())
        .build(backend)
}

/// The stored link whose nonce hashes to `nonce_hash`, if it is `user_id`'s and still works.
pub async fn find_live<T, C, E>(
    txn: &C,
    nonce_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<T::Model, E>
where
    T: LinkTable,
    C: ConnectionTrait,
    E: From<Refusal> + From<DbErr>,
{
    let row = T::find()
        .filter(T::NONCE_HASH.eq(nonce_hash))
        .one(txn)
        .await?
        .filter(|row| T::state(row).user_id == user_id)
        .ok_or(Refusal::Invalid)?;
    let state = T::state(&row);
    if state.used {
        return Err(Refusal::Used.into());
    }
    if state.voided {
        return Err(Refusal::Superseded.into());
    }
    if state.expires_at <= now {
        return Err(Refusal::Expired.into());
    }
    Ok(row)
}

/// Use the link up: exactly one caller wins (a second one is told it was used).
pub async fn use_up<T, C, E>(txn: &C, row: &T::Model, now: DateTime<Utc>) -> Result<(), E>
where
    T: LinkTable,
    C: ConnectionTrait,
    E: From<Refusal> + From<DbErr>,
{
    let used = T::update_many()
        .col_expr(T::USED_AT, Expr::value(now))
        .filter(T::ID.eq(T::state(row).id))
        .filter(T::USED_AT.is_null())
        .filter(T::VOIDED_AT.is_null())
        .exec(txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(Refusal::Used.into());
    }
    Ok(())
}

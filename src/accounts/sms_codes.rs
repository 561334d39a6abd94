//! SMS verification codes: 6 digits, stored only as a keyed hash, 5 minutes, 5 attempts, one
//! request per mobile per 60 s; and the quotas that keep the service from being used to pump
//! SMS (per client per hour and per day, per mobile per day, and a daily ceiling for all).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::AccountError;
use super::throttle::{self, Limit};
use crate::auth::crypto::{HashPurpose, KeyedHasher};
use crate::config::LimitSettings;
use crate::domain::Mobile;
use crate::entities::sms_codes;
use crate::net::ClientAddr;

pub const CODE_LIFETIME: Duration = Duration::from_secs(5 * 60);
pub const MAX_ATTEMPTS: i32 = 5;
pub const RESEND_AFTER: Duration = Duration::from_secs(60);

/// Create a code for `mobile` (refused within 60 s of the previous one) and return it for
/// delivery. Call inside the transaction that also queues its delivery.
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    mobile: &Mobile,
    now: DateTime<Utc>,
) -> Result<String, AccountError> {
    if let Some(last) = latest(db, mobile).await? {
        let elapsed = Ord::max((now - last.created_at).num_seconds(), 0) as u64;
        if elapsed < RESEND_AFTER.as_secs() {
            return Err(AccountError::SmsTooFrequent {
                retry_after: RESEND_AFTER.as_secs() - elapsed,
            });
        }
    }
    // Two requests racing past the check above still meet here: the counter is atomic.
    let limit = Limit {
        max: 1,
        window: RESEND_AFTER,
    };
    let count = throttle::hit(db, &throttle::key("sms_send", mobile.as_ref()), limit, now).await?;
    if count.exceeds(limit) {
        return Err(AccountError::SmsTooFrequent {
            retry_after: count.retry_after,
        });
    }
    let code =
        crate::auth::crypto::sms_code().map_err(|e| AccountError::Internal(e.to_string()))?;
    sms_codes::ActiveModel {
        mobile: Set(mobile.as_ref().to_owned()),
        code_hash: Set(hasher.hash_parts(HashPurpose::SmsCode, &[mobile.as_ref(), &code])),
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

const HOUR: Duration = Duration::from_secs(3600);
/// Daily windows are UTC days.
const DAY: Duration = Duration::from_secs(86_400);

/// Count one SMS against every quota; refuse (429) when any is spent. Call in the transaction
/// that issues the code, so a refused request (rolled back) spends nothing.
pub async fn charge_quotas<C: ConnectionTrait>(
    db: &C,
    mobile: &Mobile,
    client: &ClientAddr,
    limits: &LimitSettings,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
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
                AccountError::SmsTooFrequent {
                    retry_after: count.retry_after,
                }
            } else {
                AccountError::SmsDailyLimit {
                    retry_after: count.retry_after,
                }
            });
        }
    }
    Ok(())
}

async fn latest<C: ConnectionTrait>(
    db: &C,
    mobile: &Mobile,
) -> Result<Option<sms_codes::Model>, sea_orm::DbErr> {
    sms_codes::Entity::find()
        .filter(sms_codes::Column::Mobile.eq(mobile.as_ref()))
        .order_by_desc(sms_codes::Column::CreatedAt)
        .order_by_desc(sms_codes::Column::Id)
        .one(db)
        .await
}

/// Check `code` against the newest code sent to `mobile`, counting the attempt (the count
/// survives even when the caller's transaction later rolls back). Returns the code's id, to be
/// consumed with [`consume`] in the transaction that uses it.
pub async fn check<C: ConnectionTrait>(
    db: &C,
    hasher: &KeyedHasher,
    mobile: &Mobile,
    code: &str,
    now: DateTime<Utc>,
) -> Result<i64, AccountError> {
    let Some(row) = latest(db, mobile).await? else {
        return Err(AccountError::SmsCodeInvalid);
    };
    if row.consumed_at.is_some() {
        return Err(AccountError::SmsCodeInvalid);
    }
    if row.expires_at <= now {
        return Err(AccountError::SmsCodeExpired);
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
        return Err(AccountError::SmsCodeTooManyAttempts);
    }
    if hasher.verify_parts(
        HashPurpose::SmsCode,
        &[mobile.as_ref(), code],
        &row.code_hash,
    ) {
        Ok(row.id)
    } else {
        Err(AccountError::SmsCodeInvalid)
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

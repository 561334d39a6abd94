//! Staff lock an account (abuse, a reported takeover): while `locked_at` is set every way in
//! (password, SMS code, QQ) answers 403 `account_locked`, and locking bumps the token version so
//! the sessions already open end at their next request. Unlocking lets the owner sign in again
//! (old tokens stay dead). Both are audited with the staff member's reason.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::AccountError;
use crate::audit;
use crate::entities::users;

/// Every sign-in path calls this once the person proved who they are.
pub fn ensure_unlocked(user: &users::Model) -> Result<(), AccountError> {
    if user.locked_at.is_some() {
        Err(AccountError::AccountLocked)
    } else {
        Ok(())
    }
}

/// Lock (`Some(reason)`) or unlock (`None`) a user, audited in the same transaction. Locking a
/// locked account (or unlocking an unlocked one) changes nothing but is still audited, so the
/// log shows every staff action.
pub async fn set_locked(
    db: &DatabaseConnection,
    staff_user_id: i64,
    user_id: i64,
    lock: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<users::Model, AccountError> {
    let txn = db.begin().await?;
    let user = users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AccountError::UserNotFound)?;
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id));
    if lock {
        update = update
            .col_expr(users::Column::LockedAt, Expr::value(Some(now)))
            .col_expr(users::Column::LockedReason, Expr::value(Some(reason)))
            .col_expr(
                users::Column::TokenVersion,
                Expr::col(users::Column::TokenVersion).add(1),
            );
    } else {
        update = update
            .col_expr(users::Column::LockedAt, Expr::value(None::<DateTime<Utc>>))
            .col_expr(users::Column::LockedReason, Expr::value(None::<String>));
    }
    update.exec(&txn).await?;
    audit::write(
        &txn,
        audit::Action {
            actor_user_id: staff_user_id,
            action: if lock { "user.lock" } else { "user.unlock" },
            target_type: "user",
            target_id: user.id.to_string(),
            reason: Some(reason),
            details: Some(serde_json::json!({"username": user.username})),
            at: now,
        },
    )
    .await?;
    let user = users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AccountError::UserNotFound)?;
    txn.commit().await?;
    Ok(user)
}

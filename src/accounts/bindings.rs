//! A user's bindings at the sign-in providers (QQ, WeChat, Weibo), as the owner manages them:
//! list them, remove one. Removing one is allowed while another way in remains (a password, or a
//! binding at another provider); the owner's notice and the audit entry commit with the change.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::notices::{self, Change, UnboundBy};
use crate::audit;
use crate::domain::open_id;
use crate::entities::{social_bindings, users};
use crate::fault::Fault;
use crate::oauth::ProviderKind;

/// What removing a binding can refuse.
#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    /// 404 `{provider}_not_bound`.
    #[error("no {0} binding")]
    NotBound(ProviderKind),
    /// 409 `last_login_method`: no password and no other binding would be left.
    #[error("unbinding would leave no way to sign in")]
    LastLoginMethod(ProviderKind),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::fault_from!(BindingError);

/// Where an owner's change came from, for the notice.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    pub public_base_url: &'a url::Url,
    /// The client address.
    pub client: &'a str,
}

/// Every binding of `user_id`, by provider (QQ, WeChat, Weibo order).
pub async fn of_user<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<social_bindings::Model>, DbErr> {
    let mut bindings = social_bindings::Entity::find()
        .filter(social_bindings::Column::UserId.eq(user_id))
        .order_by_asc(social_bindings::Column::Id)
        .all(db)
        .await?;
    bindings.sort_by_key(|b| ProviderKind::parse(&b.provider));
    Ok(bindings)
}

/// The owner removes their binding at `provider`: allowed while a password or a binding at
/// another provider still lets them in. The owner's notice and the audit entry commit with it.
#[tracing::instrument(skip_all, fields(user_id = user.id, provider = %provider))]
pub async fn unbind(
    db: &DatabaseConnection,
    user: &users::Model,
    provider: ProviderKind,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> Result<(), BindingError> {
    let txn = db.begin().await?;
    // The way in checked first, as QQ always did: without a password and another binding the
    // answer is 409 whether or not this one exists.
    if user.password_hash.is_none() {
        // Two unbinds of the same account at once must not each count the other's binding as
        // the one left: the user's row is locked on PostgreSQL (SQLite runs one writer at a time).
        if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
            users::Entity::find_by_id(user.id)
                .lock_exclusive()
                .one(&txn)
                .await?;
        }
        let others = social_bindings::Entity::find()
            .filter(social_bindings::Column::UserId.eq(user.id))
            .filter(social_bindings::Column::Provider.ne(provider.as_str()))
            .count(&txn)
            .await?;
        if others == 0 {
            return Err(BindingError::LastLoginMethod(provider));
        }
    }
    let binding = social_bindings::Entity::find()
        .filter(social_bindings::Column::UserId.eq(user.id))
        .filter(social_bindings::Column::Provider.eq(provider.as_str()))
        .one(&txn)
        .await?
        .ok_or(BindingError::NotBound(provider))?;
    if delete_binding(&txn, &binding, user.id, "user request", now).await? {
        notices::queue(
            &txn,
            origin.public_base_url,
            user,
            Change::QqUnbound {
                provider,
                qq_nickname: &binding.nickname,
                by: UnboundBy::Owner,
            },
            origin.client,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Delete a binding (the user keeps the account) and audit who removed it, why, and whose it
/// was, in the caller's transaction. `false` when it was already gone.
///
/// Every provider's binding is audited as `qq_binding.unbind` on target type `qq_binding` (the
/// names predate WeChat and Weibo; binding ids are one sequence, so the drawer finds them), with
/// the provider in the details.
pub async fn delete_binding<C: ConnectionTrait>(
    txn: &C,
    binding: &social_bindings::Model,
    actor_user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let deleted = social_bindings::Entity::delete_by_id(binding.id)
        .exec(txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Ok(false);
    }
    audit::write(
        txn,
        audit::Action {
            actor_user_id,
            action: "qq_binding.unbind",
            target_type: "qq_binding",
            target_id: binding.id.to_string(),
            reason: Some(reason),
            details: Some(serde_json::json!({
                "user_id": binding.user_id,
                "provider": binding.provider,
                "openid": open_id::mask(&binding.subject),
            })),
            at: now,
        },
    )
    .await?;
    Ok(true)
}

//! The signed-in owner edits their account: nickname and avatar, the password (proving the
//! current one, or a fresh QQ login for an account made through QQ that never had one), and the
//! generated `rr_…` username, replaced once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};

use super::login_attempts::LoginLimits;
use super::notices::{self, Change};
use super::reauth::{self, Proof};
use super::{AccountError, Session, signup};
use crate::crypto::Security;
use crate::domain::{Avatar, Nickname, Password, Username};
use crate::entities::{social_bindings, users};
use crate::net::ClientAddr;

/// Set the nickname and/or the avatar (`None`: unchanged). A nickname another user has is 409
/// `nickname_taken`; the user's own is fine.
#[tracing::instrument(skip_all)]
pub async fn update(
    db: &DatabaseConnection,
    user: &users::Model,
    nickname: Option<Nickname>,
    avatar: Option<Avatar>,
    now: DateTime<Utc>,
) -> Result<users::Model, AccountError> {
    if nickname.is_none() && avatar.is_none() {
        return Ok(user.clone());
    }
    let txn = db.begin().await?;
    let mut active: users::ActiveModel = user.clone().into();
    if let Some(nickname) = nickname {
        if nickname.as_ref() != user.nickname && signup::nickname_taken(&txn, &nickname).await? {
            return Err(AccountError::NicknameTaken);
        }
        active.nickname = Set(nickname.into_inner());
    }
    if let Some(avatar) = avatar {
        active.avatar = Set(avatar.into_inner());
    }
    active.updated_at = Set(now);
    let user = active.update(&txn).await.map_err(AccountError::taken)?;
    txn.commit().await?;
    Ok(user)
}

/// Change (or, for an account made through QQ, first set) the password. The proof is the
/// current password (throttled with the login limits) or, without one, a QQ login within the
/// last 10 minutes. Bumps the token version (every other session ends; the answer is a new
/// session on the new version) and queues the password-changed notice, in one transaction.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all)]
pub async fn change_password(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    user: &users::Model,
    proof: Proof<'_>,
    new_password: &Password,
    limits: LoginLimits,
    client: &ClientAddr,
    now: DateTime<Utc>,
) -> Result<Session, AccountError> {
    reauth::confirm(db, &security.passwords, user, proof, limits, client, now).await?;
    let password_hash = security.passwords.hash(new_password).await?;
    let txn = db.begin().await?;
    // Compare-and-swap on the version the session proved: a reset or lock meanwhile wins.
    let done = users::Entity::update_many()
        .col_expr(
            users::Column::PasswordHash,
            Expr::value(Some(password_hash)),
        )
        .col_expr(
            users::Column::TokenVersion,
            Expr::col(users::Column::TokenVersion).add(1),
        )
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user.id))
        .filter(users::Column::TokenVersion.eq(user.token_version))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AccountError::CurrentPasswordRequired);
    }
    notices::queue(
        &txn,
        public_base_url,
        user,
        Change::PasswordChanged,
        &client.to_string(),
        now,
    )
    .await?;
    let user = reload(&txn, user.id).await?;
    txn.commit().await?;
    Ok(Session::of(security, user)?)
}

/// Replace the generated `rr_…` username, once (`username_changed_at`). 409 `username_taken`
/// when another account has it (usernames compare as stored: case is kept as typed),
/// 409 `username_already_changed` the second time.
#[tracing::instrument(skip_all)]
pub async fn change_username(
    db: &DatabaseConnection,
    user: &users::Model,
    username: &Username,
    now: DateTime<Utc>,
) -> Result<users::Model, AccountError> {
    if user.username_changed_at.is_some() || !signup::is_generated_username(&user.username) {
        return Err(AccountError::UsernameAlreadyChanged);
    }
    let txn = db.begin().await?;
    if users::Entity::find()
        .filter(users::Column::Username.eq(username.as_ref()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AccountError::UsernameTaken);
    }
    let done = users::Entity::update_many()
        .col_expr(users::Column::Username, Expr::value(username.as_ref()))
        .col_expr(users::Column::UsernameChangedAt, Expr::value(Some(now)))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user.id))
        .filter(users::Column::UsernameChangedAt.is_null())
        .exec(&txn)
        .await
        .map_err(AccountError::taken)?;
    if done.rows_affected != 1 {
        return Err(AccountError::UsernameAlreadyChanged);
    }
    let user = reload(&txn, user.id).await?;
    txn.commit().await?;
    Ok(user)
}

/// The signed-in account as its owner sees it: the user, their bindings (QQ, WeChat, Weibo
/// order), and whether the generated username may still be replaced.
pub struct Overview {
    pub user: users::Model,
    pub bindings: Vec<social_bindings::Model>,
    pub username_changeable: bool,
}

#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn overview<C: ConnectionTrait>(
    db: &C,
    user: users::Model,
) -> Result<Overview, AccountError> {
    let bindings = super::bindings::of_user(db, user.id).await?;
    let username_changeable =
        user.username_changed_at.is_none() && signup::is_generated_username(&user.username);
    Ok(Overview {
        user,
        bindings,
        username_changeable,
    })
}

async fn reload<C: ConnectionTrait>(db: &C, id: i64) -> Result<users::Model, AccountError> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AccountError::UserNotFound)
}

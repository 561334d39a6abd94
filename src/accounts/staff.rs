//! Staff accounts. The first admin is created from the command line (`passport admin create`).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::AccountError;
use crate::crypto::PasswordHasher;
use crate::domain::{Email, Nickname, Password, Username};
use crate::entities::users;

/// Create a staff user. With `reset_password`, an existing account with that username and email
/// is promoted to staff instead and its password set (sessions end); without it an existing
/// username is refused (`UsernameTaken`), so re-running the command never silently resets a
/// password. Refuses when the username and the email belong to different people.
pub async fn create_admin(
    db: &DatabaseConnection,
    username: &Username,
    email: &Email,
    password: &Password,
    reset_password: bool,
) -> Result<users::Model, AccountError> {
    let hash = PasswordHasher::owasp().hash(password).await?;
    let now = Utc::now();
    let by_name = users::Entity::find()
        .filter(users::Column::Username.eq(username.as_ref()))
        .one(db)
        .await?;
    if let Some(user) = by_name {
        if !reset_password {
            return Err(AccountError::UsernameTaken);
        }
        if user.email.as_deref() != Some(email.as_ref()) {
            return Err(AccountError::EmailTaken);
        }
        let mut active: users::ActiveModel = user.clone().into();
        active.is_staff = Set(true);
        active.password_hash = Set(Some(hash));
        active.token_version = Set(user.token_version + 1);
        active.updated_at = Set(now);
        return Ok(active.update(db).await?);
    }
    // The nickname must be unique too; admins get their username, or a suffixed one.
    let nickname = Nickname::parse(username.as_ref())
        .map(|n| n.as_ref().to_owned())
        .unwrap_or_else(|_| format!("管理员{}", username.as_ref()));
    users::ActiveModel {
        username: Set(username.as_ref().to_owned()),
        email: Set(Some(email.as_ref().to_owned())),
        nickname: Set(nickname),
        avatar: Set(String::new()),
        password_hash: Set(Some(hash)),
        token_version: Set(0),
        is_staff: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(AccountError::taken)
}

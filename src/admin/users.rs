//! The admin users page (issue 16): find accounts by username, mobile, email or nickname, see one
//! with its bindings (QQ, WeChat, Weibo), lock or unlock it (`accounts::locking`), force a password reset. Every
//! change is audited with the staff member's reason.
//!
//! Search is by prefix (case-sensitive, as typed; emails are stored lowercase so the term is
//! lowercased for them), each column an index range on its unique index: the cost does not grow
//! with the table. Substring search (`pg_trgm` / FTS5 trigram) was not chosen: staff look people up
//! by what they were told (a mobile, an email, a username), which they have from its start.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use super::AdminError;
use super::bindings::{DRAWER_LIMIT, SearchTerm};
use crate::accounts::{AccountError, locking, password_reset};
use crate::audit;
use crate::crypto::Security;
use crate::domain::Email;
use crate::entities::{social_bindings, users};
use crate::fault::Fault;

/// One page of users, newest first.
pub struct UserPage {
    pub items: Vec<users::Model>,
    pub total: u64,
}

fn matching(term: &SearchTerm) -> Condition {
    let text = term.as_str();
    let upper = format!("{text}{}", char::MAX);
    let email = text.to_lowercase();
    let email_upper = format!("{email}{}", char::MAX);
    Condition::any()
        .add(
            Condition::all()
                .add(users::Column::Username.gte(text))
                .add(users::Column::Username.lt(upper.as_str())),
        )
        .add(
            Condition::all()
                .add(users::Column::Nickname.gte(text))
                .add(users::Column::Nickname.lt(upper.as_str())),
        )
        .add(
            Condition::all()
                .add(users::Column::Mobile.gte(text))
                .add(users::Column::Mobile.lt(upper.as_str())),
        )
        .add(
            Condition::all()
                .add(users::Column::Email.gte(email.as_str()))
                .add(users::Column::Email.lt(email_upper.as_str())),
        )
}

/// Users whose username, nickname, mobile or email starts with `search` (all without one),
/// newest first; `page` is 1-based.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &DatabaseConnection,
    search: Option<&SearchTerm>,
    page: u64,
    per_page: u64,
) -> Result<UserPage, AdminError> {
    let mut query = users::Entity::find();
    if let Some(term) = search {
        query = query.filter(matching(term));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(users::Column::Id)
        .offset((page - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok(UserPage { items, total })
}

/// One user and their bindings (QQ, WeChat, Weibo order).
#[tracing::instrument(skip_all)]
pub async fn detail(
    db: &DatabaseConnection,
    id: i64,
) -> Result<(users::Model, Vec<social_bindings::Model>), AdminError> {
    let user = users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AdminError::UserNotFound)?;
    let bindings = crate::accounts::bindings::of_user(db, id).await?;
    Ok((user, bindings))
}

/// One user as the panel's drawer shows them: their bindings and the staff actions on them.
pub struct UserDetail {
    pub user: users::Model,
    /// QQ, WeChat, Weibo order.
    pub bindings: Vec<social_bindings::Model>,
    /// Newest first, at most [`DRAWER_LIMIT`].
    pub audit: Vec<audit::Entry>,
}

/// One user with their bindings and the audit entries about them.
#[tracing::instrument(skip_all)]
pub async fn overview(db: &DatabaseConnection, id: i64) -> Result<UserDetail, AdminError> {
    let (user, bindings) = detail(db, id).await?;
    let audit = audit::for_target(db, "user", &id.to_string(), DRAWER_LIMIT).await?;
    Ok(UserDetail {
        user,
        bindings,
        audit,
    })
}

/// Staff lock (`lock`) or unlock a user (see [`locking::set_locked`]), then show them as
/// [`overview`] does.
#[tracing::instrument(skip_all)]
pub async fn set_locked(
    db: &DatabaseConnection,
    staff_user_id: i64,
    id: i64,
    lock: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<UserDetail, AdminError> {
    locking::set_locked(db, staff_user_id, id, lock, reason, now)
        .await
        .map_err(|e| match e {
            AccountError::UserNotFound => AdminError::UserNotFound,
            AccountError::Fault(e) => AdminError::Fault(e),
            other => AdminError::Fault(Fault::internal("locking a user", other)),
        })?;
    overview(db, id).await
}

/// Staff force a password reset: every session of the account ends (the token version is
/// bumped) and a reset link goes to its verified email (the same link and mail as a reset the
/// owner asks for). 409 `no_verified_email` when there is none, changing nothing. The password
/// itself keeps working until the link is used (the owner may not be the problem). Audited as
/// `user.force_password_reset`.
#[tracing::instrument(skip_all)]
pub async fn force_password_reset(
    db: &DatabaseConnection,
    security: &Security,
    public_base_url: &url::Url,
    staff_user_id: i64,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let (user, _) = detail(db, id).await?;
    let email = user
        .email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
        .ok_or(AdminError::NoVerifiedEmail)?;
    let txn = db.begin().await?;
    users::Entity::update_many()
        .col_expr(
            users::Column::TokenVersion,
            Expr::col(users::Column::TokenVersion).add(1),
        )
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    audit::write(
        &txn,
        audit::Action {
            actor_user_id: staff_user_id,
            action: "user.force_password_reset",
            target_type: "user",
            target_id: user.id.to_string(),
            reason: Some(reason),
            details: Some(serde_json::json!({
                "username": user.username,
                "email": crate::accounts::notices::mask_email(email.as_ref()),
            })),
            at: now,
        },
    )
    .await?;
    txn.commit().await?;
    // The link's own transaction (voids older links, stores this one, queues the mail).
    password_reset::issue(db, security, public_base_url, &email, now).await?;
    Ok(())
}

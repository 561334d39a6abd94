//! `/api/admin/users`: the users page of the admin panel (staff only): search, one user with
//! their bindings and audit entries, lock / unlock, force a password reset. See
//! `admin::users` and `accounts::locking`.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use crate::admin::bindings::SearchTerm;
use crate::admin::{Reason, users as admin_users};
use crate::api::ApiTags;
use crate::api::admin::{AuditEntryView, page_number, per_page_of};
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::security::StaffAuth;
use crate::domain::{mobile, open_id};
use crate::entities::{social_bindings, users};
use crate::fault::Fault;
use crate::state::AppState;

pub struct AdminUsersApi;

/// A user as the panel lists them.
#[derive(Debug, Object)]
pub struct AdminUserView {
    pub id: i64,
    pub username: String,
    pub nickname: String,
    pub avatar: String,
    /// `138****8000`.
    #[oai(nullable)]
    pub mobile_masked: Option<String>,
    /// The verified email.
    #[oai(nullable)]
    pub email: Option<String>,
    pub has_password: bool,
    pub is_staff: bool,
    /// Locked by staff: every sign-in is refused.
    pub locked: bool,
    #[oai(nullable)]
    pub locked_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub locked_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&users::Model> for AdminUserView {
    fn from(u: &users::Model) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            nickname: u.nickname.clone(),
            avatar: u.avatar.clone(),
            mobile_masked: u.mobile.as_deref().map(mobile::mask),
            email: u.email.clone(),
            has_password: u.password_hash.is_some(),
            is_staff: u.is_staff,
            locked: u.locked_at.is_some(),
            locked_at: u.locked_at,
            locked_reason: u.locked_reason.clone(),
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Object)]
pub struct AdminUserPage {
    /// Newest first.
    pub items: Vec<AdminUserView>,
    pub page: u64,
    pub per_page: u64,
    /// Users matching the search.
    pub total: u64,
}

/// One of the user's bindings, without tokens.
#[derive(Debug, Object)]
pub struct AdminUserBinding {
    /// The binding's id (`/admin/bindings/{id}`).
    pub id: i64,
    /// `qq`, `wechat` or `weibo`.
    pub provider: crate::oauth::ProviderKind,
    /// Masked subject at the provider (QQ/WeChat openid, Weibo uid).
    pub openid: String,
    /// The nickname at the provider (the name predates WeChat and Weibo).
    pub qq_nickname: String,
    /// The avatar URL at the provider; empty when none.
    pub qq_avatar: String,
    pub bound_at: DateTime<Utc>,
    #[oai(nullable)]
    pub last_login_at: Option<DateTime<Utc>>,
    pub token_expires_at: DateTime<Utc>,
    pub refresh_status: RefreshStatusView,
}

/// Whether the refresher keeps the binding's token alive (Weibo's is never refreshed: `ok`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum RefreshStatusView {
    /// The last refresh (if any) worked.
    Ok,
    /// The refresher gave up: the user must log in with that provider again.
    RefreshFailed,
}

impl RefreshStatusView {
    /// As `admin::bindings::BindingStatus::of` reads the column: anything else is ok.
    fn of(column: &str) -> Self {
        if column == "refresh_failed" {
            Self::RefreshFailed
        } else {
            Self::Ok
        }
    }
}

impl From<social_bindings::Model> for AdminUserBinding {
    fn from(b: social_bindings::Model) -> Self {
        Self {
            id: b.id,
            provider: crate::oauth::ProviderKind::parse(&b.provider)
                .unwrap_or(crate::oauth::ProviderKind::Qq),
            openid: open_id::mask(&b.subject),
            qq_nickname: b.nickname,
            qq_avatar: b.avatar,
            bound_at: b.bound_at,
            last_login_at: b.last_login_at,
            token_expires_at: b.token_expires_at,
            refresh_status: RefreshStatusView::of(&b.refresh_status),
        }
    }
}

#[derive(Debug, Object)]
pub struct AdminUserDetail {
    pub user: AdminUserView,
    /// The whole mobile (staff may need to read it to the person).
    #[oai(nullable)]
    pub mobile: Option<String>,
    /// The QQ binding, if any (also in `bindings`).
    #[oai(nullable)]
    pub qq: Option<AdminUserBinding>,
    /// Every binding of the user: QQ, WeChat, Weibo order.
    pub bindings: Vec<AdminUserBinding>,
    /// Staff actions on this user (`user.lock`, `user.unlock`, `user.force_password_reset`),
    /// newest first, at most 100.
    pub audit: Vec<AuditEntryView>,
}

#[derive(Debug, Object)]
pub struct AdminReason {
    /// Why (1–500 characters, not blank); kept in the audit log.
    #[oai(validator(pattern = r"\S", max_length = 500))]
    pub reason: String,
}

#[derive(ApiResponse)]
pub enum ForcedResetResponse {
    /// Sessions ended; the reset link is on its way to the verified email.
    #[oai(status = 202)]
    Accepted,
}

operation_errors! {
    /// `adminListUsers`
    pub AdminListUsersError(Gate::Staff, input) {
        400 => [query_too_long, invalid_page, invalid_per_page],
    }

    /// `adminGetUser`
    pub AdminGetUserError(Gate::Staff, input) {
        404 => [user_not_found],
    }

    /// `adminLockUser`, `adminUnlockUser`
    pub AdminLockUserError(Gate::Staff, input) {
        400 => [reason_required, reason_too_long],
        404 => [user_not_found],
    }

    /// `adminForcePasswordReset`
    pub AdminForcePasswordResetError(Gate::Staff, input) {
        400 => [reason_required, reason_too_long],
        404 => [user_not_found],
        409 => [no_verified_email],
    }
}

impl TryFrom<admin_users::UserDetail> for AdminUserDetail {
    type Error = Fault;

    fn try_from(d: admin_users::UserDetail) -> Result<Self, Fault> {
        Ok(Self {
            user: AdminUserView::from(&d.user),
            mobile: d.user.mobile,
            qq: d
                .bindings
                .iter()
                .find(|b| b.provider == crate::oauth::ProviderKind::Qq.as_str())
                .cloned()
                .map(AdminUserBinding::from),
            bindings: d.bindings.into_iter().map(AdminUserBinding::from).collect(),
            audit: d
                .audit
                .into_iter()
                .map(AuditEntryView::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::Admin")]
impl AdminUsersApi {
    /// Find users / 查找用户
    ///
    /// `q`: a prefix (case-sensitive; emails compare lowercased) of the username, nickname,
    /// mobile or email; all users without it. Newest first; `page` (1-based), `per_page` (1–100,
    /// default 20).
    ///
    /// 按用户名、昵称、手机号或邮箱的前缀搜索用户（区分大小写），最新注册的在前。
    #[oai(path = "/users", method = "get", operation_id = "adminListUsers")]
    async fn list_users(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        #[oai(validator(max_length = 128))] q: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<
            Option<u64>,
        >,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<
            Option<u64>,
        >,
    ) -> Result<Json<AdminUserPage>, OpError<AdminListUsersError>> {
        let search = SearchTerm::parse(q.0.as_deref())?;
        let page = page_number(page.0)?;
        let per_page = per_page_of(per_page.0, 20, 100)?;
        let found = admin_users::search(&state.db, search.as_ref(), page, per_page).await?;
        Ok(Json(AdminUserPage {
            items: found.items.iter().map(AdminUserView::from).collect(),
            page,
            per_page,
            total: found.total,
        }))
    }

    /// One user with their bindings and audit entries / 用户详情
    ///
    /// 用户资料、QQ/微信/微博绑定和针对该用户的管理操作记录。
    #[oai(path = "/users/:id", method = "get", operation_id = "adminGetUser")]
    async fn get_user(
        &self,
        state: Data<&AppState>,
        _staff: StaffAuth,
        id: Path<i64>,
    ) -> Result<Json<AdminUserDetail>, OpError<AdminGetUserError>> {
        let detail = admin_users::overview(&state.db, id.0).await?;
        Ok(Json(detail.try_into()?))
    }

    /// Lock an account / 锁定账号
    ///
    /// Every sign-in (password, SMS code, QQ) is refused with 403 `account_locked` and every
    /// open session ends (the token version is bumped). Audited as `user.lock` with the reason.
    ///
    /// 锁定后密码、短信验证码和 QQ 登录都会被拒绝（403 `account_locked`），已登录的会话立即失效。
    #[oai(
        path = "/users/:id/lock",
        method = "post",
        operation_id = "adminLockUser"
    )]
    async fn lock_user(
        &self,
        state: Data<&AppState>,
        auth: StaffAuth,
        id: Path<i64>,
        body: Json<AdminReason>,
    ) -> Result<Json<AdminUserDetail>, OpError<AdminLockUserError>> {
        let reason = Reason::parse(Some(&body.reason))?;
        let detail = admin_users::set_locked(
            &state.db,
            auth.0.id,
            id.0,
            true,
            reason.as_str(),
            Utc::now(),
        )
        .await?;
        Ok(Json(detail.try_into()?))
    }

    /// Unlock an account / 解除锁定
    ///
    /// The owner may sign in again (sessions ended by the lock stay ended). Audited as
    /// `user.unlock` with the reason.
    ///
    /// 解除锁定后账号可以重新登录；锁定时失效的会话不会恢复。
    #[oai(
        path = "/users/:id/unlock",
        method = "post",
        operation_id = "adminUnlockUser"
    )]
    async fn unlock_user(
        &self,
        state: Data<&AppState>,
        auth: StaffAuth,
        id: Path<i64>,
        body: Json<AdminReason>,
    ) -> Result<Json<AdminUserDetail>, OpError<AdminLockUserError>> {
        let reason = Reason::parse(Some(&body.reason))?;
        let detail = admin_users::set_locked(
            &state.db,
            auth.0.id,
            id.0,
            false,
            reason.as_str(),
            Utc::now(),
        )
        .await?;
        Ok(Json(detail.try_into()?))
    }

    /// Force a password reset / 强制重置密码
    ///
    /// Ends every session and mails a reset link to the verified email; 409 `no_verified_email`
    /// when there is none. The password keeps working until the link is used. Audited as
    /// `user.force_password_reset`.
    ///
    /// 使所有会话失效，并向已验证的邮箱发送重置链接；没有已验证邮箱时返回 409。
    #[oai(
        path = "/users/:id/force-password-reset",
        method = "post",
        operation_id = "adminForcePasswordReset"
    )]
    async fn force_password_reset(
        &self,
        state: Data<&AppState>,
        auth: StaffAuth,
        id: Path<i64>,
        body: Json<AdminReason>,
    ) -> Result<ForcedResetResponse, OpError<AdminForcePasswordResetError>> {
        let reason = Reason::parse(Some(&body.reason))?;
        admin_users::force_password_reset(
            &state.db,
            &state.security,
            &state.settings.public_base_url,
            auth.0.id,
            id.0,
            reason.as_str(),
            Utc::now(),
        )
        .await?;
        Ok(ForcedResetResponse::Accepted)
    }
}

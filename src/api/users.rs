//! `/api/users`: password login and the signed-in user's own account.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::accounts;
use crate::api::ApiTags;
use crate::api::accounts::ProfileUpdate;
use crate::api::captcha::{self, CaptchaTicket};
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::error::ApiError;
use crate::api::security::BearerAuth;
use crate::domain::{Avatar, Nickname};
use crate::entities::users;
use crate::net::ClientAddr;
use crate::state::AppState;

pub struct UsersApi;

/// The public face of a user (the seed's fields).
#[derive(Debug, Clone, Object)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub nickname: String,
    /// Avatar URL; empty when none.
    pub avatar: String,
}

impl From<&users::Model> for UserView {
    fn from(u: &users::Model) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            nickname: u.nickname.clone(),
            avatar: u.avatar.clone(),
        }
    }
}

#[derive(Debug, Object)]
pub struct LoginRequest {
    /// Username, mobile or email.
    pub account: String,
    pub password: String,
    /// The solved captcha, when the server asks for one (`captcha_required`).
    pub captcha: Option<CaptchaTicket>,
}

#[derive(Debug, Object)]
pub struct LoginResponse {
    /// JWT for `Authorization: Bearer …`.
    pub token: String,
    pub user: UserView,
}

#[derive(Debug, Object)]
pub struct QqBindingView {
    pub nickname: String,
    pub avatar: String,
    pub bound_at: DateTime<Utc>,
    #[oai(nullable)]
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Object)]
pub struct Bindings {
    /// The QQ binding, if any.
    #[oai(nullable)]
    pub qq: Option<QqBindingView>,
}

#[derive(Debug, Object)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub nickname: String,
    pub avatar: String,
    /// The whole mobile (kept for existing clients; pages show `mobile_masked`).
    #[oai(nullable)]
    pub mobile: Option<String>,
    /// The mobile for display, `138****8000`.
    #[oai(nullable)]
    pub mobile_masked: Option<String>,
    /// Whether the username is still the generated `rr_…` one, which may be replaced once
    /// (`PUT /users/me/username`).
    pub username_changeable: bool,
    /// The verified email, if any (only a verified address receives reset links).
    #[oai(nullable)]
    pub email: Option<String>,
    /// Whether a password is set (needed before QQ can be unbound).
    pub has_password: bool,
    pub is_staff: bool,
    pub bindings: Bindings,
}

#[derive(ApiResponse)]
pub enum UnbindResponse {
    /// Unbound.
    #[oai(status = 204)]
    Unbound,
}

operation_errors! {
    /// `login`: the captcha, the credentials, the throttle, a locked account.
    pub LoginError(Gate::Open, input) {
        400 => [captcha_required, captcha_failed, invalid_credentials],
        403 => [account_locked],
        429 => [too_many_attempts],
        502 => [captcha_unavailable],
    }

    /// `getMe`
    pub GetMeError(Gate::Bearer, no_input) {}

    /// `updateMe`: the new values, a taken nickname.
    pub UpdateMeError(Gate::Bearer, input) {
        400 => [invalid_nickname, invalid_avatar],
        409 => [nickname_taken],
    }

    /// `unbindQq`
    pub UnbindQqError(Gate::Bearer, no_input) {
        404 => [qq_not_bound],
        409 => [last_login_method],
    }
}

/// A JWT for `user` (the tests and benches mint sessions with it).
pub fn issue_token(state: &AppState, user: &users::Model) -> Result<String, ApiError> {
    Ok(accounts::session_token(&state.security, user)?)
}

impl From<accounts::Session> for LoginResponse {
    fn from(session: accounts::Session) -> Self {
        Self {
            user: UserView::from(&session.user),
            token: session.token,
        }
    }
}

#[OpenApi(tag = "ApiTags::Users")]
impl UsersApi {
    /// Sign in with a password / 用密码登录
    ///
    /// Sign in with username, mobile or email and a password.
    #[oai(path = "/users/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<LoginRequest>,
    ) -> Result<Json<LoginResponse>, OpError<LoginError>> {
        let captcha = captcha::answer(body.captcha.as_ref())?;
        let credentials = accounts::Credentials {
            account: &body.account,
            password: &body.password,
            captcha: captcha.as_ref(),
        };
        let session = accounts::sign_in(
            &state.db,
            &state.security,
            &state.captcha,
            credentials,
            &client,
            (&state.settings.limits).into(),
            Utc::now(),
        )
        .await?;
        Ok(Json(session.into()))
    }

    /// The signed-in user / 获取当前登录用户及其绑定
    ///
    /// The signed-in user and their bindings.
    #[oai(path = "/users/me", method = "get", operation_id = "getMe")]
    async fn me(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<Json<Me>, OpError<GetMeError>> {
        let accounts::profile::Overview {
            user,
            qq,
            username_changeable,
        } = accounts::profile::overview(&state.db, auth.0).await?;
        let qq = qq.map(|b| QqBindingView {
            nickname: b.nickname,
            avatar: b.avatar,
            bound_at: b.bound_at,
            last_login_at: b.last_login_at,
        });
        Ok(Json(Me {
            id: user.id,
            mobile_masked: user.mobile.as_deref().map(crate::domain::mobile::mask),
            username_changeable,
            username: user.username,
            nickname: user.nickname,
            avatar: user.avatar,
            mobile: user.mobile,
            email: user.email,
            has_password: user.password_hash.is_some(),
            is_staff: user.is_staff,
            bindings: Bindings { qq },
        }))
    }

    // Beside `getMe` in this impl: poem-openapi writes a path once per API, so two APIs sharing
    // `/users/me` would drop one of its operations from the spec.
    /// Edit nickname and avatar / 修改昵称和头像
    ///
    /// Absent fields stay as they are; `avatar: ""` removes the avatar. 409 `nickname_taken`.
    ///
    /// 未提供的字段保持不变；头像须为 https 地址，传空字符串表示移除头像。
    #[oai(path = "/users/me", method = "patch", operation_id = "updateMe")]
    async fn update_me(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<ProfileUpdate>,
    ) -> Result<Json<UserView>, OpError<UpdateMeError>> {
        let nickname = body.nickname.as_deref().map(Nickname::parse).transpose()?;
        let avatar = body.avatar.as_deref().map(Avatar::parse).transpose()?;
        let user =
            accounts::profile::update(&state.db, &auth.0, nickname, avatar, Utc::now()).await?;
        Ok(Json(UserView::from(&user)))
    }

    /// Unbind QQ / 解除 QQ 绑定
    ///
    /// Remove the signed-in user's QQ binding (they must have a password to sign in with).
    #[oai(
        path = "/users/me/bindings/qq",
        method = "delete",
        operation_id = "unbindQq"
    )]
    async fn unbind_qq(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        auth: BearerAuth,
    ) -> Result<UnbindResponse, OpError<UnbindQqError>> {
        let client = client.to_string();
        let origin = accounts::qq_login::Origin {
            public_base_url: &state.settings.public_base_url,
            client: &client,
        };
        accounts::qq_login::unbind(&state.db, &auth.0, origin, Utc::now()).await?;
        Ok(UnbindResponse::Unbound)
    }
}

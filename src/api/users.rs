//! `/api/users`: password login and the signed-in user's own account.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
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
use crate::entities::{social_bindings, users};
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

/// One binding of the signed-in user, at one provider.
#[derive(Debug, Object)]
pub struct BindingView {
    pub provider: crate::oauth::ProviderKind,
    /// The nickname at the provider (as of the last profile fetch).
    pub nickname: String,
    /// The avatar URL at the provider; empty when none.
    pub avatar: String,
    pub bound_at: DateTime<Utc>,
    #[oai(nullable)]
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the stored access token expires (Weibo's is renewed only at a login).
    pub token_expires_at: DateTime<Utc>,
    /// `ok`, or why the background refresh failed (`refresh_failed`, …).
    pub refresh_status: String,
}

impl From<&social_bindings::Model> for BindingView {
    fn from(b: &social_bindings::Model) -> Self {
        Self {
            provider: crate::oauth::ProviderKind::parse(&b.provider)
                .unwrap_or(crate::oauth::ProviderKind::Qq),
            nickname: b.nickname.clone(),
            avatar: b.avatar.clone(),
            bound_at: b.bound_at,
            last_login_at: b.last_login_at,
            token_expires_at: b.token_expires_at,
            refresh_status: b.refresh_status.clone(),
        }
    }
}

/// The signed-in user's binding at each provider; null where there is none.
#[derive(Debug, Object)]
pub struct Bindings {
    /// The QQ binding, if any.
    #[oai(nullable)]
    pub qq: Option<BindingView>,
    /// The WeChat (微信) binding, if any.
    #[oai(nullable)]
    pub wechat: Option<BindingView>,
    /// The Weibo (微博) binding, if any.
    #[oai(nullable)]
    pub weibo: Option<BindingView>,
}

impl Bindings {
    fn of(bindings: &[social_bindings::Model]) -> Self {
        let at = |kind: crate::oauth::ProviderKind| {
            bindings
                .iter()
                .find(|b| b.provider == kind.as_str())
                .map(BindingView::from)
        };
        Self {
            qq: at(crate::oauth::ProviderKind::Qq),
            wechat: at(crate::oauth::ProviderKind::Wechat),
            weibo: at(crate::oauth::ProviderKind::Weibo),
        }
    }
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
    /// Whether a password is set (without one, a binding can be removed only while another
    /// binding remains).
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

    /// `oauthUnbind`
    pub OauthUnbindError(Gate::Bearer, input) {
        404 => [qq_not_bound, wechat_not_bound, weibo_not_bound],
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
            bindings,
            username_changeable,
        } = accounts::profile::overview(&state.db, auth.0).await?;
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
            bindings: Bindings::of(&bindings),
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

    /// Unbind a provider / 解除 QQ、微信或微博绑定
    ///
    /// Remove the signed-in user's binding at `provider` (`qq`, `wechat`, `weibo`): allowed while
    /// a password or a binding at another provider still lets them in (409
    /// `last_login_method` otherwise); 404 `{provider}_not_bound` when there is none. The owner
    /// is told by mail; audited as `qq_binding.unbind`.
    ///
    /// 解除绑定后须仍能登录：已设置密码，或还绑定着其他登录方式。
    #[oai(
        path = "/users/me/bindings/:provider",
        method = "delete",
        operation_id = "oauthUnbind"
    )]
    async fn unbind(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        auth: BearerAuth,
        provider: Path<crate::oauth::ProviderKind>,
    ) -> Result<UnbindResponse, OpError<OauthUnbindError>> {
        let client = client.to_string();
        let origin = accounts::bindings::Origin {
            public_base_url: &state.settings.public_base_url,
            client: &client,
        };
        accounts::bindings::unbind(&state.db, &auth.0, provider.0, origin, Utc::now()).await?;
        Ok(UnbindResponse::Unbound)
    }
}

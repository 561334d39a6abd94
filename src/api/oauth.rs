//! `/api/oauth/{provider}`: the social login journey for QQ, WeChat and Weibo. Authorize URL →
//! the provider → callback → logged in, or bind an existing account, or register and bind, or
//! (signed in, from the account page) link the identity to this account.

use chrono::Utc;
use poem::Request;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Union};

use crate::accounts::Credentials;
use crate::accounts::login_state::BrowserNonce;
use crate::accounts::social_login::{self, Outcome, Registration, SocialLoginError, TicketPayload};
use crate::api::ApiTags;
use crate::api::accounts::parse_code;
use crate::api::captcha::{self, CaptchaTicket};
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::security::BearerAuth;
use crate::api::users::{BindingView, UserView};
use crate::domain::{Mobile, Nickname, Password};
use crate::net::ClientAddr;
use crate::oauth::ProviderKind;
use crate::state::AppState;

pub struct OauthApi;

#[derive(Debug, Object)]
pub struct AuthorizeUrl {
    /// Send the browser here.
    pub url: String,
    /// The `state` inside `url`. Keep it (e.g. in sessionStorage) and check that the callback
    /// brings back the same one before posting it: that ties the login to this browser.
    pub state: String,
}

#[derive(Debug, Object)]
pub struct CallbackRequest {
    /// `code` from the provider's redirect (up to 256 of `A-Z a-z 0-9 . _ ~ -`; anything else
    /// answers 400 `invalid_code`).
    pub code: String,
    /// `state` from the provider's redirect.
    pub state: String,
}

#[derive(Debug, Object)]
pub struct LoggedIn {
    /// JWT for `Authorization: Bearer …`.
    pub token: String,
    pub user: UserView,
    /// Where to go now (a same-site path).
    pub next: String,
}

#[derive(Debug, Object)]
pub struct SocialProfile {
    /// The nickname at the provider, to prefill the forms.
    pub nickname: String,
    /// The avatar URL at the provider; empty when none.
    pub avatar: String,
}

#[derive(Debug, Object)]
pub struct BindRequired {
    /// Names this identity for `/oauth/{provider}/bind`, `/register` or `/link` (of the same
    /// provider); valid 10 minutes, once.
    pub bind_ticket: String,
    pub profile: SocialProfile,
    pub next: String,
}

/// How a social login ends; `status` tells which.
#[derive(Debug, Union)]
#[oai(discriminator_name = "status")]
pub enum SocialLoginResult {
    #[oai(mapping = "logged_in")]
    LoggedIn(LoggedIn),
    #[oai(mapping = "bind_required")]
    BindRequired(BindRequired),
}

#[derive(Debug, Object)]
pub struct BindRequest {
    pub bind_ticket: String,
    /// Username, mobile or email of the existing account.
    pub account: String,
    pub password: String,
    /// The solved captcha, when the server asks for one (`captcha_required`).
    pub captcha: Option<CaptchaTicket>,
}

#[derive(Debug, Object)]
pub struct RegisterRequest {
    pub bind_ticket: String,
    /// 2–20 characters.
    #[oai(validator(min_length = 2, max_length = 20))]
    pub nickname: String,
    /// Mainland China mobile, 11 digits (`+86` and spaces allowed).
    #[oai(validator(pattern = r"^[+0-9\s]+$", min_length = 11, max_length = 32))]
    pub mobile: String,
    /// The 6-digit code sent by `POST /sms/codes` (purpose `qq_register`, with this ticket, for
    /// every provider).
    #[oai(validator(pattern = r"^\s*[0-9]{6}\s*$"))]
    pub sms_code: String,
    /// 8–128 characters, at least two of letters, digits and symbols.
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
}

#[derive(Debug, Object)]
pub struct LinkRequest {
    /// The ticket of a `bind_required` callback of the same provider.
    pub bind_ticket: String,
}

#[derive(ApiResponse)]
pub enum AuthorizeUrlResponse {
    /// The URL and its state. `Set-Cookie` gives this browser the provider's login cookie
    /// (`passport_qq_login`, `passport_wechat_login` or `passport_weibo_login`; `HttpOnly;
    /// SameSite=Lax; Secure`, path `/api/oauth/{provider}`, 10 minutes) that the callback
    /// requires; a browser that already has one keeps it.
    #[oai(status = 200)]
    Ok(Json<AuthorizeUrl>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// Account created and bound; logged in.
    #[oai(status = 201)]
    Created(Json<SocialLoginResult>),
}

operation_errors! {
    /// `getOauthAuthorizeUrl`: the `next`, a provider this instance has no app at.
    pub AuthorizeUrlError(Gate::Open, input) {
        400 => [invalid_next],
        502 => [qq_unavailable, wechat_unavailable, weibo_unavailable],
    }

    /// `oauthCallback`: the state, the provider's answer, a locked account, the exchange
    /// workers' load.
    pub OauthCallbackError(Gate::Open, input) {
        400 => [invalid_code, state_invalid, state_expired, state_not_this_browser, state_used],
        401 => [qq_login_expired, wechat_login_expired, weibo_login_expired],
        403 => [account_locked],
        502 => [qq_unavailable, wechat_unavailable, weibo_unavailable],
        503 => [overloaded],
    }

    /// `oauthBind`: the ticket, the captcha, the existing account's password and the binding.
    pub OauthBindError(Gate::Open, input) {
        400 => [invalid_credentials, captcha_required, captcha_failed],
        401 => [bind_ticket_invalid, bind_ticket_expired, bind_ticket_used],
        403 => [account_locked],
        409 => [
            qq_already_bound, wechat_already_bound, weibo_already_bound, account_already_bound,
        ],
        429 => [too_many_attempts],
        502 => [captcha_unavailable],
        503 => [overloaded],
    }

    /// `oauthRegister`: the ticket, the form, the SMS code and the new account's names.
    pub OauthRegisterError(Gate::Open, input) {
        400 => [
            invalid_nickname, invalid_mobile, invalid_password,
            sms_code_invalid, sms_code_expired, sms_code_too_many_attempts,
        ],
        401 => [bind_ticket_invalid, bind_ticket_expired, bind_ticket_used],
        409 => [
            nickname_taken, mobile_taken, username_taken,
            qq_already_bound, wechat_already_bound, weibo_already_bound,
        ],
        503 => [overloaded],
    }

    /// `oauthLink`: the ticket, and the identity or the account already bound.
    pub OauthLinkError(Gate::Bearer, input) {
        401 => [bind_ticket_invalid, bind_ticket_expired, bind_ticket_used],
        409 => [
            qq_already_bound, wechat_already_bound, weibo_already_bound, account_already_bound,
        ],
        503 => [overloaded],
    }
}

impl From<Outcome> for SocialLoginResult {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::LoggedIn(done) => Self::LoggedIn(LoggedIn {
                token: done.token,
                user: UserView::from(&done.user),
                next: done.next.to_string(),
            }),
            Outcome::BindRequired(offer) => Self::BindRequired(BindRequired {
                bind_ticket: offer.ticket,
                profile: SocialProfile {
                    nickname: offer.nickname,
                    avatar: offer.avatar,
                },
                next: offer.next.to_string(),
            }),
        }
    }
}

fn login_cookie(provider: ProviderKind, req: &Request) -> Option<BrowserNonce> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| BrowserNonce::from_cookie_header(provider, header))
}

fn load_ticket(
    state: &AppState,
    provider: ProviderKind,
    token: &str,
) -> Result<TicketPayload, SocialLoginError> {
    social_login::load_ticket(&state.security, provider, token)
}

#[OpenApi(tag = "ApiTags::SocialLogin")]
impl OauthApi {
    /// Get a provider's authorize URL / 获取第三方（QQ、微信、微博）授权登录地址
    ///
    /// The authorize URL of `provider` (`qq`, `wechat`, `weibo`) for a login that returns to
    /// `next` (a same-site path, default `/`). The provider sends the browser back to the web
    /// app's `/oauth/{provider}/callback?code=…&state=…`.
    ///
    /// Also sets the provider's login cookie (`passport_{provider}_login`): the state works only
    /// in this browser (call with credentials from another origin), only once, and only at this
    /// provider's callback. 502 `{provider}_unavailable` when this instance has no app there.
    #[oai(
        path = "/oauth/:provider/authorize-url",
        method = "get",
        operation_id = "getOauthAuthorizeUrl"
    )]
    async fn authorize_url(
        &self,
        state: Data<&AppState>,
        req: &Request,
        provider: Path<ProviderKind>,
        next: Query<Option<String>>,
    ) -> Result<AuthorizeUrlResponse, OpError<AuthorizeUrlError>> {
        let authorization = social_login::authorize(
            &state.security,
            social_login::provider(&state.providers, provider.0)?,
            &state.settings.public_base_url,
            next.0.as_deref(),
            login_cookie(provider.0, req),
        )?;
        Ok(AuthorizeUrlResponse::Ok(
            Json(AuthorizeUrl {
                url: authorization.url,
                state: authorization.state,
            }),
            authorization.set_cookie,
        ))
    }

    /// Finish a social login / 完成第三方登录（用授权码登录或换取绑定凭证）
    ///
    /// Finish a login at `provider`: exchange the code, then log in a bound user or ask to bind.
    ///
    /// Needs the login cookie that `getOauthAuthorizeUrl` set in this browser for this provider
    /// (400 `state_not_this_browser` without it); each state works once (400 `state_used`) and
    /// only at the provider it was issued for (400 `state_invalid`).
    #[oai(
        path = "/oauth/:provider/callback",
        method = "post",
        operation_id = "oauthCallback"
    )]
    async fn callback(
        &self,
        state: Data<&AppState>,
        req: &Request,
        provider: Path<ProviderKind>,
        body: Json<CallbackRequest>,
    ) -> Result<Json<SocialLoginResult>, OpError<OauthCallbackError>> {
        let outcome = social_login::callback(
            &state.social_callback(),
            provider.0,
            &body.state,
            &body.code,
            login_cookie(provider.0, req).as_ref(),
            Utc::now(),
        )
        .await?;
        Ok(Json(outcome.into()))
    }

    /// Bind to an existing account / 将第三方账号绑定到已有账号（验证密码）
    ///
    /// Bind the ticket's identity (of this provider) to an existing account, proven by its
    /// password.
    #[oai(
        path = "/oauth/:provider/bind",
        method = "post",
        operation_id = "oauthBind"
    )]
    async fn bind(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        provider: Path<ProviderKind>,
        body: Json<BindRequest>,
    ) -> Result<Json<SocialLoginResult>, OpError<OauthBindError>> {
        let payload = load_ticket(&state, provider.0, &body.bind_ticket)?;
        let captcha = captcha::answer(body.captcha.as_ref())?;
        let credentials = Credentials {
            account: &body.account,
            password: &body.password,
            captcha: captcha.as_ref(),
        };
        let done = social_login::bind(
            &state.social_ticket(),
            payload,
            credentials,
            &client,
            Utc::now(),
        )
        .await?;
        Ok(Json(Outcome::LoggedIn(done).into()))
    }

    /// Register with a provider / 用第三方账号注册新账号（手机号 + 短信验证码）
    ///
    /// Create an account for the ticket's identity (mobile proven by an SMS code) and bind it.
    #[oai(
        path = "/oauth/:provider/register",
        method = "post",
        operation_id = "oauthRegister"
    )]
    async fn register(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        provider: Path<ProviderKind>,
        body: Json<RegisterRequest>,
    ) -> Result<RegisterResponse, OpError<OauthRegisterError>> {
        let payload = load_ticket(&state, provider.0, &body.bind_ticket)?;
        let form = Registration {
            nickname: Nickname::parse(&body.nickname)?,
            mobile: Mobile::parse(&body.mobile)?,
            password: Password::parse(&body.password)?,
            sms_code: parse_code(&body.sms_code)?,
        };
        let done =
            social_login::register(&state.social_ticket(), payload, form, &client, Utc::now())
                .await?;
        Ok(RegisterResponse::Created(Json(
            Outcome::LoggedIn(done).into(),
        )))
    }

    /// Link to the signed-in account / 将第三方账号绑定到当前登录的账号
    ///
    /// Bind the ticket's identity to the signed-in account: the account page's "绑定" runs
    /// `getOauthAuthorizeUrl` (next=/account), the callback answers `bind_required`, then this.
    /// 409 `{provider}_already_bound` when the identity belongs to another account,
    /// `account_already_bound` when this account already has a binding of this provider.
    #[oai(
        path = "/oauth/:provider/link",
        method = "post",
        operation_id = "oauthLink"
    )]
    async fn link(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        client: ClientAddr,
        provider: Path<ProviderKind>,
        body: Json<LinkRequest>,
    ) -> Result<Json<BindingView>, OpError<OauthLinkError>> {
        let payload = load_ticket(&state, provider.0, &body.bind_ticket)?;
        let binding =
            social_login::link(&state.social_ticket(), payload, auth.0, &client, Utc::now())
                .await?;
        Ok(Json(BindingView::from(&binding)))
    }
}

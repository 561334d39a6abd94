//! `/api/oauth/qq`: the QQ login journey. Authorize URL → QQ → callback → logged in, or bind an
//! existing account, or register and bind.

use chrono::Utc;
use poem::Request;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Union};

use crate::accounts::Credentials;
use crate::accounts::login_state::BrowserNonce;
use crate::accounts::qq_login::{self, Outcome, QqLoginError, Registration, TicketPayload};
use crate::api::ApiTags;
use crate::api::accounts::parse_code;
use crate::api::captcha::{self, CaptchaTicket};
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::users::UserView;
use crate::domain::{Mobile, Nickname, Password};
use crate::net::ClientAddr;
use crate::state::AppState;

pub struct OauthQqApi;

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
    /// `code` from QQ's redirect.
    #[oai(validator(pattern = r"^[A-Za-z0-9._~-]{1,256}$"))]
    pub code: String,
    /// `state` from QQ's redirect.
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
pub struct QqProfile {
    /// QQ nickname, to prefill the forms.
    pub nickname: String,
    /// QQ avatar URL; empty when none.
    pub avatar: String,
}

#[derive(Debug, Object)]
pub struct BindRequired {
    /// Names this QQ identity for `/oauth/qq/bind` or `/oauth/qq/register`; valid 10 minutes,
    /// once.
    pub bind_ticket: String,
    pub profile: QqProfile,
    pub next: String,
}

/// How a QQ login ends; `status` tells which.
#[derive(Debug, Union)]
#[oai(discriminator_name = "status")]
pub enum QqLoginResult {
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
    /// The 6-digit code sent by `POST /sms/codes`.
    #[oai(validator(pattern = r"^\s*[0-9]{6}\s*$"))]
    pub sms_code: String,
    /// 8–128 characters, at least two of letters, digits and symbols.
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
}

#[derive(ApiResponse)]
pub enum AuthorizeUrlResponse {
    /// The URL and its state. `Set-Cookie` gives this browser the `passport_qq_login` cookie
    /// (`HttpOnly; SameSite=Lax; Secure`, path `/api/oauth/qq`, 10 minutes) that the callback
    /// requires; a browser that already has one keeps it.
    #[oai(status = 200)]
    Ok(Json<AuthorizeUrl>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// Account created and bound; logged in.
    #[oai(status = 201)]
    Created(Json<QqLoginResult>),
}

operation_errors! {
    /// `getQqAuthorizeUrl`
    pub AuthorizeUrlError(Gate::Open, input) {
        400 => [invalid_next],
    }

    /// `qqCallback`: the state, QQ's answer, a locked account, the exchange workers' load.
    pub QqCallbackError(Gate::Open, input) {
        400 => [invalid_code, state_invalid, state_expired, state_not_this_browser, state_used],
        401 => [qq_login_expired],
        403 => [account_locked],
        502 => [qq_unavailable],
        503 => [overloaded],
    }

    /// `qqBind`: the ticket, the captcha, the existing account's password and the binding.
    pub QqBindError(Gate::Open, input) {
        400 => [invalid_credentials, captcha_required, captcha_failed],
        401 => [bind_ticket_invalid, bind_ticket_expired, bind_ticket_used],
        403 => [account_locked],
        409 => [qq_already_bound, account_already_bound],
        429 => [too_many_attempts],
        502 => [captcha_unavailable],
        503 => [overloaded],
    }

    /// `qqRegister`: the ticket, the form, the SMS code and the new account's names.
    pub QqRegisterError(Gate::Open, input) {
        400 => [
            invalid_nickname, invalid_mobile, invalid_password,
            sms_code_invalid, sms_code_expired, sms_code_too_many_attempts,
        ],
        401 => [bind_ticket_invalid, bind_ticket_expired, bind_ticket_used],
        409 => [nickname_taken, mobile_taken, username_taken, qq_already_bound],
        503 => [overloaded],
    }
}

pub(crate) fn load_ticket(state: &AppState, token: &str) -> Result<TicketPayload, QqLoginError> {
    qq_login::load_ticket(&state.security, token)
}

impl From<Outcome> for QqLoginResult {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::LoggedIn(done) => Self::LoggedIn(LoggedIn {
                token: done.token,
                user: UserView::from(&done.user),
                next: done.next.to_string(),
            }),
            Outcome::BindRequired(offer) => Self::BindRequired(BindRequired {
                bind_ticket: offer.ticket,
                profile: QqProfile {
                    nickname: offer.qq_nickname,
                    avatar: offer.qq_avatar,
                },
                next: offer.next.to_string(),
            }),
        }
    }
}

fn login_cookie(req: &Request) -> Option<BrowserNonce> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(BrowserNonce::from_cookie_header)
}

#[OpenApi(tag = "ApiTags::QqLogin")]
impl OauthQqApi {
    /// Get the QQ authorize URL / 获取 QQ 授权登录地址
    ///
    /// The QQ authorize URL for a login that returns to `next` (a same-site path, default `/`).
    ///
    /// Also sets the `passport_qq_login` cookie: the state works only in this browser (call with
    /// credentials from another origin), and only once.
    #[oai(
        path = "/oauth/qq/authorize-url",
        method = "get",
        operation_id = "getQqAuthorizeUrl"
    )]
    async fn authorize_url(
        &self,
        state: Data<&AppState>,
        req: &Request,
        next: Query<Option<String>>,
    ) -> Result<AuthorizeUrlResponse, OpError<AuthorizeUrlError>> {
        let authorization = qq_login::authorize(
            &state.security,
            &state.qq,
            &state.settings.public_base_url,
            next.0.as_deref(),
            login_cookie(req),
        )?;
        Ok(AuthorizeUrlResponse::Ok(
            Json(AuthorizeUrl {
                url: authorization.url,
                state: authorization.state,
            }),
            authorization.set_cookie,
        ))
    }

    /// Finish a QQ login / 完成 QQ 登录（用授权码登录或换取绑定凭证）
    ///
    /// Finish a QQ login: exchange the code, then log in a bound user or ask to bind.
    ///
    /// Needs the `passport_qq_login` cookie that `getQqAuthorizeUrl` set in this browser (400
    /// `state_not_this_browser` without it), and each state works once (400 `state_used`).
    #[oai(
        path = "/oauth/qq/callback",
        method = "post",
        operation_id = "qqCallback"
    )]
    async fn callback(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<CallbackRequest>,
    ) -> Result<Json<QqLoginResult>, OpError<QqCallbackError>> {
        let outcome = qq_login::callback(
            &state.qq_callback(),
            &body.state,
            &body.code,
            login_cookie(req).as_ref(),
            Utc::now(),
        )
        .await?;
        Ok(Json(outcome.into()))
    }

    /// Bind QQ to an existing account / 将 QQ 绑定到已有账号（验证密码）
    ///
    /// Bind the ticket's QQ identity to an existing account, proven by its password.
    #[oai(path = "/oauth/qq/bind", method = "post", operation_id = "qqBind")]
    async fn bind(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<BindRequest>,
    ) -> Result<Json<QqLoginResult>, OpError<QqBindError>> {
        let payload = load_ticket(&state, &body.bind_ticket)?;
        let captcha = captcha::answer(body.captcha.as_ref())?;
        let credentials = Credentials {
            account: &body.account,
            password: &body.password,
            captcha: captcha.as_ref(),
        };
        let done = qq_login::bind(
            &state.qq_ticket(),
            payload,
            credentials,
            &client,
            Utc::now(),
        )
        .await?;
        Ok(Json(Outcome::LoggedIn(done).into()))
    }

    /// Register with QQ / 用 QQ 注册新账号（手机号 + 短信验证码）
    ///
    /// Create an account for the ticket's QQ identity (mobile proven by an SMS code) and bind it.
    #[oai(
        path = "/oauth/qq/register",
        method = "post",
        operation_id = "qqRegister"
    )]
    async fn register(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<RegisterRequest>,
    ) -> Result<RegisterResponse, OpError<QqRegisterError>> {
        let payload = load_ticket(&state, &body.bind_ticket)?;
        let form = Registration {
            nickname: Nickname::parse(&body.nickname)?,
            mobile: Mobile::parse(&body.mobile)?,
            password: Password::parse(&body.password)?,
            sms_code: parse_code(&body.sms_code)?,
        };
        let done =
            qq_login::register(&state.qq_ticket(), payload, form, &client, Utc::now()).await?;
        Ok(RegisterResponse::Created(Json(
            Outcome::LoggedIn(done).into(),
        )))
    }
}

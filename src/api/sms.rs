//! `/api/sms`: verification codes, each for one purpose (QQ registration, sign-up, sign-in,
//! password reset). The code is stored hashed and its delivery is a durable job committed in the
//! same transaction: no code without its message, and no message for a code that was never
//! stored. Each purpose proves what it is for (a live bind ticket for QQ registration, the
//! captcha per policy for the others), within per-client, per-mobile and global quotas shared by
//! all purposes. Sign-in and reset codes are issued by a job that looks the mobile up, so the
//! answer is the same for every mobile.

use chrono::Utc;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use crate::accounts::sms_codes;
use crate::accounts::sms_codes::{SmsError, SmsPurpose};
use crate::accounts::social_login;
use crate::api::ApiTags;
use crate::api::captcha::{self, CaptchaTicket};
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::domain::Mobile;
use crate::net::ClientAddr;
use crate::sms::Sms;
use crate::state::AppState;

pub struct SmsApi;

/// What a code is for; it is accepted only for that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SmsCodePurpose {
    /// Registering a new account for a QQ, WeChat or Weibo identity (needs `bind_ticket`).
    #[default]
    QqRegister,
    /// Signing up with a mobile (`POST /users`).
    Signup,
    /// Signing in with a code (`POST /users/login/sms`).
    Login,
    /// Setting a new password (`POST /password-resets/sms`).
    ResetPassword,
}

impl From<SmsCodePurpose> for SmsPurpose {
    fn from(p: SmsCodePurpose) -> Self {
        match p {
            SmsCodePurpose::QqRegister => SmsPurpose::QqRegister,
            SmsCodePurpose::Signup => SmsPurpose::Signup,
            SmsCodePurpose::Login => SmsPurpose::Login,
            SmsCodePurpose::ResetPassword => SmsPurpose::ResetPassword,
        }
    }
}

#[derive(Debug, Object)]
pub struct SmsCodeRequest {
    /// Mainland China mobile, 11 digits (`+86` and spaces allowed).
    #[oai(validator(pattern = r"^[+0-9\s]+$", min_length = 11, max_length = 32))]
    pub mobile: String,
    /// What the code is for; `qq_register` when absent (the registration form of a social
    /// login: QQ, WeChat or Weibo).
    #[oai(default)]
    pub purpose: SmsCodePurpose,
    /// For `qq_register` (required there): the bind ticket of the registration the code is for
    /// (from the callback of any provider); it must be live (unused, unexpired).
    pub bind_ticket: Option<String>,
    /// The solved captcha, when the server asks for one (`captcha_required`).
    pub captcha: Option<CaptchaTicket>,
}

#[derive(Debug, Object)]
pub struct SmsCodeSent {
    /// Seconds before another code may be requested for this mobile.
    pub retry_after: u64,
    /// Seconds the code stays valid.
    pub expires_in: u64,
}

#[derive(ApiResponse)]
pub enum SmsCodeResponse {
    /// The code is on its way.
    #[oai(status = 202)]
    Accepted(Json<SmsCodeSent>),
}

operation_errors! {
    /// `sendSmsCode`: the purpose's proof (ticket or captcha), the mobile, the quotas.
    pub SendSmsCodeError(Gate::Open, input) {
        400 => [bind_ticket_required, invalid_mobile, captcha_required, captcha_failed],
        401 => [bind_ticket_invalid, bind_ticket_expired, bind_ticket_used],
        409 => [mobile_taken],
        429 => [sms_too_frequent, sms_daily_limit],
        502 => [captcha_unavailable],
    }
}

/// The message a person receives: the verification-code template with the code and its minutes.
pub fn verification_sms(mobile: &Mobile, code: &str) -> Sms {
    sms_codes::message(mobile, code)
}

#[OpenApi(tag = "ApiTags::Sms")]
impl SmsApi {
    /// Send a 6-digit SMS code for a purpose / 发送短信验证码（注册、登录或重置密码）
    ///
    /// `qq_register` needs the live bind ticket of the registration (QQ, WeChat or Weibo); `signup`, `login` and
    /// `reset_password` need the captcha as the policy says (under `risk`, always). `signup` and
    /// `qq_register` answer 409 `mobile_taken` when the mobile already has an account (nothing
    /// is sent; sign in instead). `login` and `reset_password` answer 202 whether or not the
    /// mobile has an account; the code is sent only when it has (no enumeration). Once per 60
    /// seconds per mobile; quotas per client (hour and day), per mobile (day) and for the whole
    /// service (day), shared by all purposes, answer 429 with `retry_after`.
    ///
    /// `qq_register` 需要第三方（QQ、微信、微博）登录返回的有效绑定凭证；`signup`、`login`、`reset_password` 按策略需要
    /// 安全验证（risk 策略下总是需要）。注册用途下手机号已注册时返回 409 `mobile_taken`，不发送短信。
    /// 登录和重置密码用途无论手机号是否注册都返回 202，只有已注册的手机号才会收到短信。同一手机号
    /// 60 秒内只能发送一次，每个客户端每小时、每天以及全站每天的条数有上限（各用途共用）。
    #[oai(path = "/sms/codes", method = "post", operation_id = "sendSmsCode")]
    async fn send_code(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<SmsCodeRequest>,
    ) -> Result<SmsCodeResponse, OpError<SendSmsCodeError>> {
        let purpose = SmsPurpose::from(body.purpose);
        // Parsing: a ticket's signature and age, for the purpose that needs one.
        let ticket = match (purpose, body.bind_ticket.as_deref()) {
            // Any provider's ticket: it names its provider (a dead one is worded as QQ's, the
            // purpose's first).
            (SmsPurpose::QqRegister, Some(token)) => Some(
                social_login::open_ticket(&state.security, crate::oauth::ProviderKind::Qq, token)?
                    .ticket,
            ),
            (SmsPurpose::QqRegister, None) => return Err(SmsError::TicketRequired.into()),
            _ => None,
        };
        let mobile = Mobile::parse(&body.mobile)?;
        let captcha = captcha::answer(body.captcha.as_ref())?;
        sms_codes::send(
            &state.db,
            &state.security,
            &state.captcha,
            &state.settings.limits,
            sms_codes::CodeRequest {
                mobile: &mobile,
                purpose,
                ticket: ticket.as_ref(),
                captcha: captcha.as_ref(),
            },
            &client,
            Utc::now(),
        )
        .await?;
        Ok(SmsCodeResponse::Accepted(Json(SmsCodeSent {
            retry_after: sms_codes::RESEND_AFTER.as_secs(),
            expires_in: sms_codes::CODE_LIFETIME.as_secs(),
        })))
    }
}

//! Accounts people run themselves (issue 16): sign up with a mobile and an SMS code, sign in
//! with an SMS code, reset the password by SMS, check a nickname or mobile before submitting,
//! and edit the account (nickname, avatar, password, the generated username once).

use chrono::Utc;
use poem::Request;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use crate::accounts::reauth::Proof;
use crate::accounts::signup;
use crate::accounts::sms_codes::SmsError;
use crate::accounts::{AccountError, profile, sms_login};
use crate::api::ApiTags;
use crate::api::contract::{Gate, OpError, operation_errors};
use crate::api::password_and_email::NoContent;
use crate::api::security::{BearerAuth, session_issued_at};
use crate::api::users::{LoginResponse, UserView};
use crate::domain::{DomainError, Mobile, Nickname, Password, Username};
use crate::net::ClientAddr;
use crate::state::AppState;

pub struct AccountsApi;

#[derive(Debug, Object)]
pub struct SignupRequest {
    /// Mainland China mobile, 11 digits (`+86` and spaces allowed).
    #[oai(validator(pattern = r"^[+0-9\s]+$", min_length = 11, max_length = 32))]
    pub mobile: String,
    /// The 6-digit code sent by `POST /sms/codes` with purpose `signup`.
    #[oai(validator(pattern = r"^\s*[0-9]{6}\s*$"))]
    pub sms_code: String,
    /// 2–20 characters.
    #[oai(validator(min_length = 2, max_length = 20))]
    pub nickname: String,
    /// 8–128 characters, at least two of letters, digits and symbols.
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
}

#[derive(ApiResponse)]
pub enum SignupResponse {
    /// Account created; logged in.
    #[oai(status = 201)]
    Created(Json<LoginResponse>),
}

#[derive(Debug, Object)]
pub struct SmsLoginRequest {
    /// Mainland China mobile, 11 digits (`+86` and spaces allowed).
    #[oai(validator(pattern = r"^[+0-9\s]+$", min_length = 11, max_length = 32))]
    pub mobile: String,
    /// The 6-digit code sent by `POST /sms/codes` with purpose `login`.
    #[oai(validator(pattern = r"^\s*[0-9]{6}\s*$"))]
    pub sms_code: String,
}

#[derive(Debug, Object)]
pub struct SmsResetRequest {
    /// The account's mobile.
    #[oai(validator(pattern = r"^[+0-9\s]+$", min_length = 11, max_length = 32))]
    pub mobile: String,
    /// The 6-digit code sent by `POST /sms/codes` with purpose `reset_password`.
    #[oai(validator(pattern = r"^\s*[0-9]{6}\s*$"))]
    pub sms_code: String,
    /// 8–128 characters, at least two of letters, digits and symbols.
    #[oai(validator(min_length = 8, max_length = 128))]
    pub new_password: String,
}

/// Why a value cannot be used (the codes the sign-up itself would answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum UnavailableReason {
    InvalidNickname,
    InvalidMobile,
    NicknameTaken,
    MobileTaken,
    /// Anything else (not expected).
    Unavailable,
}

/// Whether one value can be used.
#[derive(Debug, Object)]
pub struct Availability {
    pub available: bool,
    /// Why not.
    #[oai(nullable)]
    pub reason: Option<UnavailableReason>,
    /// What to tell the person, in Chinese.
    #[oai(nullable)]
    pub message: Option<String>,
}

impl Availability {
    fn available() -> Self {
        Self {
            available: true,
            reason: None,
            message: None,
        }
    }

    fn of(answer: Result<(), AccountError>) -> Self {
        match answer {
            Ok(()) => Self::available(),
            Err(e) => Self::refused(e),
        }
    }

    fn refused(e: AccountError) -> Self {
        use UnavailableReason as R;
        let (reason, message) = match e {
            AccountError::Invalid(d @ DomainError::InvalidNickname(_)) => {
                (R::InvalidNickname, d.message())
            }
            AccountError::Invalid(d @ DomainError::InvalidMobile) => {
                (R::InvalidMobile, d.message())
            }
            AccountError::NicknameTaken => (R::NicknameTaken, "昵称已被使用，换一个试试"),
            AccountError::MobileTaken => (
                R::MobileTaken,
                "该手机号已注册荏苒账号，请直接登录（可用短信验证码登录）",
            ),
            _ => (R::Unavailable, "暂时无法使用"),
        };
        Self {
            available: false,
            reason: Some(reason),
            message: Some(message.to_owned()),
        }
    }
}

#[derive(Debug, Object)]
pub struct AvailabilityAnswer {
    /// Present when `nickname` was asked about.
    #[oai(nullable)]
    pub nickname: Option<Availability>,
    /// Present when `mobile` was asked about.
    #[oai(nullable)]
    pub mobile: Option<Availability>,
}

#[derive(Debug, Object)]
pub struct ProfileUpdate {
    /// 2–20 characters; unchanged when absent.
    #[oai(validator(min_length = 2, max_length = 20))]
    pub nickname: Option<String>,
    /// An `https://` image URL (at most 512 characters), or empty to remove it; unchanged when
    /// absent.
    #[oai(validator(max_length = 512))]
    pub avatar: Option<String>,
}

#[derive(Debug, Object)]
pub struct PasswordChange {
    /// The current password. An account without one (made through QQ) leaves it out and must
    /// have signed in with QQ within the last 10 minutes to set its first password.
    pub current_password: Option<String>,
    /// 8–128 characters, at least two of letters, digits and symbols.
    #[oai(validator(min_length = 8, max_length = 128))]
    pub new_password: String,
}

#[derive(Debug, Object)]
pub struct PasswordChanged {
    /// A new JWT: every earlier token of this account (this one too) is revoked.
    pub token: String,
}

#[derive(Debug, Object)]
pub struct UsernameChange {
    /// 4–32 ASCII letters, digits, `_` and `-`, not all digits.
    #[oai(validator(pattern = r"^\s*[A-Za-z0-9_-]*\s*$", min_length = 4, max_length = 32))]
    pub username: String,
}

operation_errors! {
    /// `signup`: the form, the `signup` code, taken names.
    pub SignupError(Gate::Open, input) {
        400 => [
            invalid_mobile, invalid_nickname, invalid_password,
            sms_code_invalid, sms_code_expired, sms_code_too_many_attempts,
        ],
        409 => [nickname_taken, mobile_taken, username_taken],
    }

    /// `loginSms`: the mobile, the `login` code, the throttle, a locked account.
    pub LoginSmsError(Gate::Open, input) {
        400 => [invalid_mobile, sms_code_invalid, sms_code_expired, sms_code_too_many_attempts],
        403 => [account_locked],
        429 => [too_many_attempts],
    }

    /// `checkAvailability`: what is wrong with a value is the answer, not an error.
    pub CheckAvailabilityError(Gate::Open, input) {
        429 => [too_many_attempts],
    }

    /// `changePassword`: the new password and the proof of the current owner.
    pub ChangePasswordError(Gate::Bearer, input) {
        400 => [
            invalid_password, current_password_required, wrong_password,
            recent_qq_login_required,
        ],
        429 => [too_many_attempts],
    }

    /// `changeUsername`
    pub ChangeUsernameError(Gate::Bearer, input) {
        400 => [invalid_username],
        409 => [username_taken, username_already_changed],
    }

    /// `resetPasswordBySms`: the mobile, the `reset_password` code, the new password.
    pub ResetPasswordBySmsError(Gate::Open, input) {
        400 => [
            invalid_mobile, invalid_password,
            sms_code_invalid, sms_code_expired, sms_code_too_many_attempts,
        ],
    }
}

/// The code as typed: 6 digits (anything else cannot be one; checked without a lookup).
pub(crate) fn parse_code(code: &str) -> Result<&str, SmsError> {
    let code = code.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(SmsError::CodeInvalid)
    }
}

#[OpenApi(tag = "ApiTags::Users")]
impl AccountsApi {
    /// Sign up with a mobile and an SMS code / 手机号注册
    ///
    /// Creates the account (a generated `rr_…` username, changeable once) with the mobile, the
    /// nickname and the password, and consumes the `signup` code, in one transaction; answers
    /// logged in. 409 `nickname_taken` / `mobile_taken`; the code stays usable then.
    ///
    /// 使用手机号和短信验证码（用途 `signup`）注册，成功后直接登录。昵称或手机号已被使用时返回 409，
    /// 验证码仍可继续使用。
    #[oai(path = "/users", method = "post", operation_id = "signup")]
    async fn signup(
        &self,
        state: Data<&AppState>,
        body: Json<SignupRequest>,
    ) -> Result<SignupResponse, OpError<SignupError>> {
        let form = signup::SignupForm {
            mobile: Mobile::parse(&body.mobile)?,
            nickname: Nickname::parse(&body.nickname)?,
            password: Password::parse(&body.password)?,
            sms_code: parse_code(&body.sms_code)?,
        };
        let session = signup::sign_up(&state.db, &state.security, form, Utc::now()).await?;
        Ok(SignupResponse::Created(Json(session.into())))
    }

    /// Sign in with an SMS code / 短信验证码登录
    ///
    /// Throttled like password login (per account and per client, 429 `too_many_attempts`). A
    /// wrong code, a code for another purpose and a mobile without an account are all 400
    /// `sms_code_invalid`; a locked account 403 `account_locked`.
    ///
    /// 使用手机号和短信验证码（用途 `login`）登录；与密码登录共用失败次数限制。
    #[oai(path = "/users/login/sms", method = "post", operation_id = "loginSms")]
    async fn login_sms(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<SmsLoginRequest>,
    ) -> Result<Json<LoginResponse>, OpError<LoginSmsError>> {
        let mobile = Mobile::parse(&body.mobile)?;
        let code = parse_code(&body.sms_code)?;
        let session = sms_login::login(
            &state.db,
            &state.security,
            &mobile,
            code,
            &client,
            (&state.settings.limits).into(),
            Utc::now(),
        )
        .await?;
        Ok(Json(session.into()))
    }

    /// Is a nickname or mobile free? / 检查昵称、手机号是否可用
    ///
    /// For the sign-up and QQ registration forms, before the SMS is requested or the form
    /// submitted. Answers only about what was asked. Throttled per client (30 a minute, then
    /// 429 `too_many_attempts`). A taken mobile is visible here, as on every sign-up page; the
    /// sign-in and reset paths never reveal it.
    ///
    /// 注册表单用：检查昵称和手机号能否使用（每个客户端每分钟 30 次）。
    #[oai(
        path = "/users/availability",
        method = "get",
        operation_id = "checkAvailability"
    )]
    async fn availability(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        nickname: Query<Option<String>>,
        mobile: Query<Option<String>>,
    ) -> Result<Json<AvailabilityAnswer>, OpError<CheckAvailabilityError>> {
        let answer = signup::availability(
            &state.db,
            &client,
            nickname.0.as_deref(),
            mobile.0.as_deref(),
            Utc::now(),
        )
        .await?;
        let nickname = answer.nickname.map(Availability::of);
        let mobile = answer.mobile.map(Availability::of);
        Ok(Json(AvailabilityAnswer { nickname, mobile }))
    }

    /// Change the password / 修改密码
    ///
    /// Needs the current password (400 `current_password_required` / `wrong_password`,
    /// throttled like logins); an account made through QQ without a password sets its first one
    /// after a QQ login within the last 10 minutes (400 `recent_qq_login_required`). Every
    /// session ends (the token version is bumped); the answer carries a new token. The owner is
    /// told at the verified email.
    ///
    /// 需要当前密码；没有密码的 QQ 账号需在 10 分钟内用 QQ 登录过才能设置密码。修改后其他登录全部失效，
    /// 返回新的令牌，并邮件通知账号主人。
    #[oai(
        path = "/users/me/password",
        method = "put",
        operation_id = "changePassword"
    )]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        req: &Request,
        client: ClientAddr,
        auth: BearerAuth,
        body: Json<PasswordChange>,
    ) -> Result<Json<PasswordChanged>, OpError<ChangePasswordError>> {
        let new_password = Password::parse(&body.new_password)?;
        let proof = Proof {
            current_password: body.current_password.as_deref(),
            session_issued_at: session_issued_at(req).unwrap_or_default(),
        };
        let session = profile::change_password(
            &state.db,
            &state.security,
            &state.settings.public_base_url,
            &auth.0,
            proof,
            &new_password,
            (&state.settings.limits).into(),
            &client,
            Utc::now(),
        )
        .await?;
        Ok(Json(PasswordChanged {
            token: session.token,
        }))
    }

    /// Replace the generated username, once / 修改用户名（仅一次）
    ///
    /// Allowed while the username is still the generated `rr_…` one; 409
    /// `username_already_changed` afterwards, 409 `username_taken` when another account has it.
    ///
    /// 系统生成的 `rr_…` 用户名可以修改一次；已修改过或用户名已被使用时返回 409。
    #[oai(
        path = "/users/me/username",
        method = "put",
        operation_id = "changeUsername"
    )]
    async fn change_username(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<UsernameChange>,
    ) -> Result<Json<UserView>, OpError<ChangeUsernameError>> {
        let username = Username::parse(&body.username)?;
        let user = profile::change_username(&state.db, &auth.0, &username, Utc::now()).await?;
        Ok(Json(UserView::from(&user)))
    }

    /// Set a new password with an SMS code / 短信验证码重置密码
    ///
    /// The `reset_password` code (sent only to a mobile with an account) sets the password once,
    /// ends every session and tells the owner at the verified email. 400 `sms_code_invalid`
    /// (wrong, used, another purpose, no account), `sms_code_expired`,
    /// `sms_code_too_many_attempts`, `invalid_password`.
    ///
    /// 使用用途为 `reset_password` 的短信验证码设置新密码；成功后所有登录失效，并邮件通知账号主人。
    #[oai(
        path = "/password-resets/sms",
        method = "post",
        operation_id = "resetPasswordBySms",
        tag = "ApiTags::Password"
    )]
    async fn reset_by_sms(
        &self,
        state: Data<&AppState>,
        client: ClientAddr,
        body: Json<SmsResetRequest>,
    ) -> Result<NoContent, OpError<ResetPasswordBySmsError>> {
        let mobile = Mobile::parse(&body.mobile)?;
        let code = parse_code(&body.sms_code)?;
        let new_password = Password::parse(&body.new_password)?;
        sms_login::reset_password(
            &state.db,
            &state.security,
            &state.settings.public_base_url,
            &mobile,
            code,
            &new_password,
            &client,
            Utc::now(),
        )
        .await?;
        Ok(NoContent::Done)
    }
}

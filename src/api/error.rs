//! The one error shape of the HTTP API, `{"code": "<stable_machine_code>", "message": "<中文>"}`,
//! and the one place where domain errors become HTTP statuses.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::accounts::AccountError;
use crate::accounts::email_change::EmailChangeError;
use crate::accounts::password_reset::ResetError;
use crate::accounts::qq_login::QqLoginError;
use crate::accounts::sms_codes::{SendCodeError, SmsError};
use crate::admin::AdminError;
use crate::captcha::CaptchaError;
use crate::domain::DomainError;
use crate::fault::Fault;

#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `bind_ticket_used`. Clients branch on it.
    pub code: String,
    /// Human message in Chinese, fit to show to the person using the page.
    pub message: String,
    /// Seconds to wait before trying again (429 only).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Technical detail for developers (English), when it helps fix a request.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ErrorBody {
    pub fn new(code: &str, message: &str) -> Self {
        Self {
            code: code.to_owned(),
            message: message.to_owned(),
            retry_after: None,
            detail: None,
        }
    }
}

/// Every error an `/api` endpoint can answer. The doc comments list the machine codes.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// Bad input, nothing changed / 输入有误，未做任何改动: `invalid_request`, `invalid_next`,
    /// `invalid_code`, `state_invalid`, `state_expired`, `state_not_this_browser`, `state_used`,
    /// `invalid_credentials`, `invalid_mobile`, `invalid_nickname`, `invalid_password`,
    /// `invalid_email`, `invalid_account`, `invalid_username`, `invalid_avatar`,
    /// `sms_code_invalid`, `sms_code_expired`, `sms_code_too_many_attempts`,
    /// `bind_ticket_required`, `current_password_required`, `wrong_password`,
    /// `recent_qq_login_required`, `captcha_required`, `captcha_failed`; admin 管理接口:
    /// `reason_required`, `reason_too_long`, `invalid_cursor`, `invalid_page`,
    /// `invalid_per_page`, `invalid_days`, `query_too_long`.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效:
    /// `unauthorized`, `token_expired`, `token_revoked`, `bind_ticket_invalid`,
    /// `bind_ticket_expired`, `bind_ticket_used`, `qq_login_expired`, `reset_token_invalid`,
    /// `reset_token_expired`, `reset_token_used`, `reset_token_superseded`,
    /// `email_token_invalid`, `email_token_expired`, `email_token_used`,
    /// `email_token_superseded`.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Not allowed / 没有权限: `forbidden` (e.g. a non-staff user on `/admin/*` / 非管理员调用管理接口);
    /// `account_locked` (locked by an admin / 账号已被管理员锁定); `cors_not_allowed` (a browser
    /// call from an origin, method or header not allowed / 不允许的跨域调用).
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// Not found / 不存在: `not_found`, `qq_not_bound`, `binding_not_found`, `job_not_found`,
    /// `user_not_found`.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// Already bound, taken or done / 已绑定、已被占用或已处理: `qq_already_bound`,
    /// `account_already_bound`, `nickname_taken`, `mobile_taken`, `email_taken`,
    /// `username_taken`, `username_already_changed`, `no_verified_email`, `last_login_method`,
    /// `job_not_retryable`, `job_conflict`.
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试:
    /// `too_many_attempts`, `sms_too_frequent`, `sms_daily_limit`.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// Server error / 服务器内部错误: `internal_error`.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// QQ or Tencent Cloud failed or answered something unusable / QQ 或腾讯云服务出错:
    /// `qq_unavailable`, `captcha_unavailable`.
    #[oai(status = 502)]
    BadGateway(Json<ErrorBody>),
    /// Busy, try again shortly / 服务繁忙，请稍后重试: `overloaded` (every QQ exchange worker
    /// stayed busy while the request waited), `database_unavailable`; `Retry-After` says when.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
}

/// What a `database_unavailable` answer asks the client to wait.
const DATABASE_RETRY_AFTER_SECS: u64 = 2;

/// What an `overloaded` answer asks the client to wait: a login queue drains in about a second.
const OVERLOADED_RETRY_AFTER_SECS: u64 = 1;

impl ApiError {
    pub fn bad_request(code: &str, message: &str) -> Self {
        Self::BadRequest(Json(ErrorBody::new(code, message)))
    }

    pub fn unauthorized(code: &str, message: &str) -> Self {
        Self::Unauthorized(Json(ErrorBody::new(code, message)))
    }

    /// Code and message of 403 (also raised by the staff check in `security.rs`).
    pub const FORBIDDEN: (&'static str, &'static str) = ("forbidden", "没有权限执行此操作");

    pub fn forbidden() -> Self {
        Self::Forbidden(Json(ErrorBody::new(Self::FORBIDDEN.0, Self::FORBIDDEN.1)))
    }

    pub fn not_found(code: &str, message: &str) -> Self {
        Self::NotFound(Json(ErrorBody::new(code, message)))
    }

    pub fn conflict(code: &str, message: &str) -> Self {
        Self::Conflict(Json(ErrorBody::new(code, message)))
    }

    pub fn too_many(code: &str, message: &str, retry_after: u64) -> Self {
        let mut body = ErrorBody::new(code, message);
        body.retry_after = Some(retry_after);
        Self::TooManyRequests(Json(body), retry_after)
    }

    /// The database could not be reached in time: 503, as `/readyz` says meanwhile.
    pub fn database_unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "answering 503 database_unavailable");
        let mut body = ErrorBody::new("database_unavailable", "服务暂时不可用：数据库无法连接");
        // A restart or failover takes seconds.
        body.retry_after = Some(DATABASE_RETRY_AFTER_SECS);
        Self::Unavailable(Json(body), DATABASE_RETRY_AFTER_SECS)
    }

    /// Logged here with the cause; the client sees only a generic message.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::Internal(Json(ErrorBody::new(
            "internal_error",
            "服务器内部错误，请稍后重试",
        )))
    }
}

// One `From` per feature error: its statuses, machine codes and Chinese messages, once.

impl From<Fault> for ApiError {
    fn from(e: Fault) -> Self {
        match e {
            Fault::DatabaseUnavailable(cause) => Self::database_unavailable(&cause),
            Fault::Internal(cause) => Self::internal(&cause),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        Fault::from(e).into()
    }
}

impl From<crate::jobs::JobError> for ApiError {
    fn from(e: crate::jobs::JobError) -> Self {
        Fault::from(e).into()
    }
}

impl From<crate::crypto::password::PasswordError> for ApiError {
    fn from(e: crate::crypto::password::PasswordError) -> Self {
        Fault::from(e).into()
    }
}

impl From<DomainError> for ApiError {
    fn from(d: DomainError) -> Self {
        Self::bad_request(d.code(), d.message())
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        use AccountError as E;
        match e {
            E::InvalidCredentials => Self::bad_request("invalid_credentials", "账号或密码错误"),
            E::TooManyAttempts { retry_after } => {
                Self::too_many("too_many_attempts", "尝试次数过多，请稍后再试", retry_after)
            }
            E::NicknameTaken => Self::conflict("nickname_taken", "昵称已被使用"),
            E::MobileTaken => Self::conflict(
                "mobile_taken",
                "该手机号已注册荏苒账号，请切换到“已有账号”直接登录（可用短信验证码登录）",
            ),
            E::Invalid(d) => d.into(),
            E::CurrentPasswordRequired => {
                Self::bad_request("current_password_required", "请输入当前密码")
            }
            E::WrongCurrentPassword => Self::bad_request("wrong_password", "当前密码不正确"),
            E::RecentQqLoginRequired => Self::bad_request(
                "recent_qq_login_required",
                "为了账号安全，请先用 QQ 重新登录，10 分钟内再修改邮箱",
            ),
            E::EmailTaken => Self::conflict("email_taken", "该邮箱已被其他账号使用"),
            E::AccountLocked => Self::Forbidden(Json(ErrorBody::new(
                "account_locked",
                "该账号已被管理员锁定，暂时无法登录。如有疑问，请联系荏苒客服",
            ))),
            E::UsernameTaken => Self::conflict("username_taken", "该用户名已被使用"),
            E::UsernameAlreadyChanged => Self::conflict(
                "username_already_changed",
                "用户名只能修改一次，你已经修改过了",
            ),
            E::UserNotFound => Self::not_found("user_not_found", "用户不存在"),
            E::Sms(e) => e.into(),
            E::Fault(e) => e.into(),
        }
    }
}

impl From<SmsError> for ApiError {
    fn from(e: SmsError) -> Self {
        use SmsError as E;
        match e {
            E::CodeInvalid => Self::bad_request("sms_code_invalid", "短信验证码错误"),
            E::CodeExpired => Self::bad_request("sms_code_expired", "短信验证码已过期，请重新获取"),
            E::CodeTooManyAttempts => Self::bad_request(
                "sms_code_too_many_attempts",
                "验证码错误次数过多，请重新获取",
            ),
            E::TooFrequent { retry_after } => Self::too_many(
                "sms_too_frequent",
                "短信发送过于频繁，请稍后再试",
                retry_after,
            ),
            E::DailyLimit { retry_after } => Self::too_many(
                "sms_daily_limit",
                "今日短信发送次数已达上限，请明天再试",
                retry_after,
            ),
            E::TicketRequired => {
                Self::bad_request("bind_ticket_required", "请先使用 QQ 登录，再获取注册验证码")
            }
            E::Fault(e) => e.into(),
        }
    }
}

impl From<QqLoginError> for ApiError {
    fn from(e: QqLoginError) -> Self {
        use QqLoginError as E;
        match e {
            E::StateInvalid => Self::bad_request("state_invalid", "登录请求无效，请重新登录"),
            E::StateExpired => Self::bad_request("state_expired", "登录已超时，请重新登录"),
            E::StateNotThisBrowser => Self::bad_request(
                "state_not_this_browser",
                "这次 QQ 登录不是从这个浏览器发起的，为了账号安全，请重新登录",
            ),
            E::StateUsed => Self::bad_request("state_used", "这次登录请求已经用过了，请重新登录"),
            E::UnsafeNext => Self::bad_request("invalid_next", "跳转地址必须是本站的相对路径"),
            E::InvalidCode => Self::bad_request("invalid_code", "QQ 授权码格式不正确"),
            E::Overloaded => {
                let mut body = ErrorBody::new("overloaded", "登录人数过多，请稍后重试");
                body.retry_after = Some(OVERLOADED_RETRY_AFTER_SECS);
                Self::Unavailable(Json(body), OVERLOADED_RETRY_AFTER_SECS)
            }
            E::QqLoginExpired => {
                Self::unauthorized("qq_login_expired", "QQ 登录已失效，请重新使用 QQ 登录")
            }
            E::QqUnavailable(cause) => {
                tracing::warn!(%cause, "QQ request failed");
                Self::BadGateway(Json(ErrorBody::new(
                    "qq_unavailable",
                    "QQ 服务暂时不可用，请稍后重试",
                )))
            }
            E::TicketInvalid => {
                Self::unauthorized("bind_ticket_invalid", "绑定凭证无效，请重新使用 QQ 登录")
            }
            E::TicketExpired => {
                Self::unauthorized("bind_ticket_expired", "绑定已超时，请重新使用 QQ 登录")
            }
            E::TicketUsed => {
                Self::unauthorized("bind_ticket_used", "绑定凭证已使用，请重新使用 QQ 登录")
            }
            E::QqAlreadyBound => Self::conflict("qq_already_bound", "该 QQ 已绑定其他账号"),
            E::AccountAlreadyBound => {
                Self::conflict("account_already_bound", "该账号已绑定其他 QQ")
            }
            E::QqNotBound => Self::not_found("qq_not_bound", "尚未绑定 QQ"),
            E::LastLoginMethod => {
                Self::conflict("last_login_method", "请先设置密码，再解除 QQ 绑定")
            }
            E::Account(e) => e.into(),
            E::Sms(e) => e.into(),
            E::Fault(e) => e.into(),
        }
    }
}

impl From<SendCodeError> for ApiError {
    fn from(e: SendCodeError) -> Self {
        match e {
            SendCodeError::Sms(e) => e.into(),
            SendCodeError::Account(e) => e.into(),
            SendCodeError::Ticket(e) => e.into(),
        }
    }
}

impl From<ResetError> for ApiError {
    fn from(e: ResetError) -> Self {
        use ResetError as E;
        match e {
            E::TokenInvalid => {
                Self::unauthorized("reset_token_invalid", "重置链接无效，请重新申请")
            }
            E::TokenExpired => {
                Self::unauthorized("reset_token_expired", "重置链接已过期，请重新申请")
            }
            E::TokenUsed => Self::unauthorized("reset_token_used", "重置链接已使用过，请重新申请"),
            E::TokenSuperseded => Self::unauthorized(
                "reset_token_superseded",
                "你已申请了新的重置链接，请使用最新的邮件",
            ),
            E::Fault(e) => e.into(),
        }
    }
}

impl From<EmailChangeError> for ApiError {
    fn from(e: EmailChangeError) -> Self {
        use EmailChangeError as E;
        match e {
            E::TokenInvalid => {
                Self::unauthorized("email_token_invalid", "验证链接无效，请重新申请")
            }
            E::TokenExpired => {
                Self::unauthorized("email_token_expired", "验证链接已过期，请重新申请")
            }
            E::TokenUsed => Self::unauthorized("email_token_used", "验证链接已使用过，请重新申请"),
            E::TokenSuperseded => Self::unauthorized(
                "email_token_superseded",
                "你已申请了新的邮箱验证，请使用最新的邮件",
            ),
            E::Account(e) => e.into(),
            E::Fault(e) => e.into(),
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        use AdminError as E;
        match e {
            E::BindingNotFound => Self::not_found("binding_not_found", "该 QQ 绑定不存在"),
            E::JobNotFound => Self::not_found("job_not_found", "该任务不存在"),
            E::JobNotRetryable => {
                Self::conflict("job_not_retryable", "只有失败或待重试的任务可以重试")
            }
            E::JobConflict => Self::conflict("job_conflict", "已有相同的任务在队列中"),
            E::ReasonRequired => Self::bad_request("reason_required", "请填写操作原因"),
            E::ReasonTooLong => Self::bad_request("reason_too_long", "操作原因不能超过 500 字"),
            E::InvalidCursor => {
                Self::bad_request("invalid_cursor", "分页位置无效，请从第一页重新浏览")
            }
            E::QueryTooLong => Self::bad_request("query_too_long", "搜索内容过长"),
            E::UserNotFound => Self::not_found("user_not_found", "用户不存在"),
            E::NoVerifiedEmail => Self::conflict(
                "no_verified_email",
                "该账号没有已验证的邮箱，无法发送重置链接",
            ),
            E::Fault(e) => e.into(),
        }
    }
}

impl From<CaptchaError> for ApiError {
    fn from(e: CaptchaError) -> Self {
        match e {
            CaptchaError::Required => Self::bad_request("captcha_required", "请先完成安全验证"),
            CaptchaError::Failed => {
                Self::bad_request("captcha_failed", "安全验证未通过或已失效，请重新验证")
            }
            CaptchaError::Unavailable(cause) => {
                tracing::warn!(%cause, "captcha verification failed");
                Self::BadGateway(Json(ErrorBody::new(
                    "captcha_unavailable",
                    "安全验证服务暂时不可用，请稍后重试",
                )))
            }
            CaptchaError::Fault(e) => e.into(),
        }
    }
}

/// An error raised outside a handler's typed result (the bearer check), with our body.
#[derive(Debug, thiserror::Error)]
#[error("{}", .body.code)]
pub struct CodedError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl poem::error::ResponseError for CodedError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        poem::web::Json(self.body.clone())
            .with_status(self.status)
            .into_response()
    }
}

/// Middleware for `/api`: errors poem or poem-openapi raise themselves (malformed JSON, a
/// missing field, an unknown path, a missing bearer token) get our body too, so a client only
/// ever parses one error shape.
pub async fn json_errors<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    match ep.call(req).await {
        Ok(response) => Ok(response.into_response()),
        // Our own errors: a typed `ApiError` (poem-openapi turns it into a sourceless error
        // around its finished response) or a `CodedError`.
        Err(e) if e.is::<CodedError>() || !e.has_source() => Ok(e.into_response()),
        Err(e) if e.is::<poem::error::CorsError>() => {
            let body = ErrorBody {
                detail: Some(e.to_string()),
                ..ErrorBody::new("cors_not_allowed", "不允许从该网页跨域调用本接口")
            };
            Ok(poem::web::Json(body)
                .with_status(StatusCode::FORBIDDEN)
                .into_response())
        }
        Err(e) => {
            let status = e.status();
            let (code, message) = match status {
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                    ("invalid_request", "请求格式不正确")
                }
                StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                    "invalid_request",
                    "请求须为 JSON（Content-Type: application/json）",
                ),
                StatusCode::UNAUTHORIZED => ("unauthorized", "请先登录"),
                StatusCode::FORBIDDEN => ("forbidden", "没有权限执行此操作"),
                StatusCode::NOT_FOUND => ("not_found", "接口不存在"),
                StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "不支持该请求方法"),
                StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "请求内容过大"),
                s if s.is_server_error() => ("internal_error", "服务器内部错误，请稍后重试"),
                _ => ("invalid_request", "请求无效"),
            };
            let mut body = ErrorBody::new(code, message);
            if status.is_client_error() {
                body.detail = Some(e.to_string());
            } else {
                tracing::error!(error = %e, "unhandled error");
            }
            Ok(poem::web::Json(body).with_status(status).into_response())
        }
    }
}

//! The one error shape of the HTTP API, `{"code": "<stable_machine_code>", "message": "<中文>"}`,
//! and the one place where domain errors become HTTP statuses.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::accounts::AccountError;
use crate::accounts::bindings::BindingError;
use crate::accounts::email_change::EmailChangeError;
use crate::accounts::password_reset::ResetError;
use crate::accounts::sms_codes::{SendCodeError, SmsError};
use crate::accounts::social_login::SocialLoginError;
use crate::admin::AdminError;
use crate::captcha::CaptchaError;
use crate::domain::DomainError;
use crate::fault::Fault;
use crate::oauth::ProviderKind;

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

/// An error answer of an `/api` endpoint, by status. Handlers return it wrapped in their
/// operation's [`OpError`](super::contract::OpError), whose contract (`super::contract`) lists
/// the codes each status may carry for that operation; the spec shows those, not this type.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// Bad input, nothing changed / 输入有误，未做任何改动
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Not allowed / 没有权限
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// Not found / 不存在
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// Already bound, taken or done / 已绑定、已被占用或已处理
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// Rate-limited, wait `retry_after` seconds / 操作过于频繁
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// Server error / 服务器内部错误
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// QQ, WeChat, Weibo or Tencent Cloud failed or answered something unusable /
    /// QQ、微信、微博或腾讯云服务出错
    #[oai(status = 502)]
    BadGateway(Json<ErrorBody>),
    /// Busy, try again shortly / 服务繁忙，请稍后重试 (`Retry-After` says when)
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
}

impl ApiError {
    /// The answer's status and machine code (what an operation's contract lists).
    pub fn status_and_code(&self) -> (u16, &str) {
        let (status, body) = match self {
            Self::BadRequest(b) => (400, b),
            Self::Unauthorized(b) => (401, b),
            Self::Forbidden(b) => (403, b),
            Self::NotFound(b) => (404, b),
            Self::Conflict(b) => (409, b),
            Self::TooManyRequests(b, _) => (429, b),
            Self::Internal(b) => (500, b),
            Self::BadGateway(b) => (502, b),
            Self::Unavailable(b, _) => (503, b),
        };
        (status, body.code.as_str())
    }
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

impl From<SocialLoginError> for ApiError {
    fn from(e: SocialLoginError) -> Self {
        use SocialLoginError as E;
        // `{p}`: the provider's name (QQ's messages are as they always were).
        let say = |p: ProviderKind, template: &str| p.say(template);
        match e {
            E::StateInvalid => Self::bad_request("state_invalid", "登录请求无效，请重新登录"),
            E::StateExpired => Self::bad_request("state_expired", "登录已超时，请重新登录"),
            E::StateNotThisBrowser(p) => Self::bad_request(
                "state_not_this_browser",
                &say(
                    p,
                    "这次{p}登录不是从这个浏览器发起的，为了账号安全，请重新登录",
                ),
            ),
            E::StateUsed => Self::bad_request("state_used", "这次登录请求已经用过了，请重新登录"),
            E::UnsafeNext => Self::bad_request("invalid_next", "跳转地址必须是本站的相对路径"),
            E::InvalidCode(p) => Self::bad_request("invalid_code", &say(p, "{p}授权码格式不正确")),
            E::Overloaded => {
                let mut body = ErrorBody::new("overloaded", "登录人数过多，请稍后重试");
                body.retry_after = Some(OVERLOADED_RETRY_AFTER_SECS);
                Self::Unavailable(Json(body), OVERLOADED_RETRY_AFTER_SECS)
            }
            E::LoginExpired(p) => Self::unauthorized(
                &format!("{p}_login_expired"),
                &say(p, "{p}登录已失效，请重新使用{p}登录"),
            ),
            E::Unavailable(p, cause) => {
                tracing::warn!(provider = p.as_str(), %cause, "provider request failed");
                Self::BadGateway(Json(ErrorBody::new(
                    &format!("{p}_unavailable"),
                    &say(p, "{p}服务暂时不可用，请稍后重试"),
                )))
            }
            E::TicketInvalid(p) => Self::unauthorized(
                "bind_ticket_invalid",
                &say(p, "绑定凭证无效，请重新使用{p}登录"),
            ),
            E::TicketExpired(p) => Self::unauthorized(
                "bind_ticket_expired",
                &say(p, "绑定已超时，请重新使用{p}登录"),
            ),
            E::TicketUsed(p) => Self::unauthorized(
                "bind_ticket_used",
                &say(p, "绑定凭证已使用，请重新使用{p}登录"),
            ),
            E::AlreadyBound(p) => Self::conflict(
                &format!("{p}_already_bound"),
                &say(p, "该{p}已绑定其他账号"),
            ),
            E::AccountAlreadyBound(p) => {
                Self::conflict("account_already_bound", &say(p, "该账号已绑定其他{p}"))
            }
            E::NotBound(p) => Self::not_found(&format!("{p}_not_bound"), &say(p, "尚未绑定{p}")),
            E::LastLoginMethod => {
                Self::conflict("last_login_method", "请先设置密码，再解除 QQ 绑定")
            }
            E::Account(e) => e.into(),
            E::Sms(e) => e.into(),
            E::Captcha(e) => e.into(),
            E::Fault(e) => e.into(),
        }
    }
}

impl From<BindingError> for ApiError {
    fn from(e: BindingError) -> Self {
        use crate::oauth::ProviderKind as P;
        match e {
            BindingError::NotBound(p) => {
                let code = match p {
                    P::Qq => "qq_not_bound",
                    P::Wechat => "wechat_not_bound",
                    P::Weibo => "weibo_not_bound",
                };
                Self::not_found(code, &p.say("尚未绑定{p}"))
            }
            BindingError::LastLoginMethod(p) => {
                Self::conflict("last_login_method", &p.say("请先设置密码，再解除{p}绑定"))
            }
            BindingError::Fault(e) => e.into(),
        }
    }
}

impl From<SendCodeError> for ApiError {
    fn from(e: SendCodeError) -> Self {
        match e {
            SendCodeError::Sms(e) => e.into(),
            SendCodeError::Account(e) => e.into(),
            SendCodeError::Ticket(e) => e.into(),
            SendCodeError::Captcha(e) => e.into(),
        }
    }
}

impl From<crate::accounts::SignInError> for ApiError {
    fn from(e: crate::accounts::SignInError) -> Self {
        use crate::accounts::SignInError as E;
        match e {
            E::Captcha(e) => e.into(),
            E::Account(e) => e.into(),
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
            E::NotRefreshable(p) => Self::conflict(
                "binding_not_refreshable",
                &p.say("{p}不提供刷新令牌的接口，用户下次用{p}登录时会换上新的令牌"),
            ),
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
            if let Some(answer) = refused_field(&e) {
                return Ok(answer.into_response());
            }
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

/// A field or parameter a poem-openapi validator refused (`#[oai(validator(...))]`, so the limit
/// is in the spec), answered with its domain code instead of `invalid_request`: the limits are
/// the domain types' own, so a value the validator refuses is one the domain would refuse too,
/// with this code. Refusals of fields without a domain code stay `invalid_request`.
fn refused_field(e: &poem::Error) -> Option<ApiError> {
    use poem_openapi::error::{ParseParamError, ParseRequestPayloadError};
    if let Some(p) = e.downcast_ref::<ParseParamError>() {
        let validator = p.reason.strip_prefix("verification failed. ")?;
        return field_code(None, p.name, validator);
    }
    // `failed to parse "SignupRequest": field `mobile` verification failed. maxLength(32)`
    let reason = &e.downcast_ref::<ParseRequestPayloadError>()?.reason;
    let rest = reason.strip_prefix("failed to parse \"")?;
    let (object, rest) = rest.split_once("\": field `")?;
    let (field, rest) = rest.split_once("` verification failed. ")?;
    field_code(Some(object), field, rest)
}

/// The domain answer for a refused `field` of `object` (a query parameter when `None`), given
/// the validator's text (`maxLength(20)`, `pattern(...)`, `minimum(1)`…).
fn field_code(object: Option<&str>, field: &str, validator: &str) -> Option<ApiError> {
    use crate::domain::{Nickname, Password, Username};
    let too_long = validator.starts_with("maxLength");
    let length = too_long || validator.starts_with("minLength");
    let answer: ApiError = match (object, field) {
        (Some(_), "mobile") => DomainError::InvalidMobile.into(),
        (Some(_), "sms_code") => SmsError::CodeInvalid.into(),
        (Some(_), "nickname") => Nickname::BAD_LENGTH.into(),
        (Some(_), "password" | "new_password") if validator.starts_with("minLength") => {
            Password::TOO_SHORT.into()
        }
        (Some(_), "password" | "new_password") => Password::TOO_LONG.into(),
        (Some(_), "username") if length => Username::BAD_LENGTH.into(),
        (Some(_), "username") => Username::BAD_CHARS.into(),
        (Some(_), "avatar") => DomainError::InvalidAvatar.into(),
        (Some(_), "email") => DomainError::InvalidEmail.into(),
        (_, "reason") if too_long => AdminError::ReasonTooLong.into(),
        (_, "reason") => AdminError::ReasonRequired.into(),
        (None, "q") => AdminError::QueryTooLong.into(),
        (None, "page") => crate::api::admin::invalid_page(),
        (None, "per_page") => crate::api::admin::invalid_per_page(validator),
        (None, "days") => crate::api::admin::invalid_days(),
        _ => return None,
    };
    Some(answer)
}

#[cfg(test)]
mod refused_field_tests {
    //! Validator refusals as poem-openapi really words them, through [`json_errors`]: a field
    //! with a domain code answers it, anything else stays `invalid_request`.

    use poem::test::TestClient;
    use poem::{Endpoint, EndpointExt};
    use poem_openapi::param::Query;
    use poem_openapi::payload::Json;
    use poem_openapi::{OpenApi, OpenApiService};
    use serde_json::{Value, json};

    use crate::api::accounts::SignupRequest;

    struct Probe;

    #[OpenApi]
    impl Probe {
        #[oai(path = "/signup", method = "post")]
        async fn signup(&self, _body: Json<SignupRequest>) -> Json<bool> {
            Json(true)
        }

        #[oai(path = "/jobs", method = "get")]
        async fn jobs(
            &self,
            #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<
                Option<u64>,
            >,
            #[oai(validator(minimum(value = "1"), maximum(value = "200")))] per_page: Query<
                Option<u64>,
            >,
        ) -> Json<bool> {
            Json(page.0.is_some() || per_page.0.is_some())
        }
    }

    fn probe() -> impl Endpoint {
        OpenApiService::new(Probe, "probe", "1").around(super::json_errors)
    }

    fn signup(overrides: Value) -> Value {
        let mut body = json!({
            "mobile": "13800138000",
            "sms_code": "123456",
            "nickname": "读者",
            "password": "secret-123",
        });
        for (k, v) in overrides.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    }

    async fn refused(resp: poem::test::TestResponse) -> (u16, String, String) {
        let status = resp.0.status().as_u16();
        let body: Value = resp.json().await.value().deserialize();
        let text = |k: &str| body[k].as_str().unwrap_or_default().to_owned();
        (status, text("code"), text("message"))
    }

    #[tokio::test]
    async fn a_refused_field_with_a_domain_code_answers_that_code_and_its_message() {
        let client = TestClient::new(probe());
        let cases = [
            (
                json!({"mobile": "1".repeat(40)}),
                "invalid_mobile",
                "手机号格式不正确",
            ),
            (
                json!({"mobile": "138-0013-8000"}),
                "invalid_mobile",
                "手机号格式不正确",
            ),
            (
                json!({"sms_code": "12345"}),
                "sms_code_invalid",
                "短信验证码错误",
            ),
            (
                json!({"nickname": "长".repeat(21)}),
                "invalid_nickname",
                "昵称长度应为2到20个字符",
            ),
            (
                json!({"password": "a1"}),
                "invalid_password",
                "密码至少需要8个字符",
            ),
            (
                json!({"password": "a1".repeat(65)}),
                "invalid_password",
                "密码不能超过128个字符",
            ),
        ];
        for (overrides, code, message) in cases {
            let resp = client
                .post("/signup")
                .body_json(&signup(overrides.clone()))
                .send()
                .await;
            assert_eq!(
                refused(resp).await,
                (400, code.to_owned(), message.to_owned()),
                "{overrides}"
            );
        }
    }

    #[tokio::test]
    async fn a_value_of_the_wrong_type_stays_invalid_request() {
        let client = TestClient::new(probe());
        let resp = client
            .post("/signup")
            .body_json(&signup(json!({"mobile": ["13800138000"]})))
            .send()
            .await;
        let (status, code, message) = refused(resp).await;
        assert_eq!(code, "invalid_request", "{status} {message}");
        let resp = client.get("/jobs").query("per_page", &"many").send().await;
        assert_eq!(refused(resp).await.1, "invalid_request");
    }

    #[tokio::test]
    async fn refused_paging_parameters_answer_their_codes_with_the_operations_bound() {
        let client = TestClient::new(probe());
        let resp = client.get("/jobs").query("per_page", &201).send().await;
        assert_eq!(
            refused(resp).await,
            (
                400,
                "invalid_per_page".to_owned(),
                "每页条数须在 1 到 200 之间".to_owned()
            )
        );
        let resp = client.get("/jobs").query("page", &0).send().await;
        assert_eq!(refused(resp).await.1, "invalid_page");
        let resp = client.get("/jobs").query("page", &3).send().await;
        resp.assert_status_is_ok();
    }
}

#[cfg(test)]
mod social_login_tests {
    use super::*;
    use crate::accounts::social_login::SocialLoginError as E;

    fn answer(e: E) -> (u16, String, String) {
        let api = ApiError::from(e);
        let (status, code) = api.status_and_code();
        let code = code.to_owned();
        let message = match api {
            ApiError::BadRequest(b)
            | ApiError::Unauthorized(b)
            | ApiError::NotFound(b)
            | ApiError::Conflict(b)
            | ApiError::BadGateway(b) => b.0.message,
            other => panic!("unexpected {other:?}"),
        };
        (status, code, message)
    }

    #[test]
    fn each_provider_answers_its_own_codes_and_qq_its_old_messages() {
        use ProviderKind::{Qq, Wechat, Weibo};
        let cases = [
            (
                E::LoginExpired(Qq),
                401,
                "qq_login_expired",
                "QQ 登录已失效，请重新使用 QQ 登录",
            ),
            (
                E::LoginExpired(Wechat),
                401,
                "wechat_login_expired",
                "微信登录已失效，请重新使用微信登录",
            ),
            (
                E::Unavailable(Qq, "x".into()),
                502,
                "qq_unavailable",
                "QQ 服务暂时不可用，请稍后重试",
            ),
            (
                E::Unavailable(Weibo, "not configured".into()),
                502,
                "weibo_unavailable",
                "微博服务暂时不可用，请稍后重试",
            ),
            (
                E::AlreadyBound(Qq),
                409,
                "qq_already_bound",
                "该 QQ 已绑定其他账号",
            ),
            (
                E::AlreadyBound(Weibo),
                409,
                "weibo_already_bound",
                "该微博已绑定其他账号",
            ),
            (
                E::AccountAlreadyBound(Qq),
                409,
                "account_already_bound",
                "该账号已绑定其他 QQ",
            ),
            (
                E::AccountAlreadyBound(Wechat),
                409,
                "account_already_bound",
                "该账号已绑定其他微信",
            ),
            (E::NotBound(Qq), 404, "qq_not_bound", "尚未绑定 QQ"),
            (
                E::TicketUsed(Qq),
                401,
                "bind_ticket_used",
                "绑定凭证已使用，请重新使用 QQ 登录",
            ),
            (
                E::TicketExpired(Wechat),
                401,
                "bind_ticket_expired",
                "绑定已超时，请重新使用微信登录",
            ),
            (
                E::InvalidCode(Qq),
                400,
                "invalid_code",
                "QQ 授权码格式不正确",
            ),
            (
                E::StateNotThisBrowser(Qq),
                400,
                "state_not_this_browser",
                "这次 QQ 登录不是从这个浏览器发起的，为了账号安全，请重新登录",
            ),
            (
                E::StateNotThisBrowser(Weibo),
                400,
                "state_not_this_browser",
                "这次微博登录不是从这个浏览器发起的，为了账号安全，请重新登录",
            ),
        ];
        for (error, status, code, message) in cases {
            assert_eq!(answer(error), (status, code.to_owned(), message.to_owned()));
        }
    }
}

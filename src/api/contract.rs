//! The exact error contract of each operation: which statuses it can answer and, per status,
//! which machine codes. Each handler returns `Result<_, OpError<ItsCodes>>`; the spec lists for
//! that operation only those statuses, each with a body whose `code` is an enum of exactly those
//! codes (schema `<Name><status>`, e.g. `QqCallbackError400`), so clients switch on typed codes.
//!
//! What a domain error *means* (status, code, Chinese message) is still decided once, by the
//! `From` impls in [`super::error`]; this module only says which of those answers an operation
//! can reach. The answers no handler writes are added here too: the bearer and staff checks
//! (`security.rs`), poem-openapi's own parse failures (400 `invalid_request`), a CORS refusal
//! (403 `cors_not_allowed`, any operation), the panic catcher (500 `internal_error`) and the
//! database-outage middleware (a 500 becomes 503 `database_unavailable`).
//!
//! A debug build panics when a handler answers a code its operation does not list (the tests and
//! schemathesis then fail), so the list cannot silently drift from the code.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::registry::{
    MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};

use super::error::ApiError;

/// What stands in front of an operation's handler and may answer instead of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Anyone may call it.
    Open,
    /// `BearerAuth`: 401 without a valid token; 503 when the user cannot be loaded.
    Bearer,
    /// `StaffAuth`: as `Bearer`, and 403 `forbidden` for a non-staff user.
    Staff,
}

/// One operation's error contract. Written with [`operation_errors!`].
pub trait ErrorCodes: Send + Sync + 'static {
    /// Prefix of the operation's error schemas, e.g. `QqCallbackError` → `QqCallbackError400`.
    const NAME: &'static str;
    const GATE: Gate;
    /// Whether it takes parameters or a body (poem-openapi answers 400 `invalid_request` when
    /// they do not parse or fail a validator without a domain code).
    const INPUT: bool;
    /// What its own work can refuse, by status.
    const OWN: &'static [(u16, &'static [&'static str])];
}

/// Every status and code `C`'s operation can answer: its own and the common ones, sorted.
pub fn answers<C: ErrorCodes>() -> BTreeMap<u16, Vec<&'static str>> {
    let mut all: BTreeMap<u16, Vec<&'static str>> = BTreeMap::new();
    let mut add = |status: u16, codes: &[&'static str]| {
        let entry = all.entry(status).or_default();
        for code in codes {
            if !entry.contains(code) {
                entry.push(code);
            }
        }
    };
    for (status, codes) in C::OWN {
        add(*status, codes);
    }
    if C::INPUT {
        add(400, &["invalid_request"]);
    }
    if C::GATE != Gate::Open {
        add(401, &["unauthorized", "token_expired", "token_revoked"]);
    }
    if C::GATE == Gate::Staff {
        add(403, &["forbidden"]);
    }
    // `error::json_errors` around the CORS middleware: any operation, from a page of an origin
    // not allowed.
    add(403, &["cors_not_allowed"]);
    // The panic catcher, and every `Fault::Internal`.
    add(500, &["internal_error"]);
    // `health::database_outage` turns any 500 into this while the database does not answer.
    add(503, &["database_unavailable"]);
    for codes in all.values_mut() {
        codes.sort_unstable();
    }
    all
}

/// Whether `C`'s operation lists `code` under `status`.
pub fn lists<C: ErrorCodes>(status: u16, code: &str) -> bool {
    answers::<C>()
        .get(&status)
        .is_some_and(|codes| codes.contains(&code))
}

/// What each status means, in both languages (the codes are in the body's enum).
fn description(status: u16) -> &'static str {
    match status {
        400 => "Bad input, nothing changed / 输入有误，未做任何改动",
        401 => "Not signed in or not any more, or a bad link / 未登录、登录已失效或链接无效",
        403 => "Not allowed / 没有权限或账号已被锁定",
        404 => "Not found / 不存在",
        409 => "Already bound, taken or done / 已绑定、已被占用或已处理",
        429 => {
            "Rate-limited, wait `retry_after` seconds / 操作过于频繁，请等待 `retry_after` 秒后重试"
        }
        500 => "Server error / 服务器内部错误",
        502 => "QQ, WeChat, Weibo or Tencent Cloud failed / QQ、微信、微博或腾讯云服务出错",
        503 => {
            "Busy or the database is away, try again shortly / 服务繁忙或数据库暂不可用，请稍后重试"
        }
        _ => "Error / 错误",
    }
}

/// Whether answers of this status carry `Retry-After` (and `retry_after` in the body).
fn waits(status: u16) -> bool {
    status == 429 || status == 503
}

fn schema_name<C: ErrorCodes>(status: u16) -> String {
    format!("{}{status}", C::NAME)
}

fn body_schema(status: u16, codes: &[&'static str]) -> MetaSchema {
    let mut code = MetaSchema::new("string");
    code.description = Some("Stable machine code: branch on it / 机器可读的错误码");
    code.enum_items = codes.iter().map(|c| serde_json::json!(c)).collect();
    let mut message = MetaSchema::new("string");
    message.description = Some("Human message in Chinese, fit to show / 中文提示，可直接展示");
    let mut detail = MetaSchema::new("string");
    detail.description =
        Some("Technical detail for developers (English), when it helps fix a request.");
    let mut schema = MetaSchema::new("object");
    schema.required = vec!["code", "message"];
    schema.properties = vec![
        ("code", MetaSchemaRef::Inline(Box::new(code))),
        ("message", MetaSchemaRef::Inline(Box::new(message))),
    ];
    if waits(status) {
        let mut retry = MetaSchema::new_with_format("integer", "uint64");
        retry.description = Some("Seconds to wait before trying again.");
        retry.minimum = Some(0.0);
        schema
            .properties
            .push(("retry_after", MetaSchemaRef::Inline(Box::new(retry))));
    }
    schema
        .properties
        .push(("detail", MetaSchemaRef::Inline(Box::new(detail))));
    schema
}

/// An operation's error answer: an [`ApiError`] that `C` says the operation can give.
pub struct OpError<C: ErrorCodes>(pub ApiError, PhantomData<C>);

impl<C: ErrorCodes> OpError<C> {
    pub fn new(error: ApiError) -> Self {
        Self(error, PhantomData)
    }
}

impl<C: ErrorCodes> std::fmt::Debug for OpError<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple(C::NAME).field(&self.0).finish()
    }
}

impl<C: ErrorCodes> ApiResponse for OpError<C> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: answers::<C>()
                .into_keys()
                .map(|status| MetaResponse {
                    description: description(status),
                    status: Some(status),
                    status_range: None,
                    content: vec![MetaMediaType {
                        content_type: "application/json; charset=utf-8",
                        schema: MetaSchemaRef::Reference(schema_name::<C>(status)),
                    }],
                    headers: if waits(status) {
                        vec![MetaHeader {
                            name: "Retry-After".to_owned(),
                            description: Some("Seconds to wait / 需等待的秒数".to_owned()),
                            // Every 429 carries it; a 503 from the bearer check or the outage
                            // middleware does not.
                            required: status == 429,
                            deprecated: false,
                            schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format(
                                "integer", "uint64",
                            ))),
                        }]
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        }
    }

    fn register(registry: &mut Registry) {
        for (status, codes) in answers::<C>() {
            registry.create_schema::<Self, _>(schema_name::<C>(status), |_| {
                body_schema(status, &codes)
            });
        }
    }
}

impl<C: ErrorCodes> IntoResponse for OpError<C> {
    fn into_response(self) -> Response {
        let (status, code) = self.0.status_and_code();
        if !lists::<C>(status, code) {
            // The contract drifted: the handler answered what its operation does not list.
            if cfg!(debug_assertions) {
                panic!(
                    "{} answered {status} `{code}`, which it does not list",
                    C::NAME
                );
            }
            tracing::error!(
                operation = C::NAME,
                status,
                code,
                "an answer its operation does not list"
            );
        }
        self.0.into_response()
    }
}

impl<C: ErrorCodes> From<OpError<C>> for poem::Error {
    fn from(e: OpError<C>) -> Self {
        poem::Error::from_response(e.into_response())
    }
}

/// Every error a handler's `?` meets becomes the operation's error through [`ApiError`], where
/// its status, code and message are decided.
macro_rules! from_via_api_error {
    ($($source:ty),* $(,)?) => {
        $(
            impl<C: ErrorCodes> From<$source> for OpError<C> {
                fn from(e: $source) -> Self {
                    Self::new(ApiError::from(e))
                }
            }
        )*
    };
}

impl<C: ErrorCodes> From<ApiError> for OpError<C> {
    fn from(e: ApiError) -> Self {
        Self::new(e)
    }
}

from_via_api_error!(
    crate::fault::Fault,
    sea_orm::DbErr,
    crate::jobs::JobError,
    crate::crypto::password::PasswordError,
    crate::domain::DomainError,
    crate::accounts::AccountError,
    crate::accounts::SignInError,
    crate::accounts::sms_codes::SmsError,
    crate::accounts::sms_codes::SendCodeError,
    crate::accounts::social_login::SocialLoginError,
    crate::accounts::bindings::BindingError,
    crate::accounts::password_reset::ResetError,
    crate::accounts::email_change::EmailChangeError,
    crate::admin::AdminError,
    crate::captcha::CaptchaError,
);

/// One operation's error contract:
///
/// ```ignore
/// operation_errors! {
///     /// `oauthCallback`
///     pub OauthCallbackError(Gate::Open, input) {
///         400 => [invalid_code, state_invalid],
///         502 => [qq_unavailable],
///     }
/// }
/// ```
///
/// `input` (or `no_input`) says whether the operation takes parameters or a body.
macro_rules! operation_errors {
    ($(
        $(#[$doc:meta])*
        $vis:vis $name:ident($gate:expr, $input:ident) {
            $($status:literal => [$($code:ident),* $(,)?]),* $(,)?
        }
    )*) => {$(
        $(#[$doc])*
        $vis enum $name {}

        impl $crate::api::contract::ErrorCodes for $name {
            const NAME: &'static str = stringify!($name);
            const GATE: $crate::api::contract::Gate = $gate;
            const INPUT: bool = operation_errors!(@input $input);
            const OWN: &'static [(u16, &'static [&'static str])] =
                &[$(($status, &[$(stringify!($code)),*])),*];
        }
    )*};
    (@input input) => { true };
    (@input no_input) => { false };
}
pub(crate) use operation_errors;

#[cfg(test)]
mod tests {
    use super::*;

    operation_errors! {
        Sample(Gate::Staff, input) {
            404 => [job_not_found],
            400 => [invalid_page, invalid_request],
        }
    }

    /// Every answer the server can give, as (status, code): each feature error's variants through
    /// `api::error` (the one place that maps them), and what middleware and extractors answer.
    /// The `match`es make a new variant a compile error here until it is listed.
    fn every_answer() -> Vec<(u16, String)> {
        use crate::accounts::AccountError as A;
        use crate::accounts::email_change::EmailChangeError as Em;
        use crate::accounts::password_reset::ResetError as R;
        use crate::accounts::sms_codes::SmsError as S;
        use crate::accounts::social_login::SocialLoginError as Q;
        use crate::admin::AdminError as Ad;
        use crate::captcha::CaptchaError as C;
        use crate::domain::DomainError as D;
        use crate::fault::Fault as F;
        use crate::oauth::ProviderKind;

        let mut errors: Vec<ApiError> = Vec::new();
        let faults = || [F::DatabaseUnavailable("x".into()), F::Internal("x".into())];
        for d in [
            D::InvalidMobile,
            D::InvalidNickname("x"),
            D::InvalidPassword("x"),
            D::InvalidEmail,
            D::InvalidUsername("x"),
            D::InvalidAccount,
            D::InvalidAvatar,
        ] {
            match d {
                D::InvalidMobile
                | D::InvalidNickname(_)
                | D::InvalidPassword(_)
                | D::InvalidEmail
                | D::InvalidUsername(_)
                | D::InvalidAccount
                | D::InvalidAvatar => errors.push(d.into()),
            }
        }
        let sms = || {
            let mut all = vec![
                S::CodeInvalid,
                S::CodeExpired,
                S::CodeTooManyAttempts,
                S::TooFrequent { retry_after: 1 },
                S::DailyLimit { retry_after: 1 },
                S::TicketRequired,
            ];
            all.extend(faults().map(S::Fault));
            for e in &all {
                match e {
                    S::CodeInvalid
                    | S::CodeExpired
                    | S::CodeTooManyAttempts
                    | S::TooFrequent { .. }
                    | S::DailyLimit { .. }
                    | S::TicketRequired
                    | S::Fault(_) => {}
                }
            }
            all
        };
        errors.extend(sms().into_iter().map(ApiError::from));
        let account = || {
            let mut all = vec![
                A::InvalidCredentials,
                A::TooManyAttempts { retry_after: 1 },
                A::NicknameTaken,
                A::MobileTaken,
                A::CurrentPasswordRequired,
                A::WrongCurrentPassword,
                A::RecentQqLoginRequired,
                A::EmailTaken,
                A::AccountLocked,
                A::UsernameTaken,
                A::UsernameAlreadyChanged,
                A::UserNotFound,
            ];
            for e in &all {
                match e {
                    A::InvalidCredentials
                    | A::TooManyAttempts { .. }
                    | A::NicknameTaken
                    | A::MobileTaken
                    | A::Invalid(_)
                    | A::CurrentPasswordRequired
                    | A::WrongCurrentPassword
                    | A::RecentQqLoginRequired
                    | A::EmailTaken
                    | A::AccountLocked
                    | A::UsernameTaken
                    | A::UsernameAlreadyChanged
                    | A::UserNotFound
                    | A::Sms(_)
                    | A::Fault(_) => {}
                }
            }
            all.extend(faults().map(A::Fault));
            all
        };
        errors.extend(account().into_iter().map(ApiError::from));
        let mut social = vec![
            Q::StateInvalid,
            Q::StateExpired,
            Q::StateUsed,
            Q::UnsafeNext,
            Q::Overloaded,
            Q::LastLoginMethod,
        ];
        for p in ProviderKind::ALL {
            social.extend([
                Q::StateNotThisBrowser(p),
                Q::InvalidCode(p),
                Q::LoginExpired(p),
                Q::Unavailable(p, "x".into()),
                Q::TicketInvalid(p),
                Q::TicketExpired(p),
                Q::TicketUsed(p),
                Q::AlreadyBound(p),
                Q::AccountAlreadyBound(p),
                Q::NotBound(p),
            ]);
        }
        for e in social {
            match e {
                Q::StateInvalid
                | Q::StateExpired
                | Q::StateNotThisBrowser(_)
                | Q::StateUsed
                | Q::UnsafeNext
                | Q::InvalidCode(_)
                | Q::Overloaded
                | Q::LoginExpired(_)
                | Q::Unavailable(..)
                | Q::TicketInvalid(_)
                | Q::TicketExpired(_)
                | Q::TicketUsed(_)
                | Q::AlreadyBound(_)
                | Q::AccountAlreadyBound(_)
                | Q::NotBound(_)
                | Q::LastLoginMethod
                | Q::Account(_)
                | Q::Sms(_)
                | Q::Captcha(_)
                | Q::Fault(_) => errors.push(e.into()),
            }
        }
        for p in crate::oauth::ProviderKind::ALL {
            use crate::accounts::bindings::BindingError as B;
            for e in [B::NotBound(p), B::LastLoginMethod(p)] {
                match e {
                    B::NotBound(_) | B::LastLoginMethod(_) | B::Fault(_) => errors.push(e.into()),
                }
            }
        }
        for e in [
            R::TokenInvalid,
            R::TokenExpired,
            R::TokenUsed,
            R::TokenSuperseded,
        ] {
            match e {
                R::TokenInvalid
                | R::TokenExpired
                | R::TokenUsed
                | R::TokenSuperseded
                | R::Fault(_) => errors.push(e.into()),
            }
        }
        for e in [
            Em::TokenInvalid,
            Em::TokenExpired,
            Em::TokenUsed,
            Em::TokenSuperseded,
        ] {
            match e {
                Em::TokenInvalid
                | Em::TokenExpired
                | Em::TokenUsed
                | Em::TokenSuperseded
                | Em::Account(_)
                | Em::Fault(_) => errors.push(e.into()),
            }
        }
        for e in [
            Ad::BindingNotFound,
            Ad::NotRefreshable(crate::oauth::ProviderKind::Weibo),
            Ad::JobNotFound,
            Ad::JobNotRetryable,
            Ad::JobConflict,
            Ad::ReasonRequired,
            Ad::ReasonTooLong,
            Ad::InvalidCursor,
            Ad::QueryTooLong,
            Ad::UserNotFound,
            Ad::NoVerifiedEmail,
        ] {
            match e {
                Ad::BindingNotFound
                | Ad::NotRefreshable(_)
                | Ad::JobNotFound
                | Ad::JobNotRetryable
                | Ad::JobConflict
                | Ad::ReasonRequired
                | Ad::ReasonTooLong
                | Ad::InvalidCursor
                | Ad::QueryTooLong
                | Ad::UserNotFound
                | Ad::NoVerifiedEmail
                | Ad::Fault(_) => errors.push(e.into()),
            }
        }
        for e in [
            C::Required,
            C::Failed,
            C::Unavailable("x".into()),
            C::Fault(crate::fault::Fault::Internal("x".into())),
            C::Fault(crate::fault::Fault::DatabaseUnavailable("x".into())),
        ] {
            match e {
                C::Required | C::Failed | C::Unavailable(_) | C::Fault(_) => errors.push(e.into()),
            }
        }
        // Handlers' own answers (the admin paging and statistics parameters).
        errors.push(crate::api::admin::invalid_page());
        errors.push(crate::api::admin::invalid_per_page("maximum(100)"));
        errors.push(crate::api::admin::invalid_days());
        let mut all: Vec<(u16, String)> = errors
            .iter()
            .map(|e| {
                let (status, code) = e.status_and_code();
                (status, code.to_owned())
            })
            .collect();
        // Extractors and middleware: a request that does not parse, the bearer and staff
        // checks (`security.rs`), CORS, the panic catcher and the outage middleware.
        for (status, code) in [
            (400, "invalid_request"),
            (401, "unauthorized"),
            (401, "token_expired"),
            (401, "token_revoked"),
            (403, "forbidden"),
            (403, "cors_not_allowed"),
            (500, "internal_error"),
            (503, "database_unavailable"),
        ] {
            all.push((status, code.to_owned()));
        }
        all
    }

    #[test]
    fn every_code_an_operation_lists_is_one_the_server_answers_with_that_status() {
        let known = every_answer();
        let spec: serde_json::Value =
            serde_json::from_str(&crate::api::openapi_json()).expect("the spec is JSON");
        let mut unknown = Vec::new();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                for (status, response) in op["responses"].as_object().expect("responses") {
                    let Ok(status) = status.parse::<u16>() else {
                        continue;
                    };
                    if status < 400 {
                        continue;
                    }
                    let reference = response["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .and_then(|m| m["schema"]["$ref"].as_str())
                        .expect("an error body");
                    let name = reference.trim_start_matches("#/components/schemas/");
                    let codes = spec["components"]["schemas"][name]["properties"]["code"]["enum"]
                        .as_array()
                        .expect("a code enum");
                    for code in codes.iter().filter_map(|c| c.as_str()) {
                        if !known.contains(&(status, code.to_owned())) {
                            unknown.push(format!("{method} {path}: {status} `{code}`"));
                        }
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "listed but never answered with that status (a typo, or a wrong status):\n{}",
            unknown.join("\n")
        );
    }

    #[test]
    fn an_operation_lists_its_own_codes_and_the_common_ones_once() {
        let all = answers::<Sample>();
        assert_eq!(
            all.keys().copied().collect::<Vec<_>>(),
            [400, 401, 403, 404, 500, 503]
        );
        assert_eq!(all[&400], ["invalid_page", "invalid_request"]);
        assert_eq!(all[&403], ["cors_not_allowed", "forbidden"]);
        assert!(lists::<Sample>(404, "job_not_found"));
        assert!(!lists::<Sample>(404, "user_not_found"));
        assert!(!lists::<Sample>(409, "job_conflict"));
    }
}

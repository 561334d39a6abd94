//! The HTTP surface: one module per resource. `/api/*` is described by the OpenAPI spec
//! (`passport openapi`, `/openapi.json`, `/docs`); operator endpoints (`/healthz`, `/readyz`)
//! are plain routes beside it.

pub mod accounts;
pub mod admin;
pub mod admin_audit;
pub mod admin_users;
pub mod captcha;
pub mod client_addr;
pub mod contract;
pub mod dev;
pub mod error;
pub mod front_door;
pub mod headers;
pub mod health;
pub mod oauth;
pub mod panic;
pub mod password_and_email;
pub mod security;
pub mod sms;
pub mod system;
pub mod users;
pub mod web;

use std::sync::Arc;

use poem::http::header::CONTENT_SECURITY_POLICY;
use poem::http::{HeaderValue, StatusCode};
use poem::middleware::Cors;
use poem::web::Json;
use poem::{Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route, get};
use poem_openapi::{OpenApiService, Tags};

use crate::state::AppState;

#[derive(Tags)]
pub enum ApiTags {
    /// Sign in with QQ, WeChat or Weibo: authorize URL, callback, bind, register or link /
    /// 第三方登录（QQ、微信、微博）：授权地址、回调、绑定、注册或关联当前账号
    SocialLogin,
    /// SMS verification codes / 短信验证码
    Sms,
    /// Password login and the signed-in user's account / 密码登录与当前账号
    Users,
    /// Password reset by email, and the account's verified email / 邮箱找回密码与邮箱验证
    Password,
    /// About the server itself / 服务信息
    System,
    /// The admin panel (staff only): QQ bindings, the job queue, daily statistics / 管理后台（仅管理员）
    Admin,
}

/// Every OpenAPI-described API; each resource joins this tuple.
pub type Apis = (
    oauth::OauthApi,
    sms::SmsApi,
    users::UsersApi,
    accounts::AccountsApi,
    password_and_email::PasswordAndEmailApi,
    system::SystemApi,
    admin::AdminApi,
    admin_audit::AdminAuditApi,
    admin_users::AdminUsersApi,
    captcha::CaptchaApi,
);

fn apis() -> Apis {
    (
        oauth::OauthApi,
        sms::SmsApi,
        users::UsersApi,
        accounts::AccountsApi,
        password_and_email::PasswordAndEmailApi,
        system::SystemApi,
        admin::AdminApi,
        admin_audit::AdminAuditApi,
        admin_users::AdminUsersApi,
        captcha::CaptchaApi,
    )
}

pub fn openapi_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(apis(), "passport", env!("CARGO_PKG_VERSION"))
        .description(
            "Renran (荏苒) identity: QQ, WeChat and Weibo login, account binding, password reset.",
        )
        .server("/api")
}

/// The whole spec as JSON, as `passport openapi` prints it and `openapi/openapi.json` stores it.
pub fn openapi_json() -> String {
    openapi_service().spec()
}

/// The Swagger UI page (`/docs`) and its Content Security Policy (`headers::policy_for`, which
/// hashes the page's inline scripts), built together at the first request and kept; each answer
/// borrows the kept page. The page inlines Swagger UI's script and styles (1.6 MB):
/// poem-openapi's `swagger_ui()` endpoint builds it at start-up, which held it resident in every
/// instance, idle or not, and allocated ≈ 4 MB more for the first second (the string grown by
/// three `replace`s). Only developers open this page.
#[poem::handler]
fn docs_page() -> Response {
    static PAGE: std::sync::OnceLock<(String, Option<HeaderValue>)> = std::sync::OnceLock::new();
    let (page, policy) = PAGE.get_or_init(|| {
        let page = openapi_service().swagger_ui_html();
        let policy = HeaderValue::from_str(&headers::policy_for(&page)).ok();
        (page, policy)
    });
    let mut response = Response::builder()
        .content_type("text/html; charset=utf-8")
        .body(Body::from(page.as_str()));
    if let Some(policy) = policy {
        response
            .headers_mut()
            .insert(CONTENT_SECURITY_POLICY, policy.clone());
    }
    response
}

/// Request bodies larger than this are refused with 413 before any handler runs.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn routes(state: AppState) -> impl Endpoint {
    let service = openapi_service();
    let spec = service.spec_endpoint();
    let cors = cors(&state.settings.cors_origins);
    Route::new()
        .nest(
            "/api",
            service
                .around(error::json_errors)
                .with(cors)
                // CORS refusals too answer in the one error shape.
                .around(error::json_errors)
                .around(same_origin_is_not_cors)
                .around(limit_body)
                .around(headers::no_store),
        )
        .at("/openapi.json", spec)
        .nest(
            "/docs",
            // Any method, as poem-openapi's endpoint answered.
            Route::new().at("/", docs_page),
        )
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .at("/metrics", get(health::metrics))
        // The web app (admin-ui/): history-API fallback to its index.html, and its assets.
        .at("/login", get(web::app_page))
        .at("/register", get(web::app_page))
        .at("/oauth/qq/callback", get(web::app_page))
        .at("/oauth/wechat/callback", get(web::app_page))
        .at("/oauth/weibo/callback", get(web::app_page))
        .at("/account", get(web::app_page))
        .at("/admin", get(web::app_page))
        .at("/admin/*rest", get(web::app_page))
        .at("/forgot-password", get(web::forgot_password_page))
        .at("/reset-password", get(web::account_page))
        .at("/verify-email", get(web::account_page))
        .at("/assets/:file", get(web::asset))
        .at("/dev/outbox", get(dev::outbox))
        .at("/dev/panic", get(panic::dev_panic))
        // `/` redirects to /login; every other path gets the app's 404 page (unknown `/api/*`
        // paths answer JSON inside the nest).
        .at("/*path", front_door::fallback)
        .around(client_addr::resolve)
        .around(crate::telemetry::record_latency)
        .data(state)
        .with(panic::catch())
        .around(crate::telemetry::trace_request)
}

/// Only the configured frontend origins get CORS headers. Tokens travel in `Authorization`; the
/// one cookie is the QQ login's browser binding (path `/api/oauth/qq`), so credentials are allowed
/// for these origins (each named, never `*`) and the frontend calls the QQ login with them.
fn cors(origins: &[String]) -> Cors {
    let cors = Cors::new()
        .allow_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allow_headers(["authorization", "content-type", "x-request-id"])
        .expose_header("x-request-id")
        .allow_credentials(true)
        .max_age(600);
    if origins.is_empty() {
        // poem's Cors allows every origin when none is listed; a function that refuses all
        // keeps "no origins configured" meaning "no cross-origin callers".
        cors.allow_origins_fn(|_| false)
    } else {
        cors.allow_origins(origins.iter().map(String::as_str))
    }
}

/// Browsers send `Origin` on same-origin POSTs too (the web app at `/login` calling `/api`).
/// Such a call is not cross-origin, so it skips the CORS check: its `Origin` is dropped when it
/// names this very host (`Host`) or the configured public base URL. A cross-origin page cannot
/// forge either: its browser sends the page's own origin.
async fn same_origin_is_not_cors<E: Endpoint>(
    ep: Arc<E>,
    mut req: Request,
) -> poem::Result<E::Output> {
    use poem::http::header::{HOST, ORIGIN};
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let same = match (header(ORIGIN), header(HOST)) {
        (Some(origin), host) => {
            let by_host = host.is_some_and(|host| {
                origin
                    .strip_prefix("http://")
                    .or_else(|| origin.strip_prefix("https://"))
                    .is_some_and(|o| o.eq_ignore_ascii_case(host))
            });
            let by_config = req.data::<AppState>().is_some_and(|state| {
                state
                    .settings
                    .public_base_url
                    .origin()
                    .ascii_serialization()
                    == origin
            });
            by_host || by_config
        }
        _ => false,
    };
    if same {
        req.headers_mut().remove(ORIGIN);
    }
    ep.call(req).await
}

/// Refuse bodies over [`MAX_BODY_BYTES`] with 413 `payload_too_large`, whether the size is
/// announced (`Content-Length`) or streamed (chunked): a streamed body is read up to the limit
/// before the handler sees it.
async fn limit_body<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let announced = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match announced {
        Some(len) if len > MAX_BODY_BYTES => return Ok(too_large()),
        Some(_) => {}
        None => {
            let body = req.take_body();
            if !body.is_empty() {
                match body.into_bytes_limit(MAX_BODY_BYTES).await {
                    Ok(bytes) => req.set_body(Body::from_bytes(bytes)),
                    Err(_) => return Ok(too_large()),
                }
            }
        }
    }
    Ok(ep.get_response(req).await)
}

fn too_large() -> Response {
    Json(error::ErrorBody::new("payload_too_large", "请求内容过大"))
        .with_status(StatusCode::PAYLOAD_TOO_LARGE)
        .into_response()
}

#[cfg(test)]
mod spec_language_tests {
    //! The frontend team reads Chinese: Swagger UI must show every operation's summary and
    //! every error description in Chinese beside the English (`English / 中文`).

    fn has_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_summary_and_error_description_is_in_chinese_beside_the_english() {
        let spec: serde_json::Value =
            serde_json::from_str(&super::openapi_json()).expect("the spec is JSON");
        let mut missing = Vec::new();
        let paths = spec["paths"].as_object().expect("paths");
        for (path, item) in paths {
            for (method, op) in item.as_object().expect("path item") {
                let summary = op["summary"].as_str().unwrap_or("");
                let bilingual = summary
                    .split_once(" / ")
                    .is_some_and(|(en, zh)| !has_chinese(en) && has_chinese(zh));
                if !bilingual {
                    missing.push(format!("{method} {path}: summary {summary:?}"));
                }
                let responses = op["responses"].as_object().expect("responses");
                for (status, response) in responses {
                    let description = response["description"].as_str().unwrap_or("");
                    if status.starts_with(['4', '5']) && !has_chinese(description) {
                        missing.push(format!("{method} {path}: {status} {description:?}"));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "write `English / 中文`:\n{}",
            missing.join("\n")
        );
    }
}

#[cfg(test)]
mod spec_path_tests {
    /// poem-openapi writes each API's paths separately: a path declared in two `#[OpenApi]`
    /// impls appears twice in the JSON and a reader keeps only the last, so operations vanish
    /// from the spec, Swagger UI and the generated client. Each path lives in one impl.
    #[test]
    fn no_path_is_declared_by_two_apis() {
        let spec = super::openapi_json();
        let value: serde_json::Value = serde_json::from_str(&spec).expect("the spec is JSON");
        let paths = value["paths"].as_object().expect("paths");
        let mut seen = std::collections::BTreeMap::<&str, usize>::new();
        for path in paths.keys() {
            // Count the key as written in the text, where duplicates survive.
            let needle = format!("{}:", serde_json::to_string(path).expect("key"));
            seen.insert(path, spec.matches(&needle).count());
        }
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "paths written more than once: {twice:?}");
        assert!(paths["/users/me"]["get"].is_object() && paths["/users/me"]["patch"].is_object());
    }
}

#[cfg(test)]
mod spec_contract_tests {
    //! The contract cannot drift back to "every operation answers every status": each error
    //! answer of each operation names a schema whose `code` is an enum of that operation's codes.

    use serde_json::Value;

    fn spec() -> Value {
        serde_json::from_str(&super::openapi_json()).expect("the spec is JSON")
    }

    fn schema<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        spec["components"]["schemas"].get(name)
    }

    #[test]
    fn every_error_answer_has_a_code_enum_of_its_own() {
        let spec = spec();
        let mut wrong = Vec::new();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let responses = op["responses"].as_object().expect("responses");
                for (status, response) in responses {
                    if !status.starts_with(['4', '5']) {
                        continue;
                    }
                    let at = format!("{method} {path} {status}");
                    let Some(content) = response["content"].as_object() else {
                        wrong.push(format!("{at}: no body"));
                        continue;
                    };
                    for (media, body) in content {
                        let codes = body["schema"]["$ref"]
                            .as_str()
                            .and_then(|r| schema(&spec, r))
                            .and_then(|s| s["properties"]["code"]["enum"].as_array());
                        match codes {
                            Some(codes) if !codes.is_empty() => {}
                            _ => wrong.push(format!("{at} {media}: `code` is not an enum")),
                        }
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn no_operation_lists_every_status_any_more_but_each_keeps_the_common_answers() {
        let spec = spec();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let responses = op["responses"].as_object().expect("responses");
                let errors = responses
                    .keys()
                    .filter(|s| s.starts_with(['4', '5']))
                    .count();
                // The nine statuses of the shared error type, listed everywhere, were the old lie.
                assert!(errors < 9, "{method} {path} lists all nine error statuses");
                // Any operation can meet CORS (403), a panic (500) and the database (503).
                for status in ["403", "500", "503"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} does not list {status}"
                    );
                }
            }
        }
    }

    #[test]
    fn field_limits_in_the_spec_are_the_domain_types_own() {
        use crate::domain::{
            NICKNAME_MAX_CHARS, NICKNAME_MIN_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS,
            USERNAME_MAX_CHARS,
        };
        let spec = spec();
        let field = |object: &str, name: &str, key: &str| {
            spec["components"]["schemas"][object]["properties"][name][key].as_u64()
        };
        let max = PASSWORD_MAX_CHARS as u64;
        let min = PASSWORD_MIN_CHARS as u64;
        for (object, name) in [
            ("SignupRequest", "password"),
            ("RegisterRequest", "password"),
            ("SmsResetRequest", "new_password"),
            ("PasswordChange", "new_password"),
            ("ResetConfirm", "new_password"),
        ] {
            assert_eq!(
                field(object, name, "maxLength"),
                Some(max),
                "{object}.{name}"
            );
            assert_eq!(
                field(object, name, "minLength"),
                Some(min),
                "{object}.{name}"
            );
        }
        for object in ["SignupRequest", "RegisterRequest", "ProfileUpdate"] {
            assert_eq!(
                field(object, "nickname", "maxLength"),
                Some(NICKNAME_MAX_CHARS as u64)
            );
            assert_eq!(
                field(object, "nickname", "minLength"),
                Some(NICKNAME_MIN_CHARS as u64)
            );
        }
        assert_eq!(
            field("UsernameChange", "username", "maxLength"),
            Some(USERNAME_MAX_CHARS as u64)
        );
        assert_eq!(
            field("AdminReason", "reason", "maxLength"),
            Some(crate::admin::MAX_REASON_CHARS as u64)
        );
    }
}

//! The HTTP surface: one module per resource. `/api/*` is described by the OpenAPI spec
//! (`passport openapi`, `/openapi.json`, `/docs`); operator endpoints (`/healthz`, `/readyz`)
//! are plain routes beside it.

pub mod accounts;
pub mod admin;
pub mod admin_audit;
pub mod admin_users;
pub mod captcha;
pub mod client_addr;
pub mod dev;
pub mod error;
pub mod headers;
pub mod health;
pub mod oauth_qq;
pub mod panic;
pub mod password_resets;
pub mod security;
pub mod sms;
pub mod system;
pub mod users;
pub mod web;

use std::sync::Arc;

use poem::http::StatusCode;
use poem::middleware::Cors;
use poem::web::Json;
use poem::{Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route, get};
use poem_openapi::{OpenApiService, Tags};

use crate::startup::AppState;

#[derive(Tags)]
pub enum ApiTags {
    /// Sign in with QQ: authorize URL, callback, bind or register.
    QqLogin,
    /// SMS verification codes.
    Sms,
    /// Password login and the signed-in user's account.
    Users,
    /// Password reset by email, and the account's verified email.
    Password,
    /// About the server itself.
    System,
    /// The admin panel (staff only): QQ bindings, the job queue, daily statistics.
    Admin,
}

/// Every OpenAPI-described API; each resource joins this tuple.
pub type Apis = (
    oauth_qq::OauthQqApi,
    sms::SmsApi,
    users::UsersApi,
    accounts::AccountsApi,
    password_resets::PasswordResetsApi,
    system::SystemApi,
    admin::AdminApi,
    admin_audit::AdminAuditApi,
    admin_users::AdminUsersApi,
    captcha::CaptchaApi,
);

fn apis() -> Apis {
    (
        oauth_qq::OauthQqApi,
        sms::SmsApi,
        users::UsersApi,
        accounts::AccountsApi,
        password_resets::PasswordResetsApi,
        system::SystemApi,
        admin::AdminApi,
        admin_audit::AdminAuditApi,
        admin_users::AdminUsersApi,
        captcha::CaptchaApi,
    )
}

pub fn openapi_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(apis(), "passport", env!("CARGO_PKG_VERSION"))
        .description("Renran (荏苒) identity: QQ login, account binding, password reset.")
        .server("/api")
}

/// The whole spec as JSON, as `passport openapi` prints it and `openapi/openapi.json` stores it.
pub fn openapi_json() -> String {
    openapi_service().spec()
}

/// Request bodies larger than this are refused with 413 before any handler runs.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn routes(state: AppState) -> impl Endpoint {
    let service = openapi_service();
    let docs = service.swagger_ui();
    let spec = service.spec_endpoint();
    let cors = cors(&state.settings.cors_origins);
    let docs_policy = headers::DocsPolicy::default();
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
            docs.around(move |ep, req| docs_policy.clone().apply(ep, req)),
        )
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .at("/metrics", get(health::metrics))
        // The web app (admin-ui/): history-API fallback to its index.html, and its assets.
        .at("/login", get(web::app_page))
        .at("/register", get(web::app_page))
        .at("/oauth/qq/callback", get(web::app_page))
        .at("/account", get(web::app_page))
        .at("/admin", get(web::app_page))
        .at("/admin/*rest", get(web::app_page))
        .at("/forgot-password", get(web::forgot_password_page))
        .at("/reset-password", get(web::account_page))
        .at("/verify-email", get(web::account_page))
        .at("/assets/:file", get(web::asset))
        .at("/dev/outbox", get(dev::outbox))
        .at("/dev/panic", get(panic::dev_panic))
        .around(client_addr::resolve)
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

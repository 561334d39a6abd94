//! Account pages reached from mails: forgot password, reset password, verify email. Plain HTML
//! with no third-party resources and `Referrer-Policy: no-referrer`, so a token in the URL never
//! leaks; opening a page changes nothing (mail scanners prefetch links).

use poem::http::header;
use poem::{IntoResponse, Response, handler};

const FORGOT_PASSWORD: &str = include_str!("../../templates/pages/forgot_password.html");
const RESET_PASSWORD: &str = include_str!("../../templates/pages/reset_password.html");
const VERIFY_EMAIL: &str = include_str!("../../templates/pages/verify_email.html");

/// Headers every account page carries.
pub fn page(html: &'static str) -> Response {
    html.with_content_type("text/html; charset=utf-8")
        .with_header(header::REFERRER_POLICY, "no-referrer")
        .with_header(header::CACHE_CONTROL, "no-store")
        .with_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .with_header(header::X_FRAME_OPTIONS, "DENY")
        .with_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
             connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        )
        .into_response()
}

#[handler]
pub fn forgot_password() -> Response {
    page(FORGOT_PASSWORD)
}

#[handler]
pub fn reset_password() -> Response {
    page(RESET_PASSWORD)
}

#[handler]
pub fn verify_email() -> Response {
    page(VERIFY_EMAIL)
}

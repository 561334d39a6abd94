//! The web app (`admin-ui/`, built by `make ui` into [`Settings::web_dist`]): one Vue page served
//! for every app path (`/login`, `/oauth/{qq,wechat,weibo}/callback`, `/account`, `/admin/*`, the account pages
//! reached from mails), so the browser's router picks the view (history-API fallback), plus its
//! hashed assets under `/assets/`.
//!
//! Every page is sent with `Referrer-Policy: no-referrer` (a QQ `code` or a reset token in the URL
//! never leaks), `no-store`, and a CSP that allows only our own scripts and styles. The pages
//! reached from mails (reset password, verify email, forgot password) load nothing but our own
//! files; the others may also show QQ avatars (`*.qlogo.cn`).
//!
//! Before `make ui` has run (a fresh clone) the pages answer with a short note saying so.
//!
//! [`Settings::web_dist`]: crate::config::Settings::web_dist

use std::path::Path;

use poem::http::{StatusCode, header};
use poem::web::{Data, Path as UrlPath};
use poem::{IntoResponse, Response, handler};

use crate::state::AppState;

/// Pages reached from a mail link: our own files only.
const CSP_ACCOUNT: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     connect-src 'self'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// `/forgot-password`: the account pages' policy, plus the captcha's script and frame when a
/// captcha may be shown (its SMS path asks for codes, which the captcha policy guards).
fn csp_account(captcha_origin: Option<&str>) -> String {
    match captcha_origin {
        None => CSP_ACCOUNT.to_owned(),
        Some(origin) => CSP_ACCOUNT
            .replace(
                "script-src 'self';",
                &format!("script-src 'self' {origin};"),
            )
            .replace(
                "default-src 'none';",
                &format!("default-src 'none'; frame-src {origin};"),
            ),
    }
}

/// The rest of the app: the same, plus QQ avatars, plus the captcha's script and frame when a
/// captcha may be shown (exactly the origin of `PASSPORT_CAPTCHA_SCRIPT_URL`).
fn csp_app(captcha_origin: Option<&str>) -> String {
    let (script, frame) = match captcha_origin {
        Some(origin) => (format!("'self' {origin}"), origin.to_owned()),
        None => ("'self'".to_owned(), "'none'".to_owned()),
    };
    format!(
        "default-src 'none'; script-src {script}; style-src 'self' 'unsafe-inline'; \
         connect-src 'self'; img-src 'self' data: http://*.qlogo.cn https://*.qlogo.cn; \
         font-src 'self' data:; frame-src {frame}; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}

/// The origin pages may load the captcha from, when the policy is not `off`.
pub fn captcha_origin(state: &AppState) -> Option<String> {
    (state.captcha.policy() != crate::captcha::CaptchaPolicy::Off).then(|| {
        state
            .settings
            .captcha
            .script_url
            .origin()
            .ascii_serialization()
    })
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>荏苒 · 页面未构建</title></head>\
<body style=\"font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#333\">\
<h1 style=\"color:#ea6f5a;font-size:22px\">网页还没有构建</h1>\
<p>这个页面由 <code>admin-ui/</code> 里的网页应用提供，但还没有构建。请在项目根目录运行 \
<code>make ui</code>（或 <code>make run</code>）后刷新本页。</p></body></html>";

/// Which CSP a page gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// Reached from a mail link (reset password, verify email) or next to them (forgot password).
    Account,
    /// Login, QQ callback, account, admin panel, dev outbox.
    App,
}

/// The app's `index.html` with the page headers, or the "run `make ui`" note. App pages that
/// may show the captcha name its origin.
pub async fn page(dist: &Path, kind: PageKind, captcha_origin: Option<&str>) -> Response {
    let html = match tokio::fs::read_to_string(dist.join("index.html")).await {
        Ok(html) => html,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => NOT_BUILT.to_string(),
        Err(e) => {
            tracing::error!(error = %e, dist = %dist.display(), "cannot read the web app");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let csp = match kind {
        PageKind::Account => csp_account(captcha_origin),
        PageKind::App => csp_app(captcha_origin),
    };
    html.with_content_type("text/html; charset=utf-8")
        .with_header(header::REFERRER_POLICY, "no-referrer")
        .with_header(header::CACHE_CONTROL, "no-store")
        .with_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .with_header(header::X_FRAME_OPTIONS, "DENY")
        .with_header(header::CONTENT_SECURITY_POLICY, csp)
        .into_response()
}

/// Whether the app has been built (the dev outbox falls back to its own HTML otherwise).
pub async fn is_built(dist: &Path) -> bool {
    tokio::fs::try_exists(dist.join("index.html"))
        .await
        .unwrap_or(false)
}

/// `/login`, `/register`, `/oauth/{qq,wechat,weibo}/callback`, `/account`, `/admin`, `/admin/*`.
#[handler]
pub async fn app_page(state: Data<&AppState>) -> Response {
    let captcha = captcha_origin(&state);
    page(&state.settings.web_dist, PageKind::App, captcha.as_deref()).await
}

/// `/reset-password`, `/verify-email`.
#[handler]
pub async fn account_page(state: Data<&AppState>) -> Response {
    page(&state.settings.web_dist, PageKind::Account, None).await
}

/// `/forgot-password`: an account page whose SMS path may show the captcha.
#[handler]
pub async fn forgot_password_page(state: Data<&AppState>) -> Response {
    let captcha = captcha_origin(&state);
    page(
        &state.settings.web_dist,
        PageKind::Account,
        captcha.as_deref(),
    )
    .await
}

/// `/assets/{file}`: Vite's hashed, flat output. Names are checked, so no path can leave the
/// folder; the content never changes under a name, so browsers may keep it for a year.
#[handler]
pub async fn asset(UrlPath(file): UrlPath<String>, state: Data<&AppState>) -> Response {
    let valid = !file.is_empty()
        && !file.starts_with('.')
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let Some(content_type) = valid.then(|| content_type(&file)).flatten() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(state.settings.web_dist.join("assets").join(&file)).await {
        Ok(bytes) => bytes
            .with_content_type(content_type)
            .with_header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
            .with_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn content_type(file: &str) -> Option<&'static str> {
    let ext = file.rsplit_once('.')?.1;
    Some(match ext {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "json" | "map" => "application/json",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_captcha_origin_is_the_only_foreign_script_and_frame() {
        let off = csp_app(None);
        assert!(
            off.contains("script-src 'self';") && off.contains("frame-src 'none';"),
            "{off}"
        );
        let on = csp_app(Some("https://turing.captcha.qcloud.com"));
        assert!(
            on.contains("script-src 'self' https://turing.captcha.qcloud.com;")
                && on.contains("frame-src https://turing.captcha.qcloud.com;"),
            "{on}"
        );
        assert!(!on.contains("connect-src 'self' https"), "{on}");
    }

    #[test]
    fn the_forgot_password_page_may_show_the_captcha_and_nothing_else_foreign() {
        assert_eq!(csp_account(None), CSP_ACCOUNT);
        let on = csp_account(Some("https://turing.captcha.qcloud.com"));
        assert!(
            on.contains("script-src 'self' https://turing.captcha.qcloud.com;")
                && on.contains("frame-src https://turing.captcha.qcloud.com;"),
            "{on}"
        );
        assert!(
            on.contains("img-src 'self' data:;") && !on.contains("qlogo"),
            "{on}"
        );
    }

    #[test]
    fn only_known_kinds_of_asset_are_served() {
        assert_eq!(
            content_type("index-Bx1.js"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(
            content_type("index-Bx1.css"),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(content_type("index.html"), None);
        assert_eq!(content_type("noext"), None);
    }
}

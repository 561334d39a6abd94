//! Headers every answer of a kind carries: `Cache-Control: no-store` on `/api` (logins, binds and
//! registrations answer tokens and tickets, which no cache may keep), and a Content Security
//! Policy on the Swagger UI at `/docs`.

use std::sync::Arc;

use base64::Engine as _;
use poem::http::HeaderValue;
use poem::http::header::CACHE_CONTROL;
use poem::{Endpoint, Request, Response};

/// Middleware for `/api`: nothing it answers may be stored by a browser or a proxy.
pub async fn no_store<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let mut response = ep.get_response(req).await;
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The Swagger UI page's policy (`api::docs_page` builds it once, with the page; the spec is
/// embedded in the page, so the only requests it makes are "Try it out" calls to this origin):
/// `default-src 'none'` plus exactly what the page uses: its inline scripts (by hash, so no
/// other script runs), inline styles (Swagger UI also injects `<style>` elements and `style`
/// attributes at run time, which no hash can name; styles run no code), the data-URI icons in its
/// CSS, and calls to this origin. Nothing remote.
pub fn policy_for(page: &str) -> String {
    let scripts = hashes(page, "script");
    format!(
        "default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'; object-src 'none'"
    )
}

/// `'sha256-…'` of the text inside every `<tag …>…</tag>` of `page`.
fn hashes(page: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let Some(body_start) = after.find('>') else {
            break;
        };
        let body = &after[body_start + 1..];
        let Some(end) = body.find(&close) else {
            break;
        };
        let digest = ring::digest::digest(&ring::digest::SHA256, &body.as_bytes()[..end]);
        out.push(format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
        ));
        rest = &body[end + close.len()..];
    }
    if out.is_empty() {
        "'none'".to_string()
    } else {
        out.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inline_block_is_allowed_by_its_hash_and_nothing_remote() {
        let page = "<html><head><style charset=\"UTF-8\">a{}</style><script>x()</script>\
                    </head><body><script>y()</script></body></html>";
        let policy = policy_for(page);
        let hash = |text: &str| {
            let d = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(d.as_ref())
            )
        };
        assert!(policy.starts_with("default-src 'none'; "), "{policy}");
        assert!(
            policy.contains(&format!("script-src {} {};", hash("x()"), hash("y()"))),
            "{policy}"
        );
        assert!(policy.contains("style-src 'unsafe-inline';"), "{policy}");
        assert!(!policy.contains("http"), "nothing remote: {policy}");
        assert!(!policy.contains("script-src 'unsafe-inline'"), "{policy}");
    }
}

//! Dev-only pages. `GET /dev/outbox` lists the mails and SMS the embedded defaults wrote (newest
//! first): as `{messages:[…]}` for `Accept: application/json` (scripts read a code or a link, and
//! the web app's outbox page does too), otherwise as the web app's page, or as plain HTML with
//! clickable links when the app is not built. Outside the dev profile it does not exist (404).

use poem::http::StatusCode;
use poem::web::{Data, Html, Json};
use poem::{IntoResponse, Request, Response, handler};
use serde_json::json;

use crate::api::error::ErrorBody;
use crate::api::web;
use crate::html::escape;
use crate::mail::{MessageKind, Outbox, OutboxMessage};
use crate::state::AppState;

#[handler]
pub async fn outbox(req: &Request, state: Data<&AppState>) -> Response {
    if !state.settings.is_dev() {
        return Json(ErrorBody::new("not_found", "页面不存在"))
            .with_status(StatusCode::NOT_FOUND)
            .into_response();
    }
    let json = wants_json(req);
    if !json && web::is_built(&state.settings.web_dist).await {
        return web::page(&state.settings.web_dist, web::PageKind::App, None).await;
    }
    let messages = match Outbox::new(state.settings.mail.outbox_dir.clone())
        .read_all()
        .await
    {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox");
            return Json(ErrorBody::new("outbox_unreadable", "无法读取发件箱"))
                .with_status(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response();
        }
    };
    if json {
        Json(json!({ "messages": messages })).into_response()
    } else {
        Html(render(&messages)).into_response()
    }
}

fn wants_json(req: &Request) -> bool {
    req.headers()
        .get(poem::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

fn render(messages: &[OutboxMessage]) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>发件箱 · passport dev</title><style>\
         body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}\
         article{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}\
         header{color:#555;font-size:.9rem}pre{white-space:pre-wrap;word-break:break-all}\
         </style></head><body><h1>发件箱</h1>",
    );
    if messages.is_empty() {
        html.push_str("<p>还没有邮件或短信。</p>");
    }
    for m in messages {
        let kind = match m.kind {
            MessageKind::Mail => "邮件",
            MessageKind::Sms => "短信",
        };
        html.push_str(&format!(
            "<article><header>{kind} · 收件人 {} · {}</header>",
            escape(&m.to),
            m.sent_at.format("%Y-%m-%d %H:%M:%S UTC")
        ));
        if !m.subject.is_empty() {
            html.push_str(&format!("<h3>{}</h3>", escape(&m.subject)));
        }
        html.push_str(&format!("<pre>{}</pre></article>", linkify(&m.body)));
    }
    html.push_str("</body></html>");
    html
}

/// Escape `text` and turn every `http(s)://…` run into a link.
fn linkify(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = ["http://", "https://"]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
    {
        out.push_str(&escape(&rest[..start]));
        let url_part = &rest[start..];
        let end = url_part
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
            .unwrap_or(url_part.len());
        let url = escape(&url_part[..end]);
        out.push_str(&format!("<a href=\"{url}\">{url}</a>"));
        rest = &url_part[end..];
    }
    out.push_str(&escape(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_anchors_and_everything_else_is_escaped() {
        assert_eq!(
            linkify("重置: https://x.test/reset-password?token=a&b <b>"),
            "重置: <a href=\"https://x.test/reset-password?token=a&amp;b\">\
             https://x.test/reset-password?token=a&amp;b</a> &lt;b&gt;"
        );
        assert_eq!(linkify("no link"), "no link");
    }
}

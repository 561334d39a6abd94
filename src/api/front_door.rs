//! Where a bare address lands: `/` goes to the login page (which goes on to `/account` when
//! signed in), any path no route names gets the web app's own 404 page with status 404 (its
//! router shows the not-found view). Unknown `/api/*` paths never reach here: they answer the
//! JSON error shape inside the API's nest, and `GET /api` its index (`system.rs`).

use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{IntoResponse, Response, handler};

use crate::api::web::{PageKind, is_built, page};
use crate::state::AppState;

/// Every path no route names: `/` goes to the login page, any other gets the app's 404 page.
/// (One handler: poem's catch-all route also takes `/`.)
#[handler]
pub async fn fallback(req: &poem::Request, state: Data<&AppState>) -> Response {
    if req.uri().path() == "/" {
        root(req)
    } else {
        not_found_page(&state).await
    }
}

/// `/`: the app's front door is the login page, which goes on to `/account` when signed in
/// (the browser knows; the server holds no session). The query (e.g. `next`) goes along.
fn root(req: &poem::Request) -> Response {
    let location = match req.uri().query() {
        Some(query) if !query.is_empty() => format!("/login?{query}"),
        _ => "/login".to_owned(),
    };
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, location)
        .header(header::CACHE_CONTROL, "no-store")
        .finish()
}

/// Any other path outside `/api`: the app's own 404 page (its router shows the not-found view
/// for a path it does not know), with status 404 so crawlers and scripts see it too.
async fn not_found_page(state: &AppState) -> Response {
    if !is_built(&state.settings.web_dist).await {
        return NOT_FOUND_UNBUILT
            .with_content_type("text/html; charset=utf-8")
            .with_header(header::CACHE_CONTROL, "no-store")
            .with_status(StatusCode::NOT_FOUND)
            .into_response();
    }
    let mut response = page(&state.settings.web_dist, PageKind::App, None).await;
    if response.status() == StatusCode::OK {
        response.set_status(StatusCode::NOT_FOUND);
    }
    response
}

/// The 404 page before `make ui` has built the app.
const NOT_FOUND_UNBUILT: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>页面不存在 - 荏苒</title></head>\
<body style=\"font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#333\">\
<h1 style=\"color:#ea6f5a;font-size:22px\">页面不存在</h1>\
<p>你要找的页面不存在或已被移走。<a href=\"/\">返回首页</a></p></body></html>";

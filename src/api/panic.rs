//! A panic in a handler answers 500 `internal_error` in the API's JSON shape, and the server and
//! the connection carry on. The panic itself is logged once, by the hook [`install_hook`] puts in
//! place (the catcher below does not log it again).

use std::any::Any;

use poem::http::StatusCode;
use poem::middleware::CatchPanic;
use poem::web::Json;
use poem::{IntoResponse, Response};

use super::error::ErrorBody;

/// Middleware for every route.
pub fn catch() -> CatchPanic<fn(Box<dyn Any + Send>) -> Response> {
    CatchPanic::new().with_handler(answer as fn(Box<dyn Any + Send>) -> Response)
}

fn answer(_panic: Box<dyn Any + Send>) -> Response {
    Json(ErrorBody::new(
        "internal_error",
        "服务器内部错误，请稍后重试",
    ))
    .with_status(StatusCode::INTERNAL_SERVER_ERROR)
    .into_response()
}

/// Route panics (in handlers and actors alike) to the log as one `error` event with the message,
/// the location and, when `RUST_BACKTRACE` asks for it, the backtrace, instead of the default
/// hook's raw stderr text next to our structured logs.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "(no message)".to_owned()
        };
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            tracing::error!(panic = %message, %location, %backtrace, "panic");
        } else {
            tracing::error!(panic = %message, %location, "panic");
        }
    }));
}

/// Dev profile only (404 elsewhere): a handler that panics, so a test can show a panic answers
/// 500 and the server keeps serving.
#[poem::handler]
pub async fn dev_panic(state: poem::web::Data<&crate::state::AppState>) -> Response {
    if !state.settings.is_dev() {
        return Json(ErrorBody::new("not_found", "页面不存在"))
            .with_status(StatusCode::NOT_FOUND)
            .into_response();
    }
    panic!("deliberate panic from /dev/panic");
}

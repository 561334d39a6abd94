//! Logging: human-readable lines by default, JSON lines with `--log-format json`, and a request
//! span (with a request id) around every HTTP request.
//!
//! Logging rules: a message reads clearly on its own; never log tokens, codes, passwords, emails
//! or query strings (QQ puts `code` in the callback's query, so only the path is recorded).

use std::sync::Arc;
use std::time::Instant;

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Request, Response};
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,hyper=warn";

/// Install the global subscriber. `RUST_LOG` overrides the default filter. Safe to call twice
/// (the second call is ignored), which tests rely on.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_target(false)
                    // Colours only for a person at a terminal, never into files or pipes.
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout())),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init(),
    };
}

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A request id: the caller's `X-Request-Id` when it is short and printable (so a proxy's id
/// follows the request through our logs), else a fresh random one.
fn request_id(req: &Request) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .filter(|v| {
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| hex::encode(rand::random::<[u8; 8]>()))
}

/// Middleware (used with `EndpointExt::around`): opens the `request` span every log line inside
/// a handler inherits, logs the outcome once, and echoes the id in the response.
pub async fn trace_request<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let id = request_id(&req);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.uri().path(),
        // The client address (`api::client_addr`), filled in once resolved.
        client = tracing::field::Empty,
    );
    async move {
        let started = Instant::now();
        let mut response = ep.get_response(req).await.into_response();
        let status = response.status().as_u16();
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::warn!(status, elapsed_ms, "request failed");
        } else {
            tracing::info!(status, elapsed_ms, "request finished");
        }
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        Ok(response)
    }
    .instrument(span)
    .await
}

/// Middleware inside the app state (`api::routes`): every answer's latency into the
/// `passport_http_request_duration_seconds` histogram, by method, route and status.
pub async fn record_latency<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let metrics = req
        .data::<crate::state::AppState>()
        .map(|s| s.metrics.clone());
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let response = ep.get_response(req).await.into_response();
    if let Some(metrics) = metrics {
        let status = response.status().as_u16();
        metrics.request(
            &method,
            crate::metrics::route_label(&path, status),
            status,
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

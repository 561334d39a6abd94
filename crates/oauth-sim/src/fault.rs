//! Injected faults, one rule type for every simulator: latency, 5xx pages, junk, HTML, empty or
//! truncated bodies, timeouts. Each provider names its endpoints with its own `T`.

use std::time::Duration;

use poem::http::StatusCode;
use poem::{Body, Response};
use serde::{Deserialize, Serialize};

/// A provider's endpoint names; `ANY` is the rule that matches all of them.
pub trait Target: Copy + Eq + std::fmt::Debug + Serialize + Send + Sync + 'static {
    const ANY: Self;
}

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait `latency_ms`, then answer normally.
    Latency,
    /// Answer HTTP `status` (default 502) with an HTML error page.
    Status,
    /// HTTP 200 with `body` (default: binary junk).
    Junk,
    /// HTTP 200 with an HTML page (a proxy's or the provider's error page).
    Html,
    /// HTTP 200 with an empty body.
    Empty,
    /// The normal answer, cut in half.
    Truncate,
    /// Never answer (the connection stays open until the client gives up).
    Timeout,
}

/// A fault rule, as posted to `POST /_sim/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault<T> {
    pub endpoint: T,
    pub kind: FaultKind,
    /// Chance per request, 0.0–1.0 (default 1.0).
    #[serde(default = "one")]
    pub probability: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Fire at most this many times, then disappear (default: until deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

fn one() -> f64 {
    1.0
}

impl<T: Target> Fault<T> {
    pub fn new(endpoint: T, kind: FaultKind) -> Self {
        Self {
            endpoint,
            kind,
            probability: 1.0,
            latency_ms: None,
            status: None,
            body: None,
            times: None,
        }
    }

    /// Fire with this chance per request (0.0–1.0).
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = p;
        self
    }

    /// Delay for [`FaultKind::Latency`].
    pub fn latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = Some(ms);
        self
    }

    /// HTTP status for [`FaultKind::Status`].
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Body for [`FaultKind::Junk`].
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Fire at most `n` times.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn applies_to(&self, target: T) -> bool {
        self.endpoint == T::ANY || self.endpoint == target
    }

    /// Why this rule cannot be installed, if it cannot.
    pub fn invalid(&self) -> Option<&'static str> {
        if !(0.0..=1.0).contains(&self.probability) {
            return Some("probability must be within 0.0..=1.0");
        }
        if self.status.is_some_and(|s| !(100..=599).contains(&s)) {
            return Some("status must be an HTTP status (100..=599)");
        }
        None
    }
}

/// The active rules.
#[derive(Debug, Clone)]
pub struct Faults<T> {
    rules: Vec<Fault<T>>,
}

impl<T> Default for Faults<T> {
    fn default() -> Self {
        Self { rules: Vec::new() }
    }
}

impl<T: Target> Faults<T> {
    pub fn add(&mut self, fault: Fault<T>) {
        self.rules.push(fault);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn list(&self) -> &[Fault<T>] {
        &self.rules
    }

    /// The fault to apply to this request, if one fires (first matching rule wins).
    pub fn pick(&mut self, target: T) -> Option<Fault<T>> {
        let index = self.rules.iter().position(|f| {
            f.applies_to(target) && f.times != Some(0) && rand::random::<f64>() < f.probability
        })?;
        let fault = self.rules[index].clone();
        if let Some(times) = &mut self.rules[index].times {
            *times = times.saturating_sub(1);
            if *times == 0 {
                self.rules.remove(index);
            }
        }
        Some(fault)
    }
}

/// How a provider's server looks on the wire when a fault answers instead of it.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// The `Server` header.
    pub server: &'static str,
    /// The `Content-Type` of its 200 answers.
    pub content_type: &'static str,
    /// The HTML page a `html` fault serves with 200.
    pub busy_page: &'static str,
}

impl Look {
    /// A 200 answer with the provider's headers.
    pub fn ok(&self, body: impl Into<Body>) -> Response {
        Response::builder()
            .status(StatusCode::OK)
            .header("Content-Type", self.content_type)
            .header("Server", self.server)
            .body(body.into())
    }
}

/// Apply a fault that replaces the answer; `None` means "answer normally" (after any latency).
async fn before<T>(fault: &Option<Fault<T>>, look: &Look) -> Option<Response> {
    let fault = fault.as_ref()?;
    match fault.kind {
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(fault.latency_ms.unwrap_or(1000))).await;
            None
        }
        FaultKind::Timeout => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Some(
                Response::builder()
                    .status(StatusCode::GATEWAY_TIMEOUT)
                    .finish(),
            )
        }
        FaultKind::Status => {
            let status = fault.status.unwrap_or(502);
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            Some(
                Response::builder()
                    .status(code)
                    .header("Content-Type", "text/html")
                    .header("Server", look.server)
                    .body(crate::html::gateway_error(code.as_u16(), look.server)),
            )
        }
        FaultKind::Junk => Some(look.ok(match &fault.body {
            Some(text) => text.clone().into_bytes(),
            None => b"\x00\x9f\xff junk {callback( ;".to_vec(),
        })),
        FaultKind::Html => Some(
            Response::builder()
                .status(StatusCode::OK)
                .header("Content-Type", "text/html; charset=utf-8")
                .header("Server", look.server)
                .body(look.busy_page),
        ),
        FaultKind::Empty => Some(look.ok(Vec::<u8>::new())),
        FaultKind::Truncate => None,
    }
}

/// Apply a fault that mangles the normal answer.
async fn after<T>(fault: &Option<Fault<T>>, response: Response) -> Response {
    match fault {
        Some(f) if f.kind == FaultKind::Truncate => {
            let (parts, body) = response.into_parts();
            let bytes = body.into_vec().await.unwrap_or_default();
            let cut = bytes.len() / 2;
            Response::from_parts(parts, Body::from(bytes[..cut].to_vec()))
        }
        _ => response,
    }
}

/// Answer through `fault` (already picked): `answer` runs only if no fault replaces it, after
/// any injected latency.
pub async fn answer<T>(
    fault: Option<Fault<T>>,
    look: &Look,
    answer: impl Future<Output = Response>,
) -> Response {
    if let Some(response) = before(&fault, look).await {
        return response;
    }
    let response = answer.await;
    after(&fault, response).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    enum T {
        A,
        B,
        Any,
    }

    impl Target for T {
        const ANY: Self = T::Any;
    }

    #[test]
    fn faults_fire_the_given_number_of_times() {
        let mut f = Faults::default();
        f.add(Fault::new(T::A, FaultKind::Empty).times(2));
        assert!(f.pick(T::B).is_none());
        assert!(f.pick(T::A).is_some());
        assert!(f.pick(T::A).is_some());
        assert!(f.pick(T::A).is_none());
        assert!(f.list().is_empty());
        f.add(Fault::new(T::Any, FaultKind::Empty));
        assert!(f.pick(T::B).is_some(), "`*` matches every endpoint");
    }
}

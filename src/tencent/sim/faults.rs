//! Injected faults (`POST /_sim/faults`), for tests and load generation: what a gateway does
//! (5xx, no answer, latency) and what the API does (an error code for an action, or for SendSms
//! a per-number status code), each with a probability and an optional count.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait `latency_ms` (default 1000), then answer normally.
    Latency,
    /// HTTP `status` (default 502) with an HTML page, as a gateway in front of the API would.
    Status,
    /// Never answer (the connection stays open until the client gives up).
    Timeout,
    /// Answer `Response.Error: {code, message}` after the signature checks.
    Error,
    /// SendSms only: the call succeeds, but every number's `SendStatusSet[].Code` is `code`.
    SendStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// The action (`SendSms`, `DescribeCaptchaResult`) or `*` for every action.
    #[serde(default = "any_action")]
    pub action: String,
    pub kind: FaultKind,
    /// Chance per request, 0.0–1.0 (default 1.0).
    #[serde(default = "one")]
    pub probability: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// For `error` and `send_status`: the code (`InternalError`, `LimitExceeded.PhoneNumberDailyLimit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Fire at most this many times, then disappear (default: until deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

fn any_action() -> String {
    "*".to_owned()
}

fn one() -> f64 {
    1.0
}

impl Fault {
    pub fn new(action: impl Into<String>, kind: FaultKind) -> Self {
        Self {
            action: action.into(),
            kind,
            probability: 1.0,
            latency_ms: None,
            status: None,
            code: None,
            message: None,
            times: None,
        }
    }

    /// `Response.Error` with `code` for `action`.
    pub fn error(action: impl Into<String>, code: impl Into<String>) -> Self {
        Self::new(action, FaultKind::Error).code(code)
    }

    /// SendSms succeeds but every number gets `code`.
    pub fn send_status(code: impl Into<String>) -> Self {
        Self::new("SendSms", FaultKind::SendStatus).code(code)
    }

    pub fn probability(mut self, p: f64) -> Self {
        self.probability = p;
        self
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = Some(ms);
        self
    }

    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Does this fault fire before the signature is checked (what a gateway does)?
    pub fn is_gateway(&self) -> bool {
        matches!(
            self.kind,
            FaultKind::Latency | FaultKind::Status | FaultKind::Timeout
        )
    }

    fn applies_to(&self, action: &str) -> bool {
        self.action == "*" || self.action == action
    }

    /// A reason this fault cannot be used, for the control endpoint.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.probability) {
            return Err("probability must be within 0.0..=1.0".into());
        }
        if matches!(self.kind, FaultKind::Error | FaultKind::SendStatus)
            && self.code.as_deref().is_none_or(str::is_empty)
        {
            return Err("faults of kind error and send_status need a code".into());
        }
        if let Some(status) = self.status
            && !(100..=599).contains(&status)
        {
            return Err("status must be an HTTP status".into());
        }
        Ok(())
    }
}

/// The active faults, first match wins.
#[derive(Default)]
pub struct Faults(Vec<Fault>);

impl Faults {
    pub fn add(&mut self, fault: Fault) {
        self.0.push(fault);
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn list(&self) -> &[Fault] {
        &self.0
    }

    /// The first fault of the right stage for `action` that fires this time (counting it down).
    pub fn pick(&mut self, action: &str, gateway: bool) -> Option<Fault> {
        let index = self.0.iter().position(|f| {
            f.applies_to(action)
                && f.is_gateway() == gateway
                && f.times != Some(0)
                && rand::random::<f64>() < f.probability
        })?;
        let fault = self.0[index].clone();
        if let Some(times) = &mut self.0[index].times {
            *times = times.saturating_sub(1);
            if *times == 0 {
                self.0.remove(index);
            }
        }
        Some(fault)
    }
}

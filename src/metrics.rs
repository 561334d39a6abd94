//! Prometheus counters, exposed at `/metrics`. Only what operators act on: how QQ callbacks end.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Metrics {
    callback_logged_in: AtomicU64,
    callback_bind_required: AtomicU64,
    callback_state_invalid: AtomicU64,
    callback_overloaded: AtomicU64,
    /// By QQ error code; code 0 stands for failures without one (timeouts, junk bodies).
    callback_qq_error: Mutex<BTreeMap<i64, u64>>,
}

/// How a QQ callback ended, for the `passport_qq_callbacks_total` counter.
pub enum CallbackOutcome {
    LoggedIn,
    BindRequired,
    StateInvalid,
    Overloaded,
    QqError(Option<i64>),
}

impl Metrics {
    pub fn callback(&self, outcome: CallbackOutcome) {
        match outcome {
            CallbackOutcome::LoggedIn => self.callback_logged_in.fetch_add(1, Ordering::Relaxed),
            CallbackOutcome::BindRequired => {
                self.callback_bind_required.fetch_add(1, Ordering::Relaxed)
            }
            CallbackOutcome::StateInvalid => {
                self.callback_state_invalid.fetch_add(1, Ordering::Relaxed)
            }
            CallbackOutcome::Overloaded => self.callback_overloaded.fetch_add(1, Ordering::Relaxed),
            CallbackOutcome::QqError(code) => {
                if let Ok(mut map) = self.callback_qq_error.lock() {
                    *map.entry(code.unwrap_or(0)).or_default() += 1;
                }
                0
            }
        };
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP passport_qq_callbacks_total QQ login callbacks by outcome.\n");
        out.push_str("# TYPE passport_qq_callbacks_total counter\n");
        for (outcome, counter) in [
            ("logged_in", &self.callback_logged_in),
            ("bind_required", &self.callback_bind_required),
            ("state_invalid", &self.callback_state_invalid),
            ("overloaded", &self.callback_overloaded),
        ] {
            let _ = writeln!(
                out,
                "passport_qq_callbacks_total{{outcome=\"{outcome}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        if let Ok(map) = self.callback_qq_error.lock() {
            for (code, count) in map.iter() {
                let _ = writeln!(
                    out,
                    "passport_qq_callbacks_total{{outcome=\"qq_error\",qq_code=\"{code}\"}} {count}"
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_in_prometheus_format() {
        let m = Metrics::default();
        m.callback(CallbackOutcome::LoggedIn);
        m.callback(CallbackOutcome::LoggedIn);
        m.callback(CallbackOutcome::QqError(Some(100020)));
        m.callback(CallbackOutcome::QqError(None));
        let text = m.render();
        assert!(
            text.contains("passport_qq_callbacks_total{outcome=\"logged_in\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("outcome=\"qq_error\",qq_code=\"100020\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("outcome=\"qq_error\",qq_code=\"0\"} 1\n"),
            "{text}"
        );
    }
}

//! Prometheus metrics, exposed at `/metrics`. Only what operators act on: how QQ callbacks end
//! (`passport_qq_callbacks_total`, and WeChat's and Weibo's in `passport_social_callbacks_total`),
//! request latency by route and status, QQ and WeChat token refresh outcomes; the job queue and the database
//! pool are read when `/metrics` is scraped (`render_queue`, `render_pool`).

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
    /// WeChat's and Weibo's callbacks by (provider, outcome, provider error code or "").
    callback_social: Mutex<BTreeMap<(&'static str, &'static str, String), u64>>,
    /// Request latency by (method, route, status).
    requests: Mutex<BTreeMap<(String, &'static str, u16), Histogram>>,
    /// QQ token refresh jobs by outcome.
    refreshes: Mutex<BTreeMap<&'static str, u64>>,
    /// WeChat token refresh jobs by outcome (`passport_wechat_refreshes_total`).
    wechat_refreshes: Mutex<BTreeMap<&'static str, u64>>,
}

/// Upper bounds (seconds) of the request latency buckets.
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    /// Cumulative count per bucket of [`LATENCY_BUCKETS`].
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// A request path reduced to its route, so the label set stays small: ids and tokens in a path
/// become `{id}`, asset names `{file}`, and anything we do not serve is `other`.
pub fn route_label(path: &str, status: u16) -> String {
    if status == 404 || status == 405 {
        return "other".to_owned();
    }
    if path.starts_with("/assets/") {
        return "/assets/{file}".to_owned();
    }
    let mut out = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()).take(8) {
        out.push('/');
        let looks_like_id = segment.bytes().any(|b| b.is_ascii_digit())
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if looks_like_id || segment.len() > 40 {
            out.push_str("{id}");
        } else {
            out.push_str(segment);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// How a QQ token refresh job ended, for `passport_qq_refreshes_total`.
#[derive(Clone, Copy, Debug)]
pub enum RefreshMetric {
    Refreshed,
    Superseded,
    /// QQ refused the refresh token: the binding is now `refresh_failed`.
    Failed,
    Skipped,
    /// Another refresher holds the binding: the job waits for its lease.
    Postponed,
    /// A refresher died mid-call: the binding is `refresh_failed` without a second send.
    Interrupted,
    /// QQ or the database failed; the job retries.
    Retry,
    Error,
}

impl RefreshMetric {
    fn as_str(self) -> &'static str {
        match self {
            Self::Refreshed => "refreshed",
            Self::Superseded => "superseded",
            Self::Failed => "refresh_failed",
            Self::Skipped => "skipped",
            Self::Postponed => "postponed",
            Self::Interrupted => "refresh_interrupted",
            Self::Retry => "retry",
            Self::Error => "error",
        }
    }
}

/// One kind's share of the job queue, as `/metrics` reports it.
pub struct QueueRow {
    pub kind: String,
    pub state: String,
    pub count: i64,
    /// Seconds since the oldest job of this kind and state became runnable (0 when none).
    pub oldest_age_secs: f64,
}

/// The database pool at scrape time.
pub struct PoolUsage {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// How a social callback ended, for `passport_qq_callbacks_total` (QQ) and
/// `passport_social_callbacks_total` (the others).
pub enum CallbackOutcome {
    LoggedIn,
    BindRequired,
    StateInvalid,
    Overloaded,
    /// The provider's error code, where it gave one.
    ProviderError(Option<i64>),
}

impl CallbackOutcome {
    fn as_str(&self) -> &'static str {
        match self {
            Self::LoggedIn => "logged_in",
            Self::BindRequired => "bind_required",
            Self::StateInvalid => "state_invalid",
            Self::Overloaded => "overloaded",
            Self::ProviderError(_) => "provider_error",
        }
    }
}

impl Metrics {
    pub fn callback(&self, provider: crate::oauth::ProviderKind, outcome: CallbackOutcome) {
        if provider != crate::oauth::ProviderKind::Qq {
            let code = match outcome {
                CallbackOutcome::ProviderError(code) => code.unwrap_or(0).to_string(),
                _ => String::new(),
            };
            if let Ok(mut map) = self.callback_social.lock() {
                *map.entry((provider.as_str(), outcome.as_str(), code))
                    .or_default() += 1;
            }
            return;
        }
        match outcome {
            CallbackOutcome::LoggedIn => self.callback_logged_in.fetch_add(1, Ordering::Relaxed),
            CallbackOutcome::BindRequired => {
                self.callback_bind_required.fetch_add(1, Ordering::Relaxed)
            }
            CallbackOutcome::StateInvalid => {
                self.callback_state_invalid.fetch_add(1, Ordering::Relaxed)
            }
            CallbackOutcome::Overloaded => self.callback_overloaded.fetch_add(1, Ordering::Relaxed),
            CallbackOutcome::ProviderError(code) => {
                if let Ok(mut map) = self.callback_qq_error.lock() {
                    *map.entry(code.unwrap_or(0)).or_default() += 1;
                }
                0
            }
        };
    }

    /// One answered request: `route` from [`route_label`].
    pub fn request(&self, method: &str, route: String, status: u16, seconds: f64) {
        let method: &'static str = match method {
            "GET" => "GET",
            "POST" => "POST",
            "PUT" => "PUT",
            "DELETE" => "DELETE",
            "HEAD" => "HEAD",
            "OPTIONS" => "OPTIONS",
            _ => "other",
        };
        if let Ok(mut map) = self.requests.lock() {
            map.entry((route, method, status))
                .or_default()
                .observe(seconds);
        }
    }

    pub fn refresh(&self, outcome: RefreshMetric) {
        if let Ok(mut map) = self.refreshes.lock() {
            *map.entry(outcome.as_str()).or_default() += 1;
        }
    }

    /// How a WeChat token refresh job ended.
    pub fn wechat_refresh(&self, outcome: RefreshMetric) {
        if let Ok(mut map) = self.wechat_refreshes.lock() {
            *map.entry(outcome.as_str()).or_default() += 1;
        }
    }

    /// The job queue by kind and state (available, retryable, running): depth and age.
    pub fn render_queue(rows: &[QueueRow]) -> String {
        let mut out = String::new();
        out.push_str("# HELP passport_jobs_queued Jobs by kind and state.\n");
        out.push_str("# TYPE passport_jobs_queued gauge\n");
        for r in rows {
            let _ = writeln!(
                out,
                "passport_jobs_queued{{kind=\"{}\",state=\"{}\"}} {}",
                r.kind, r.state, r.count
            );
        }
        out.push_str(
            "# HELP passport_jobs_oldest_age_seconds Age of the oldest runnable job by kind and state.\n",
        );
        out.push_str("# TYPE passport_jobs_oldest_age_seconds gauge\n");
        for r in rows {
            let _ = writeln!(
                out,
                "passport_jobs_oldest_age_seconds{{kind=\"{}\",state=\"{}\"}} {:.3}",
                r.kind, r.state, r.oldest_age_secs
            );
        }
        out
    }

    pub fn render_pool(pool: &PoolUsage) -> String {
        let mut out = String::new();
        out.push_str("# HELP passport_db_pool_connections Database pool connections by state.\n");
        out.push_str("# TYPE passport_db_pool_connections gauge\n");
        let in_use = pool.size.saturating_sub(pool.idle);
        for (state, n) in [("in_use", in_use), ("idle", pool.idle), ("max", pool.max)] {
            let _ = writeln!(out, "passport_db_pool_connections{{state=\"{state}\"}} {n}");
        }
        out
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
        out.push_str(
            "# HELP passport_social_callbacks_total WeChat and Weibo login callbacks by outcome.\n",
        );
        out.push_str("# TYPE passport_social_callbacks_total counter\n");
        if let Ok(map) = self.callback_social.lock() {
            for ((provider, outcome, code), count) in map.iter() {
                let code = if code.is_empty() {
                    String::new()
                } else {
                    format!(",code=\"{code}\"")
                };
                let _ = writeln!(
                    out,
                    "passport_social_callbacks_total{{provider=\"{provider}\",outcome=\"{outcome}\"{code}}} {count}"
                );
            }
        }
        out.push_str(
            "# HELP passport_http_request_duration_seconds Request latency by route and status.\n",
        );
        out.push_str("# TYPE passport_http_request_duration_seconds histogram\n");
        if let Ok(map) = self.requests.lock() {
            for ((route, method, status), h) in map.iter() {
                let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
                for (count, bound) in h.buckets.iter().zip(LATENCY_BUCKETS) {
                    let _ = writeln!(
                        out,
                        "passport_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                    );
                }
                let _ = writeln!(
                    out,
                    "passport_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "passport_http_request_duration_seconds_sum{{{labels}}} {:.6}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "passport_http_request_duration_seconds_count{{{labels}}} {}",
                    h.count
                );
            }
        }
        out.push_str("# HELP passport_qq_refreshes_total QQ token refresh jobs by outcome.\n");
        out.push_str("# TYPE passport_qq_refreshes_total counter\n");
        if let Ok(map) = self.refreshes.lock() {
            for (outcome, count) in map.iter() {
                let _ = writeln!(
                    out,
                    "passport_qq_refreshes_total{{outcome=\"{outcome}\"}} {count}"
                );
            }
        }
        out.push_str(
            "# HELP passport_wechat_refreshes_total WeChat token refresh jobs by outcome.\n",
        );
        out.push_str("# TYPE passport_wechat_refreshes_total counter\n");
        if let Ok(map) = self.wechat_refreshes.lock() {
            for (outcome, count) in map.iter() {
                let _ = writeln!(
                    out,
                    "passport_wechat_refreshes_total{{outcome=\"{outcome}\"}} {count}"
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
        use crate::oauth::ProviderKind::{Qq, Wechat};
        m.callback(Qq, CallbackOutcome::LoggedIn);
        m.callback(Qq, CallbackOutcome::LoggedIn);
        m.callback(Qq, CallbackOutcome::ProviderError(Some(100020)));
        m.callback(Qq, CallbackOutcome::ProviderError(None));
        m.callback(Wechat, CallbackOutcome::LoggedIn);
        m.callback(Wechat, CallbackOutcome::ProviderError(Some(40163)));
        let text = m.render();
        assert!(
            text.contains(
                "passport_social_callbacks_total{provider=\"wechat\",outcome=\"logged_in\"} 1\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("{provider=\"wechat\",outcome=\"provider_error\",code=\"40163\"} 1\n"),
            "{text}"
        );
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

    #[test]
    fn request_latency_is_a_histogram_by_route_and_status() {
        let m = Metrics::default();
        m.request("POST", route_label("/api/users/login", 200), 200, 0.02);
        m.request("POST", route_label("/api/users/login", 200), 200, 0.3);
        m.request("GET", route_label("/api/admin/jobs/123", 200), 200, 0.001);
        m.request("GET", route_label("/no/such/thing", 404), 404, 0.001);
        let text = m.render();
        let login = "method=\"POST\",route=\"/api/users/login\",status=\"200\"";
        assert!(
            text.contains(&format!(
                "passport_http_request_duration_seconds_bucket{{{login},le=\"0.025\"}} 1\n"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "passport_http_request_duration_seconds_bucket{{{login},le=\"0.5\"}} 2\n"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "passport_http_request_duration_seconds_count{{{login}}} 2\n"
            )),
            "{text}"
        );
        assert!(text.contains("route=\"/api/admin/jobs/{id}\""), "{text}");
        assert!(text.contains("route=\"other\",status=\"404\""), "{text}");
        assert!(!text.contains("/no/such/thing"), "{text}");
    }

    #[test]
    fn refresh_outcomes_are_counted() {
        let m = Metrics::default();
        m.refresh(RefreshMetric::Refreshed);
        m.refresh(RefreshMetric::Failed);
        m.refresh(RefreshMetric::Failed);
        let text = m.render();
        assert!(
            text.contains("passport_qq_refreshes_total{outcome=\"refresh_failed\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("passport_qq_refreshes_total{outcome=\"refreshed\"} 1\n"),
            "{text}"
        );
    }

    #[test]
    fn routes_keep_a_small_label_set() {
        assert_eq!(
            route_label("/api/admin/bindings/42/refresh", 200),
            "/api/admin/bindings/{id}/refresh"
        );
        assert_eq!(
            route_label("/assets/index-AbC123.js", 200),
            "/assets/{file}"
        );
        assert_eq!(route_label("/", 200), "/");
        assert_eq!(route_label("/api/users/login", 401), "/api/users/login");
    }
}

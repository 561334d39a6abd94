//! The login benches' shared load: their knobs (`BENCH_LEVELS`, `BENCH_REQUESTS`,
//! `PASSPORT_BENCH_USERS`) and the load generator that posts minted `(code, state)` pairs to a
//! provider's callback from `connections` concurrent clients (one browser, one cookie).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex;

/// Connections per point, from `BENCH_LEVELS` (e.g. `16,64`) or the bench's own default.
pub fn levels(default: &[usize]) -> Vec<usize> {
    std::env::var("BENCH_LEVELS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|l: &Vec<usize>| !l.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// Logins per point: `BENCH_REQUESTS`, default 3,000 (fewer for a debug build on a busy machine).
pub fn requests() -> usize {
    std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3_000)
}

/// Distinct bound users logging in round-robin: `PASSPORT_BENCH_USERS`, default 1,000.
pub fn bench_users() -> usize {
    std::env::var("PASSPORT_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000)
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// What one point measured.
pub struct CallbackRun {
    /// Every callback's latency, sorted.
    pub latencies: Vec<Duration>,
    pub non_2xx: usize,
    /// Answers other than `logged_in` (including transport errors).
    pub failures: usize,
    pub elapsed: Duration,
}

impl CallbackRun {
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn p_ms(&self, p: f64) -> f64 {
        percentile(&self.latencies, p).as_secs_f64() * 1000.0
    }
}

/// Post every `(code, state)` of `logins` (served from the back) to `url` with `cookie`, from
/// `connections` clients at once, and time each answer.
pub async fn drive(
    client: &reqwest::Client,
    url: String,
    cookie: &str,
    logins: Vec<(String, String)>,
    connections: usize,
) -> CallbackRun {
    let total = logins.len();
    let queue = Arc::new(Mutex::new(logins));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (queue, client, url, cookie) = (
            queue.clone(),
            client.clone(),
            url.clone(),
            cookie.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut non_2xx, mut failures) = (0usize, 0usize);
            loop {
                let Some((code, state)) = queue.lock().await.pop() else {
                    break;
                };
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .header("cookie", &cookie)
                    .json(&json!({"code": code, "state": state}))
                    .send()
                    .await;
                let ok = match response {
                    Ok(r) if r.status().is_success() => r
                        .json::<Value>()
                        .await
                        .is_ok_and(|b| b["status"] == "logged_in"),
                    Ok(_) => {
                        non_2xx += 1;
                        false
                    }
                    Err(_) => false,
                };
                latencies.push(sent.elapsed());
                if !ok {
                    failures += 1;
                }
            }
            (latencies, non_2xx, failures)
        }));
    }
    let mut run = CallbackRun {
        latencies: Vec::with_capacity(total),
        non_2xx: 0,
        failures: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (latencies, non_2xx, failures) = task.await.expect("task");
        run.latencies.extend(latencies);
        run.non_2xx += non_2xx;
        run.failures += failures;
    }
    run.elapsed = started.elapsed();
    run.latencies.sort();
    run
}

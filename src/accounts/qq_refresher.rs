//! The token refresher: a scheduler that periodically queues refresh jobs for the QQ and WeChat
//! bindings due (`accounts::qq_tokens` says when each is due; Weibo's never are), and a
//! [`JobWorker`] performer per provider that runs them at a bounded rate.

use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef};
use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::accounts::qq_tokens::{
    self, Grant, RefreshBatches, RefreshError, RefreshOutcome, Writes,
};
use crate::config::RefreshSettings;
use crate::crypto::TokenCipher;
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture, Performed};
use crate::metrics::RefreshMetric;
use crate::oauth::wechat::WechatClient;
use crate::qq::client::QqClient;

/// Spaces calls evenly: at most `rate` per second from this process.
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    pub fn per_second(rate: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / rate.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Wait for this caller's slot.
    pub async fn acquire(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// Runs `qq_token_refresh` jobs.
pub struct RefreshQqToken {
    pub db: DatabaseConnection,
    pub qq: Arc<QqClient>,
    pub cipher: Arc<TokenCipher>,
    pub limiter: Arc<RateLimiter>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Leases and new tokens group-committed with the other refreshes running.
    pub batches: RefreshBatches,
}

impl Perform for RefreshQqToken {
    const KIND: JobKind = JobKind::QqTokenRefresh;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::QqTokenRefresh { binding_id } = job.decode()? else {
                return Err(PerformError::permanent("not a QQ token refresh"));
            };
            self.limiter.acquire().await;
            let refreshed = qq_tokens::refresh_with(
                &self.db,
                Writes::Batched(&self.batches),
                Grant::Qq(&self.qq),
                &self.cipher,
                binding_id,
                crate::jobs::now(),
            )
            .await;
            self.metrics.refresh(metric(&refreshed));
            finish(binding_id, "QQ", refreshed).map(Performed::from)
        })
    }
}

/// Runs `wechat_token_refresh` jobs, as [`RefreshQqToken`] runs QQ's.
pub struct RefreshWechatToken {
    pub db: DatabaseConnection,
    pub wechat: Arc<WechatClient>,
    pub cipher: Arc<TokenCipher>,
    pub limiter: Arc<RateLimiter>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Leases and new tokens group-committed with the other refreshes running.
    pub batches: RefreshBatches,
}

impl Perform for RefreshWechatToken {
    const KIND: JobKind = JobKind::WechatTokenRefresh;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::WechatTokenRefresh { binding_id } = job.decode()? else {
                return Err(PerformError::permanent("not a WeChat token refresh"));
            };
            self.limiter.acquire().await;
            let refreshed = qq_tokens::refresh_with(
                &self.db,
                Writes::Batched(&self.batches),
                Grant::Wechat(&self.wechat),
                &self.cipher,
                binding_id,
                crate::jobs::now(),
            )
            .await;
            self.metrics.wechat_refresh(metric(&refreshed));
            finish(binding_id, "WeChat", refreshed).map(Performed::from)
        })
    }
}

fn metric(refreshed: &Result<RefreshOutcome, RefreshError>) -> RefreshMetric {
    match refreshed {
        Ok(RefreshOutcome::Refreshed) => RefreshMetric::Refreshed,
        Ok(RefreshOutcome::Superseded) => RefreshMetric::Superseded,
        Ok(RefreshOutcome::Failed { .. }) => RefreshMetric::Failed,
        Ok(RefreshOutcome::Skipped) => RefreshMetric::Skipped,
        Ok(RefreshOutcome::Held { .. }) => RefreshMetric::Postponed,
        Ok(RefreshOutcome::Interrupted) => RefreshMetric::Interrupted,
        Err(RefreshError::Transient(_)) => RefreshMetric::Retry,
        Err(RefreshError::Permanent(_)) => RefreshMetric::Error,
    }
}

/// The job's end for a refresh's outcome: done, postponed past the holder's lease, or retried.
fn finish(
    binding_id: i64,
    provider: &'static str,
    refreshed: Result<RefreshOutcome, RefreshError>,
) -> Result<(), PerformError> {
    match refreshed {
        Ok(RefreshOutcome::Failed { qq_code }) => {
            tracing::warn!(
                binding_id,
                provider,
                ?qq_code,
                "refresh token refused by the provider or unreadable; binding marked refresh_failed"
            );
            Ok(())
        }
        // Back once the holder's lease has lapsed: it finished (nothing left to do, or a fresh
        // token to refresh) or it died (`Interrupted`).
        Ok(RefreshOutcome::Held { until }) => Err(PerformError::postpone(
            "another refresher holds this binding's lease",
            until + chrono::Duration::seconds(1),
        )),
        Ok(RefreshOutcome::Interrupted) => {
            tracing::warn!(
                binding_id,
                provider,
                "a refresher died after sending this binding's refresh token; \
                 binding marked refresh_failed (refresh_interrupted) without sending it again"
            );
            Ok(())
        }
        Ok(outcome) => {
            tracing::debug!(binding_id, provider, ?outcome, "token refresh done");
            Ok(())
        }
        Err(RefreshError::Transient(e)) => Err(PerformError::retry(e)),
        Err(RefreshError::Permanent(e)) => Err(PerformError::permanent(e)),
    }
}

pub enum SchedulerMsg {
    /// Look for bindings due now.
    Scan,
}

/// Queues refresh jobs for due bindings every `scan_interval` (and once at start).
pub struct RefreshScheduler;

#[derive(Clone)]
pub struct SchedulerArgs {
    pub db: DatabaseConnection,
    pub settings: RefreshSettings,
    /// Whether this instance refreshes WeChat bindings (WeChat is configured).
    pub wechat: bool,
}

pub struct SchedulerState {
    args: SchedulerArgs,
    ticker: tokio::task::JoinHandle<()>,
}

impl Actor for RefreshScheduler {
    type Msg = SchedulerMsg;
    type State = SchedulerState;
    type Arguments = SchedulerArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<SchedulerMsg>,
        args: SchedulerArgs,
    ) -> Result<SchedulerState, ActorProcessingErr> {
        let _ = myself.cast(SchedulerMsg::Scan);
        let ticker = myself.send_interval(args.settings.scan_interval, || SchedulerMsg::Scan);
        Ok(SchedulerState { args, ticker })
    }

    async fn handle(
        &self,
        _: ActorRef<SchedulerMsg>,
        msg: SchedulerMsg,
        state: &mut SchedulerState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            SchedulerMsg::Scan => {
                let (db, settings) = (&state.args.db, &state.args.settings);
                match qq_tokens::schedule_due(db, settings, crate::jobs::now()).await {
                    Ok(0) => {}
                    Ok(queued) => tracing::info!(queued, "QQ token refreshes queued"),
                    // The next scan tries again; a database outage shows in /readyz.
                    Err(e) => tracing::warn!(error = %e, "cannot scan for QQ tokens due"),
                }
                if state.args.wechat {
                    match qq_tokens::schedule_due_wechat(db, settings, crate::jobs::now()).await {
                        Ok(0) => {}
                        Ok(queued) => tracing::info!(queued, "WeChat token refreshes queued"),
                        Err(e) => tracing::warn!(error = %e, "cannot scan for WeChat tokens due"),
                    }
                }
            }
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _: ActorRef<SchedulerMsg>,
        state: &mut SchedulerState,
    ) -> Result<(), ActorProcessingErr> {
        state.ticker.abort();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limiter_spaces_calls_evenly() {
        let limiter = RateLimiter::per_second(100);
        let started = Instant::now();
        for _ in 0..11 {
            limiter.acquire().await;
        }
        let elapsed = started.elapsed();
        // Ten gaps of 10 ms after the first, immediate, call.
        assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
    }
}

//! The dispatcher: claims due jobs from the table and hands each to the worker for its kind.
//!
//! - Claims only kinds that have a worker, at most `concurrency` jobs in flight in this process.
//! - Polls with backoff when idle (25 ms doubling up to `poll_max`); claims again at once after a
//!   full batch, and when workers report enough jobs finished to claim a batch again. On PostgreSQL a LISTEN connection also
//!   wakes it when a job is enqueued.
//! - Reclaims jobs whose lease expired (their process died), and prunes old completed jobs.
//! - Stopping it stops claiming; the workers finish or abandon what they hold.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ractor::{Actor, ActorProcessingErr, ActorRef};
use sea_orm::{DatabaseConnection, DbBackend};
use tokio::task::JoinHandle;

use super::Slot;
use super::worker::WorkerMsg;
use crate::config::JobSettings;
use crate::jobs::{self, JobKind};

pub enum DispatcherMsg {
    /// Look for work now.
    Tick,
    /// A job was enqueued (PostgreSQL NOTIFY).
    Wake,
    /// A worker is done with this job (whatever the outcome).
    Finished(i64),
}

pub struct DispatcherArgs {
    pub db: DatabaseConnection,
    pub database_url: String,
    pub settings: JobSettings,
    /// This process's lease owner name.
    pub owner: String,
    /// Which worker runs which kind.
    pub workers: Vec<(JobKind, Slot<WorkerMsg>)>,
}

pub struct Dispatcher;

pub struct DispatcherState {
    args: DispatcherArgs,
    kinds: Vec<JobKind>,
    /// Jobs handed out and not reported finished, with the time their lease runs out (after
    /// which the database, not us, decides their fate).
    inflight: HashMap<i64, Instant>,
    idle_pause: Duration,
    tick_queued: bool,
    timer: Option<JoinHandle<()>>,
    listener: Option<JoinHandle<()>>,
    last_reclaim: Option<Instant>,
    last_prune: Option<Instant>,
}

const MIN_POLL: Duration = Duration::from_millis(25);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

impl Actor for Dispatcher {
    type Msg = DispatcherMsg;
    type State = DispatcherState;
    type Arguments = DispatcherArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<DispatcherMsg>,
        args: DispatcherArgs,
    ) -> Result<DispatcherState, ActorProcessingErr> {
        let listener = (args.db.get_database_backend() == DbBackend::Postgres)
            .then(|| tokio::spawn(listen(args.database_url.clone(), myself.clone())));
        let kinds = args.workers.iter().map(|(k, _)| *k).collect();
        let _ = myself.cast(DispatcherMsg::Tick);
        Ok(DispatcherState {
            args,
            kinds,
            inflight: HashMap::new(),
            idle_pause: MIN_POLL,
            tick_queued: true,
            timer: None,
            listener,
            last_reclaim: None,
            last_prune: None,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<DispatcherMsg>,
        msg: DispatcherMsg,
        state: &mut DispatcherState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            DispatcherMsg::Tick => {
                state.tick_queued = false;
                pump(&myself, state).await;
            }
            DispatcherMsg::Wake => {
                state.idle_pause = MIN_POLL;
                request_pump(&myself, state);
            }
            DispatcherMsg::Finished(id) => {
                state.inflight.remove(&id);
                // Claim in batches: once half the slots are free (or all, for a trickle).
                let capacity = state.args.settings.concurrency as usize;
                if state.inflight.len() <= capacity / 2 {
                    request_pump(&myself, state);
                }
            }
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<DispatcherMsg>,
        state: &mut DispatcherState,
    ) -> Result<(), ActorProcessingErr> {
        stop_tasks(state);
        Ok(())
    }
}

impl Drop for DispatcherState {
    fn drop(&mut self) {
        stop_tasks(self);
    }
}

fn stop_tasks(state: &mut DispatcherState) {
    if let Some(t) = state.timer.take() {
        t.abort();
    }
    if let Some(l) = state.listener.take() {
        l.abort();
    }
}

/// Coalesce bursts of wake-ups into one claim.
fn request_pump(myself: &ActorRef<DispatcherMsg>, state: &mut DispatcherState) {
    if !state.tick_queued {
        state.tick_queued = true;
        let _ = myself.cast(DispatcherMsg::Tick);
    }
}

async fn pump(myself: &ActorRef<DispatcherMsg>, state: &mut DispatcherState) {
    let settings = &state.args.settings;
    let db = &state.args.db;
    let now = Instant::now();

    let reclaim_every =
        (settings.lease / 4).clamp(Duration::from_millis(100), Duration::from_secs(5));
    if state
        .last_reclaim
        .is_none_or(|t| now.duration_since(t) >= reclaim_every)
    {
        state.last_reclaim = Some(now);
        match jobs::reclaim_expired(db).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                jobs = n,
                "reclaimed jobs whose lease expired (a worker died)"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot reclaim expired jobs"),
        }
    }
    if state
        .last_prune
        .is_none_or(|t| now.duration_since(t) >= PRUNE_EVERY)
    {
        state.last_prune = Some(now);
        match jobs::prune_completed(db, settings.retention).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "pruned completed jobs past retention"),
            Err(e) => tracing::warn!(error = %e, "cannot prune completed jobs"),
        }
    }

    state.inflight.retain(|_, deadline| *deadline > now);
    let free = (settings.concurrency as usize).saturating_sub(state.inflight.len());
    let mut next = state.idle_pause;
    if free > 0 {
        match jobs::claim(
            db,
            &state.args.owner,
            &state.kinds,
            free as u32,
            settings.lease,
        )
        .await
        {
            Ok(claimed) => {
                let full = claimed.len() == free;
                let got_some = !claimed.is_empty();
                let mut unrouted = Vec::new();
                for job in claimed {
                    let worker = JobKind::parse(&job.kind).and_then(|kind| {
                        state
                            .args
                            .workers
                            .iter()
                            .find(|(k, _)| *k == kind)
                            .and_then(|(_, slot)| slot.get())
                    });
                    let id = job.id;
                    match worker.map(|w| w.cast(WorkerMsg::Run(job))) {
                        Some(Ok(())) => {
                            state.inflight.insert(id, now + settings.lease);
                        }
                        _ => unrouted.push(id),
                    }
                }
                if !unrouted.is_empty() {
                    // A worker is restarting: give these back for the next round.
                    if let Err(e) = jobs::release(db, &state.args.owner, Some(&unrouted)).await {
                        tracing::warn!(error = %e, "cannot release jobs no worker took");
                    }
                }
                if got_some {
                    state.idle_pause = MIN_POLL;
                    next = if full { Duration::ZERO } else { MIN_POLL };
                } else {
                    state.idle_pause = (state.idle_pause * 2).min(settings.poll_max);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim jobs");
                state.idle_pause = (state.idle_pause * 2).min(settings.poll_max);
                next = state.idle_pause;
            }
        }
    } else {
        // Full: `Finished` messages wake us; the timer only covers workers that died.
        next = settings.poll_max;
    }

    if let Some(t) = state.timer.take() {
        t.abort();
    }
    if next.is_zero() {
        request_pump(myself, state);
    } else {
        let me = myself.clone();
        state.timer = Some(tokio::spawn(async move {
            tokio::time::sleep(next).await;
            let _ = me.cast(DispatcherMsg::Tick);
        }));
    }
}

/// PostgreSQL: wake the dispatcher on every NOTIFY from [`jobs::enqueue`]. sqlx's listener
/// reconnects by itself; polling covers the gaps.
async fn listen(url: String, dispatcher: ActorRef<DispatcherMsg>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let mut listener = match PgListener::connect(&url).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot LISTEN for new jobs; polling only");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(jobs::NOTIFY_CHANNEL).await {
            tracing::warn!(error = %e, "cannot LISTEN for new jobs; polling only");
            tokio::time::sleep(Duration::from_secs(5)).await;
            continue;
        }
        loop {
            match listener.recv().await {
                Ok(_) => {
                    if dispatcher.cast(DispatcherMsg::Wake).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, "job notification listener lost its connection");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    break;
                }
            }
        }
    }
}

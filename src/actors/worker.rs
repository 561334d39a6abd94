//! A job worker: one actor per job kind (the mailer, the SMS sender, the token refresher, …),
//! generic over what it does with a job ([`Perform`], in `jobs`). The dispatcher hands it claimed jobs; it
//! runs each in its own task (up to the dispatcher's concurrency), then acks the job in the
//! database and tells the dispatcher it has room again, handing on with that room the follow-up
//! jobs the work queued held for this process ([`jobs::Performed::then_run`]; released to the
//! queue when no dispatcher takes them).
//!
//! Per job: skip the side effect when the idempotency key is already recorded (checked for the
//! whole claimed batch by `jobs::claim`, and again just before the work for a job on its second
//! or later attempt, whose previous holder may have finished it meanwhile); perform; record the
//! delivery and complete. A failure is recorded with backoff (or discarded at `max_attempts`,
//! or at once when it can never succeed).
//!
//! Batched, without weakening at-least-once: the jobs done while the previous ack was
//! committing are acked together in the next transaction ([`ack_batches`]: one `INSERT` of their
//! delivery records, one `UPDATE` completing them), a job's ack never before its side effect;
//! and one heartbeat per worker renews the leases of every job it holds in one statement
//! ([`renew_leases`]), from the claim until the ack has committed. A lease therefore expires
//! only when the process stops renewing, not while a finished job waits for its batch; that was
//! the race of an earlier attempt at batching, which renewed leases per job and only while the
//! work ran, so a job could be reclaimed and sent again by another process while its first
//! sender's ack still waited.
//!
//! On shutdown the worker waits up to its grace period for running jobs, then abandons them;
//! `Application::run_until` releases whatever the process still holds.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, Weak};

use chrono::{DateTime, Utc};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::Slot;
use super::dispatcher::DispatcherMsg;
use crate::jobs::{self, Backoff, Failed, Job, JobError, Perform, PerformError};

pub enum WorkerMsg {
    /// Run this claimed job.
    Run(Job),
    /// Fail on purpose. Only tests send it, to check that a restarted worker goes on delivering.
    InjectPanic,
}

pub struct WorkerArgs<P> {
    pub performer: Arc<P>,
    pub db: DatabaseConnection,
    pub backoff: Backoff,
    /// The lease jobs are claimed with; a job still running after a third of it renews it.
    pub lease: Duration,
    pub dispatcher: Slot<DispatcherMsg>,
    /// How long running jobs get to finish when the worker is stopped.
    pub shutdown_grace: Duration,
}

impl<P> WorkerArgs<P> {
    /// The same arguments for another kind of work.
    pub fn with<Q>(&self, performer: Arc<Q>) -> WorkerArgs<Q> {
        WorkerArgs {
            performer,
            db: self.db.clone(),
            backoff: self.backoff,
            lease: self.lease,
            dispatcher: self.dispatcher.clone(),
            shutdown_grace: self.shutdown_grace,
        }
    }
}

impl<P> Clone for WorkerArgs<P> {
    fn clone(&self) -> Self {
        Self {
            performer: self.performer.clone(),
            db: self.db.clone(),
            backoff: self.backoff,
            lease: self.lease,
            dispatcher: self.dispatcher.clone(),
            shutdown_grace: self.shutdown_grace,
        }
    }
}

pub struct JobWorker<P>(PhantomData<fn() -> P>);

impl<P> Default for JobWorker<P> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

pub struct WorkerState<P> {
    args: WorkerArgs<P>,
    tasks: JoinSet<()>,
    /// Watches the upstream's recoveries ([`Perform::recoveries`]).
    recovery_watch: Option<JoinHandle<()>>,
    running: Running,
}

/// What this worker's job tasks share: the jobs held (renewed by [`renew_leases`] until
/// acked), and the way to the acker ([`ack_batches`]). Both helper tasks end on their own once
/// the worker and every job task have let go.
#[derive(Clone)]
struct Running {
    held: Arc<Mutex<Held>>,
    acks: mpsc::UnboundedSender<Ack>,
}

/// Job id → (lease owner, tasks holding it: two when a job came back to this same process
/// while its previous attempt was still finishing).
type Held = HashMap<i64, (String, usize)>;

impl Running {
    fn start(db: &DatabaseConnection, lease: Duration) -> Self {
        let held = Arc::new(Mutex::new(Held::new()));
        tokio::spawn(renew_leases(db.clone(), Arc::downgrade(&held), lease));
        let (acks, queue) = mpsc::unbounded_channel();
        tokio::spawn(ack_batches(db.clone(), queue));
        Self { held, acks }
    }

    /// Hold `job` (its lease renewed) until the guard drops.
    fn hold(&self, job: &Job) -> HeldGuard {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.entry(job.id)
            .or_insert_with(|| (job.lease_owner.clone(), 0))
            .1 += 1;
        HeldGuard {
            held: self.held.clone(),
            id: job.id,
        }
    }
}

struct HeldGuard {
    held: Arc<Mutex<Held>>,
    id: i64,
}

impl Drop for HeldGuard {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = held.get_mut(&self.id) {
            entry.1 -= 1;
            if entry.1 == 0 {
                held.remove(&self.id);
            }
        }
    }
}

/// The heartbeat: every third of the lease, renew the lease of every job this worker holds, in
/// one statement per lease owner (one, in practice). A slow SMTP conversation or an ack waiting
/// for its batch is not mistaken for a dead worker.
async fn renew_leases(db: DatabaseConnection, held: Weak<Mutex<Held>>, lease: Duration) {
    let every = (lease / 3).max(Duration::from_millis(10));
    loop {
        tokio::time::sleep(every).await;
        let Some(held) = held.upgrade() else {
            return;
        };
        let mut by_owner: HashMap<String, Vec<i64>> = HashMap::new();
        for (id, (owner, _)) in held.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            by_owner.entry(owner.clone()).or_default().push(*id);
        }
        drop(held);
        for (owner, mut ids) in by_owner {
            ids.sort_unstable();
            match jobs::extend_leases(&db, &owner, &ids, lease).await {
                Ok(n) if n < ids.len() as u64 => tracing::debug!(
                    held = ids.len(),
                    renewed = n,
                    "some held jobs were no longer ours (done meanwhile, or their lease was lost)"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot renew the leases of running jobs"),
            }
        }
    }
}

/// A job whose side effect happened, waiting for its ack.
struct Ack {
    job: Job,
    /// Whether the ack completed the job (`false`: it was no longer ours); on failure, the
    /// error and the job back, for [`ack`] to try again.
    acked: oneshot::Sender<Result<bool, (String, Job)>>,
}

/// Most jobs acked in one transaction.
const MAX_ACK_BATCH: usize = 256;

/// Group commit of acks: every job that finished while the previous batch was committing is
/// acked in the next transaction ([`jobs::complete_in`]). A job is never acked before its side
/// effect (delivery stays at least once), and a crash before a batch commits resends those
/// jobs' work on their retry, as a crash before a single ack did. A batch that fails is acked
/// job by job.
async fn ack_batches(db: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Ack>) {
    let mut batch = Vec::with_capacity(MAX_ACK_BATCH);
    while queue.recv_many(&mut batch, MAX_ACK_BATCH).await > 0 {
        let jobs: Vec<&Job> = batch.iter().map(|a| &a.job).collect();
        let result = jobs::ack(&db, &jobs).await;
        let completed: Option<HashSet<i64>> = match result {
            Ok(done) => Some(done.into_iter().collect()),
            Err(e) => {
                tracing::warn!(error = %e, jobs = batch.len(), "batched ack failed; acking one by one");
                None
            }
        };
        for ack in batch.drain(..) {
            let outcome = match &completed {
                Some(completed) => Ok(completed.contains(&ack.job.id)),
                None => ack_one(&db, &ack.job).await.map_err(|e| e.to_string()),
            };
            let _ = ack.acked.send(outcome.map_err(|e| (e, ack.job)));
        }
    }
}

/// One job's delivery record and completion (recording twice is harmless, and completing a job
/// already completed changes nothing).
async fn ack_one(db: &DatabaseConnection, job: &Job) -> Result<bool, JobError> {
    Ok(!jobs::ack(db, &[job]).await?.is_empty())
}

/// Ack a job whose work is done: with the next batch, and when that fails (the database went
/// away), again on its own with growing pauses for as long as a lease lasts. Giving up at the
/// first error would have the work done twice: the lease lapses and the job's next holder,
/// finding no delivery record, sends the mail again. Once the database is back the ack
/// commits within half a second (the pauses stop growing there), normally before the lease
/// lapses; should the lease lapse first, the delivery record still stops a next holder that has
/// not yet checked for it (it does, right before the work).
async fn ack(
    db: &DatabaseConnection,
    acks: &mpsc::UnboundedSender<Ack>,
    job: Job,
    lease: Duration,
) -> Result<bool, String> {
    let (acked, outcome) = oneshot::channel();
    acks.send(Ack { job, acked })
        .map_err(|_| "the acker stopped".to_owned())?;
    let (mut error, job) = match outcome.await.map_err(|_| "the acker stopped".to_owned())? {
        Ok(acked) => return Ok(acked),
        Err(failed) => failed,
    };
    tracing::warn!(job_id = job.id, error = %error, "cannot ack a done job yet; trying again while its lease lasts");
    let deadline = tokio::time::Instant::now() + lease;
    let mut pause = Duration::from_millis(100);
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
        match ack_one(db, &job).await {
            Ok(acked) => {
                tracing::info!(job_id = job.id, "done job acked after a retry");
                return Ok(acked);
            }
            Err(e) => error = e.to_string(),
        }
    }
    Err(error)
}

impl<P> Drop for WorkerState<P> {
    /// A worker that fails (a panic in `handle`) gets no `post_stop`; its running jobs keep
    /// going to their ack instead of being cut off mid-send.
    fn drop(&mut self) {
        self.tasks.detach_all();
        if let Some(watch) = self.recovery_watch.take() {
            watch.abort();
        }
    }
}

impl<P: Perform> Actor for JobWorker<P> {
    type Msg = WorkerMsg;
    type State = WorkerState<P>;
    type Arguments = WorkerArgs<P>;

    async fn pre_start(
        &self,
        _myself: ActorRef<WorkerMsg>,
        args: WorkerArgs<P>,
    ) -> Result<WorkerState<P>, ActorProcessingErr> {
        let recovery_watch = args.performer.recoveries().map(|rx| {
            tokio::spawn(retry_after_recovery::<P>(
                rx,
                args.db.clone(),
                args.dispatcher.clone(),
            ))
        });
        let running = Running::start(&args.db, args.lease);
        Ok(WorkerState {
            args,
            tasks: JoinSet::new(),
            recovery_watch,
            running,
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<WorkerMsg>,
        msg: WorkerMsg,
        state: &mut WorkerState<P>,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            WorkerMsg::Run(job) => {
                while state.tasks.try_join_next().is_some() {}
                let held = state.running.hold(&job);
                state.tasks.spawn(run_job(
                    state.args.clone(),
                    state.running.acks.clone(),
                    held,
                    job,
                ));
            }
            WorkerMsg::InjectPanic => panic!("injected failure in the {} worker", P::KIND.as_str()),
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<WorkerMsg>,
        state: &mut WorkerState<P>,
    ) -> Result<(), ActorProcessingErr> {
        if let Some(watch) = state.recovery_watch.take() {
            watch.abort();
        }
        let running = state.tasks.len();
        let drained = tokio::time::timeout(state.args.shutdown_grace, async {
            while state.tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                kind = P::KIND.as_str(),
                left = state.tasks.len(),
                "shutdown grace over: abandoning running jobs (they are released)"
            );
            state.tasks.abort_all();
            while state.tasks.join_next().await.is_some() {}
        } else if running > 0 {
            tracing::info!(
                kind = P::KIND.as_str(),
                running,
                "running jobs finished before shutdown"
            );
        }
        Ok(())
    }
}

/// When the upstream is back, the jobs that failed during the outage run now (and the
/// dispatcher is told), not when their grown backoff says.
async fn retry_after_recovery<P: Perform>(
    mut recoveries: watch::Receiver<Option<DateTime<Utc>>>,
    db: DatabaseConnection,
    dispatcher: Slot<DispatcherMsg>,
) {
    while recoveries.changed().await.is_ok() {
        let Some(since) = *recoveries.borrow_and_update() else {
            continue;
        };
        match jobs::make_due_now(&db, P::KIND, since).await {
            Ok(n) => tracing::info!(
                kind = P::KIND.as_str(),
                jobs = n,
                "upstream back: jobs that failed during the outage run now"
            ),
            Err(e) => tracing::warn!(
                kind = P::KIND.as_str(),
                error = %e,
                "upstream back, but cannot reschedule the jobs that failed meanwhile (they keep their backoff)"
            ),
        }
        if let Some(dispatcher) = dispatcher.get() {
            let _ = dispatcher.cast(DispatcherMsg::Wake);
        }
    }
}

async fn run_job<P: Perform>(
    args: WorkerArgs<P>,
    acks: mpsc::UnboundedSender<Ack>,
    held: HeldGuard,
    job: Job,
) {
    let id = job.id;
    let kind = job.kind.clone();
    let then_run = match attempt(&args, &acks, job).await {
        Ok(then_run) => then_run,
        Err(e) => {
            // The job stays `running` until its lease expires; then another attempt picks it up.
            tracing::warn!(job_id = id, kind = %kind, error = %e, "cannot record a job's outcome");
            Vec::new()
        }
    };
    // Held (its lease renewed) until its outcome is recorded.
    drop(held);
    // No dispatcher to run the follow-up jobs (stopping or restarting): back to the queue, for
    // any process, rather than held until their lease runs out.
    let unhanded = match args.dispatcher.get() {
        None => then_run,
        Some(dispatcher) => match dispatcher.cast(DispatcherMsg::Finished { id, then_run }) {
            Err(ractor::MessagingErr::SendErr(DispatcherMsg::Finished { then_run, .. })) => {
                then_run
            }
            _ => Vec::new(),
        },
    };
    release_unhanded(&args.db, &unhanded).await;
}

/// Give back follow-up jobs held for this process that no dispatcher took.
async fn release_unhanded(db: &DatabaseConnection, jobs: &[Job]) {
    let Some(owner) = jobs.first().map(|j| j.lease_owner.as_str()) else {
        return;
    };
    let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
    if let Err(e) = jobs::release(db, owner, Some(&ids)).await {
        tracing::warn!(error = %e, jobs = ids.len(), "cannot release follow-up jobs no dispatcher took; they run when their lease lapses");
    }
}

/// One attempt at `job`, its outcome recorded. Returns the follow-up jobs its work queued held
/// for this process ([`jobs::Performed::then_run`]).
async fn attempt<P: Perform>(
    args: &WorkerArgs<P>,
    acks: &mpsc::UnboundedSender<Ack>,
    job: Job,
) -> Result<Vec<Job>, String> {
    let db = &args.db;
    // A job on its second or later attempt may have been done by its previous holder after
    // the claim's check: ask again right before doing it.
    let delivered = job.delivered_before
        || (job.attempt > 1
            && jobs::is_delivered(db, &job.idempotency_key)
                .await
                .map_err(|e| e.to_string())?);
    if delivered {
        tracing::info!(job_id = job.id, kind = %job.kind, "already delivered before; completing without sending again");
        jobs::complete(db, job.id, &job.lease_owner)
            .await
            .map_err(|e| e.to_string())?;
        return Ok(Vec::new());
    }
    match args.performer.perform(&job).await {
        // Acked in the transaction that wrote its work.
        Ok(performed) if P::COMPLETES_ITSELF => return Ok(performed.then_run),
        Ok(performed) => {
            // The delivery record and the ack commit together, batched with the other jobs
            // done meanwhile. When the lease was lost meanwhile, the record still commits: the
            // job's new holder finds it and completes the job without sending again.
            let id = job.id;
            match ack(db, acks, job, args.lease).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    job_id = id,
                    "job done after its lease was lost; the new holder will complete it"
                ),
                // The job stays `running` until its lease expires, then another attempt picks
                // it up; what its work queued runs regardless.
                Err(e) => {
                    tracing::warn!(job_id = id, error = %e, "cannot record a job's outcome")
                }
            }
            return Ok(performed.then_run);
        }
        Err(PerformError {
            message,
            postpone_until: Some(until),
            ..
        }) => {
            let postponed = jobs::postpone(db, &job, &message, until)
                .await
                .map_err(|e| e.to_string())?;
            if postponed {
                tracing::info!(job_id = job.id, kind = %job.kind, run_at = %until, reason = %message, "job postponed");
            } else {
                tracing::warn!(job_id = job.id, "job postponed after its lease was lost");
            }
        }
        Err(e) => match jobs::fail(db, &job, &e.message, e.permanent, &args.backoff)
            .await
            .map_err(|e| e.to_string())?
        {
            Failed::Retry(at) => tracing::info!(
                job_id = job.id, kind = %job.kind, attempt = job.attempt, retry_at = %at,
                error = %e.message, "job failed, will retry"
            ),
            Failed::Discarded => tracing::warn!(
                job_id = job.id, kind = %job.kind, attempt = job.attempt,
                error = %e.message, "job discarded (no attempts left or cannot succeed)"
            ),
            Failed::LeaseLost => {
                tracing::warn!(job_id = job.id, "job failed after its lease was lost")
            }
        },
    }
    Ok(Vec::new())
}

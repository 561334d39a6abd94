//! A job worker: one actor per job kind (the mailer, the SMS sender, the token refresher, …),
//! generic over what it does with a job ([`Perform`], in `jobs`). The dispatcher hands it claimed jobs; it
//! runs each in its own task (up to the dispatcher's concurrency), then acks the job in the
//! database and tells the dispatcher it has room again.
//!
//! Per job: skip the side effect when the idempotency key is already recorded (a job that came
//! back after a lost lease); perform; record the delivery and complete, in one transaction. A failure is recorded with
//! backoff (or discarded at `max_attempts`, or at once when it can never succeed).
//!
//! On shutdown the worker waits up to its grace period for running jobs, then abandons them;
//! `Application::run_until` releases whatever the process still holds.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::watch;
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
        Ok(WorkerState {
            args,
            tasks: JoinSet::new(),
            recovery_watch,
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
                state.tasks.spawn(run_job(state.args.clone(), job));
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

async fn run_job<P: Perform>(args: WorkerArgs<P>, job: Job) {
    let id = job.id;
    if let Err(e) = attempt(&args, &job).await {
        // The job stays `running` until its lease expires; then another attempt picks it up.
        tracing::warn!(job_id = id, kind = %job.kind, error = %e, "cannot record a job's outcome");
    }
    if let Some(dispatcher) = args.dispatcher.get() {
        let _ = dispatcher.cast(DispatcherMsg::Finished(id));
    }
}

async fn attempt<P: Perform>(args: &WorkerArgs<P>, job: &Job) -> Result<(), JobError> {
    let db = &args.db;
    if jobs::is_delivered(db, &job.idempotency_key).await? {
        tracing::info!(job_id = job.id, kind = %job.kind, "already delivered before; completing without sending again");
        jobs::complete(db, job.id, &job.lease_owner).await?;
        return Ok(());
    }
    match perform_with_heartbeat(args, job).await? {
        Ok(()) => {
            // The delivery record and the ack commit together (one commit per job). When the
            // lease was lost meanwhile, the record still commits: the job's new holder finds
            // it and completes the job without sending again.
            let txn = db.begin().await?;
            jobs::record_delivery(&txn, job).await?;
            let acked = jobs::complete(&txn, job.id, &job.lease_owner).await?;
            txn.commit().await?;
            if !acked {
                tracing::warn!(
                    job_id = job.id,
                    "job done after its lease was lost; the new holder will complete it"
                );
            }
        }
        Err(PerformError {
            message,
            postpone_until: Some(until),
            ..
        }) => {
            if jobs::postpone(db, job, &message, until).await? {
                tracing::info!(job_id = job.id, kind = %job.kind, run_at = %until, reason = %message, "job postponed");
            } else {
                tracing::warn!(job_id = job.id, "job postponed after its lease was lost");
            }
        }
        Err(e) => match jobs::fail(db, job, &e.message, e.permanent, &args.backoff).await? {
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
    Ok(())
}

/// Perform the job, renewing its lease every third of the lease while it runs, so a slow SMTP
/// conversation is not mistaken for a dead worker and sent a second time by someone else.
async fn perform_with_heartbeat<P: Perform>(
    args: &WorkerArgs<P>,
    job: &Job,
) -> Result<Result<(), PerformError>, JobError> {
    let perform = args.performer.perform(job);
    tokio::pin!(perform);
    let every = (args.lease / 3).max(Duration::from_millis(10));
    loop {
        tokio::select! {
            result = &mut perform => return Ok(result),
            _ = tokio::time::sleep(every) => {
                if !jobs::extend_lease(&args.db, job.id, &job.lease_owner, args.lease).await? {
                    tracing::warn!(job_id = job.id, "lost the lease of a running job");
                }
            }
        }
    }
}

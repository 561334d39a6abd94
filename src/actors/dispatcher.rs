//! The dispatcher: claims due jobs from the table and hands each to the worker for its kind.
//!
//! - Claims only kinds that have a worker, at most `concurrency` jobs in flight in this process.
//! - One claim statement per round for every kind, each kind with a limit held to the room it
//!   has left. Polls with backoff when idle (25 ms doubling up to `poll_max`), every 25 ms while
//!   it finds work, and claims again when workers report enough jobs finished: half the slots,
//!   or half of the finished job's kind's own limit. On PostgreSQL a LISTEN connection also
//!   wakes it when a job is enqueued.
//! - Runs the follow-up jobs a finished job hands on, already leased to this process (a reset
//!   lookup's mail): they take the finished job's slot without a claim.
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
    /// A worker is done with this job (whatever the outcome), and hands on the follow-up jobs
    /// its work queued already leased to this process (`jobs::Performed::then_run`): they take
    /// its place, without a claim.
    Finished { id: i64, then_run: Vec<jobs::Job> },
}

#[derive(Clone)]
pub struct DispatcherArgs {
    pub db: DatabaseConnection,
    pub database_url: String,
    pub settings: JobSettings,
    /// This process's lease owner name.
    pub owner: String,
    /// Which worker runs which kind.
    pub workers: Vec<WorkerRoute>,
}

/// One kind of job and the worker that runs it.
#[derive(Clone)]
pub struct WorkerRoute {
    pub kind: JobKind,
    pub slot: Slot<WorkerMsg>,
    /// At most this many jobs of this kind running at once in this process (within the overall
    /// concurrency): a rate-limited upstream (QQ) gets a few slots and cannot starve the mail.
    pub max_in_flight: Option<u32>,
}

impl WorkerRoute {
    pub fn new(kind: JobKind, slot: Slot<WorkerMsg>) -> Self {
        Self {
            kind,
            slot,
            max_in_flight: None,
        }
    }

    pub fn max_in_flight(mut self, max: u32) -> Self {
        self.max_in_flight = Some(max);
        self
    }
}

pub struct Dispatcher;

pub struct DispatcherState {
    args: DispatcherArgs,
    /// Jobs handed out and not reported finished, with their kind and the time their first
    /// lease runs out (after which we stop counting them; the database decides their fate).
    inflight: HashMap<i64, (JobKind, Instant)>,
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
        let _ = myself.cast(DispatcherMsg::Tick);
        Ok(DispatcherState {
            args,
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
            DispatcherMsg::Finished { id, then_run } => {
                let kind = state.inflight.remove(&id).map(|(kind, _)| kind);
                if !then_run.is_empty() {
                    hand_out(state, then_run, Instant::now()).await;
                }
                if batch_ready(state, kind) {
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
    let settings = state.args.settings.clone();
    let db = &state.args.db.clone();
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

    state.inflight.retain(|_, (_, deadline)| *deadline > now);
    let free = (settings.concurrency as usize).saturating_sub(state.inflight.len());
    let next;
    if free == 0 {
        // Full: `Finished` messages wake us; the timer only covers workers that died.
        next = settings.poll_max;
    } else {
        // One statement for every kind. Claiming again at once could not help: a kind that
        // came back with all it asked for has no room left (`Finished` messages, and the timer,
        // claim again).
        let caps = claim_caps(state, free);
        let got_some =
            match jobs::claim_each(db, &state.args.owner, &caps, free as u32, settings.lease).await
            {
                Ok(claimed) => {
                    let got_some = !claimed.is_empty();
                    hand_out(state, claimed, now).await;
                    got_some
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim jobs");
                    false
                }
            };
        if got_some {
            state.idle_pause = MIN_POLL;
            next = MIN_POLL;
        } else {
            state.idle_pause = (state.idle_pause * 2).min(settings.poll_max);
            next = state.idle_pause;
        }
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

/// Whether a job of `kind` ending makes a claim worth its statement: once half the slots are
/// free, or half of the kind's own limit (a refresh ending among refreshes alone would
/// otherwise claim one job at a time).
fn batch_ready(state: &DispatcherState, kind: Option<JobKind>) -> bool {
    let capacity = state.args.settings.concurrency as usize;
    let limit = kind.and_then(|kind| {
        state
            .args
            .workers
            .iter()
            .find(|r| r.kind == kind)
            .and_then(|r| r.max_in_flight)
            .map(|max| (kind, max as usize))
    });
    match limit {
        Some((kind, max)) => running(state, kind) <= max / 2 && state.inflight.len() < capacity,
        None => state.inflight.len() <= capacity / 2,
    }
}

/// Jobs of `kind` this process is running.
fn running(state: &DispatcherState, kind: JobKind) -> usize {
    state.inflight.values().filter(|(k, _)| *k == kind).count()
}

/// What to claim this round, in one statement: each kind up to `free`, a kind with a limit up
/// to the room it has left.
fn claim_caps(state: &DispatcherState, free: usize) -> Vec<(JobKind, u32)> {
    state
        .args
        .workers
        .iter()
        .map(|route| {
            let room = match route.max_in_flight {
                None => free,
                Some(max) => (max as usize)
                    .saturating_sub(running(state, route.kind))
                    .min(free),
            };
            (route.kind, room as u32)
        })
        .collect()
}

/// Give each claimed job to its kind's worker; jobs whose worker is not running (restarting)
/// go back to the queue at once.
async fn hand_out(state: &mut DispatcherState, claimed: Vec<jobs::Job>, now: Instant) {
    let lease = state.args.settings.lease;
    let mut unrouted = Vec::new();
    for job in claimed {
        let route = JobKind::parse(&job.kind)
            .and_then(|kind| state.args.workers.iter().find(|r| r.kind == kind));
        let Some((kind, worker)) = route.and_then(|r| r.slot.get().map(|w| (r.kind, w))) else {
            unrouted.push(job.id);
            continue;
        };
        let id = job.id;
        if worker.cast(WorkerMsg::Run(job)).is_ok() {
            state.inflight.insert(id, (kind, now + lease));
        } else {
            unrouted.push(id);
        }
    }
    if !unrouted.is_empty()
        && let Err(e) = jobs::release(&state.args.db, &state.args.owner, Some(&unrouted)).await
    {
        tracing::warn!(error = %e, "cannot release jobs no worker took");
    }
}

/// PostgreSQL: wake the dispatcher on every NOTIFY from [`jobs::enqueue`]. sqlx's listener
/// reconnects by itself; polling covers the gaps.
async fn listen(url: String, dispatcher: ActorRef<DispatcherMsg>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let mut listener = match PgListener::connect(&crate::db::without_loopback_tls(&url)).await {
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::actors::worker::{JobWorker, WorkerArgs};
    use crate::actors::{ActorTree, ChildSpec};
    use crate::jobs::{Backoff, NewJob};
    use crate::jobs::{Perform, PerformFuture, Performed};

    /// Takes a while per job and remembers how many ran at once.
    #[derive(Default)]
    struct Slow {
        running: AtomicUsize,
        peak: AtomicUsize,
        done: AtomicUsize,
    }

    impl Perform for Slow {
        const KIND: JobKind = JobKind::Sms;

        fn perform<'a>(&'a self, _job: &'a jobs::Job) -> PerformFuture<'a> {
            Box::pin(async move {
                let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
                self.peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(40)).await;
                self.running.fetch_sub(1, Ordering::SeqCst);
                self.done.fetch_add(1, Ordering::SeqCst);
                Ok(Performed::DONE)
            })
        }
    }

    /// A worker's arguments for `performer`, reporting to `dispatcher`.
    fn test_worker<P>(
        performer: Arc<P>,
        db: &DatabaseConnection,
        lease: Duration,
        dispatcher: &Slot<DispatcherMsg>,
    ) -> WorkerArgs<P> {
        WorkerArgs {
            performer,
            db: db.clone(),
            backoff: Backoff::default(),
            lease,
            dispatcher: dispatcher.clone(),
            shutdown_grace: Duration::from_secs(1),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_kind_with_a_limit_never_runs_more_than_its_share() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display());
        let db = crate::db::connect(&url).await.expect("connect");
        crate::db::migrate_up(&db).await.expect("migrate");
        for n in 0..12 {
            jobs::enqueue(
                &db,
                NewJob::sms(crate::sms::Sms::verification_code(
                    "13800138000",
                    format!("{n:06}"),
                    5,
                )),
            )
            .await
            .expect("enqueue");
        }
        let slow = Arc::new(Slow::default());
        let worker_slot = Slot::default();
        let dispatcher_slot = Slot::default();
        let settings = JobSettings {
            poll_max: Duration::from_millis(50),
            ..JobSettings::default()
        };
        let worker_args = test_worker(slow.clone(), &db, settings.lease, &dispatcher_slot);
        let dispatcher_args = DispatcherArgs {
            db: db.clone(),
            database_url: url.clone(),
            settings,
            owner: "test".into(),
            workers: vec![WorkerRoute::new(JobKind::Sms, worker_slot.clone()).max_in_flight(2)],
        };
        let tree = ActorTree::start(vec![
            ChildSpec::new("slow", worker_slot, move || {
                (JobWorker::<Slow>::default(), worker_args.clone())
            }),
            ChildSpec::new("dispatcher", dispatcher_slot, move || {
                (Dispatcher, dispatcher_args.clone())
            }),
        ])
        .await
        .expect("tree");
        let deadline = Instant::now() + Duration::from_secs(10);
        while slow.done.load(Ordering::SeqCst) < 12 {
            assert!(Instant::now() < deadline, "jobs were not all run");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            slow.peak.load(Ordering::SeqCst),
            2,
            "two at a time, not the concurrency of 16"
        );
        tree.shutdown().await;
    }

    /// An SMS code request whose work queues its SMS held for this process and hands it on.
    struct QueuesHeldSms {
        db: DatabaseConnection,
    }

    impl Perform for QueuesHeldSms {
        const KIND: JobKind = JobKind::SmsCodeRequest;

        fn perform<'a>(&'a self, job: &'a jobs::Job) -> PerformFuture<'a> {
            Box::pin(async move {
                let sms = NewJob::sms(crate::sms::Sms::verification_code(
                    "13800138000",
                    "123456",
                    5,
                ));
                let held = jobs::enqueue_held_all(&self.db, vec![sms], None, job).await?;
                Ok(Performed {
                    then_run: held.into_iter().flatten().collect(),
                })
            })
        }
    }

    async fn queue_with_one_sms_request() -> (tempfile::TempDir, DatabaseConnection, String) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display());
        let db = crate::db::connect(&url).await.expect("connect");
        crate::db::migrate_up(&db).await.expect("migrate");
        jobs::enqueue(&db, NewJob::sms_code_request("13800138000", "login"))
            .await
            .expect("enqueue");
        (dir, db, url)
    }

    async fn sms_row(db: &DatabaseConnection) -> Option<crate::entities::jobs::Model> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        crate::entities::jobs::Entity::find()
            .filter(crate::entities::jobs::Column::Kind.eq("sms"))
            .one(db)
            .await
            .expect("query")
    }

    /// A follow-up job handed on with a finished job runs in its place, at once: held for this
    /// process for a whole minute, it could not have been claimed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_follow_up_handed_on_runs_without_a_claim() {
        let (_dir, db, url) = queue_with_one_sms_request().await;
        let settings = JobSettings {
            lease: Duration::from_secs(60),
            ..JobSettings::default()
        };
        let sms = Arc::new(Slow::default());
        let (requests_slot, sms_slot, dispatcher_slot) =
            (Slot::default(), Slot::default(), Slot::default());
        let performer = Arc::new(QueuesHeldSms { db: db.clone() });
        let args = test_worker(performer, &db, settings.lease, &dispatcher_slot);
        let sms_args = args.with(sms.clone());
        let dispatcher_args = DispatcherArgs {
            db: db.clone(),
            database_url: url.clone(),
            settings,
            owner: "test".into(),
            workers: vec![
                WorkerRoute::new(JobKind::SmsCodeRequest, requests_slot.clone()),
                WorkerRoute::new(JobKind::Sms, sms_slot.clone()),
            ],
        };
        let tree = ActorTree::start(vec![
            ChildSpec::new("requests", requests_slot, move || {
                (JobWorker::<QueuesHeldSms>::default(), args.clone())
            }),
            ChildSpec::new("sms", sms_slot, move || {
                (JobWorker::<Slow>::default(), sms_args.clone())
            }),
            ChildSpec::new("dispatcher", dispatcher_slot, move || {
                (Dispatcher, dispatcher_args.clone())
            }),
        ])
        .await
        .expect("tree");
        let deadline = Instant::now() + Duration::from_secs(10);
        while sms_row(&db)
            .await
            .is_none_or(|row| row.state != "completed")
        {
            assert!(Instant::now() < deadline, "the SMS handed on never ran");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let row = sms_row(&db).await.expect("the SMS job");
        assert_eq!(row.attempt, 1, "run once, on the attempt it was held for");
        assert_eq!(row.lease_owner.as_deref(), Some("test"));
        assert_eq!(sms.done.load(Ordering::SeqCst), 1);
        tree.shutdown().await;
    }

    /// With no dispatcher to take it, a follow-up goes back to the queue at once, for any
    /// process, instead of waiting out its lease.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_follow_up_no_dispatcher_takes_goes_back_to_the_queue() {
        let (_dir, db, _url) = queue_with_one_sms_request().await;
        let lease = Duration::from_secs(60);
        let performer = Arc::new(QueuesHeldSms { db: db.clone() });
        // No dispatcher in this tree.
        let args = test_worker(performer, &db, lease, &Slot::default());
        let requests_slot = Slot::default();
        let tree = ActorTree::start(vec![ChildSpec::new(
            "requests",
            requests_slot.clone(),
            move || (JobWorker::<QueuesHeldSms>::default(), args.clone()),
        )])
        .await
        .expect("tree");
        let claimed = jobs::claim(&db, "test", &[JobKind::SmsCodeRequest], 1, lease)
            .await
            .expect("claim");
        let request = claimed.into_iter().next().expect("the request");
        requests_slot
            .get()
            .expect("the worker")
            .cast(WorkerMsg::Run(request))
            .expect("cast");
        let deadline = Instant::now() + Duration::from_secs(10);
        while sms_row(&db)
            .await
            .is_none_or(|row| row.state != "available")
        {
            assert!(
                Instant::now() < deadline,
                "the SMS stayed held: {:?}",
                sms_row(&db).await
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let row = sms_row(&db).await.expect("the SMS job");
        assert_eq!(row.attempt, 0, "its held attempt is given back");
        assert_eq!(row.lease_owner, None);
        tree.shutdown().await;
    }
}

//! The binders: the actors that write social bindings (QQ, WeChat, Weibo), pending identities and
//! the users registered through a provider. Each request is one transaction (see
//! `accounts::social_login`).
//!
//! A request carries its deadline and its reply port. A binder drops a request whose caller is
//! gone or whose deadline has passed before it opens the transaction, and abandons (rolls back)
//! a transaction still running at the deadline, answering 503 `overloaded` in time: a caller
//! told that its register failed never finds the account created later. Each binder's mailbox is
//! bounded; a full one refuses at once (503 `overloaded`).
//!
//! The logins of already-bound users skip the binders: they go to the **login writer**, which
//! group-commits them. Every login that arrives while a batch is committing joins the next
//! batch: one transaction (one `UPDATE` per login, one `INSERT` for all their token events, one
//! commit) for all of them, each caller still answered on its own. The same cancellation rules
//! hold: a caller gone or past its deadline is left out before the batch's transaction opens,
//! and a batch still running at the earliest deadline among its callers is rolled back (those
//! past their deadline are answered `overloaded`, the others are written on their own).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use sea_orm::{DatabaseConnection, DbBackend, TransactionTrait};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::supervisor::{AskError, ChildSpec, Slot};
use crate::accounts::callback_replay::ReplayKey;
use crate::accounts::social_login::{
    self, BindTicket, CallbackOutcome, Exchanged, NewAccount, PreparedLogin, SocialLoginError,
};
use crate::crypto::token_cipher::TokenCipher;
use crate::entities::{social_bindings, users};

type Reply<T> = RpcReplyPort<Result<T, SocialLoginError>>;

/// A request as a binder receives it: the work, the moment its caller stops waiting, and its
/// place in the binder's bounded mailbox (freed when the binder is done with it).
pub struct BinderMsg {
    work: BinderWork,
    deadline: Instant,
    _place: OwnedSemaphorePermit,
}

pub enum BinderWork {
    /// Store a returning user's fresh tokens, or park a new identity as pending; the outcome is
    /// recorded under the callback's replay key in the same transaction.
    Callback(Box<Exchanged>, ReplayKey, Reply<CallbackOutcome>),
    /// Bind the ticket's identity to a user whose password was proven (or who is signed in);
    /// the `String` is the client address (for the owner's notice).
    Bind(
        BindTicket,
        Box<users::Model>,
        String,
        Reply<(users::Model, social_bindings::Model)>,
    ),
    /// Create a user for the ticket's identity (the `String`: the client address).
    Register(BindTicket, Box<NewAccount>, String, Reply<users::Model>),
    /// Fault injection for tests: the binder sleeps this long (a slow database).
    Stall(Duration),
}

impl BinderWork {
    /// A login whose exchange found the subject's binding: the login writer's work.
    fn is_bound_login(&self) -> bool {
        matches!(self, BinderWork::Callback(exchanged, _, _) if exchanged.known.is_some())
    }
}

/// Answer `reply` with `work`'s result, unless the caller is gone or the deadline has passed
/// before the work starts; give up on (and so roll back) work still running at the deadline.
async fn answer<T>(
    reply: Reply<T>,
    deadline: Instant,
    work: impl Future<Output = Result<T, SocialLoginError>>,
) {
    if reply.is_closed() {
        return;
    }
    if Instant::now() >= deadline {
        let _ = reply.send(Err(SocialLoginError::Overloaded));
        return;
    }
    let result = tokio::time::timeout_at(deadline, work)
        .await
        .unwrap_or(Err(SocialLoginError::Overloaded));
    let _ = reply.send(result);
}

pub struct Binder;

#[derive(Clone)]
pub struct BinderArgs {
    pub db: DatabaseConnection,
    pub cipher: Arc<TokenCipher>,
    /// The base of the links in notices.
    pub public_base_url: url::Url,
}

impl Actor for Binder {
    type Msg = BinderMsg;
    type State = BinderArgs;
    type Arguments = BinderArgs;

    async fn pre_start(
        &self,
        _: ActorRef<BinderMsg>,
        args: BinderArgs,
    ) -> Result<BinderArgs, ActorProcessingErr> {
        Ok(args)
    }

    async fn handle(
        &self,
        _: ActorRef<BinderMsg>,
        msg: BinderMsg,
        state: &mut BinderArgs,
    ) -> Result<(), ActorProcessingErr> {
        let now = Utc::now();
        let deadline = msg.deadline;
        match msg.work {
            BinderWork::Callback(exchanged, replay, reply) => {
                let work =
                    social_login::login_or_pend(&state.db, &state.cipher, &exchanged, &replay, now);
                answer(reply, deadline, work).await;
            }
            BinderWork::Bind(ticket, user, client, reply) => {
                let origin = social_login::Origin {
                    public_base_url: &state.public_base_url,
                    client: &client,
                };
                let work = social_login::bind_existing(&state.db, &ticket, *user, origin, now);
                answer(reply, deadline, work).await;
            }
            BinderWork::Register(ticket, account, client, reply) => {
                let origin = social_login::Origin {
                    public_base_url: &state.public_base_url,
                    client: &client,
                };
                let work =
                    social_login::register_and_bind(&state.db, &ticket, *account, origin, now);
                answer(reply, deadline, work).await;
            }
            BinderWork::Stall(pause) => tokio::time::sleep(pause).await,
        }
        Ok(())
    }
}

/// Requests one binder may have queued; beyond it a request is refused at once.
pub const MAILBOX: usize = 64;

/// How much longer than the request's deadline a caller waits for the binder's answer: the
/// binder answers (or drops the request) by the deadline, so this only covers a binder that died
/// with the request.
const REPLY_GRACE: Duration = Duration::from_secs(1);

/// Why a binder request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum BinderError {
    /// The binder's mailbox is full.
    #[error("the binder's mailbox is full")]
    Busy,
    #[error(transparent)]
    Ask(#[from] AskError),
}

/// A binder request that got no answer: a full mailbox or a binder too slow for the deadline is
/// load (503 `overloaded`), anything else a fault.
impl From<BinderError> for SocialLoginError {
    fn from(e: BinderError) -> Self {
        match e {
            BinderError::Busy | BinderError::Ask(AskError::Timeout) => Self::Overloaded,
            BinderError::Ask(e) => Self::Fault(crate::fault::Fault::internal("binder", e)),
        }
    }
}

/// A few binders side by side: each request is its own transaction and the schema's unique
/// constraints settle races, so binders need not take turns; several keep PostgreSQL busy while
/// one waits on a commit. Requests go round-robin.
#[derive(Clone)]
pub struct BinderPool {
    slots: Arc<Vec<(Slot<BinderMsg>, Arc<Semaphore>)>>,
    /// The login writer and its bounded mailbox.
    writer: (Slot<BinderMsg>, Arc<Semaphore>),
    writer_stats: Arc<WriterStats>,
    next: Arc<AtomicUsize>,
    deadline_ms: Arc<AtomicU64>,
}

impl BinderPool {
    /// `size` binders; a request must be done within `deadline`.
    pub fn new(size: usize, deadline: Duration) -> Self {
        Self {
            slots: Arc::new(
                (0..size.max(1))
                    .map(|_| (Slot::default(), Arc::new(Semaphore::new(MAILBOX))))
                    .collect(),
            ),
            writer: (
                Slot::default(),
                Arc::new(Semaphore::new(MAILBOX * size.max(1))),
            ),
            writer_stats: Arc::default(),
            next: Arc::new(AtomicUsize::new(0)),
            deadline_ms: Arc::new(AtomicU64::new(deadline.as_millis() as u64)),
        }
    }

    pub fn child_specs(&self, args: BinderArgs) -> Vec<ChildSpec> {
        let mut specs: Vec<ChildSpec> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, (slot, _))| {
                let args = args.clone();
                ChildSpec::new(format!("binder_{i}"), slot.clone(), move || {
                    (Binder, args.clone())
                })
            })
            .collect();
        let stats = self.writer_stats.clone();
        specs.push(ChildSpec::new(
            "login_writer",
            self.writer.0.clone(),
            move || (LoginWriter, (args.clone(), stats.clone())),
        ));
        specs
    }

    /// Change the requests' deadline (tests of timeouts).
    pub fn set_deadline(&self, deadline: Duration) {
        self.deadline_ms
            .store(deadline.as_millis() as u64, Ordering::Relaxed);
    }

    /// Send a request to the next binder (a bound user's login: to the login writer) and wait
    /// for its reply, at most the deadline.
    pub async fn ask<T, F>(&self, build: F) -> Result<T, BinderError>
    where
        T: Send + 'static,
        F: FnOnce(RpcReplyPort<T>) -> BinderWork,
    {
        let (reply, answer) = ractor::concurrency::oneshot();
        let work = build(reply.into());
        let (slot, mailbox) = if work.is_bound_login() {
            (&self.writer.0, &self.writer.1)
        } else {
            let i = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
            let (slot, mailbox) = &self.slots[i];
            (slot, mailbox)
        };
        let place = mailbox
            .clone()
            .try_acquire_owned()
            .map_err(|_| BinderError::Busy)?;
        let deadline = Duration::from_millis(self.deadline_ms.load(Ordering::Relaxed));
        let until = Instant::now() + deadline;
        let actor = slot.get().ok_or(AskError::NotRunning)?;
        actor
            .cast(BinderMsg {
                work,
                deadline: until,
                _place: place,
            })
            .map_err(|_| AskError::Lost)?;
        match tokio::time::timeout(deadline + REPLY_GRACE, answer).await {
            Ok(Ok(reply)) => Ok(reply),
            // The actor died with our request (and is being restarted).
            Ok(Err(_)) => Err(AskError::Lost.into()),
            Err(_) => Err(AskError::Timeout.into()),
        }
    }

    /// Group commits of the login writer so far: `(batches committed, logins in them)`.
    pub fn login_commits(&self) -> (u64, u64) {
        (
            self.writer_stats.batches.load(Ordering::Relaxed),
            self.writer_stats.logins.load(Ordering::Relaxed),
        )
    }

    /// Make every binder and the login writer sleep `pause` before its next request (tests: a
    /// slow database).
    pub fn stall(&self, pause: Duration) {
        for (slot, mailbox) in self.slots.iter().chain([&self.writer]) {
            if let (Some(actor), Ok(place)) = (slot.get(), mailbox.clone().try_acquire_owned()) {
                let _ = actor.cast(BinderMsg {
                    work: BinderWork::Stall(pause),
                    deadline: Instant::now() + pause,
                    _place: place,
                });
            }
        }
    }
}

/// Most logins in one group commit.
const MAX_BATCH: usize = 128;

/// Batches committing at once: one on SQLite (one writing connection anyway), a few on
/// PostgreSQL, where a second batch can run while the first waits for its commit's fsync.
fn max_committing(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        DbBackend::Sqlite => 1,
        _ => 4,
    }
}

/// The login writer: group-commits bound users' logins (see the module's documentation).
pub struct LoginWriter;

/// A login waiting for its batch.
struct LoginWrite {
    exchanged: Box<Exchanged>,
    replay: ReplayKey,
    reply: Reply<CallbackOutcome>,
    deadline: Instant,
    place: OwnedSemaphorePermit,
}

/// A login of the batch being written: prepared, with its caller.
struct Batched {
    login: PreparedLogin,
    replay: ReplayKey,
    reply: Reply<CallbackOutcome>,
    deadline: Instant,
    _place: OwnedSemaphorePermit,
}

/// The logins waiting, and how many committers run. One lock for both, so a login pushed while
/// the last committer finds the queue empty is never left behind.
#[derive(Default)]
struct WriterQueue {
    waiting: Vec<LoginWrite>,
    committers: usize,
}

/// What the login writer has committed (tests, and the bench's statements per login).
#[derive(Default)]
pub struct WriterStats {
    batches: AtomicU64,
    logins: AtomicU64,
}

pub struct WriterState {
    args: BinderArgs,
    stats: Arc<WriterStats>,
    queue: Arc<std::sync::Mutex<WriterQueue>>,
    max_committing: usize,
}

impl Actor for LoginWriter {
    type Msg = BinderMsg;
    type State = WriterState;
    type Arguments = (BinderArgs, Arc<WriterStats>);

    async fn pre_start(
        &self,
        _: ActorRef<BinderMsg>,
        (args, stats): (BinderArgs, Arc<WriterStats>),
    ) -> Result<WriterState, ActorProcessingErr> {
        Ok(WriterState {
            max_committing: max_committing(&args.db),
            args,
            stats,
            queue: Arc::default(),
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<BinderMsg>,
        msg: BinderMsg,
        state: &mut WriterState,
    ) -> Result<(), ActorProcessingErr> {
        let BinderMsg {
            work,
            deadline,
            _place,
        } = msg;
        match work {
            BinderWork::Callback(exchanged, replay, reply) => {
                let start = {
                    let mut queue = state.queue.lock().unwrap_or_else(|p| p.into_inner());
                    queue.waiting.push(LoginWrite {
                        exchanged,
                        replay,
                        reply,
                        deadline,
                        place: _place,
                    });
                    let start = queue.committers < state.max_committing;
                    if start {
                        queue.committers += 1;
                    }
                    start
                };
                if start {
                    tokio::spawn(commit_while_waiting(
                        state.args.clone(),
                        state.queue.clone(),
                        state.stats.clone(),
                    ));
                }
            }
            // Not routed here; done as a binder would, should it ever come.
            other => {
                Binder
                    .handle(
                        myself,
                        BinderMsg {
                            work: other,
                            deadline,
                            _place,
                        },
                        &mut state.args,
                    )
                    .await?
            }
        }
        Ok(())
    }
}

/// One committer: batch after batch of whatever waits, until nothing does.
async fn commit_while_waiting(
    args: BinderArgs,
    queue: Arc<std::sync::Mutex<WriterQueue>>,
    stats: Arc<WriterStats>,
) {
    loop {
        let batch: Vec<LoginWrite> = {
            let mut queue = queue.lock().unwrap_or_else(|p| p.into_inner());
            if queue.waiting.is_empty() {
                queue.committers -= 1;
                return;
            }
            let n = queue.waiting.len().min(MAX_BATCH);
            queue.waiting.drain(..n).collect()
        };
        // Its own task, so a panic costs that batch (its callers see the reply port close)
        // and not the committer's count.
        if let Err(e) = tokio::spawn(commit_batch(args.clone(), batch, stats.clone())).await {
            tracing::error!(error = %e, "a login group commit failed");
        }
    }
}

/// Write one batch of logins in one transaction, answering each caller.
async fn commit_batch(args: BinderArgs, batch: Vec<LoginWrite>, stats: Arc<WriterStats>) {
    let now = Utc::now();
    let mut ready = Vec::with_capacity(batch.len());
    for write in batch {
        // Callers gone or out of time are left out before the transaction opens.
        if write.reply.is_closed() {
            continue;
        }
        if Instant::now() >= write.deadline {
            let _ = write.reply.send(Err(SocialLoginError::Overloaded));
            continue;
        }
        let Exchanged { identity, known } = *write.exchanged;
        let Some(known) = known else {
            let exchanged = Exchanged {
                identity,
                known: None,
            };
            let work =
                social_login::login_or_pend(&args.db, &args.cipher, &exchanged, &write.replay, now);
            answer(write.reply, write.deadline, work).await;
            continue;
        };
        match social_login::prepare_login(&args.cipher, identity, known, now) {
            Ok(login) => ready.push(Batched {
                login,
                replay: write.replay,
                reply: write.reply,
                deadline: write.deadline,
                _place: write.place,
            }),
            Err(e) => {
                let _ = write.reply.send(Err(e));
            }
        }
    }
    let Some(until) = ready.iter().map(|b| b.deadline).min() else {
        return;
    };
    ready.sort_by_key(|b| b.login.binding_id());
    let logins: Vec<(&PreparedLogin, &ReplayKey)> =
        ready.iter().map(|b| (&b.login, &b.replay)).collect();
    // Rolled back (dropped) if the earliest caller's deadline comes first: nobody is told
    // `overloaded` about a write that commits later.
    let written = tokio::time::timeout_at(until, async {
        let txn = args.db.begin().await?;
        let stored = social_login::store_logins(&txn, &logins, now).await?;
        txn.commit().await?;
        Ok::<_, sea_orm::DbErr>(stored)
    })
    .await;
    drop(logins);
    let stored = match written {
        Ok(Ok(stored)) => {
            stats.batches.fetch_add(1, Ordering::Relaxed);
            stats
                .logins
                .fetch_add(stored.len() as u64, Ordering::Relaxed);
            stored
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, logins = ready.len(), "login group commit failed; writing them one by one");
            Vec::new()
        }
        Err(_) => Vec::new(),
    };
    let batch_failed = stored.len() != ready.len();
    for (i, batched) in ready.into_iter().enumerate() {
        if stored.get(i) == Some(&true) {
            let user = batched.login.user().clone();
            let _ = batched.reply.send(Ok(CallbackOutcome::LoggedIn(user)));
            continue;
        }
        // The batch did not commit (each login then goes alone, within its own deadline), or
        // this login's binding changed meanwhile (decided again from scratch).
        let exchanged = if batch_failed {
            batched.login.into_known()
        } else {
            batched.login.into_unknown()
        };
        let replay = batched.replay;
        let work = async {
            let now = Utc::now();
            social_login::login_or_pend(&args.db, &args.cipher, &exchanged, &replay, now).await
        };
        answer(batched.reply, batched.deadline, work).await;
    }
}

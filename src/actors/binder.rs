//! The binders: the actors that write QQ bindings, pending identities and the users registered
//! through QQ. Each request is one transaction (see `accounts::qq_login`).
//!
//! A request carries its deadline and its reply port. A binder drops a request whose caller is
//! gone or whose deadline has passed before it opens the transaction, and abandons (rolls back)
//! a transaction still running at the deadline, answering 503 `overloaded` in time: a caller
//! told that its register failed never finds the account created later. Each binder's mailbox is
//! bounded; a full one refuses at once (503 `overloaded`).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use sea_orm::DatabaseConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::supervisor::{AskError, ChildSpec, Slot};
use crate::accounts::qq_login::{
    self, BindTicket, CallbackOutcome, Exchanged, NewAccount, QqLoginError,
};
use crate::crypto::token_cipher::TokenCipher;
use crate::entities::users;

type Reply<T> = RpcReplyPort<Result<T, QqLoginError>>;

/// A request as a binder receives it: the work, the moment its caller stops waiting, and its
/// place in the binder's bounded mailbox (freed when the binder is done with it).
pub struct BinderMsg {
    work: BinderWork,
    deadline: Instant,
    _place: OwnedSemaphorePermit,
}

pub enum BinderWork {
    /// Store a returning user's fresh tokens, or park a new identity as pending.
    Callback(Box<Exchanged>, Reply<CallbackOutcome>),
    /// Bind the ticket's identity to a user whose password was proven; the `String` is the
    /// client address (for the owner's notice).
    Bind(BindTicket, Box<users::Model>, String, Reply<users::Model>),
    /// Create a user for the ticket's identity (the `String`: the client address).
    Register(BindTicket, Box<NewAccount>, String, Reply<users::Model>),
    /// Fault injection for tests: the binder sleeps this long (a slow database).
    Stall(Duration),
}

/// Answer `reply` with `work`'s result, unless the caller is gone or the deadline has passed
/// before the work starts; give up on (and so roll back) work still running at the deadline.
async fn answer<T>(
    reply: Reply<T>,
    deadline: Instant,
    work: impl Future<Output = Result<T, QqLoginError>>,
) {
    if reply.is_closed() {
        return;
    }
    if Instant::now() >= deadline {
        let _ = reply.send(Err(QqLoginError::Overloaded));
        return;
    }
    let result = tokio::time::timeout_at(deadline, work)
        .await
        .unwrap_or(Err(QqLoginError::Overloaded));
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
            BinderWork::Callback(exchanged, reply) => {
                let work = qq_login::login_or_pend(&state.db, &state.cipher, &exchanged, now);
                answer(reply, deadline, work).await;
            }
            BinderWork::Bind(ticket, user, client, reply) => {
                let origin = qq_login::Origin {
                    public_base_url: &state.public_base_url,
                    client: &client,
                };
                let work = qq_login::bind_existing(&state.db, &ticket, *user, origin, now);
                answer(reply, deadline, work).await;
            }
            BinderWork::Register(ticket, account, client, reply) => {
                let origin = qq_login::Origin {
                    public_base_url: &state.public_base_url,
                    client: &client,
                };
                let work = qq_login::register_and_bind(&state.db, &ticket, *account, origin, now);
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
impl From<BinderError> for QqLoginError {
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
            next: Arc::new(AtomicUsize::new(0)),
            deadline_ms: Arc::new(AtomicU64::new(deadline.as_millis() as u64)),
        }
    }

    pub fn child_specs(&self, args: BinderArgs) -> Vec<ChildSpec> {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, (slot, _))| {
                let args = args.clone();
                ChildSpec::new(format!("binder_{i}"), slot.clone(), move || {
                    (Binder, args.clone())
                })
            })
            .collect()
    }

    /// Change the requests' deadline (tests of timeouts).
    pub fn set_deadline(&self, deadline: Duration) {
        self.deadline_ms
            .store(deadline.as_millis() as u64, Ordering::Relaxed);
    }

    /// Send a request to the next binder and wait for its reply, at most the deadline.
    pub async fn ask<T, F>(&self, build: F) -> Result<T, BinderError>
    where
        T: Send + 'static,
        F: FnOnce(RpcReplyPort<T>) -> BinderWork,
    {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        let (slot, mailbox) = &self.slots[i];
        let place = mailbox
            .clone()
            .try_acquire_owned()
            .map_err(|_| BinderError::Busy)?;
        let deadline = Duration::from_millis(self.deadline_ms.load(Ordering::Relaxed));
        let until = Instant::now() + deadline;
        Ok(slot
            .ask(
                |reply| BinderMsg {
                    work: build(reply),
                    deadline: until,
                    _place: place,
                },
                deadline + REPLY_GRACE,
            )
            .await?)
    }

    /// Make every binder sleep `pause` before its next request (tests: a slow database).
    pub fn stall(&self, pause: Duration) {
        for (slot, mailbox) in self.slots.iter() {
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

//! The QQ code-exchange pool: a fixed number of worker actors, each doing one login's QQ round
//! trips at a time (token → openid → profile). The pool bounds our concurrency towards QQ; a
//! request that finds every worker busy is refused at once (503 `overloaded`) rather than queued
//! without bound.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::Semaphore;

use super::supervisor::{AskError, ChildSpec, Slot};
use crate::accounts::qq_login::QqIdentity;
use crate::qq::client::{QqClient, QqEndpoint, QqError};

pub enum ExchangeMsg {
    Exchange(String, RpcReplyPort<Result<QqIdentity, QqError>>),
    /// Fault injection for tests: the worker panics while handling it.
    Panic,
}

pub struct ExchangeWorker;

pub struct WorkerArgs {
    pub client: Arc<QqClient>,
    pub unionid: Arc<AtomicBool>,
}

impl Actor for ExchangeWorker {
    type Msg = ExchangeMsg;
    type State = WorkerArgs;
    type Arguments = WorkerArgs;

    async fn pre_start(
        &self,
        _: ActorRef<ExchangeMsg>,
        args: WorkerArgs,
    ) -> Result<WorkerArgs, ActorProcessingErr> {
        Ok(args)
    }

    async fn handle(
        &self,
        _: ActorRef<ExchangeMsg>,
        msg: ExchangeMsg,
        state: &mut WorkerArgs,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            ExchangeMsg::Exchange(code, reply) => {
                let _ = reply.send(exchange(&state.client, &state.unionid, &code).await);
            }
            ExchangeMsg::Panic => {
                panic!("injected panic in a QQ exchange worker (fault injection)")
            }
        }
        Ok(())
    }
}

/// Code → tokens → openid (and unionid where the app may ask) → profile.
async fn exchange(
    client: &QqClient,
    unionid: &AtomicBool,
    code: &str,
) -> Result<QqIdentity, QqError> {
    let token = client.exchange_code(code).await?;
    let access = token.access_token.expose().to_owned();
    let me = match client
        .openid(&access, unionid.load(Ordering::Relaxed))
        .await
    {
        Err(QqError::UnionidNotPermitted) => {
            // This app has no unionid permission: stop asking.
            unionid.store(false, Ordering::Relaxed);
            client.openid(&access, false).await?
        }
        other => other?,
    };
    if me.client_id != client.app_id() {
        return Err(QqError::Malformed {
            endpoint: QqEndpoint::Me,
            reason: "the token belongs to another app",
        });
    }
    let info = client.user_info(&access, &me.openid).await?;
    Ok(QqIdentity {
        openid: me.openid,
        unionid: me.unionid,
        nickname: info.nickname,
        avatar: info.avatar.unwrap_or_default(),
        access_token: token.access_token,
        refresh_token: token.refresh_token,
        expires_in: token.expires_in,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("every exchange worker is busy")]
    Overloaded,
    #[error(transparent)]
    Qq(#[from] QqError),
    #[error("exchange worker: {0}")]
    Worker(#[from] AskError),
}

/// The handle the HTTP layer uses. Cheap to clone.
#[derive(Clone)]
pub struct ExchangePool {
    workers: Arc<Vec<Slot<ExchangeMsg>>>,
    idle: Arc<Mutex<Vec<usize>>>,
    permits: Arc<Semaphore>,
    deadline: Duration,
}

impl ExchangePool {
    /// `size` workers; a caller waits at most `deadline` for QQ's answers.
    pub fn new(size: usize, deadline: Duration) -> Self {
        let size = size.max(1);
        Self {
            workers: Arc::new((0..size).map(|_| Slot::default()).collect()),
            idle: Arc::new(Mutex::new((0..size).collect())),
            permits: Arc::new(Semaphore::new(size)),
            deadline,
        }
    }

    /// The workers, as children of the root supervisor.
    pub fn child_specs(&self, client: Arc<QqClient>, unionid: Arc<AtomicBool>) -> Vec<ChildSpec> {
        self.workers
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let (client, unionid) = (client.clone(), unionid.clone());
                ChildSpec::new(format!("qq_exchange_worker_{i}"), slot.clone(), move || {
                    (
                        ExchangeWorker,
                        WorkerArgs {
                            client: client.clone(),
                            unionid: unionid.clone(),
                        },
                    )
                })
            })
            .collect()
    }

    /// Exchange a code on an idle worker, or refuse at once when none is idle.
    pub async fn exchange(&self, code: String) -> Result<QqIdentity, ExchangeError> {
        let _permit = self
            .permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| ExchangeError::Overloaded)?;
        let index = self
            .idle
            .lock()
            .map_err(|_| ExchangeError::Overloaded)?
            .pop()
            .ok_or(ExchangeError::Overloaded)?;
        let result = self.workers[index]
            .ask(|reply| ExchangeMsg::Exchange(code, reply), self.deadline)
            .await;
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(index);
        }
        Ok(result??)
    }

    /// Make worker `index` panic (tests of supervision). Returns the id of the actor that will
    /// die, so a test can wait for its replacement.
    pub fn inject_panic(&self, index: usize) -> Option<ActorId> {
        let actor = self.workers.get(index)?.get()?;
        let id = actor.get_id();
        actor.cast(ExchangeMsg::Panic).ok()?;
        Some(id)
    }

    /// The ids of the running workers (`None` while one restarts).
    pub fn worker_ids(&self) -> Vec<Option<ActorId>> {
        self.workers
            .iter()
            .map(|s| s.get().map(|a| a.get_id()))
            .collect()
    }
}

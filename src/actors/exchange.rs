//! The code-exchange pool of every social login (QQ, WeChat, Weibo): a fixed number of worker
//! actors, each doing one login's round trips at its provider at a time (token → subject →
//! profile; the profile only when we have no fresh one). The pool bounds our concurrency towards
//! the providers; a request that finds every worker busy waits for one up to
//! `PASSPORT_QQ_EXCHANGE_WAIT_MS` (first come, first served), then is refused (503 `overloaded`)
//! rather than queued without bound.
//!
//! A bound user whose stored profile is older than `social_login::PROFILE_MAX_AGE` is not made
//! to wait for the provider's profile call (QQ's `get_user_info`, WeChat's `/sns/userinfo`,
//! Weibo's `users/show`): the login goes on with the stored profile and the [`ProfileRefresher`]
//! fetches the new one in the background (at most a few at once, one per binding; when it is
//! busy the refresh is skipped and the next login asks again).
//!
//! A worker is handed out with a [`WorkerLease`] that travels inside the request: it returns the
//! worker to the idle list when the worker has finished with the request (or the request was
//! dropped unread), never while the worker is still busy; a caller that goes away mid-wait
//! frees nothing it does not hold, and a caller that goes away after sending leaves the lease
//! with the worker, which skips the request if the caller is already gone.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort};
use sea_orm::DatabaseConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::supervisor::{AskError, ChildSpec, Slot};
use crate::accounts::social_login::{self, ExchangeFailed, Exchanged, SocialIdentity};
use crate::config::Secret;
use crate::oauth::{ProviderError, ProviderKind, Providers};

/// One code exchange: the provider and the code, the moment the caller stops waiting, where the
/// answer goes, and the lease on the worker (released when the request is done with or dropped).
pub struct ExchangeRequest {
    provider: ProviderKind,
    code: String,
    deadline: Instant,
    reply: RpcReplyPort<Result<Exchanged, ExchangeError>>,
    _lease: WorkerLease,
}

pub enum ExchangeMsg {
    Exchange(Box<ExchangeRequest>),
    /// Fault injection for tests: the worker panics while handling it.
    Panic,
}

pub struct ExchangeWorker;

pub struct WorkerArgs {
    pub providers: Providers,
    /// Read connections (`db::reader`): is this subject bound, with a fresh profile?
    pub db: DatabaseConnection,
    /// Where stale profiles go to be fetched in the background.
    pub profiles: Slot<ProfileMsg>,
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
            ExchangeMsg::Exchange(request) => {
                // A caller that has given up (or gone away) gets no provider calls: its code
                // would be spent for nothing.
                if request.reply.is_closed() || Instant::now() >= request.deadline {
                    return Ok(());
                }
                let work = exchange(state, request.provider, &request.code);
                let result = tokio::time::timeout_at(request.deadline, work)
                    .await
                    .unwrap_or(Err(ExchangeError::DeadlinePassed));
                let _ = request.reply.send(result);
                // `request` (and its lease) drops here: the worker is idle again.
            }
            ExchangeMsg::Panic => {
                panic!("injected panic in an exchange worker (fault injection)")
            }
        }
        Ok(())
    }
}

/// Code → tokens → subject (and unionid where the provider gives one) → profile, only for a
/// subject without a binding (a bound one's stale profile is fetched in the background).
async fn exchange(
    args: &WorkerArgs,
    provider: ProviderKind,
    code: &str,
) -> Result<Exchanged, ExchangeError> {
    let client = args
        .providers
        .get(provider)
        .ok_or(ExchangeError::NotConfigured(provider))?;
    let grant = client.grant(code).await?;
    // A failed lookup only costs the profile call: the login's write decides for itself.
    let known =
        social_login::find_bound(&args.db, provider, &grant.subject, grant.unionid.as_deref())
            .await
            .inspect_err(
                |e| tracing::warn!(error = %e, "bound-user lookup failed; asking the provider"),
            )
            .ok()
            .flatten();
    // A bound user logs in with the stored profile; a stale one is fetched in the background.
    // Only an identity without a binding (it is shown on the bind page) waits for the profile.
    let mut unionid = grant.unionid;
    let (nickname, avatar, fetched) = match &known {
        Some(k) => {
            // Found by unionid through another app: its avatar URLs name that app.
            let stale = !k.profile_fresh(chrono::Utc::now()) || k.binding.subject != grant.subject;
            if stale && let Some(refresher) = args.profiles.get() {
                let _ = refresher.cast(ProfileMsg::Refresh(Box::new(StaleProfile {
                    provider,
                    binding_id: k.binding.id,
                    subject: grant.subject.clone(),
                    access_token: grant.access_token.clone(),
                })));
            }
            (String::new(), String::new(), false)
        }
        None => {
            let profile = client
                .profile(grant.access_token.expose(), &grant.subject)
                .await?;
            unionid = unionid.or(profile.unionid);
            (profile.nickname, profile.avatar, true)
        }
    };
    Ok(Exchanged {
        identity: SocialIdentity {
            provider,
            subject: grant.subject,
            unionid,
            nickname,
            avatar,
            profile_fetched: fetched,
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
            expires_in: grant.expires_in,
        },
        known,
    })
}

/// A bound user's profile to fetch again: the binding, and the access token the login just got.
pub struct StaleProfile {
    provider: ProviderKind,
    binding_id: i64,
    subject: String,
    access_token: Secret,
}

pub enum ProfileMsg {
    Refresh(Box<StaleProfile>),
    /// A fetch ended (the binding may be refreshed again).
    Done(i64),
}

/// Profile fetches running at once: they share the providers with the logins, which come first.
const PROFILE_FETCHES: usize = 4;

/// Fetches bound users' stale profiles in the background (see the module's documentation).
pub struct ProfileRefresher;

pub struct ProfileRefresherArgs {
    pub providers: Providers,
    /// The writer: the profile is stored on the binding.
    pub db: DatabaseConnection,
}

pub struct ProfileRefresherState {
    args: ProfileRefresherArgs,
    running: HashSet<i64>,
}

impl Actor for ProfileRefresher {
    type Msg = ProfileMsg;
    type State = ProfileRefresherState;
    type Arguments = ProfileRefresherArgs;

    async fn pre_start(
        &self,
        _: ActorRef<ProfileMsg>,
        args: ProfileRefresherArgs,
    ) -> Result<ProfileRefresherState, ActorProcessingErr> {
        Ok(ProfileRefresherState {
            args,
            running: HashSet::new(),
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<ProfileMsg>,
        msg: ProfileMsg,
        state: &mut ProfileRefresherState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            ProfileMsg::Refresh(stale) => {
                // Busy, or this binding is already being fetched: the next login asks again.
                if state.running.len() >= PROFILE_FETCHES
                    || state.running.contains(&stale.binding_id)
                {
                    return Ok(());
                }
                state.running.insert(stale.binding_id);
                let (providers, db) = (state.args.providers.clone(), state.args.db.clone());
                tokio::spawn(async move {
                    let id = stale.binding_id;
                    if let Err(e) = refresh_profile(&providers, &db, &stale).await {
                        tracing::info!(binding_id = id, provider = stale.provider.as_str(), error = %e, "background profile fetch failed; the next login tries again");
                    }
                    let _ = myself.cast(ProfileMsg::Done(id));
                });
            }
            ProfileMsg::Done(id) => {
                state.running.remove(&id);
            }
        }
        Ok(())
    }
}

async fn refresh_profile(
    providers: &Providers,
    db: &DatabaseConnection,
    stale: &StaleProfile,
) -> Result<(), String> {
    let client = providers
        .get(stale.provider)
        .ok_or_else(|| format!("{} is not configured", stale.provider))?;
    let profile = client
        .profile(stale.access_token.expose(), &stale.subject)
        .await
        .map_err(|e| e.to_string())?;
    social_login::store_profile(
        db,
        stale.binding_id,
        &stale.subject,
        &profile.nickname,
        &profile.avatar,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| e.to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("every exchange worker stayed busy while the request waited")]
    Overloaded,
    #[error("the provider did not finish the exchange before the deadline")]
    DeadlinePassed,
    #[error("{0} is not configured on this instance")]
    NotConfigured(ProviderKind),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("exchange worker: {0}")]
    Worker(#[from] AskError),
}

impl From<ExchangeError> for ExchangeFailed {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::Overloaded => Self::Overloaded,
            ExchangeError::Provider(e) => Self::Provider(e),
            e @ (ExchangeError::Worker(_)
            | ExchangeError::DeadlinePassed
            | ExchangeError::NotConfigured(_)) => Self::Unfinished(e.to_string()),
        }
    }
}

/// A worker taken from the idle list, with its semaphore permit. Dropping it puts the worker
/// back, then frees the permit, so a waiting caller always finds an index.
pub struct WorkerLease {
    index: usize,
    idle: Arc<Mutex<Vec<usize>>>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for WorkerLease {
    fn drop(&mut self) {
        // A poisoned lock only means another thread panicked while pushing: the list is intact.
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        idle.push(self.index);
    }
}

/// How much longer than the exchange's own deadline a caller waits for the worker's answer:
/// the worker always answers (or drops the request) by the deadline, so this only covers a
/// worker that died with the request.
const REPLY_GRACE: Duration = Duration::from_secs(1);

/// The handle the HTTP layer uses. Cheap to clone.
#[derive(Clone)]
pub struct ExchangePool {
    workers: Arc<Vec<Slot<ExchangeMsg>>>,
    idle: Arc<Mutex<Vec<usize>>>,
    permits: Arc<Semaphore>,
    deadline: Duration,
    wait: Duration,
}

impl ExchangePool {
    /// `size` workers; a caller waits at most `wait` for a free worker, then at most `deadline`
    /// for the provider's answers.
    pub fn new(size: usize, wait: Duration, deadline: Duration) -> Self {
        let size = size.max(1);
        Self {
            workers: Arc::new((0..size).map(|_| Slot::default()).collect()),
            idle: Arc::new(Mutex::new((0..size).collect())),
            permits: Arc::new(Semaphore::new(size)),
            deadline,
            wait,
        }
    }

    /// The workers, as children of the root supervisor.
    pub fn child_specs(
        &self,
        providers: Providers,
        db: DatabaseConnection,
        writer: DatabaseConnection,
    ) -> Vec<ChildSpec> {
        let profiles = Slot::default();
        let refresher = {
            let providers = providers.clone();
            ChildSpec::new("profile_refresher", profiles.clone(), move || {
                (
                    ProfileRefresher,
                    ProfileRefresherArgs {
                        providers: providers.clone(),
                        db: writer.clone(),
                    },
                )
            })
        };
        let mut specs: Vec<ChildSpec> = self
            .workers
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let (providers, db) = (providers.clone(), db.clone());
                let profiles = profiles.clone();
                ChildSpec::new(format!("exchange_worker_{i}"), slot.clone(), move || {
                    (
                        ExchangeWorker,
                        WorkerArgs {
                            providers: providers.clone(),
                            db: db.clone(),
                            profiles: profiles.clone(),
                        },
                    )
                })
            })
            .collect();
        specs.insert(0, refresher);
        specs
    }

    /// Wait (at most the configured wait) for an idle worker. Cancellation safe: a caller
    /// dropped while waiting holds nothing.
    async fn lease(&self) -> Result<WorkerLease, ExchangeError> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| ExchangeError::Overloaded)?
            .map_err(|_| ExchangeError::Overloaded)?;
        let index = self
            .idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            // Every permit has its index (leases push back before their permit goes), so this
            // is unreachable; refusing is the safe answer anyway.
            .ok_or(ExchangeError::Overloaded)?;
        Ok(WorkerLease {
            index,
            idle: self.idle.clone(),
            _permit: permit,
        })
    }

    /// Exchange a QQ code on an idle worker, waiting for one when all are busy.
    pub async fn exchange(&self, code: String) -> Result<Exchanged, ExchangeError> {
        self.exchange_at(ProviderKind::Qq, code).await
    }

    /// Exchange a code of `provider` on an idle worker, waiting for one when all are busy.
    pub async fn exchange_at(
        &self,
        provider: ProviderKind,
        code: String,
    ) -> Result<Exchanged, ExchangeError> {
        let lease = self.lease().await?;
        let worker = self.workers[lease.index].clone();
        let deadline = Instant::now() + self.deadline;
        worker
            .ask(
                |reply| {
                    ExchangeMsg::Exchange(Box::new(ExchangeRequest {
                        provider,
                        code,
                        deadline,
                        reply,
                        _lease: lease,
                    }))
                },
                self.deadline + REPLY_GRACE,
            )
            .await?
    }

    /// Workers not leased right now (tests).
    pub fn idle_workers(&self) -> usize {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).len()
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

//! The supervision tree, all in this file:
//!
//! ```text
//! passport-root (RootSupervisor: restarts any child that fails, stops them all on shutdown)
//! ├── exchange_worker_0..N     code → tokens → subject → profile at QQ, WeChat or Weibo, one
//! │                            login at a time each
//! ├── profile_refresher        fetches bound users' stale profiles in the background
//! ├── binder_0..M              write bindings, pending identities and socially registered users
//! ├── login_writer             group-commits bound users' logins (one transaction per batch)
//! ├── mailer                   JobWorker<SendMail>: `mail` jobs over SMTP or into the outbox
//! ├── sms-sender               JobWorker<SendSms>: `sms` jobs through the SMS gateway
//! ├── reset-requests           JobWorker<IssueResetLink>: look up an address, store a reset link
//! ├── qq-token-refresher       JobWorker<RefreshQqToken>: QQ refresh grant, CAS on token_version
//! ├── wechat-token-refresher   JobWorker<RefreshWechatToken>: the same through WeChat (when
//! │                            WeChat is configured)
//! ├── unionid-backfill        JobWorker<RunBackfill>: the admin panel's QQ unionid back-fill
//! ├── refresh-scheduler        queues a refresh job for every binding due (spread, one per binding)
//! ├── pruner                   deletes rows past retention, wipes expired pending QQ tokens
//! └── dispatcher               claims due jobs (lease, SKIP LOCKED on PostgreSQL), hands them out
//! ```
//!
//! What a job worker does with a job (its [`crate::jobs::Perform`]) lives with its feature:
//! `mail::job`, `sms::job`, `accounts::reset_requests`, `accounts::sms_requests`,
//! `accounts::qq_refresher` (which also holds the refresh scheduler), `accounts::unionid_backfill`. This module keeps the
//! tree; `supervisor`, `dispatcher` and `worker` are the machinery.
//!
//! A child is described by a [`ChildSpec`]: how to build it, and the [`Slot`] through which the
//! rest of the service reaches its current incarnation. When a child panics or returns an error,
//! the root supervisor starts a new one from the same spec and puts its address in the slot, so a
//! caller's next message reaches the replacement.

pub mod binder;
pub mod dispatcher;
pub mod exchange;
pub mod pruner;
pub mod supervisor;
pub mod worker;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use sea_orm::DatabaseConnection;

pub use supervisor::{ActorTree, AskError, ChildSpec, Slot};

use crate::accounts::qq_refresher::{self as refresher, RefreshQqToken, RefreshWechatToken};
use crate::accounts::qq_tokens::RefreshBatches;
use crate::accounts::reset_requests::IssueResetLink;
use crate::accounts::sms_requests::IssueSmsCode;
use crate::accounts::unionid_backfill::RunBackfill;
use crate::config::Settings;
use crate::crypto::Security;
use crate::jobs::{Backoff, JobKind};
use crate::mail::Mailer;
use crate::mail::job::SendMail;
use crate::metrics::Metrics;
use crate::qq::client::QqClient;
use crate::sms::job::SendSms;
use binder::BinderPool;
use dispatcher::{Dispatcher, DispatcherArgs, DispatcherMsg, WorkerRoute};
use exchange::ExchangePool;
use worker::{JobWorker, WorkerArgs, WorkerMsg};

/// Where the rest of the service finds the actors (each slot follows restarts).
#[derive(Clone)]
pub struct ActorHandles {
    pub dispatcher: Slot<DispatcherMsg>,
    pub mailer: Slot<WorkerMsg>,
    pub sms: Slot<WorkerMsg>,
    pub reset_requests: Slot<WorkerMsg>,
    pub sms_requests: Slot<WorkerMsg>,
    pub refresher: Slot<WorkerMsg>,
    pub wechat_refresher: Slot<WorkerMsg>,
    pub unionid_backfill: Slot<WorkerMsg>,
    pub refresh_scheduler: Slot<refresher::SchedulerMsg>,
    pub pruner: Slot<pruner::PrunerMsg>,
    /// This process's name as a job lease owner.
    pub job_owner: Arc<str>,
}

impl Default for ActorHandles {
    fn default() -> Self {
        Self {
            dispatcher: Slot::default(),
            mailer: Slot::default(),
            sms: Slot::default(),
            reset_requests: Slot::default(),
            sms_requests: Slot::default(),
            refresher: Slot::default(),
            wechat_refresher: Slot::default(),
            unionid_backfill: Slot::default(),
            refresh_scheduler: Slot::default(),
            pruner: Slot::default(),
            job_owner: crate::jobs::new_owner_id().into(),
        }
    }
}

/// QQ token refreshes running at once in one process: 8, or one per 20 refreshes a second of
/// `PASSPORT_QQ_REFRESH_RATE` when that is higher (a call takes up to ~50 ms, so a higher rate
/// needs more calls in flight to be reached), never more than half the job concurrency (the
/// rest stays free for mail and SMS).
fn refreshes_in_flight(rate_per_sec: u32, concurrency: u32) -> u32 {
    (rate_per_sec / 20).clamp(8, (concurrency / 2).max(8))
}

/// What the tree's children are built from: exactly the shared parts of the service they use
/// (`startup.rs` hands over the application state's).
pub struct TreeDeps {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub security: Arc<Security>,
    pub qq: Arc<QqClient>,
    /// Whether the exchange workers ask QQ for unionids (shared with the handlers).
    pub qq_unionid: Arc<AtomicBool>,
    /// Every provider the exchange workers and the profile refresher talk to.
    pub providers: crate::oauth::Providers,
    pub metrics: Arc<Metrics>,
    /// The slots the children fill, and this process's job lease owner.
    pub handles: ActorHandles,
    pub exchange: ExchangePool,
    pub binder: BinderPool,
}

/// Every child of the root, in start order. Shutdown stops them in reverse.
pub fn children(state: &TreeDeps) -> anyhow::Result<Vec<ChildSpec>> {
    let settings = &state.settings;
    let jobs = &settings.jobs;
    let handles = &state.handles;
    let backoff = Backoff {
        base: jobs.backoff_base,
        max: jobs.backoff_max,
    };
    let worker_args = WorkerArgs {
        performer: Arc::new(()),
        db: state.db.clone(),
        backoff,
        lease: jobs.lease,
        dispatcher: handles.dispatcher.clone(),
        shutdown_grace: jobs.shutdown_grace,
    };

    let mailer = Mailer::from_settings(&settings.mail, jobs.smtp_timeout, jobs.concurrency)?;
    let mailer_args = worker_args.with(Arc::new(SendMail {
        mailer,
        cipher: state.security.cipher.clone(),
    }));
    let sms_args = worker_args.with(Arc::new(SendSms {
        cipher: state.security.cipher.clone(),
        gateway: crate::sms::gateway(settings)?,
    }));

    let reset_args = worker_args.with(Arc::new(IssueResetLink::new(
        state.db.clone(),
        state.security.clone(),
        settings.public_base_url.clone(),
    )));

    let sms_request_args = worker_args.with(Arc::new(IssueSmsCode {
        db: state.db.clone(),
        security: state.security.clone(),
    }));

    let refresher_args = worker_args.with(Arc::new(RefreshQqToken {
        db: state.db.clone(),
        qq: state.qq.clone(),
        cipher: state.security.cipher.clone(),
        limiter: Arc::new(refresher::RateLimiter::per_second(
            settings.refresh.rate_per_sec,
        )),
        metrics: state.metrics.clone(),
        batches: RefreshBatches::new(state.db.clone(), crate::oauth::ProviderKind::Qq),
    }));
    let backfill_args = worker_args.with(Arc::new(RunBackfill {
        db: state.db.clone(),
        qq: state.qq.clone(),
        cipher: state.security.cipher.clone(),
        rate: crate::accounts::unionid_backfill::DEFAULT_RATE,
    }));
    // WeChat's refresh grant, when this instance has a WeChat app. Its own client (the login's
    // lives with the exchange workers) and its own rate limit.
    let wechat_refresher_args = match &settings.wechat {
        Some(wechat) => {
            let client = crate::oauth::wechat::WechatClient::new(
                wechat.clone(),
                &crate::oauth::HttpOptions {
                    timeout: settings.oauth_timeout,
                    ..crate::oauth::HttpOptions::default()
                }
                // One connection per refresh in flight, kept between refreshes.
                .keeping_idle(settings.jobs.concurrency as usize),
            )
            .map_err(|e| anyhow::anyhow!("cannot build the WeChat client: {e}"))?;
            Some(worker_args.with(Arc::new(RefreshWechatToken {
                db: state.db.clone(),
                wechat: Arc::new(client),
                cipher: state.security.cipher.clone(),
                limiter: Arc::new(refresher::RateLimiter::per_second(
                    settings.refresh.rate_per_sec,
                )),
                metrics: state.metrics.clone(),
                batches: RefreshBatches::new(state.db.clone(), crate::oauth::ProviderKind::Wechat),
            })))
        }
        None => None,
    };
    let scheduler_args = refresher::SchedulerArgs {
        db: state.db.clone(),
        settings: settings.refresh.clone(),
        wechat: wechat_refresher_args.is_some(),
    };

    let pruner_args = pruner::PrunerArgs {
        db: state.db.clone(),
        settings: settings.retention.clone(),
    };

    let in_flight = refreshes_in_flight(settings.refresh.rate_per_sec, jobs.concurrency);
    let mut workers = vec![
        WorkerRoute::new(JobKind::Mail, handles.mailer.clone()),
        WorkerRoute::new(JobKind::Sms, handles.sms.clone()),
        WorkerRoute::new(
            JobKind::PasswordResetRequest,
            handles.reset_requests.clone(),
        ),
        WorkerRoute::new(JobKind::SmsCodeRequest, handles.sms_requests.clone()),
        // Spares QQ: at most this many refreshes in flight per process (and the worker's
        // own rate limit on top).
        WorkerRoute::new(JobKind::QqTokenRefresh, handles.refresher.clone())
            .max_in_flight(in_flight),
        // One run at a time (its unique key already says so for a live job).
        WorkerRoute::new(JobKind::QqUnionidBackfill, handles.unionid_backfill.clone())
            .max_in_flight(1),
    ];
    // WeChat's refreshes are claimed only by instances with a WeChat app (and its worker).
    if wechat_refresher_args.is_some() {
        workers.push(
            WorkerRoute::new(
                JobKind::WechatTokenRefresh,
                handles.wechat_refresher.clone(),
            )
            .max_in_flight(in_flight),
        );
    }
    let dispatcher_args = DispatcherArgs {
        db: state.db.clone(),
        database_url: settings.database_url.clone(),
        settings: jobs.clone(),
        owner: handles.job_owner.to_string(),
        workers,
    };

    let mut children = state.exchange.child_specs(
        state.providers.clone(),
        crate::db::reader(&state.settings.database_url, &state.db),
        state.db.clone(),
    );
    let binder_args = binder::BinderArgs {
        db: state.db.clone(),
        cipher: state.security.cipher.clone(),
        public_base_url: settings.public_base_url.clone(),
    };
    children.extend(state.binder.child_specs(binder_args));
    children.extend([
        ChildSpec::new("mailer", handles.mailer.clone(), move || {
            (JobWorker::<SendMail>::default(), mailer_args.clone())
        }),
        ChildSpec::new("sms-sender", handles.sms.clone(), move || {
            (JobWorker::<SendSms>::default(), sms_args.clone())
        }),
        ChildSpec::new(
            "reset-requests",
            handles.reset_requests.clone(),
            move || (JobWorker::<IssueResetLink>::default(), reset_args.clone()),
        ),
        ChildSpec::new("sms-requests", handles.sms_requests.clone(), move || {
            (
                JobWorker::<IssueSmsCode>::default(),
                sms_request_args.clone(),
            )
        }),
        ChildSpec::new("qq-token-refresher", handles.refresher.clone(), move || {
            (
                JobWorker::<RefreshQqToken>::default(),
                refresher_args.clone(),
            )
        }),
    ]);
    if let Some(wechat_refresher_args) = wechat_refresher_args {
        children.push(ChildSpec::new(
            "wechat-token-refresher",
            handles.wechat_refresher.clone(),
            move || {
                (
                    JobWorker::<RefreshWechatToken>::default(),
                    wechat_refresher_args.clone(),
                )
            },
        ));
    }
    children.extend([
        ChildSpec::new(
            "unionid-backfill",
            handles.unionid_backfill.clone(),
            move || (JobWorker::<RunBackfill>::default(), backfill_args.clone()),
        ),
        ChildSpec::new(
            "refresh-scheduler",
            handles.refresh_scheduler.clone(),
            move || (refresher::RefreshScheduler, scheduler_args.clone()),
        ),
        ChildSpec::new("pruner", handles.pruner.clone(), move || {
            (pruner::Pruner, pruner_args.clone())
        }),
        ChildSpec::new("dispatcher", handles.dispatcher.clone(), move || {
            (Dispatcher, dispatcher_args.clone())
        }),
    ]);
    Ok(children)
}

//! The supervision tree, all in this file:
//!
//! ```text
//! passport-root (RootSupervisor: restarts any child that fails, stops them all on shutdown)
//! ├── qq_exchange_worker_0..N  QQ code → tokens → openid → profile, one login at a time each
//! ├── binder_0..M              write bindings, pending identities and QQ-registered users
//! ├── mailer                   JobWorker<SendMail>: `mail` jobs over SMTP or into the outbox
//! ├── sms-sender               JobWorker<SendSms>: `sms` jobs through the SMS gateway
//! ├── reset-requests           JobWorker<IssueResetLink>: look up an address, store a reset link
//! ├── qq-token-refresher       JobWorker<RefreshQqToken>: QQ refresh grant, CAS on token_version
//! ├── refresh-scheduler        queues a refresh job for every binding due (spread, one per binding)
//! ├── pruner                   deletes rows past retention, wipes expired pending QQ tokens
//! └── dispatcher               claims due jobs (lease, SKIP LOCKED on PostgreSQL), hands them out
//! ```
//!
//! A child is described by a [`ChildSpec`]: how to build it, and the [`Slot`] through which the
//! rest of the service reaches its current incarnation. When a child panics or returns an error,
//! the root supervisor starts a new one from the same spec and puts its address in the slot, so a
//! caller's next message reaches the replacement.

pub mod binder;
pub mod dispatcher;
pub mod mailer;
pub mod pruner;
pub mod qq_exchange;
pub mod refresher;
pub mod reset_requests;
pub mod sms;
pub mod sms_requests;
pub mod supervisor;
pub mod worker;

use std::sync::Arc;

pub use supervisor::{ActorTree, AskError, ChildSpec, Slot};

use crate::jobs::{Backoff, JobKind};
use crate::mail::Mailer;
use crate::startup::AppState;
use dispatcher::{Dispatcher, DispatcherArgs, DispatcherMsg, WorkerRoute};
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
            refresh_scheduler: Slot::default(),
            pruner: Slot::default(),
            job_owner: crate::jobs::new_owner_id().into(),
        }
    }
}

/// QQ token refreshes running at once in one process.
const REFRESHES_IN_FLIGHT: u32 = 8;

/// Every child of the root, in start order. Shutdown stops them in reverse.
pub fn children(state: &AppState) -> anyhow::Result<Vec<ChildSpec>> {
    let settings = &state.settings;
    let jobs = &settings.jobs;
    let handles = &state.actors;
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
    let mailer_args = worker_args.with(Arc::new(mailer::SendMail {
        mailer,
        cipher: state.security.cipher.clone(),
    }));
    let sms_args = worker_args.with(Arc::new(sms::SendSms {
        cipher: state.security.cipher.clone(),
        gateway: crate::sms::gateway(settings)?,
    }));

    let reset_args = worker_args.with(Arc::new(reset_requests::IssueResetLink {
        db: state.db.clone(),
        security: state.security.clone(),
        public_base_url: settings.public_base_url.clone(),
    }));

    let sms_request_args = worker_args.with(Arc::new(sms_requests::IssueSmsCode {
        db: state.db.clone(),
        security: state.security.clone(),
    }));

    let refresher_args = worker_args.with(Arc::new(refresher::RefreshQqToken {
        db: state.db.clone(),
        qq: state.qq.clone(),
        cipher: state.security.cipher.clone(),
        limiter: Arc::new(refresher::RateLimiter::per_second(
            settings.refresh.rate_per_sec,
        )),
        metrics: state.metrics.clone(),
    }));
    let scheduler_args = refresher::SchedulerArgs {
        db: state.db.clone(),
        settings: settings.refresh.clone(),
    };

    let pruner_args = pruner::PrunerArgs {
        db: state.db.clone(),
        settings: settings.retention.clone(),
    };

    let dispatcher_args = DispatcherArgs {
        db: state.db.clone(),
        database_url: settings.database_url.clone(),
        settings: jobs.clone(),
        owner: handles.job_owner.to_string(),
        workers: vec![
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
                .max_in_flight(REFRESHES_IN_FLIGHT),
        ],
    };

    let mut children = state.exchange.child_specs(
        state.qq.clone(),
        state.qq_unionid.clone(),
        crate::db::reader(&state.settings.database_url, &state.db),
    );
    let binder_args = binder::BinderArgs {
        db: state.db.clone(),
        cipher: state.security.cipher.clone(),
        public_base_url: settings.public_base_url.clone(),
    };
    children.extend(state.binder.child_specs(binder_args));
    children.extend([
        ChildSpec::new("mailer", handles.mailer.clone(), move || {
            (
                JobWorker::<mailer::SendMail>::default(),
                mailer_args.clone(),
            )
        }),
        ChildSpec::new("sms-sender", handles.sms.clone(), move || {
            (JobWorker::<sms::SendSms>::default(), sms_args.clone())
        }),
        ChildSpec::new(
            "reset-requests",
            handles.reset_requests.clone(),
            move || {
                (
                    JobWorker::<reset_requests::IssueResetLink>::default(),
                    reset_args.clone(),
                )
            },
        ),
        ChildSpec::new("sms-requests", handles.sms_requests.clone(), move || {
            (
                JobWorker::<sms_requests::IssueSmsCode>::default(),
                sms_request_args.clone(),
            )
        }),
        ChildSpec::new("qq-token-refresher", handles.refresher.clone(), move || {
            (
                JobWorker::<refresher::RefreshQqToken>::default(),
                refresher_args.clone(),
            )
        }),
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

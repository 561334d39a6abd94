//! The supervision tree, all in this file:
//!
//! ```text
//! passport-root (RootSupervisor: restarts any child that fails, stops them all on shutdown)
//! ├── mailer       JobWorker<SendMail>: `mail` jobs over SMTP or into the outbox
//! ├── sms-sender   JobWorker<SendSms>: `sms` jobs through the SMS gateway
//! └── dispatcher   claims due jobs (lease, SKIP LOCKED on PostgreSQL) and hands them out by kind
//! ```
//!
//! (The QQ token refresher joins as another `JobWorker` for `JobKind::QqTokenRefresh`, listed
//! in the dispatcher's `workers`.)
//!
//! A child is described by a [`ChildSpec`]: how to build it, and the [`Slot`] through which the
//! rest of the service reaches its current incarnation. When a child panics or returns an error,
//! the root supervisor starts a new one from the same spec and puts its address in the slot, so a
//! caller's next message reaches the replacement.

pub mod dispatcher;
pub mod mailer;
pub mod sms;
pub mod supervisor;
pub mod worker;

use std::sync::Arc;

pub use supervisor::{ActorTree, ChildSpec, Slot};

use crate::jobs::{Backoff, JobKind};
use crate::mail::{Mailer, Outbox};
use crate::startup::AppState;
use dispatcher::{Dispatcher, DispatcherArgs, DispatcherMsg, WorkerRoute};
use worker::{JobWorker, WorkerArgs, WorkerMsg};

/// Where the rest of the service finds the actors (each slot follows restarts).
#[derive(Clone)]
pub struct ActorHandles {
    pub dispatcher: Slot<DispatcherMsg>,
    pub mailer: Slot<WorkerMsg>,
    pub sms: Slot<WorkerMsg>,
    /// This process's name as a job lease owner.
    pub job_owner: Arc<str>,
}

impl Default for ActorHandles {
    fn default() -> Self {
        Self {
            dispatcher: Slot::default(),
            mailer: Slot::default(),
            sms: Slot::default(),
            job_owner: crate::jobs::new_owner_id().into(),
        }
    }
}

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
    let mailer_args = worker_args.with(Arc::new(mailer::SendMail { mailer }));
    if !settings.is_dev() {
        tracing::warn!(
            "no SMS provider is configured: SMS are written to the outbox directory, not sent"
        );
    }
    let sms_args = worker_args.with(Arc::new(sms::SendSms {
        gateway: Arc::new(crate::sms::OutboxGateway(Outbox::new(
            settings.mail.outbox_dir.clone(),
        ))),
    }));

    let dispatcher_args = DispatcherArgs {
        db: state.db.clone(),
        database_url: settings.database_url.clone(),
        settings: jobs.clone(),
        owner: handles.job_owner.to_string(),
        // The QQ token refresher joins here, with `.max_in_flight(n)` to spare QQ's rate limit.
        workers: vec![
            WorkerRoute::new(JobKind::Mail, handles.mailer.clone()),
            WorkerRoute::new(JobKind::Sms, handles.sms.clone()),
        ],
    };

    Ok(vec![
        ChildSpec::new("mailer", handles.mailer.clone(), move || {
            (
                JobWorker::<mailer::SendMail>::default(),
                mailer_args.clone(),
            )
        }),
        ChildSpec::new("sms-sender", handles.sms.clone(), move || {
            (JobWorker::<sms::SendSms>::default(), sms_args.clone())
        }),
        ChildSpec::new("dispatcher", handles.dispatcher.clone(), move || {
            (Dispatcher, dispatcher_args.clone())
        }),
    ])
}

//! What a job worker does with a job of its kind: the [`Perform`] trait each feature implements
//! beside its own code (mail, SMS, reset links, QQ token refresh), and how a failure says whether
//! a retry can help. Here in `jobs`, not in `actors`, so the features depend on the queue, not on
//! the actor machinery that drives it (`actors::worker`).

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::{Job, JobError, JobKind};

/// Why a job failed, and whether retrying can ever help.
#[derive(Debug)]
pub struct PerformError {
    pub message: String,
    pub permanent: bool,
    /// Not a failure: the job cannot run before this time (someone else holds what it needs),
    /// so it goes back to the queue until then without spending an attempt.
    pub postpone_until: Option<DateTime<Utc>>,
}

impl PerformError {
    pub fn new(message: impl Into<String>, permanent: bool) -> Self {
        Self {
            message: message.into(),
            permanent,
            postpone_until: None,
        }
    }

    pub fn retry(message: impl Into<String>) -> Self {
        Self::new(message, false)
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Self::new(message, true)
    }

    pub fn postpone(message: impl Into<String>, until: DateTime<Utc>) -> Self {
        Self {
            postpone_until: Some(until),
            ..Self::new(message, false)
        }
    }
}

impl From<JobError> for PerformError {
    /// A payload that does not decode never will.
    fn from(e: JobError) -> Self {
        Self::permanent(e.to_string())
    }
}

/// A job done: and what its work left for this process to run next.
#[derive(Debug)]
pub struct Performed {
    /// Follow-up jobs the work queued already leased to this process ([`super::enqueue_held_all`]):
    /// the worker hands them to the dispatcher in this job's place, so they run without waiting
    /// for a claim (a reset lookup's mail).
    pub then_run: Vec<Job>,
}

impl Performed {
    /// Done, nothing to follow.
    pub const DONE: Performed = Performed {
        then_run: Vec::new(),
    };
}

impl From<()> for Performed {
    fn from((): ()) -> Self {
        Self::DONE
    }
}

pub type PerformFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Performed, PerformError>> + Send + 'a>>;

/// What a worker does with one job of its kind.
pub trait Perform: Send + Sync + 'static {
    const KIND: JobKind;

    /// Whether a successful `perform` has completed the job itself, in the transaction that
    /// wrote its work ([`super::complete_in`]): work that lives in the database (a reset
    /// link and its mail job) and its ack then commit together, and the worker sends no ack of
    /// its own (one transaction and one commit wait less per job). A failure is still the
    /// worker's to record.
    const COMPLETES_ITSELF: bool = false;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a>;

    /// For work that depends on an upstream that can go down (SMTP): a signal carrying the start
    /// of each outage that ended. The worker then runs the jobs that failed meanwhile at once
    /// instead of after their backoff (see [`super::make_due_now`]).
    fn recoveries(&self) -> Option<watch::Receiver<Option<DateTime<Utc>>>> {
        None
    }
}

//! A [`JobWorker`] for `password_reset_request` jobs: look the address up and, for an account,
//! store the reset link and queue its mail (see `accounts::password_reset::issue`).
//!
//! Group commit: the lookups that arrive while the previous batch is being written are done
//! together ([`password_reset::issue_all`]: one query, one transaction), each job answered on its
//! own once the batch has committed, so a job is never acked before its link and mail are
//! stored. A batch that fails is done again request by request ([`password_reset::issue`]), so
//! one bad request fails only its own job.

use std::sync::{Arc, OnceLock};

use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot};

use crate::accounts::password_reset;
use crate::crypto::Security;
use crate::domain::Email;
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture};

pub struct IssueResetLink {
    pub db: DatabaseConnection,
    pub security: Arc<Security>,
    pub public_base_url: url::Url,
    /// The way to the batch writer, started with the first job.
    pub batches: OnceLock<mpsc::UnboundedSender<Request>>,
}

/// One lookup waiting for its batch: the address, and where its outcome goes (whether it has
/// an account, or why it failed).
pub struct Request {
    email: Email,
    done: oneshot::Sender<Result<bool, String>>,
}

/// Most lookups written in one transaction.
const MAX_BATCH: usize = 128;

impl IssueResetLink {
    pub fn new(db: DatabaseConnection, security: Arc<Security>, public_base_url: url::Url) -> Self {
        Self {
            db,
            security,
            public_base_url,
            batches: OnceLock::new(),
        }
    }

    async fn issue(&self, email: Email) -> Result<bool, String> {
        let batches = self.batches.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_batches(
                self.db.clone(),
                self.security.clone(),
                self.public_base_url.clone(),
                rx,
            ));
            tx
        });
        let (done, outcome) = oneshot::channel();
        batches
            .send(Request { email, done })
            .map_err(|_| "the reset link writer stopped".to_owned())?;
        outcome
            .await
            .map_err(|_| "the reset link writer stopped".to_owned())?
    }
}

async fn write_batches(
    db: DatabaseConnection,
    security: Arc<Security>,
    public_base_url: url::Url,
    mut queue: mpsc::UnboundedReceiver<Request>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let emails: Vec<Email> = batch.iter().map(|r| r.email.clone()).collect();
        let now = crate::jobs::now();
        match password_reset::issue_all(&db, &security, &public_base_url, &emails, now).await {
            Ok(found) => {
                for (request, found) in batch.drain(..).zip(found) {
                    let _ = request.done.send(Ok(found));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, requests = batch.len(), "batched reset links failed; issuing one by one");
                for request in batch.drain(..) {
                    let outcome = password_reset::issue(
                        &db,
                        &security,
                        &public_base_url,
                        &request.email,
                        crate::jobs::now(),
                    )
                    .await
                    .map_err(|e| e.to_string());
                    let _ = request.done.send(outcome);
                }
            }
        }
    }
}

impl Perform for IssueResetLink {
    const KIND: JobKind = JobKind::PasswordResetRequest;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::PasswordResetRequest { email } = job.decode()? else {
                return Err(PerformError::permanent("not a password reset request"));
            };
            let email = Email::parse(&email).map_err(|e| PerformError::permanent(e.to_string()))?;
            self.issue(email)
                .await
                .map(|_| ())
                .map_err(PerformError::retry)
        })
    }
}

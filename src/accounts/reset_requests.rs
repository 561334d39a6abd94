//! A [`JobWorker`] for `password_reset_request` jobs: look the address up and, for an account,
//! store the reset link and queue its mail (see `accounts::password_reset::issue`).
//!
//! Group commit (`group_commit`): the lookups that arrive while the previous batch is being
//! written are done together ([`password_reset::issue_all`]: one query, one transaction), each
//! job answered on its own once the batch has committed, so a job is never acked before its
//! link and mail are stored. A batch that fails is done again request by request
//! ([`password_reset::issue`]), so one bad request fails only its own job.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::accounts::password_reset;
use crate::crypto::Security;
use crate::domain::Email;
use crate::fault::Fault;
use crate::group_commit::{BatchWrite, GroupCommit};
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture};

pub struct IssueResetLink(GroupCommit<LinkWriter>);

/// What writing reset links needs.
pub struct LinkWriter {
    db: DatabaseConnection,
    security: Arc<Security>,
    public_base_url: url::Url,
}

impl IssueResetLink {
    pub fn new(db: DatabaseConnection, security: Arc<Security>, public_base_url: url::Url) -> Self {
        Self(GroupCommit::new(LinkWriter {
            db,
            security,
            public_base_url,
        }))
    }
}

impl BatchWrite for LinkWriter {
    type Request = Email;
    /// Whether the address has an account.
    type Outcome = bool;

    async fn write_all(&self, emails: &[Email]) -> Result<Vec<bool>, Fault> {
        let now = crate::jobs::now();
        password_reset::issue_all(&self.db, &self.security, &self.public_base_url, emails, now)
            .await
    }

    async fn write_one(&self, email: &Email) -> Result<bool, Fault> {
        let now = crate::jobs::now();
        password_reset::issue(&self.db, &self.security, &self.public_base_url, email, now).await
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
            self.0
                .submit(email)
                .await
                .map(|_| ())
                .map_err(|e| PerformError::retry(e.to_string()))
        })
    }
}

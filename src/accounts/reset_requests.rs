//! A [`JobWorker`] for `password_reset_request` jobs: look the address up and, for an account,
//! store the reset link and queue its mail (see `accounts::password_reset::issue`).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::accounts::password_reset;
use crate::crypto::Security;
use crate::domain::Email;
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture};

pub struct IssueResetLink {
    pub db: DatabaseConnection,
    pub security: Arc<Security>,
    pub public_base_url: url::Url,
}

impl Perform for IssueResetLink {
    const KIND: JobKind = JobKind::PasswordResetRequest;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::PasswordResetRequest { email } = job.decode()? else {
                return Err(PerformError::permanent("not a password reset request"));
            };
            let email = Email::parse(&email).map_err(|e| PerformError::permanent(e.to_string()))?;
            password_reset::issue(
                &self.db,
                &self.security,
                &self.public_base_url,
                &email,
                crate::jobs::now(),
            )
            .await
            .map(|_| ())
            .map_err(|e| PerformError::retry(e.to_string()))
        })
    }
}

//! A [`JobWorker`] for `password_reset_request` jobs: look the address up and, for an account,
//! store the reset link and queue its mail (see `accounts::password_reset::issue`).
//!
//! Group commit (`group_commit`): the lookups that arrive while the previous batch is being
//! written are done together ([`password_reset::issue_all`]: one query, one transaction), each
//! job answered on its own once the batch has committed. The jobs complete themselves
//! ([`Perform::COMPLETES_ITSELF`]): their delivery records and completion are written in the
//! batch's transaction, beside the links and mails, so a lookup is acked exactly when its work
//! commits, with no ack transaction of its own. A batch that fails is done again request by
//! request, so one bad request fails only its own job.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::accounts::password_reset::{self, Issued};
use crate::crypto::Security;
use crate::domain::Email;
use crate::fault::Fault;
use crate::group_commit::{BatchWrite, GroupCommit};
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture, Performed};

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
    /// The address, and the lookup job it came from (completed with the batch).
    type Request = (Email, Job);
    /// Whether the address has an account, and its mail job held for this process.
    type Outcome = Issued;

    async fn write_all(&self, requests: &[(Email, Job)]) -> Result<Vec<Issued>, Fault> {
        let now = crate::jobs::now();
        let emails: Vec<Email> = requests.iter().map(|(email, _)| email.clone()).collect();
        let done: Vec<&Job> = requests.iter().map(|(_, job)| job).collect();
        password_reset::issue_all(
            &self.db,
            &self.security,
            &self.public_base_url,
            &emails,
            now,
            &done,
        )
        .await
    }

    async fn write_one(&self, request: &(Email, Job)) -> Result<Issued, Fault> {
        self.write_all(std::slice::from_ref(request))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Fault::internal("issuing a reset link", "no outcome"))
    }
}

impl Perform for IssueResetLink {
    const KIND: JobKind = JobKind::PasswordResetRequest;
    const COMPLETES_ITSELF: bool = true;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::PasswordResetRequest { email } = job.decode()? else {
                return Err(PerformError::permanent("not a password reset request"));
            };
            let email = Email::parse(&email).map_err(|e| PerformError::permanent(e.to_string()))?;
            self.0
                .submit((email, job.clone()))
                .await
                .map(|issued| match issued {
                    // Its mail goes to the mailer in the lookup's place.
                    Issued::Held(mail) => Performed {
                        then_run: vec![mail],
                    },
                    Issued::NoAccount | Issued::Queued => Performed::DONE,
                })
                .map_err(|e| PerformError::retry(e.to_string()))
        })
    }
}

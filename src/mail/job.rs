//! The mailer's work: a [`Perform`](crate::jobs::Perform), run by the mailer's job worker, that
//! sends `mail` jobs through the configured [`Mailer`] (SMTP, or the outbox in dev).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::crypto::TokenCipher;
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture, Performed};
use crate::mail::Mailer;

pub struct SendMail {
    pub mailer: Mailer,
    /// Opens sealed mails (reset and verification links).
    pub cipher: Arc<TokenCipher>,
}

impl Perform for SendMail {
    const KIND: JobKind = JobKind::Mail;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::Mail(mail) = job.open(&self.cipher)? else {
                return Err(PerformError::permanent("not a mail job"));
            };
            self.mailer
                .send(&mail, &job.idempotency_key)
                .await
                .map(Performed::from)
                .map_err(|e| PerformError::new(e.to_string(), e.is_permanent()))
        })
    }

    fn recoveries(&self) -> Option<watch::Receiver<Option<DateTime<Utc>>>> {
        self.mailer.recoveries()
    }
}

//! The SMS sender's work: a [`Perform`](crate::jobs::Perform) (run by its job worker) that sends
//! `sms` jobs through an [`SmsGateway`] (the outbox by default).

use std::sync::Arc;

use crate::crypto::TokenCipher;
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture, Performed};
use crate::sms::SmsGateway;

pub struct SendSms {
    /// Opens sealed SMS (verification codes).
    pub cipher: Arc<TokenCipher>,
    pub gateway: Arc<dyn SmsGateway>,
}

impl Perform for SendSms {
    const KIND: JobKind = JobKind::Sms;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::Sms(sms) = job.open(&self.cipher)? else {
                return Err(PerformError::permanent("not an SMS job"));
            };
            self.gateway
                .send(&sms, &job.idempotency_key)
                .await
                .map(Performed::from)
                .map_err(|e| PerformError::new(e.to_string(), e.is_permanent()))
        })
    }
}

//! A [`JobWorker`] for `sms_code_request` jobs: look the mobile up and, for an account that may
//! use it (not locked), issue the sign-in or reset code and queue its SMS (see
//! `accounts::sms_codes::issue_for_account`). The SMS is queued held for this process and handed
//! on to the SMS sender in the request's place ([`Performed::then_run`]).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::accounts::sms_codes::{self, SmsPurpose};
use crate::crypto::Security;
use crate::domain::Mobile;
use crate::jobs::{Job, JobKind, JobPayload, Perform, PerformError, PerformFuture, Performed};

pub struct IssueSmsCode {
    pub db: DatabaseConnection,
    pub security: Arc<Security>,
}

impl Perform for IssueSmsCode {
    const KIND: JobKind = JobKind::SmsCodeRequest;

    fn perform<'a>(&'a self, job: &'a Job) -> PerformFuture<'a> {
        Box::pin(async move {
            let JobPayload::SmsCodeRequest { mobile, purpose } = job.decode()? else {
                return Err(PerformError::permanent("not an SMS code request"));
            };
            let mobile =
                Mobile::parse(&mobile).map_err(|e| PerformError::permanent(e.to_string()))?;
            let purpose = SmsPurpose::parse(&purpose)
                .filter(|p| matches!(p, SmsPurpose::Login | SmsPurpose::ResetPassword))
                .ok_or_else(|| PerformError::permanent("not a sign-in or reset purpose"))?;
            sms_codes::issue_for_account(
                &self.db,
                &self.security,
                &mobile,
                purpose,
                crate::jobs::now(),
                job,
            )
            .await
            // Its SMS goes to the sender in the request's place.
            .map(|sms| Performed {
                then_run: sms.into_iter().collect(),
            })
            .map_err(|e| PerformError::retry(e.to_string()))
        })
    }
}

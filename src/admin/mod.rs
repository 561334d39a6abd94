//! The admin panel's domain operations (issue #7): the QQ bindings list and drawer, refresh-now
//! and unbind, the job queue view and retry, and the daily statistics. Every mutating operation
//! writes an audit entry (who, what, target, reason) in the same transaction as its change.
//! The HTTP layer (`api::admin`) checks that the caller is staff before calling anything here.

pub mod bindings;
pub mod job_subjects;
pub mod jobs;
pub mod stats;
pub mod unionid_backfill;
pub mod users;

use sea_orm::DbErr;

use crate::fault::Fault;

/// What the admin operations can refuse. `api::error` maps each to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("no such binding")]
    BindingNotFound,
    /// The binding's provider has no refresh grant for websites (Weibo): renewed at a login.
    #[error("{0} tokens cannot be refreshed")]
    NotRefreshable(crate::oauth::ProviderKind),
    #[error("no such job")]
    JobNotFound,
    #[error("the job is not waiting for a retry")]
    JobNotRetryable,
    #[error("another live job has the same unique key")]
    JobConflict,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the reason is too long")]
    ReasonTooLong,
    #[error("the cursor is invalid or belongs to another sort")]
    InvalidCursor,
    #[error("the search term is too long")]
    QueryTooLong,
    #[error("no such user")]
    UserNotFound,
    /// A forced reset needs a verified email to send the link to.
    #[error("the account has no verified email")]
    NoVerifiedEmail,
    #[error(transparent)]
    Fault(#[from] Fault),
}

impl From<DbErr> for AdminError {
    fn from(e: DbErr) -> Self {
        Self::Fault(e.into())
    }
}

impl From<crate::jobs::JobError> for AdminError {
    fn from(e: crate::jobs::JobError) -> Self {
        use crate::jobs::JobError as E;
        match e {
            E::NotFound => Self::JobNotFound,
            E::Conflict => Self::JobConflict,
            other => Self::Fault(other.into()),
        }
    }
}

/// Longest reason kept in the audit log (characters).
pub const MAX_REASON_CHARS: usize = 500;

/// Why an admin did something: trimmed, non-empty, at most [`MAX_REASON_CHARS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub fn parse(text: Option<&str>) -> Result<Self, AdminError> {
        let text = text.map(str::trim).unwrap_or_default();
        if text.is_empty() {
            return Err(AdminError::ReasonRequired);
        }
        if text.chars().count() > MAX_REASON_CHARS {
            return Err(AdminError::ReasonTooLong);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_and_required() {
        assert_eq!(
            Reason::parse(Some("  spam account "))
                .map(|r| r.as_str().to_owned())
                .ok(),
            Some("spam account".to_owned())
        );
        assert!(matches!(
            Reason::parse(None),
            Err(AdminError::ReasonRequired)
        ));
        assert!(matches!(
            Reason::parse(Some(" \t")),
            Err(AdminError::ReasonRequired)
        ));
        let long = "很".repeat(MAX_REASON_CHARS + 1);
        assert!(matches!(
            Reason::parse(Some(&long)),
            Err(AdminError::ReasonTooLong)
        ));
    }
}

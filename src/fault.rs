//! What every feature's error carries besides its own refusals: the database away (503, the
//! client may retry) or a bug (500, logged). Each feature enum wraps it, so `?` works on `DbErr`.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum Fault {
    /// No database connection could be had in time (the database is down or restarting).
    #[error("the database is unavailable: {0}")]
    DatabaseUnavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Fault {
    pub fn internal(what: &str, cause: impl std::fmt::Display) -> Self {
        Self::Internal(format!("{what}: {cause}"))
    }
}

impl From<DbErr> for Fault {
    fn from(e: DbErr) -> Self {
        match e {
            // A pool that cannot hand out a connection, or a connection that broke: the database
            // is away (a restart, a failover), not a bug; the caller may retry shortly.
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                Self::DatabaseUnavailable(e.to_string())
            }
            e => Self::Internal(format!("database: {e}")),
        }
    }
}

impl From<crate::crypto::password::PasswordError> for Fault {
    fn from(e: crate::crypto::password::PasswordError) -> Self {
        Self::internal("password hashing", e)
    }
}

impl From<crate::crypto::token_cipher::CryptoError> for Fault {
    fn from(e: crate::crypto::token_cipher::CryptoError) -> Self {
        Self::internal("crypto", e)
    }
}

impl From<crate::jobs::JobError> for Fault {
    fn from(e: crate::jobs::JobError) -> Self {
        match e {
            crate::jobs::JobError::Db(e) => e.into(),
            e => Self::internal("job queue", e),
        }
    }
}

/// `From` the causes a [`Fault`] absorbs, for a feature error with a `Fault(Fault)` variant.
#[macro_export]
macro_rules! fault_from {
    ($error:ty) => {
        impl From<sea_orm::DbErr> for $error {
            fn from(e: sea_orm::DbErr) -> Self {
                Self::Fault(e.into())
            }
        }
        impl From<$crate::crypto::password::PasswordError> for $error {
            fn from(e: $crate::crypto::password::PasswordError) -> Self {
                Self::Fault(e.into())
            }
        }
        impl From<$crate::crypto::token_cipher::CryptoError> for $error {
            fn from(e: $crate::crypto::token_cipher::CryptoError) -> Self {
                Self::Fault(e.into())
            }
        }
        impl From<$crate::jobs::JobError> for $error {
            fn from(e: $crate::jobs::JobError) -> Self {
                Self::Fault(e.into())
            }
        }
    };
}

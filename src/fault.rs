//! What every feature's error carries besides its own refusals: the database away (503, the
//! client may retry) or a bug (500, logged). Each feature enum wraps it, so `?` works on `DbErr`.

use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr};

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
        if database_away(&e) {
            Self::DatabaseUnavailable(e.to_string())
        } else {
            Self::Internal(format!("database: {e}"))
        }
    }
}

/// Whether `e` says the database is away (a restart, a failover, a file gone), not that a
/// statement was wrong: then the caller may retry shortly. A pool that cannot hand out a
/// connection, a connection that could not be made, and a statement whose connection broke under
/// it (PostgreSQL stopped mid-query) all count.
fn database_away(e: &DbErr) -> bool {
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            connection_lost(e)
        }
        _ => false,
    }
}

fn connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| outage_code(&code)),
        _ => false,
    }
}

/// PostgreSQL: class 08 (connection exception) and 57P01–57P03 (the server shutting down or
/// starting). SQLite (numeric, extended codes keep the primary in the low byte): 10 `IOERR`
/// and 14 `CANTOPEN` (the file is unreadable or gone).
fn outage_code(code: &str) -> bool {
    if code.starts_with("08") || code.starts_with("57P") {
        return true;
    }
    code.parse::<i32>()
        .is_ok_and(|n| matches!(n & 0xff, 10 | 14))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_that_broke_mid_statement_is_the_database_away() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let broke = DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Io(io).into()));
        assert!(matches!(Fault::from(broke), Fault::DatabaseUnavailable(_)));
        let closed = DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::PoolClosed.into()));
        assert!(matches!(Fault::from(closed), Fault::DatabaseUnavailable(_)));
    }

    #[test]
    fn a_wrong_statement_is_a_bug_not_an_outage() {
        let wrong = DbErr::Query(RuntimeErr::Internal("no such column".into()));
        assert!(matches!(Fault::from(wrong), Fault::Internal(_)));
        let not_found = DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::RowNotFound.into()));
        assert!(matches!(Fault::from(not_found), Fault::Internal(_)));
    }

    // What the `database_outage` middleware used to guarantee by pinging after a 5xx, now said
    // by the error itself: a query on a database that is gone answers 503
    // `database_unavailable`, a failing query on a live one stays a 500.
    #[tokio::test]
    async fn a_query_while_the_database_is_gone_answers_database_unavailable() {
        use sea_orm::ConnectionTrait;
        let db = crate::db::connect("sqlite::memory:").await.expect("sqlite");
        db.close_by_ref().await.expect("close");
        let gone = db.execute_unprepared("SELECT 1").await.expect_err("closed");
        let fault = Fault::from(gone);
        assert!(matches!(fault, Fault::DatabaseUnavailable(_)), "{fault:?}");
        match crate::api::error::ApiError::from(fault) {
            crate::api::error::ApiError::Unavailable(body, _) => {
                assert_eq!(body.0.code, "database_unavailable")
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_failing_query_on_a_live_database_stays_an_internal_error() {
        use sea_orm::ConnectionTrait;
        let db = crate::db::connect("sqlite::memory:").await.expect("sqlite");
        let wrong = db
            .execute_unprepared("SELECT nothing FROM nowhere")
            .await
            .expect_err("no such table");
        let fault = Fault::from(wrong);
        assert!(matches!(fault, Fault::Internal(_)), "{fault:?}");
        assert!(matches!(
            crate::api::error::ApiError::from(fault),
            crate::api::error::ApiError::Internal(_)
        ));
    }

    #[test]
    fn outage_codes_are_connection_and_shutdown_classes_and_sqlite_io() {
        for code in ["08006", "08001", "57P01", "57P03", "10", "522", "14"] {
            assert!(outage_code(code), "{code}");
        }
        for code in ["23505", "57014", "42P01", "19", "2067", "5"] {
            assert!(!outage_code(code), "{code}");
        }
    }
}

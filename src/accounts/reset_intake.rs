//! Reset requests as they arrive over HTTP, group-committed (`group_commit`): the requests that
//! arrive together are written by [`password_reset::request_all`] in one transaction (one upsert
//! of all their rate-limit counters, one `INSERT` of their lookup jobs). Each request is
//! answered only once its batch has committed, so a 202 still means "counted and queued".

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::password_reset;
use crate::domain::Email;
use crate::fault::Fault;
use crate::group_commit::{BatchWrite, GroupCommit};
use crate::net::ClientAddr;

pub struct ResetIntake(GroupCommit<RequestWriter>);

impl ResetIntake {
    pub fn new(db: DatabaseConnection) -> Self {
        Self(GroupCommit::new(RequestWriter { db }))
    }

    /// Count the request and, within the limits, queue its lookup (see
    /// [`password_reset::request_all`]); returns once that has committed.
    pub async fn submit(&self, email: Email, client: &ClientAddr) -> Result<(), Fault> {
        self.0.submit((email, client.throttle_key())).await
    }
}

pub struct RequestWriter {
    db: DatabaseConnection,
}

impl BatchWrite for RequestWriter {
    /// The address, and the client's throttle key.
    type Request = (Email, String);
    type Outcome = ();

    async fn write_all(&self, requests: &[(Email, String)]) -> Result<Vec<()>, Fault> {
        password_reset::request_all(&self.db, requests, Utc::now()).await?;
        Ok(vec![(); requests.len()])
    }

    async fn write_one(&self, request: &(Email, String)) -> Result<(), Fault> {
        password_reset::request_all(&self.db, std::slice::from_ref(request), Utc::now()).await
    }
}

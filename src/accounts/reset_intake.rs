//! Reset requests as they arrive over HTTP, group-committed (`group_commit`): the requests that
//! arrive together are written by [`password_reset::request_all`] in one transaction (one upsert
//! of all their rate-limit counters, one `INSERT` of their lookup jobs). Each request is
//! answered only once its batch has committed, so a 202 still means "counted and queued".
//!
//! The lookups this process's dispatcher has free slots for are queued held for it and handed
//! over at commit (`actors::dispatcher::LocalJobs`): they start at once, without waiting for a
//! claim. Those beyond its free slots are queued for any process, as before.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::password_reset;
use crate::actors::dispatcher::LocalJobs;
use crate::domain::Email;
use crate::fault::Fault;
use crate::group_commit::{BatchWrite, GroupCommit};
use crate::net::ClientAddr;

pub struct ResetIntake(GroupCommit<RequestWriter>);

impl ResetIntake {
    /// `local`: the way to this process's dispatcher, to run the lookups it has room for.
    pub fn new(db: DatabaseConnection, local: LocalJobs) -> Self {
        Self(GroupCommit::new(RequestWriter { db, local }))
    }

    /// Count the request and, within the limits, queue its lookup (see
    /// [`password_reset::request_all`]); returns once that has committed.
    pub async fn submit(&self, email: Email, client: &ClientAddr) -> Result<(), Fault> {
        self.0.submit((email, client.throttle_key())).await
    }
}

pub struct RequestWriter {
    db: DatabaseConnection,
    local: LocalJobs,
}

impl RequestWriter {
    async fn write(&self, requests: &[(Email, String)]) -> Result<(), Fault> {
        // Given back if the transaction fails (dropped).
        let reservation = self.local.reserve(requests.len()).await;
        let held =
            password_reset::request_all(&self.db, requests, Utc::now(), reservation.room()).await?;
        reservation.hand_over(&self.db, held).await;
        Ok(())
    }
}

impl BatchWrite for RequestWriter {
    /// The address, and the client's throttle key.
    type Request = (Email, String);
    type Outcome = ();

    async fn write_all(&self, requests: &[(Email, String)]) -> Result<Vec<()>, Fault> {
        self.write(requests).await?;
        Ok(vec![(); requests.len()])
    }

    async fn write_one(&self, request: &(Email, String)) -> Result<(), Fault> {
        self.write(std::slice::from_ref(request)).await
    }
}

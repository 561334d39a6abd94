//! Reset requests as they arrive over HTTP, group-committed: the requests that arrive while
//! the previous batch is being written are written together ([`password_reset::request_all`]:
//! one upsert of all their rate-limit counters, one `INSERT` of their lookup jobs, one commit).
//! Each request is answered only once its batch has committed, so a 202 still means "counted
//! and queued". A batch that fails is written again request by request, so one bad request fails
//! only its own answer.
//!
//! A caller that goes away after handing its request over does not take it back: it is written
//! with its batch (the request was made; the same as a client that disconnects after the
//! commit).

use std::sync::OnceLock;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot};

use super::password_reset;
use crate::domain::Email;
use crate::fault::Fault;
use crate::net::ClientAddr;

/// Most requests written in one transaction.
const MAX_BATCH: usize = 128;

pub struct ResetIntake {
    db: DatabaseConnection,
    /// The way to the batch writer, started with the first request.
    queue: OnceLock<mpsc::UnboundedSender<Pending>>,
}

/// One request waiting for its batch: the address, the client's throttle key, and where its
/// outcome goes.
struct Pending {
    email: Email,
    client: String,
    done: oneshot::Sender<Result<(), Fault>>,
}

impl ResetIntake {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            queue: OnceLock::new(),
        }
    }

    /// Count the request and, within the limits, queue its lookup (see
    /// [`password_reset::request_all`]); returns once that has committed.
    pub async fn submit(&self, email: Email, client: &ClientAddr) -> Result<(), Fault> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_batches(self.db.clone(), rx));
            tx
        });
        let (done, outcome) = oneshot::channel();
        let pending = Pending {
            email,
            client: client.throttle_key(),
            done,
        };
        queue.send(pending).map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Fault {
    Fault::from(sea_orm::DbErr::Custom(
        "the reset request writer stopped".into(),
    ))
}

async fn write_batches(db: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let requests: Vec<(Email, String)> = batch
            .iter()
            .map(|p| (p.email.clone(), p.client.clone()))
            .collect();
        match password_reset::request_all(&db, &requests, Utc::now()).await {
            Ok(()) => {
                for pending in batch.drain(..) {
                    let _ = pending.done.send(Ok(()));
                }
            }
            Err(e) => {
                if let [_] = batch.as_slice() {
                    if let Some(pending) = batch.pop() {
                        let _ = pending.done.send(Err(e));
                    }
                    continue;
                }
                tracing::warn!(error = %e, requests = batch.len(), "batched reset requests failed; writing one by one");
                for pending in batch.drain(..) {
                    let one = [(pending.email, pending.client)];
                    let outcome = password_reset::request_all(&db, &one, Utc::now()).await;
                    let _ = pending.done.send(outcome);
                }
            }
        }
    }
}

//! Group commit: the requests that arrive while the previous batch is being written are written
//! together, in one transaction ([`BatchWrite::write_all`]), and each caller is answered on its
//! own once that batch has committed. A batch that fails is written again request by request
//! ([`BatchWrite::write_one`]), so one bad request fails only its own answer.
//!
//! Used by the reset requests from HTTP (`accounts::reset_intake`), the reset-link lookups
//! (`accounts::reset_requests`), and the token refreshers' leases and new tokens
//! (`accounts::qq_tokens::RefreshBatches`). A caller that goes away after handing its request over does not
//! take it back: it is written with its batch.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};

use crate::fault::Fault;

/// How one kind of request is written, together and alone.
pub trait BatchWrite: Send + Sync + 'static {
    type Request: Send + Sync + 'static;
    type Outcome: Send + 'static;

    /// All of `requests` in one transaction: their outcomes, in the same order; or the error,
    /// with nothing written.
    fn write_all(
        &self,
        requests: &[Self::Request],
    ) -> impl Future<Output = Result<Vec<Self::Outcome>, Fault>> + Send;

    /// One request on its own, after its batch failed.
    fn write_one(
        &self,
        request: &Self::Request,
    ) -> impl Future<Output = Result<Self::Outcome, Fault>> + Send;
}

/// Most requests written in one transaction.
const MAX_BATCH: usize = 128;

type Pending<W> = (
    <W as BatchWrite>::Request,
    oneshot::Sender<Result<<W as BatchWrite>::Outcome, Fault>>,
);

/// The way to one writer task, started with the first request.
pub struct GroupCommit<W: BatchWrite> {
    writer: Arc<W>,
    queue: OnceLock<mpsc::UnboundedSender<Pending<W>>>,
}

impl<W: BatchWrite> GroupCommit<W> {
    pub fn new(writer: W) -> Self {
        Self {
            writer: Arc::new(writer),
            queue: OnceLock::new(),
        }
    }

    /// Write `request` with whatever arrives with it; returns once its batch has committed.
    pub async fn submit(&self, request: W::Request) -> Result<W::Outcome, Fault> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_batches(self.writer.clone(), rx));
            tx
        });
        let (done, outcome) = oneshot::channel();
        queue.send((request, done)).map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Fault {
    Fault::from(sea_orm::DbErr::Custom(
        "a group commit writer stopped".into(),
    ))
}

async fn write_batches<W: BatchWrite>(
    writer: Arc<W>,
    mut queue: mpsc::UnboundedReceiver<Pending<W>>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (requests, answers): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        match writer.write_all(&requests).await {
            // (A writer that answered for fewer requests leaves the rest without an answer:
            // their callers get an error, never someone else's outcome.)
            Ok(outcomes) => {
                for (answer, outcome) in answers.into_iter().zip(outcomes) {
                    let _ = answer.send(Ok(outcome));
                }
            }
            Err(e) if requests.len() == 1 => {
                if let Some(answer) = answers.into_iter().next() {
                    let _ = answer.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, requests = requests.len(), "a batch failed; writing one by one");
                write_each(&*writer, requests, answers).await;
            }
        }
    }
}

async fn write_each<W: BatchWrite>(
    writer: &W,
    requests: Vec<W::Request>,
    answers: Vec<oneshot::Sender<Result<W::Outcome, Fault>>>,
) {
    for (request, answer) in requests.iter().zip(answers) {
        let _ = answer.send(writer.write_one(request).await);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Doubles numbers; a batch holding 13 fails, and 13 alone fails too.
    #[derive(Default)]
    struct Doubler {
        batches: Mutex<Vec<usize>>,
    }

    impl BatchWrite for Doubler {
        type Request = u32;
        type Outcome = u32;

        async fn write_all(&self, requests: &[u32]) -> Result<Vec<u32>, Fault> {
            self.batches.lock().map(|mut b| b.push(requests.len())).ok();
            if requests.contains(&13) {
                return Err(Fault::internal("unlucky", "13"));
            }
            Ok(requests.iter().map(|n| n * 2).collect())
        }

        async fn write_one(&self, request: &u32) -> Result<u32, Fault> {
            if *request == 13 {
                return Err(Fault::internal("unlucky", "13"));
            }
            Ok(request * 2)
        }
    }

    #[tokio::test]
    async fn requests_arriving_together_share_a_batch_and_a_failure_is_their_own() {
        let group = Arc::new(GroupCommit::new(Doubler::default()));
        let answers = futures_util::future::join_all((20..40u32).map(|n| group.submit(n))).await;
        for (n, answer) in (20..40u32).zip(answers) {
            assert_eq!(answer.expect("doubled"), n * 2);
        }
        let batches = group.writer.batches.lock().expect("batches").clone();
        assert_eq!(batches.iter().sum::<usize>(), 20);
        assert!(
            batches.len() < 20,
            "some requests shared a batch: {batches:?}"
        );

        let answers =
            futures_util::future::join_all([12u32, 13, 14].map(|n| group.submit(n))).await;
        assert_eq!(answers[0].as_ref().ok(), Some(&24));
        assert!(answers[1].is_err(), "13 fails alone");
        assert_eq!(answers[2].as_ref().ok(), Some(&28));
    }
}

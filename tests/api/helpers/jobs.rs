//! Waiting for the app's job queue instead of for each job's side effect.

use std::time::Duration;

use passport::entities::jobs;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};

use super::TestApp;

impl TestApp {
    /// Return once the app's workers ran every job that is due: none is available or retryable
    /// with its time come, and none is running. A job that enqueues another (a reset request
    /// its mail) enqueues it before it completes, so the follow-up is waited for too. Jobs
    /// scheduled for later (a retry's backoff) are not waited for; "due" reaches a second
    /// ahead, so a job the dispatcher puts back with `run_at = now` while this query is on its
    /// way (a reclaimed lease) still counts. Panics after 15 s.
    pub async fn drain_jobs(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let horizon = passport::jobs::now() + chrono::Duration::seconds(1);
            let due = Condition::any().add(jobs::Column::State.eq("running")).add(
                Condition::all()
                    .add(jobs::Column::State.is_in(["available", "retryable"]))
                    .add(jobs::Column::RunAt.lte(horizon)),
            );
            let pending = jobs::Entity::find()
                .filter(due)
                .count(&self.db)
                .await
                .expect("count due jobs");
            if pending == 0 {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{pending} due job(s) still not done after 15 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

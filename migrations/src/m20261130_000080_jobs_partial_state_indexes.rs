use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Index only the jobs each query looks for, so a job's state changes write fewer index
/// entries. `(state, run_at)`, `(state, lease_expires_at)` and `(state, finished_at)` held
/// every job, the finished bulk included, and every state change (queued → running →
/// completed) is an update of an indexed column: each wrote a new entry into all three, for
/// every job. Now:
///
/// - the claim reads `ix_jobs_claim` (the claimable jobs only, since 000072), so `(state,
///   run_at)` served nothing but the panel's counts;
/// - the reclaim of expired leases reads `ix_jobs_running_lease`, the running jobs only;
/// - the pruning of old finished jobs (completed ones after the retention, discarded ones by
///   the pruner) reads `ix_jobs_finished`, the jobs with a `finished_at` (set only when a job
///   completes or is discarded, cleared by a retry).
///
/// A job now writes one entry of these at its claim and one at its end, instead of three at
/// each of its three writes. The panel's counts by state read the whole table (they read most
/// of `(state, run_at)` before). The same SQL on SQLite and PostgreSQL; the queries repeat
/// each index's condition (or, for `finished_at IS NOT NULL`, compare `finished_at`), which
/// is what SQLite needs to use a partial index.
const UP: [&str; 5] = [
    "CREATE INDEX ix_jobs_running_lease ON jobs (lease_expires_at) WHERE state = 'running'",
    "CREATE INDEX ix_jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL",
    "DROP INDEX ix_jobs_state_run_at",
    "DROP INDEX ix_jobs_state_lease_expires_at",
    "DROP INDEX ix_jobs_state_finished_at",
];

const DOWN: [&str; 5] = [
    "CREATE INDEX ix_jobs_state_run_at ON jobs (state, run_at)",
    "CREATE INDEX ix_jobs_state_lease_expires_at ON jobs (state, lease_expires_at)",
    "CREATE INDEX ix_jobs_state_finished_at ON jobs (state, finished_at)",
    "DROP INDEX ix_jobs_running_lease",
    "DROP INDEX ix_jobs_finished",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::execute_all(manager, &UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::execute_all(manager, &DOWN).await
    }
}

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The claim's index: the live (claimable) jobs of a kind in claim order. `jobs::claim` reads
/// each kind's first `limit` jobs from it, so a claim costs the same with 10 or 10,000 jobs
/// queued (with only `(state, run_at)`, every claim sorted every due job). Partial, like
/// `ux_jobs_unique_key_live`: finished jobs, the bulk of the table, are not in it. The same SQL
/// on SQLite and PostgreSQL; the claim repeats the condition word for word, which is what
/// SQLite needs to use a partial index.
const CREATE: &str = "CREATE INDEX ix_jobs_claim ON jobs (kind, priority DESC, run_at, id) \
                      WHERE state IN ('available', 'retryable')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(CREATE).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_jobs_claim")
            .await?;
        Ok(())
    }
}

use crate::cols::time;
use sea_orm_migration::prelude::*;

/// Idempotency for side-effecting jobs: every job carries a key, and a worker records the key
/// here right after the side effect (a mail accepted by SMTP, an SMS handed to the gateway) and
/// before it acks the job. A job that comes back after a crash or a lost lease finds its key and
/// is completed without being performed again.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum JobDeliveries {
    Table,
    IdempotencyKey,
    JobId,
    Kind,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The same SQL on both backends; existing rows keep NULL (no key, no deduplication).
        db.execute_unprepared("ALTER TABLE jobs ADD COLUMN idempotency_key VARCHAR(128) NULL")
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobDeliveries::Table)
                    .col(
                        ColumnDef::new(JobDeliveries::IdempotencyKey)
                            .string_len(128)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(JobDeliveries::JobId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JobDeliveries::Kind)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(time(JobDeliveries::DeliveredAt))
                    .to_owned(),
            )
            .await?;
        // Pruning old delivery records and finished jobs.
        manager
            .create_index(
                Index::create()
                    .name("ix_job_deliveries_delivered_at")
                    .table(JobDeliveries::Table)
                    .col(JobDeliveries::DeliveredAt)
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_jobs_state_finished_at ON jobs (state, finished_at)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX ix_jobs_state_finished_at")
            .await?;
        manager
            .drop_table(Table::drop().table(JobDeliveries::Table).to_owned())
            .await?;
        db.execute_unprepared("ALTER TABLE jobs DROP COLUMN idempotency_key")
            .await?;
        Ok(())
    }
}

use crate::cols::{id, time, time_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Jobs {
    Table,
    Id,
    Queue,
    Kind,
    Payload,
    /// available, running, retryable, completed, discarded.
    State,
    Priority,
    Attempt,
    MaxAttempts,
    RunAt,
    LeaseOwner,
    LeaseExpiresAt,
    LastError,
    /// Optional: no two live jobs share one.
    UniqueKey,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

pub const STATES: [&str; 5] = [
    "available",
    "running",
    "retryable",
    "completed",
    "discarded",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(id(Jobs::Id))
                    .col(
                        ColumnDef::new(Jobs::Queue)
                            .string_len(32)
                            .not_null()
                            .default("default"),
                    )
                    .col(ColumnDef::new(Jobs::Kind).string_len(64).not_null())
                    .col(ColumnDef::new(Jobs::Payload).json_binary().not_null())
                    .col(
                        ColumnDef::new(Jobs::State)
                            .string_len(16)
                            .not_null()
                            .default("available")
                            .check(Expr::col(Jobs::State).is_in(STATES)),
                    )
                    .col(
                        ColumnDef::new(Jobs::Priority)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Jobs::Attempt)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Jobs::MaxAttempts)
                            .integer()
                            .not_null()
                            .default(20),
                    )
                    .col(time(Jobs::RunAt))
                    .col(ColumnDef::new(Jobs::LeaseOwner).string_len(128).null())
                    .col(time_null(Jobs::LeaseExpiresAt))
                    .col(ColumnDef::new(Jobs::LastError).text().null())
                    .col(ColumnDef::new(Jobs::UniqueKey).string_len(255).null())
                    .col(time(Jobs::CreatedAt))
                    .col(time(Jobs::UpdatedAt))
                    .col(time_null(Jobs::FinishedAt))
                    .to_owned(),
            )
            .await?;
        // Claiming: the next runnable jobs by state and run_at.
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_state_run_at")
                    .table(Jobs::Table)
                    .col(Jobs::State)
                    .col(Jobs::RunAt)
                    .to_owned(),
            )
            .await?;
        // Reclaiming running jobs whose worker died.
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_state_lease_expires_at")
                    .table(Jobs::Table)
                    .col(Jobs::State)
                    .col(Jobs::LeaseExpiresAt)
                    .to_owned(),
            )
            .await?;
        // A partial unique index: the same SQL on SQLite and PostgreSQL. Finished jobs keep their
        // key for the record without blocking a new live job with the same key.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_jobs_unique_key_live ON jobs (unique_key) \
                 WHERE unique_key IS NOT NULL AND state IN ('available', 'running', 'retryable')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}

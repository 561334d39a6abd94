use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The live links of each user (neither used nor voided), for the `UPDATE` that voids a user's
/// older links whenever a new one is issued (`accounts::links::void_live_all`: every batch of
/// reset lookups runs it). `(user_id, created_at)` serves it too, but only once the planner has
/// statistics: on a table never analysed (a new deployment, before autovacuum's first pass)
/// PostgreSQL chose a sequential scan of all the links for it, ≈ 1.7 ms a batch after 8,000
/// resets. A partial index whose condition is the query's own is chosen without statistics,
/// and it holds about one entry per user, not every link ever sent. The same SQL on SQLite,
/// which uses a partial index when the query repeats its condition, as this one does.
const UP: [&str; 2] = [
    "CREATE INDEX ix_password_resets_live ON password_resets (user_id) \
     WHERE used_at IS NULL AND voided_at IS NULL",
    "CREATE INDEX ix_email_verifications_live ON email_verifications (user_id) \
     WHERE used_at IS NULL AND voided_at IS NULL",
];

const DOWN: [&str; 2] = [
    "DROP INDEX ix_password_resets_live",
    "DROP INDEX ix_email_verifications_live",
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

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Fixed-window counters shared by every instance on the database: failed logins per account
/// and per client, SMS requests per mobile, reset requests per address.
#[derive(DeriveIden)]
pub enum RateLimits {
    Table,
    /// e.g. `login_fail:account:<hash>`; never a raw email or IP.
    Key,
    /// Unix seconds at which the window starts.
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(ColumnDef::new(RateLimits::Key).string_len(200).not_null())
                    .col(
                        ColumnDef::new(RateLimits::WindowStart)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RateLimits::Hits)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .primary_key(
                        Index::create()
                            .col(RateLimits::Key)
                            .col(RateLimits::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        // Pruning old windows.
        manager
            .create_index(
                Index::create()
                    .name("ix_rate_limits_window_start")
                    .table(RateLimits::Table)
                    .col(RateLimits::WindowStart)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimits::Table).to_owned())
            .await
    }
}

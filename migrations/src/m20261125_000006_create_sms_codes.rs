use crate::cols::{id, time, time_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SmsCodes {
    Table,
    Id,
    Mobile,
    /// Keyed hash of the 6 digits; the code itself is never stored.
    CodeHash,
    ExpiresAt,
    Attempts,
    ConsumedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SmsCodes::Table)
                    .col(id(SmsCodes::Id))
                    .col(ColumnDef::new(SmsCodes::Mobile).string_len(20).not_null())
                    .col(
                        ColumnDef::new(SmsCodes::CodeHash)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(time(SmsCodes::ExpiresAt))
                    .col(
                        ColumnDef::new(SmsCodes::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(time_null(SmsCodes::ConsumedAt))
                    .col(time(SmsCodes::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The latest code of a mobile, and the once-per-60-s check.
        manager
            .create_index(
                Index::create()
                    .name("ix_sms_codes_mobile_created_at")
                    .table(SmsCodes::Table)
                    .col(SmsCodes::Mobile)
                    .col(SmsCodes::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SmsCodes::Table).to_owned())
            .await
    }
}

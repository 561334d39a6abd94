use sea_orm_migration::prelude::*;

use crate::cols;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// QQ login callbacks, kept for 30 seconds so a retried callback (a proxy retrying it on another
/// instance after the first died) gets the same outcome instead of `state_used`. Holds who the
/// login ended as, never a credential: the retry is answered with a freshly minted one.
#[derive(DeriveIden)]
pub enum QqCallbackReplays {
    Table,
    /// HMAC-SHA256 (hex) of the state's nonce, as in `used_login_states`.
    NonceHash,
    /// HMAC-SHA256 (hex) of the state's nonce and the code it came with.
    CodeHash,
    /// Set when the login ended logged in.
    UserId,
    /// Set when the login ended with a pending identity to bind.
    PendingId,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QqCallbackReplays::Table)
                    .col(
                        ColumnDef::new(QqCallbackReplays::NonceHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(QqCallbackReplays::CodeHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(QqCallbackReplays::UserId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(QqCallbackReplays::PendingId)
                            .string_len(64)
                            .null(),
                    )
                    .col(cols::time(QqCallbackReplays::CreatedAt))
                    .col(cols::time(QqCallbackReplays::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_callback_replays_expires_at")
                    .table(QqCallbackReplays::Table)
                    .col(QqCallbackReplays::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QqCallbackReplays::Table).to_owned())
            .await
    }
}

use sea_orm_migration::prelude::*;

use crate::cols;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// QQ login `state`s already presented at the callback, so each is accepted once. Keyed hashes
/// of the state's nonce, kept until the state would have expired anyway.
#[derive(DeriveIden)]
pub enum UsedLoginStates {
    Table,
    /// HMAC-SHA256 (hex) of the state's nonce.
    NonceHash,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UsedLoginStates::Table)
                    .col(
                        ColumnDef::new(UsedLoginStates::NonceHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(cols::time(UsedLoginStates::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        // Pruning by expiry.
        manager
            .create_index(
                Index::create()
                    .name("ix_used_login_states_expires_at")
                    .table(UsedLoginStates::Table)
                    .col(UsedLoginStates::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UsedLoginStates::Table).to_owned())
            .await
    }
}

use crate::cols::{time, time_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A QQ identity that signed in but is not bound yet. The bind ticket names one row; bind and
/// register consume it exactly once. The QQ tokens stay here, encrypted, never in the browser.
#[derive(DeriveIden)]
pub enum PendingQqIdentities {
    Table,
    /// Random, unguessable (the ticket is signed too).
    Id,
    Openid,
    Unionid,
    QqNickname,
    QqAvatar,
    AccessTokenEnc,
    RefreshTokenEnc,
    TokenExpiresAt,
    ExpiresAt,
    ConsumedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PendingQqIdentities::Table)
                    .col(
                        ColumnDef::new(PendingQqIdentities::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PendingQqIdentities::Openid)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingQqIdentities::Unionid)
                            .string_len(64)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(PendingQqIdentities::QqNickname)
                            .string_len(128)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(PendingQqIdentities::QqAvatar)
                            .string_len(512)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(PendingQqIdentities::AccessTokenEnc)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingQqIdentities::RefreshTokenEnc)
                            .text()
                            .null(),
                    )
                    .col(time(PendingQqIdentities::TokenExpiresAt))
                    .col(time(PendingQqIdentities::ExpiresAt))
                    .col(time_null(PendingQqIdentities::ConsumedAt))
                    .col(time(PendingQqIdentities::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // Pruning expired rows.
        manager
            .create_index(
                Index::create()
                    .name("ix_pending_qq_identities_expires_at")
                    .table(PendingQqIdentities::Table)
                    .col(PendingQqIdentities::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PendingQqIdentities::Table).to_owned())
            .await
    }
}

use crate::cols::{id, time, time_null};
use crate::m20261125_000001_create_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum PasswordResets {
    Table,
    Id,
    UserId,
    /// SHA-256 of the link's nonce, hex; the nonce itself is never stored.
    NonceHash,
    ExpiresAt,
    UsedAt,
    /// Set when a newer link for the same user voids this one.
    VoidedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(id(PasswordResets::Id))
                    .col(
                        ColumnDef::new(PasswordResets::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordResets::NonceHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(time(PasswordResets::ExpiresAt))
                    .col(time_null(PasswordResets::UsedAt))
                    .col(time_null(PasswordResets::VoidedAt))
                    .col(time(PasswordResets::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_password_resets_user")
                            .from(PasswordResets::Table, PasswordResets::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_password_resets_user_id")
                    .table(PasswordResets::Table)
                    .col(PasswordResets::UserId)
                    .col(PasswordResets::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await
    }
}

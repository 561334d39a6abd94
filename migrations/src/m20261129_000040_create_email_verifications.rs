use crate::cols::{id, time, time_null};
use crate::m20261125_000001_create_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per email verification link, as `password_resets` for reset links: the link carries
/// a nonce whose keyed hash is stored here, so a link is good only while its row is the user's
/// newest, unused and unexpired one.
#[derive(DeriveIden)]
pub enum EmailVerifications {
    Table,
    Id,
    UserId,
    /// The address the link verifies (normalised).
    Email,
    /// Keyed hash of the link's nonce, hex; the nonce itself is never stored.
    NonceHash,
    ExpiresAt,
    UsedAt,
    /// Set when a newer request of the same user voids this link.
    VoidedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EmailVerifications::Table)
                    .col(id(EmailVerifications::Id))
                    .col(
                        ColumnDef::new(EmailVerifications::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EmailVerifications::Email)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EmailVerifications::NonceHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(time(EmailVerifications::ExpiresAt))
                    .col(time_null(EmailVerifications::UsedAt))
                    .col(time_null(EmailVerifications::VoidedAt))
                    .col(time(EmailVerifications::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_verifications_user")
                            .from(EmailVerifications::Table, EmailVerifications::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_email_verifications_user_id")
                    .table(EmailVerifications::Table)
                    .col(EmailVerifications::UserId)
                    .col(EmailVerifications::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailVerifications::Table).to_owned())
            .await
    }
}

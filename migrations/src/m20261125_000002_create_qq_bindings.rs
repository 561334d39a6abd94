use crate::cols::{id, time, time_null};
use crate::m20261125_000001_create_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum QqBindings {
    Table,
    Id,
    /// Unique: one QQ binding per user.
    UserId,
    /// Unique and case-sensitive on both backends (SQLite BINARY collation, PostgreSQL text).
    Openid,
    /// Unique when present (NULLs never collide).
    Unionid,
    QqNickname,
    QqAvatar,
    /// AES-256-GCM under PASSPORT_TOKEN_KEY, base64(nonce || ciphertext+tag).
    AccessTokenEnc,
    RefreshTokenEnc,
    TokenExpiresAt,
    /// Compare-and-swap counter for token rotation: a second concurrent refresh never clobbers
    /// the first.
    TokenVersion,
    /// `ok` or `refresh_failed`.
    RefreshStatus,
    RefreshError,
    LastRefreshedAt,
    BoundAt,
    LastLoginAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QqBindings::Table)
                    .col(id(QqBindings::Id))
                    .col(
                        ColumnDef::new(QqBindings::UserId)
                            .big_integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(QqBindings::Openid)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(QqBindings::Unionid)
                            .string_len(64)
                            .null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(QqBindings::QqNickname)
                            .string_len(128)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(QqBindings::QqAvatar)
                            .string_len(512)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(QqBindings::AccessTokenEnc).text().not_null())
                    .col(ColumnDef::new(QqBindings::RefreshTokenEnc).text().null())
                    .col(time(QqBindings::TokenExpiresAt))
                    .col(
                        ColumnDef::new(QqBindings::TokenVersion)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(QqBindings::RefreshStatus)
                            .string_len(32)
                            .not_null()
                            .default("ok")
                            .check(
                                Expr::col(QqBindings::RefreshStatus)
                                    .is_in(["ok", "refresh_failed"]),
                            ),
                    )
                    .col(ColumnDef::new(QqBindings::RefreshError).text().null())
                    .col(time_null(QqBindings::LastRefreshedAt))
                    .col(time(QqBindings::BoundAt))
                    .col(time_null(QqBindings::LastLoginAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_qq_bindings_user")
                            .from(QqBindings::Table, QqBindings::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The refresher's scan: bindings due for refresh, O(due) not O(all).
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_bindings_token_expires_at")
                    .table(QqBindings::Table)
                    .col(QqBindings::TokenExpiresAt)
                    .to_owned(),
            )
            .await?;
        // The admin list: sort by bound date, filter by status, search by nickname prefix.
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_bindings_bound_at")
                    .table(QqBindings::Table)
                    .col(QqBindings::BoundAt)
                    .col(QqBindings::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_bindings_refresh_status")
                    .table(QqBindings::Table)
                    .col(QqBindings::RefreshStatus)
                    .col(QqBindings::TokenExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_bindings_qq_nickname")
                    .table(QqBindings::Table)
                    .col(QqBindings::QqNickname)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QqBindings::Table).to_owned())
            .await
    }
}

//! The admin panel (issue #7): a token history per QQ binding, and indexes that let the bindings
//! list sort and page by keyset on every offered sort key.
use crate::cols::{id, time};
use crate::m20261125_000002_create_qq_bindings::QqBindings;
use sea_orm_migration::prelude::*;

pub struct Migration;

/// The name recorded in `seaql_migrations` when this migration shipped as
/// `m20261125_000030_admin_panel.rs` (it shared number 000030 with the refresh-lease migration).
/// The file is renumbered; the recorded name must not change, or every database that already ran
/// it would report it missing and refuse to migrate.
impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000030_admin_panel"
    }
}

/// What happened to a binding's QQ tokens: `bound` (binding created), `login` (a QQ login stored
/// fresh tokens), `refresh`, `refresh_failed`. Kept after an unbind (no foreign key), so the daily
/// statistics do not change when a binding goes away. Never holds a token.
#[derive(DeriveIden)]
pub enum QqTokenEvents {
    Table,
    Id,
    BindingId,
    Kind,
    At,
    Detail,
}

pub const EVENT_KINDS: [&str; 4] = ["bound", "login", "refresh", "refresh_failed"];

/// `(COALESCE(last_login_at, bound_at), id)`: the "last QQ login" sort (a binding is made right
/// after a QQ login, so its bound time is its first login).
const LAST_SEEN_INDEX: &str = "CREATE INDEX ix_qq_bindings_last_seen \
     ON qq_bindings ((COALESCE(last_login_at, bound_at)), id)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QqTokenEvents::Table)
                    .col(id(QqTokenEvents::Id))
                    .col(
                        ColumnDef::new(QqTokenEvents::BindingId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(QqTokenEvents::Kind)
                            .string_len(32)
                            .not_null()
                            .check(Expr::col(QqTokenEvents::Kind).is_in(EVENT_KINDS)),
                    )
                    .col(time(QqTokenEvents::At))
                    .col(ColumnDef::new(QqTokenEvents::Detail).text().null())
                    .to_owned(),
            )
            .await?;
        // The drawer: one binding's history, newest first.
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_token_events_binding")
                    .table(QqTokenEvents::Table)
                    .col(QqTokenEvents::BindingId)
                    .col(QqTokenEvents::At)
                    .to_owned(),
            )
            .await?;
        // The dashboard: logins and new bindings per day over a window.
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_token_events_kind_at")
                    .table(QqTokenEvents::Table)
                    .col(QqTokenEvents::Kind)
                    .col(QqTokenEvents::At)
                    .to_owned(),
            )
            .await?;
        // Keyset sorts need (key, id); these replace the single-column indexes they extend.
        manager
            .drop_index(
                Index::drop()
                    .name("ix_qq_bindings_token_expires_at")
                    .table(QqBindings::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_bindings_token_expires_at_id")
                    .table(QqBindings::Table)
                    .col(QqBindings::TokenExpiresAt)
                    .col(QqBindings::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_qq_bindings_qq_nickname")
                    .table(QqBindings::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_qq_bindings_qq_nickname_id")
                    .table(QqBindings::Table)
                    .col(QqBindings::QqNickname)
                    .col(QqBindings::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(LAST_SEEN_INDEX)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_qq_bindings_last_seen")
            .await?;
        for (old, new, col) in [
            (
                "ix_qq_bindings_qq_nickname",
                "ix_qq_bindings_qq_nickname_id",
                QqBindings::QqNickname,
            ),
            (
                "ix_qq_bindings_token_expires_at",
                "ix_qq_bindings_token_expires_at_id",
                QqBindings::TokenExpiresAt,
            ),
        ] {
            manager
                .drop_index(Index::drop().name(new).table(QqBindings::Table).to_owned())
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(old)
                        .table(QqBindings::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(QqTokenEvents::Table).to_owned())
            .await
    }
}

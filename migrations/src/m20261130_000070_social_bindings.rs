//! Social sign-in beside QQ (issue #15): one bindings table for every provider.
//!
//! - `qq_bindings` becomes `social_bindings`: every row keeps its id (token history and audit
//!   entries name bindings by id), gains `provider = 'qq'`, and `openid`, `qq_nickname`,
//!   `qq_avatar` become `subject`, `nickname`, `avatar`. Uniqueness moves from the columns to the
//!   provider: `(provider, subject)`, `(provider, unionid)` where present, and one binding per
//!   provider per user (a user may bind QQ and WeChat both).
//! - `qq_token_events` becomes `binding_token_events` with a `provider` column, so the daily
//!   statistics count per provider even after an unbind (events outlive their binding).
//! - `pending_qq_identities` becomes `pending_identities` with a `provider` column.
//! - `qq_callback_replays` becomes `callback_replays`.
//!
//! Down restores the QQ-only tables from the QQ rows. WeChat and Weibo bindings, their pending
//! identities and their token history cannot be represented there and are dropped.
use crate::cols::{id, time, time_null};
use crate::m20261125_000001_create_users::Users;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Providers a binding may belong to.
pub const PROVIDERS: [&str; 3] = ["qq", "wechat", "weibo"];

#[derive(DeriveIden)]
pub enum SocialBindings {
    Table,
    Id,
    UserId,
    /// `qq`, `wechat` or `weibo`.
    Provider,
    /// The person under our app: QQ/WeChat openid, Weibo uid. Case-sensitive.
    Subject,
    /// The person under the developer account (QQ, WeChat), when known.
    Unionid,
    Nickname,
    Avatar,
    /// AES-256-GCM under PASSPORT_TOKEN_KEY, base64(nonce || ciphertext+tag).
    AccessTokenEnc,
    /// `NULL` where the provider has no refresh grant (Weibo).
    RefreshTokenEnc,
    TokenExpiresAt,
    TokenVersion,
    RefreshStatus,
    RefreshError,
    LastRefreshedAt,
    BoundAt,
    LastLoginAt,
    RefreshLeaseUntil,
    ProfileFetchedAt,
    RefreshSentVersion,
}

/// The columns both tables share, in the order the copies list them: (new name, old name).
const COPIED: [(&str, &str); 18] = [
    ("id", "id"),
    ("user_id", "user_id"),
    ("subject", "openid"),
    ("unionid", "unionid"),
    ("nickname", "qq_nickname"),
    ("avatar", "qq_avatar"),
    ("access_token_enc", "access_token_enc"),
    ("refresh_token_enc", "refresh_token_enc"),
    ("token_expires_at", "token_expires_at"),
    ("token_version", "token_version"),
    ("refresh_status", "refresh_status"),
    ("refresh_error", "refresh_error"),
    ("last_refreshed_at", "last_refreshed_at"),
    ("bound_at", "bound_at"),
    ("last_login_at", "last_login_at"),
    ("refresh_lease_until", "refresh_lease_until"),
    ("profile_fetched_at", "profile_fetched_at"),
    ("refresh_sent_version", "refresh_sent_version"),
];

/// `(new columns, old columns)`, comma-separated, in the same order.
fn column_lists() -> (String, String) {
    let (new, old): (Vec<&str>, Vec<&str>) = COPIED.iter().copied().unzip();
    (new.join(", "), old.join(", "))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        create_social_bindings(manager).await?;
        let (new, old) = column_lists();
        db.execute_unprepared(&format!(
            "INSERT INTO social_bindings (provider, {new}) SELECT 'qq', {old} FROM qq_bindings"
        ))
        .await?;
        fix_sequence(manager, "social_bindings").await?;
        db.execute_unprepared("DROP TABLE qq_bindings").await?;
        create_binding_indexes(manager).await?;

        // Token history: renamed, and told which provider each event belongs to.
        db.execute_unprepared("ALTER TABLE qq_token_events RENAME TO binding_token_events")
            .await?;
        db.execute_unprepared(
            "ALTER TABLE binding_token_events \
             ADD COLUMN provider varchar(16) NOT NULL DEFAULT 'qq'",
        )
        .await?;
        rename_index(
            manager,
            "ix_qq_token_events_binding",
            "ix_binding_token_events_binding",
            "binding_token_events (binding_id, at)",
        )
        .await?;
        rename_index(
            manager,
            "ix_qq_token_events_kind_at",
            "ix_binding_token_events_kind_at",
            "binding_token_events (kind, at)",
        )
        .await?;

        // Pending identities: renamed, the provider added, the QQ-named columns renamed.
        db.execute_unprepared("ALTER TABLE pending_qq_identities RENAME TO pending_identities")
            .await?;
        for (old, new) in [
            ("openid", "subject"),
            ("qq_nickname", "nickname"),
            ("qq_avatar", "avatar"),
        ] {
            db.execute_unprepared(&format!(
                "ALTER TABLE pending_identities RENAME COLUMN {old} TO {new}"
            ))
            .await?;
        }
        db.execute_unprepared(
            "ALTER TABLE pending_identities \
             ADD COLUMN provider varchar(16) NOT NULL DEFAULT 'qq'",
        )
        .await?;
        rename_index(
            manager,
            "ix_pending_qq_identities_expires_at",
            "ix_pending_identities_expires_at",
            "pending_identities (expires_at)",
        )
        .await?;

        db.execute_unprepared("ALTER TABLE qq_callback_replays RENAME TO callback_replays")
            .await?;
        rename_index(
            manager,
            "ix_qq_callback_replays_expires_at",
            "ix_callback_replays_expires_at",
            "callback_replays (expires_at)",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();

        db.execute_unprepared("ALTER TABLE callback_replays RENAME TO qq_callback_replays")
            .await?;
        rename_index(
            manager,
            "ix_callback_replays_expires_at",
            "ix_qq_callback_replays_expires_at",
            "qq_callback_replays (expires_at)",
        )
        .await?;

        db.execute_unprepared("DELETE FROM pending_identities WHERE provider <> 'qq'")
            .await?;
        db.execute_unprepared("ALTER TABLE pending_identities DROP COLUMN provider")
            .await?;
        for (old, new) in [
            ("openid", "subject"),
            ("qq_nickname", "nickname"),
            ("qq_avatar", "avatar"),
        ] {
            db.execute_unprepared(&format!(
                "ALTER TABLE pending_identities RENAME COLUMN {new} TO {old}"
            ))
            .await?;
        }
        db.execute_unprepared("ALTER TABLE pending_identities RENAME TO pending_qq_identities")
            .await?;
        rename_index(
            manager,
            "ix_pending_identities_expires_at",
            "ix_pending_qq_identities_expires_at",
            "pending_qq_identities (expires_at)",
        )
        .await?;

        db.execute_unprepared("DELETE FROM binding_token_events WHERE provider <> 'qq'")
            .await?;
        db.execute_unprepared("ALTER TABLE binding_token_events DROP COLUMN provider")
            .await?;
        db.execute_unprepared("ALTER TABLE binding_token_events RENAME TO qq_token_events")
            .await?;
        rename_index(
            manager,
            "ix_binding_token_events_binding",
            "ix_qq_token_events_binding",
            "qq_token_events (binding_id, at)",
        )
        .await?;
        rename_index(
            manager,
            "ix_binding_token_events_kind_at",
            "ix_qq_token_events_kind_at",
            "qq_token_events (kind, at)",
        )
        .await?;

        // The QQ bindings table as migrations 000002 … 000062 left it, with the QQ rows.
        recreate_qq_bindings(manager).await?;
        let (new, old) = column_lists();
        db.execute_unprepared(&format!(
            "INSERT INTO qq_bindings ({old}) SELECT {new} FROM social_bindings \
             WHERE provider = 'qq'"
        ))
        .await?;
        fix_sequence(manager, "qq_bindings").await?;
        db.execute_unprepared("DROP TABLE social_bindings").await?;
        Ok(())
    }
}

async fn create_social_bindings(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use SocialBindings as B;
    manager
        .create_table(
            Table::create()
                .table(B::Table)
                .col(id(B::Id))
                .col(ColumnDef::new(B::UserId).big_integer().not_null())
                .col(
                    ColumnDef::new(B::Provider)
                        .string_len(16)
                        .not_null()
                        .check(Expr::col(B::Provider).is_in(PROVIDERS)),
                )
                .col(ColumnDef::new(B::Subject).string_len(64).not_null())
                .col(ColumnDef::new(B::Unionid).string_len(64).null())
                .col(
                    ColumnDef::new(B::Nickname)
                        .string_len(128)
                        .not_null()
                        .default(""),
                )
                .col(
                    ColumnDef::new(B::Avatar)
                        .string_len(512)
                        .not_null()
                        .default(""),
                )
                .col(ColumnDef::new(B::AccessTokenEnc).text().not_null())
                .col(ColumnDef::new(B::RefreshTokenEnc).text().null())
                .col(time(B::TokenExpiresAt))
                .col(
                    ColumnDef::new(B::TokenVersion)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(B::RefreshStatus)
                        .string_len(32)
                        .not_null()
                        .default("ok")
                        .check(Expr::col(B::RefreshStatus).is_in(["ok", "refresh_failed"])),
                )
                .col(ColumnDef::new(B::RefreshError).text().null())
                .col(time_null(B::LastRefreshedAt))
                .col(time(B::BoundAt))
                .col(time_null(B::LastLoginAt))
                .col(time_null(B::RefreshLeaseUntil))
                .col(time_null(B::ProfileFetchedAt))
                .col(ColumnDef::new(B::RefreshSentVersion).big_integer().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_social_bindings_user")
                        .from(B::Table, B::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
}

async fn create_binding_indexes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use SocialBindings as B;
    let unique: [(&str, [B; 2]); 3] = [
        // One person at one provider is one binding.
        (
            "ux_social_bindings_provider_subject",
            [B::Provider, B::Subject],
        ),
        // The same person from another app of the developer (NULLs never collide).
        (
            "ux_social_bindings_provider_unionid",
            [B::Provider, B::Unionid],
        ),
        // One binding per provider per user.
        ("ux_social_bindings_user_provider", [B::UserId, B::Provider]),
    ];
    for (name, [a, b]) in unique {
        manager
            .create_index(
                Index::create()
                    .name(name)
                    .table(B::Table)
                    .col(a)
                    .col(b)
                    .unique()
                    .to_owned(),
            )
            .await?;
    }
    // The refresher's scan, the admin list's sorts and filters (keyset on every sort key).
    let plain: [(&str, Vec<B>); 5] = [
        ("ix_social_bindings_bound_at", vec![B::BoundAt, B::Id]),
        (
            "ix_social_bindings_refresh_status",
            vec![B::RefreshStatus, B::TokenExpiresAt],
        ),
        (
            "ix_social_bindings_token_expires_at_id",
            vec![B::TokenExpiresAt, B::Id],
        ),
        ("ix_social_bindings_nickname_id", vec![B::Nickname, B::Id]),
        (
            "ix_social_bindings_provider_bound_at",
            vec![B::Provider, B::BoundAt, B::Id],
        ),
    ];
    for (name, cols) in plain {
        let mut index = Index::create();
        index.name(name).table(B::Table);
        for col in cols {
            index.col(col);
        }
        manager.create_index(index.to_owned()).await?;
    }
    manager
        .get_connection()
        .execute_unprepared(
            "CREATE INDEX ix_social_bindings_last_seen \
             ON social_bindings ((COALESCE(last_login_at, bound_at)), id)",
        )
        .await?;
    Ok(())
}

/// The QQ table as it stood before this migration (000002, 000030, 000031, 000061, 000062).
async fn recreate_qq_bindings(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let (id_type, time_type) = match manager.get_database_backend() {
        DatabaseBackend::Postgres => ("bigserial NOT NULL PRIMARY KEY", "timestamp with time zone"),
        _ => (
            "integer NOT NULL PRIMARY KEY AUTOINCREMENT",
            "timestamp_with_timezone_text",
        ),
    };
    db.execute_unprepared(&format!(
        "CREATE TABLE qq_bindings ( \
         id {id_type}, \
         user_id bigint NOT NULL UNIQUE, \
         openid varchar(64) NOT NULL UNIQUE, \
         unionid varchar(64) NULL UNIQUE, \
         qq_nickname varchar(128) NOT NULL DEFAULT '', \
         qq_avatar varchar(512) NOT NULL DEFAULT '', \
         access_token_enc text NOT NULL, \
         refresh_token_enc text NULL, \
         token_expires_at {time_type} NOT NULL, \
         token_version bigint NOT NULL DEFAULT 0, \
         refresh_status varchar(32) NOT NULL DEFAULT 'ok' \
           CHECK (refresh_status IN ('ok', 'refresh_failed')), \
         refresh_error text NULL, \
         last_refreshed_at {time_type} NULL, \
         bound_at {time_type} NOT NULL, \
         last_login_at {time_type} NULL, \
         refresh_lease_until {time_type} NULL, \
         profile_fetched_at {time_type} NULL, \
         refresh_sent_version bigint NULL, \
         CONSTRAINT fk_qq_bindings_user FOREIGN KEY (user_id) REFERENCES users (id) \
           ON DELETE CASCADE )"
    ))
    .await?;
    for statement in [
        "CREATE INDEX ix_qq_bindings_bound_at ON qq_bindings (bound_at, id)",
        "CREATE INDEX ix_qq_bindings_refresh_status ON qq_bindings (refresh_status, token_expires_at)",
        "CREATE INDEX ix_qq_bindings_token_expires_at_id ON qq_bindings (token_expires_at, id)",
        "CREATE INDEX ix_qq_bindings_qq_nickname_id ON qq_bindings (qq_nickname, id)",
        "CREATE INDEX ix_qq_bindings_last_seen ON qq_bindings ((COALESCE(last_login_at, bound_at)), id)",
    ] {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// After copying rows with their ids, PostgreSQL's sequence must continue after the largest
/// (SQLite's AUTOINCREMENT already does: an explicit id above it moves `sqlite_sequence`).
async fn fix_sequence(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    manager
        .get_connection()
        .execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .await?;
    Ok(())
}

/// SQLite cannot rename an index: drop and create it (same columns, new name) on both backends.
async fn rename_index(
    manager: &SchemaManager<'_>,
    old: &str,
    new: &str,
    on: &str,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared(&format!("DROP INDEX {old}")).await?;
    db.execute_unprepared(&format!("CREATE INDEX {new} ON {on}"))
        .await?;
    Ok(())
}

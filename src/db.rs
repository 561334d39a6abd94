//! Database connections and migrations, the same code for SQLite and PostgreSQL.

use std::path::PathBuf;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// How long a request may wait for a pooled connection before it fails (and `/readyz` reports
/// the database as unreachable).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled connection idle this long is pinged before it is handed out (see [`connect`]).
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(10);

/// Open a pool for `url`. For an SQLite file URL the parent directory is created first, so the
/// embedded default (`sqlite://var/passport.db?mode=rwc`) works on a fresh checkout.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(without_loopback_tls(url));
    options
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_timeout(ACQUIRE_TIMEOUT)
        // Not a ping on every checkout (sea-orm's default): that was one more round trip per
        // statement outside a transaction and per transaction (on SQLite a hop to the
        // connection's thread and back, on PostgreSQL a network round trip). Only a connection
        // idle long enough to have been dropped (a restarted server, a proxy) is pinged.
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .sqlx_logging(false);
    if let Some(path) = sqlite_file_path(url) {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
        }
        // One connection writes: SQLite has a single writer anyway, and one writing connection
        // means no SQLITE_BUSY between our own transactions (so no `BEGIN IMMEDIATE` is needed:
        // no other connection of ours can hold a read snapshot and then try to upgrade it).
        // Hot reads that need no transaction go to `reader`'s read-only connections instead. WAL keeps readers of other processes
        // (backups, `sqlite3` in a shell) out of the writer's way. `synchronous=NORMAL` (the
        // usual setting with WAL) fsyncs at checkpoints instead of at every commit: a commit is
        // a write into the WAL, ten times cheaper; the database can never be corrupted by a
        // crash, but a power loss (not a process crash) may forget the last commits.
        options.max_connections(1).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    } else {
        options.max_connections(16).min_connections(1);
    }
    Database::connect(options).await
}

/// A PostgreSQL URL for this machine (`localhost`, `127.0.0.1`, `[::1]`) without an `sslmode`
/// gets `sslmode=disable`: sqlx's default (`prefer`) would encrypt every statement on the
/// loopback, which protects nothing and cost ≈ 5 % of a login's CPU. Any other URL is left as
/// it is (a remote server keeps `prefer`, or whatever the URL asks for).
pub fn without_loopback_tls(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    let postgres = matches!(parsed.scheme(), "postgres" | "postgresql");
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    let chosen = parsed.query_pairs().any(|(k, _)| k == "sslmode");
    if !postgres || !loopback || chosen {
        return url.to_owned();
    }
    let mut local = parsed;
    local.query_pairs_mut().append_pair("sslmode", "disable");
    local.to_string()
}

/// Read-only connections for SQLite files, beside the single writer of [`connect`]. In WAL mode
/// they read the last committed snapshot while the writer writes, so the login's lookup never
/// queues behind another login's transaction. They are opened read-only, so they can never take
/// the write lock. Lazily opened (this is called from synchronous start-up code). For
/// PostgreSQL and in-memory SQLite (where another connection would be another database) the
/// writer's pool itself.
pub fn reader(url: &str, writer: &DatabaseConnection) -> DatabaseConnection {
    if sqlite_file_path(url).is_none() {
        return writer.clone();
    }
    let Ok(options) = url.parse::<sea_orm::sqlx::sqlite::SqliteConnectOptions>() else {
        return writer.clone();
    };
    let options = options
        .create_if_missing(false)
        .read_only(true)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(READERS)
        // A local file: nothing can drop the connection, so no ping on checkout.
        .test_before_acquire(false)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_lazy_with(options);
    sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)
}

/// Read connections on SQLite: as many as the cores that could use them, a few more for the
/// time a read waits on the disk.
const READERS: u32 = 4;

/// The file behind an SQLite URL (`sqlite://var/x.db?mode=rwc`, `sqlite:x.db`), or `None` for
/// PostgreSQL and in-memory databases.
pub fn sqlite_file_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || path.starts_with("file::memory:") {
        return None;
    }
    Some(PathBuf::from(path))
}

pub async fn migrate_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Roll back `steps` migrations (all of them with `None`).
pub async fn migrate_down(db: &DatabaseConnection, steps: Option<u32>) -> Result<(), DbErr> {
    Migrator::down(db, steps).await
}

/// Names of the applied migrations, oldest first.
pub async fn applied_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_applied_migrations(db)
        .await?
        .into_iter()
        .map(|m| m.name().to_string())
        .collect())
}

/// Names of the migrations not applied yet.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_pending_migrations(db)
        .await?
        .into_iter()
        .map(|m| m.name().to_string())
        .collect())
}

/// Readiness: the pool hands out a connection that answers, and (SQLite) the file we opened is
/// still where it was: a database file moved or deleted under a running server loses every write
/// from then on, which is as unready as an unreachable PostgreSQL.
pub async fn check_ready(db: &DatabaseConnection, url: &str) -> Result<(), DbErr> {
    if let Some(path) = sqlite_file_path(url)
        && !path.exists()
    {
        return Err(DbErr::Custom(format!(
            "database file {} is gone",
            path.display()
        )));
    }
    db.ping().await
}

/// A unique key of the schema a write can collide with, named as the backends name it: the
/// constraint name on PostgreSQL (`users_nickname_key`, from the migrations' `unique_key()`), the
/// `table.column` list on SQLite (whose message names no index). Recognised by exact name, so a
/// new unique column never passes for another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueKey {
    UserNickname,
    UserMobile,
    UserUsername,
    UserEmail,
    BindingUser,
    BindingOpenid,
    BindingUnionid,
}

impl UniqueKey {
    const ALL: [(Self, &'static str, &'static str); 10] = [
        (Self::UserNickname, "users_nickname_key", "users.nickname"),
        (Self::UserMobile, "users_mobile_key", "users.mobile"),
        (Self::UserUsername, "users_username_key", "users.username"),
        (Self::UserEmail, "users_email_key", "users.email"),
        (
            Self::BindingUser,
            "qq_bindings_user_id_key",
            "social_bindings.user_id",
        ),
        (
            Self::BindingOpenid,
            "qq_bindings_openid_key",
            "social_bindings.openid",
        ),
        (
            Self::BindingUnionid,
            "qq_bindings_unionid_key",
            "social_bindings.unionid",
        ),
        // `social_bindings`' own keys (migration 000070): per provider.
        (
            Self::BindingUser,
            "ux_social_bindings_user_provider",
            "social_bindings.user_id, social_bindings.provider",
        ),
        (
            Self::BindingOpenid,
            "ux_social_bindings_provider_subject",
            "social_bindings.provider, social_bindings.subject",
        ),
        (
            Self::BindingUnionid,
            "ux_social_bindings_provider_unionid",
            "social_bindings.provider, social_bindings.unionid",
        ),
    ];

    /// The key `e` violated, when it is a unique violation of one of these keys.
    pub fn violated(e: &DbErr) -> Option<Self> {
        use sea_orm::{RuntimeErr, sqlx};
        let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = e
        else {
            return None;
        };
        let sqlx::Error::Database(e) = &**e else {
            return None;
        };
        if e.kind() != sqlx::error::ErrorKind::UniqueViolation {
            return None;
        }
        Self::named(e.constraint(), e.message())
    }

    /// By PostgreSQL's constraint name, else by SQLite's `UNIQUE constraint failed: t.c` message.
    fn named(constraint: Option<&str>, message: &str) -> Option<Self> {
        match constraint {
            Some(name) => Self::ALL.iter().find(|k| k.1 == name).map(|k| k.0),
            None => {
                let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
                Self::ALL.iter().find(|k| k.2 == columns).map(|k| k.0)
            }
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn unique_keys_are_known_by_their_exact_names_on_both_backends() {
        assert_eq!(
            UniqueKey::named(Some("qq_bindings_user_id_key"), "duplicate key value"),
            Some(UniqueKey::BindingUser)
        );
        assert_eq!(
            UniqueKey::named(None, "UNIQUE constraint failed: users.nickname"),
            Some(UniqueKey::UserNickname)
        );
        // A column whose name merely contains a known one is not that key.
        assert_eq!(
            UniqueKey::named(None, "UNIQUE constraint failed: users.nickname_lower"),
            None
        );
        assert_eq!(UniqueKey::named(Some("ux_jobs_unique_key_live"), ""), None);
        // The bindings table's keys since migration 000070, per provider.
        assert_eq!(
            UniqueKey::named(Some("ux_social_bindings_provider_subject"), ""),
            Some(UniqueKey::BindingOpenid)
        );
        assert_eq!(
            UniqueKey::named(
                None,
                "UNIQUE constraint failed: social_bindings.user_id, social_bindings.provider"
            ),
            Some(UniqueKey::BindingUser)
        );
    }

    use super::*;

    #[test]
    fn tls_is_dropped_only_for_postgres_on_the_loopback_without_a_chosen_sslmode() {
        for (url, local) in [
            (
                "postgres://postgres@127.0.0.1:5432/db",
                "postgres://postgres@127.0.0.1:5432/db?sslmode=disable",
            ),
            (
                "postgresql://u:p@localhost/db?application_name=x",
                "postgresql://u:p@localhost/db?application_name=x&sslmode=disable",
            ),
            (
                "postgres://u@[::1]:5432/db",
                "postgres://u@[::1]:5432/db?sslmode=disable",
            ),
            (
                "postgres://u@127.0.0.1/db?sslmode=require",
                "postgres://u@127.0.0.1/db?sslmode=require",
            ),
            (
                "postgres://u@db.renran.cn/db",
                "postgres://u@db.renran.cn/db",
            ),
            (
                "sqlite://var/passport.db?mode=rwc",
                "sqlite://var/passport.db?mode=rwc",
            ),
            ("sqlite::memory:", "sqlite::memory:"),
        ] {
            assert_eq!(without_loopback_tls(url), local, "{url}");
        }
    }

    #[test]
    fn sqlite_paths_are_found_and_memory_is_not_a_file() {
        assert_eq!(
            sqlite_file_path("sqlite://var/passport.db?mode=rwc"),
            Some(PathBuf::from("var/passport.db"))
        );
        assert_eq!(
            sqlite_file_path("sqlite:///tmp/a.db"),
            Some(PathBuf::from("/tmp/a.db"))
        );
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
        assert_eq!(sqlite_file_path("postgres://postgres@127.0.0.1/x"), None);
    }
}

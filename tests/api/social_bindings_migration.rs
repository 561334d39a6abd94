//! Migration 000070 on a populated database, both backends: QQ's tables become the
//! provider-generic ones with every row, id, event, pending identity, replay and audit entry
//! kept; the new uniqueness rules hold; and down gives the QQ rows back in the old shape.

use chrono::{DateTime, Duration, DurationRound, Utc};
use migration::{Migrator, MigratorTrait};
use passport::entities::social_bindings;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, QueryResult,
    Statement, Value,
};

use crate::helpers::{Backend, TestDb, user};

const MIGRATION: &str = "m20261130_000070_social_bindings";

/// How many migrations run before 000070.
fn before_this() -> u32 {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == MIGRATION)
        .expect("the migration is registered");
    u32::try_from(at).expect("few migrations")
}

async fn exec(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    Ok(db.execute_raw(statement).await?.rows_affected())
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn text(row: &QueryResult, col: &str) -> String {
    row.try_get("", col)
        .unwrap_or_else(|e| panic!("{col}: {e}"))
}

fn opt_text(row: &QueryResult, col: &str) -> Option<String> {
    row.try_get("", col)
        .unwrap_or_else(|e| panic!("{col}: {e}"))
}

fn int(row: &QueryResult, col: &str) -> i64 {
    row.try_get("", col)
        .unwrap_or_else(|e| panic!("{col}: {e}"))
}

fn time(row: &QueryResult, col: &str) -> Option<DateTime<Utc>> {
    row.try_get("", col)
        .unwrap_or_else(|e| panic!("{col}: {e}"))
}

/// A QQ binding in the pre-000070 shape, every column set.
struct OldBinding {
    id: i64,
    user_id: i64,
    openid: &'static str,
    unionid: Option<&'static str>,
    nickname: &'static str,
    status: &'static str,
    error: Option<&'static str>,
    sent_version: Option<i64>,
}

async fn insert_old_binding(db: &DatabaseConnection, b: &OldBinding, at: DateTime<Utc>) {
    exec(
        db,
        "INSERT INTO qq_bindings (id, user_id, openid, unionid, qq_nickname, qq_avatar, \
         access_token_enc, refresh_token_enc, token_expires_at, token_version, refresh_status, \
         refresh_error, last_refreshed_at, bound_at, last_login_at, refresh_lease_until, \
         profile_fetched_at, refresh_sent_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 3, $10, $11, $12, $13, $14, $15, $16, $17)",
        vec![
            b.id.into(),
            b.user_id.into(),
            b.openid.into(),
            b.unionid.map(str::to_owned).into(),
            b.nickname.into(),
            format!("https://thirdqq.qlogo.cn/{}", b.id).into(),
            format!("SEALED-ACCESS-{}", b.id).into(),
            Some(format!("SEALED-REFRESH-{}", b.id)).into(),
            (at + Duration::days(80)).into(),
            b.status.into(),
            b.error.map(str::to_owned).into(),
            Some(at - Duration::days(1)).into(),
            (at - Duration::days(100)).into(),
            Some(at - Duration::hours(2)).into(),
            Some(at + Duration::seconds(30)).into(),
            Some(at - Duration::hours(3)).into(),
            b.sent_version.into(),
        ],
    )
    .await
    .expect("old binding");
}

fn binding(
    user_id: i64,
    provider: &str,
    subject: &str,
    unionid: Option<&str>,
) -> social_bindings::ActiveModel {
    let now = Utc::now();
    social_bindings::ActiveModel {
        user_id: Set(user_id),
        provider: Set(provider.to_owned()),
        subject: Set(subject.to_owned()),
        unionid: Set(unionid.map(str::to_owned)),
        nickname: Set(format!("{provider}用户")),
        avatar: Set(String::new()),
        access_token_enc: Set("ciphertext".to_owned()),
        refresh_token_enc: Set(None),
        token_expires_at: Set(now),
        token_version: Set(0),
        refresh_status: Set("ok".to_owned()),
        bound_at: Set(now),
        ..Default::default()
    }
}

async fn qq_rows_survive_up_and_down(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    Migrator::up(&db, Some(before_this()))
        .await
        .expect("up to 000062");
    // Whole seconds: both backends give them back exactly.
    let at = Utc::now()
        .duration_trunc(Duration::seconds(1))
        .expect("truncate");
    let (a, b, c) = (
        user("alice").insert(&db).await,
        user("bob").insert(&db).await,
        user("carol").insert(&db).await,
    );
    let old = [
        OldBinding {
            id: 7,
            user_id: a.id,
            openid: "OPENID_A",
            unionid: Some("UID_A"),
            nickname: "甲",
            status: "refresh_failed",
            error: Some("100015 refresh token is illegal"),
            sent_version: Some(3),
        },
        OldBinding {
            id: 9,
            user_id: b.id,
            openid: "OPENID_B",
            unionid: None,
            nickname: "乙",
            status: "ok",
            error: None,
            sent_version: None,
        },
    ];
    for binding in &old {
        insert_old_binding(&db, binding, at).await;
    }
    // Token history, including an event of a binding unbound long ago (events outlive them).
    for (binding_id, kind, detail) in [
        (7, "bound", None),
        (7, "refresh_failed", Some("100015 refresh token is illegal")),
        (42, "login", None),
    ] {
        exec(
            &db,
            "INSERT INTO qq_token_events (binding_id, kind, at, detail) VALUES ($1, $2, $3, $4)",
            vec![
                i64::from(binding_id).into(),
                kind.into(),
                at.into(),
                detail.map(str::to_owned).into(),
            ],
        )
        .await
        .expect("event");
    }
    exec(
        &db,
        "INSERT INTO pending_qq_identities (id, openid, unionid, qq_nickname, qq_avatar, \
         access_token_enc, refresh_token_enc, token_expires_at, expires_at, consumed_at, created_at) \
         VALUES ('p1', 'OPENID_P', 'UID_P', '丙', 'https://p', 'SEALED-P', NULL, $1, $1, NULL, $1)",
        vec![at.into()],
    )
    .await
    .expect("pending");
    exec(
        &db,
        "INSERT INTO qq_callback_replays (nonce_hash, code_hash, user_id, pending_id, created_at, \
         expires_at) VALUES ('n1', 'c1', NULL, 'p1', $1, $1)",
        vec![at.into()],
    )
    .await
    .expect("replay");
    passport::audit::write(
        &db,
        passport::audit::Action {
            actor_user_id: a.id,
            action: "qq_binding.unbind",
            target_type: "qq_binding",
            target_id: "42".into(),
            reason: Some("user request"),
            details: Some(serde_json::json!({"openid": "OPE***42"})),
            at,
        },
    )
    .await
    .expect("audit");

    Migrator::up(&db, None).await.expect("000070 up");

    // Every binding, same id, every column, under QQ.
    let moved = rows(&db, "SELECT * FROM social_bindings ORDER BY id").await;
    assert_eq!(moved.len(), 2);
    for (row, was) in moved.iter().zip(&old) {
        assert_eq!(int(row, "id"), was.id);
        assert_eq!(int(row, "user_id"), was.user_id);
        assert_eq!(text(row, "provider"), "qq");
        assert_eq!(text(row, "subject"), was.openid);
        assert_eq!(opt_text(row, "unionid").as_deref(), was.unionid);
        assert_eq!(text(row, "nickname"), was.nickname);
        assert_eq!(
            text(row, "avatar"),
            format!("https://thirdqq.qlogo.cn/{}", was.id)
        );
        assert_eq!(
            text(row, "access_token_enc"),
            format!("SEALED-ACCESS-{}", was.id)
        );
        assert_eq!(
            opt_text(row, "refresh_token_enc"),
            Some(format!("SEALED-REFRESH-{}", was.id))
        );
        assert_eq!(int(row, "token_version"), 3);
        assert_eq!(text(row, "refresh_status"), was.status);
        assert_eq!(opt_text(row, "refresh_error").as_deref(), was.error);
        assert_eq!(time(row, "token_expires_at"), Some(at + Duration::days(80)));
        assert_eq!(time(row, "last_refreshed_at"), Some(at - Duration::days(1)));
        assert_eq!(time(row, "bound_at"), Some(at - Duration::days(100)));
        assert_eq!(time(row, "last_login_at"), Some(at - Duration::hours(2)));
        assert_eq!(
            time(row, "refresh_lease_until"),
            Some(at + Duration::seconds(30))
        );
        assert_eq!(
            time(row, "profile_fetched_at"),
            Some(at - Duration::hours(3))
        );
        let sent: Option<i64> = row.try_get("", "refresh_sent_version").expect("sent");
        assert_eq!(sent, was.sent_version);
    }
    let events = rows(
        &db,
        "SELECT binding_id, provider, kind, detail FROM binding_token_events ORDER BY id",
    )
    .await;
    let events: Vec<(i64, String, String, Option<String>)> = events
        .iter()
        .map(|r| {
            (
                int(r, "binding_id"),
                text(r, "provider"),
                text(r, "kind"),
                opt_text(r, "detail"),
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (7, "qq".into(), "bound".into(), None),
            (
                7,
                "qq".into(),
                "refresh_failed".into(),
                Some("100015 refresh token is illegal".into())
            ),
            (42, "qq".into(), "login".into(), None),
        ]
    );
    let pending = rows(&db, "SELECT * FROM pending_identities").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(text(&pending[0], "id"), "p1");
    assert_eq!(text(&pending[0], "provider"), "qq");
    assert_eq!(text(&pending[0], "subject"), "OPENID_P");
    assert_eq!(text(&pending[0], "nickname"), "丙");
    assert_eq!(text(&pending[0], "avatar"), "https://p");
    let replays = rows(&db, "SELECT pending_id FROM callback_replays").await;
    assert_eq!(opt_text(&replays[0], "pending_id").as_deref(), Some("p1"));
    let audit = rows(&db, "SELECT action, target_id FROM audit_log").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(text(&audit[0], "action"), "qq_binding.unbind");
    assert_eq!(text(&audit[0], "target_id"), "42");

    // New ids continue after the copied ones (PostgreSQL's sequence was moved on).
    let new_qq = binding(c.id, "qq", "OPENID_C", None)
        .insert(&db)
        .await
        .expect("carol binds QQ");
    assert!(new_qq.id > 9, "id {} after the copied 9", new_qq.id);

    // The rules: per provider.
    binding(a.id, "wechat", "WX_A", Some("UID_A"))
        .insert(&db)
        .await
        .expect("alice binds WeChat beside QQ, the same unionid string at another provider");
    binding(c.id, "weibo", "OPENID_A", None)
        .insert(&db)
        .await
        .expect("a subject is unique per provider only");
    for (what, refused) in [
        (
            "a second QQ binding for alice",
            binding(a.id, "qq", "OPENID_A2", None),
        ),
        ("WeChat's WX_A twice", binding(c.id, "wechat", "WX_A", None)),
        (
            "QQ's UID_A twice",
            binding(b.id, "qq", "OPENID_B2", Some("UID_A")),
        ),
        ("an unknown provider", binding(b.id, "github", "GH_B", None)),
    ] {
        assert!(refused.insert(&db).await.is_err(), "{what} is refused");
    }
    exec(
        &db,
        "INSERT INTO binding_token_events (binding_id, provider, kind, at) \
         SELECT id, provider, 'bound', bound_at FROM social_bindings WHERE provider <> 'qq'",
        vec![],
    )
    .await
    .expect("events of the new bindings");

    // 000070 and every migration after it.
    let from_this = Migrator::migrations().len() as u32 - before_this();
    Migrator::down(&db, Some(from_this))
        .await
        .expect("000070 down");

    // The QQ rows, in the old columns; WeChat and Weibo cannot be represented and are gone.
    let back = rows(
        &db,
        "SELECT id, user_id, openid, unionid, qq_nickname, refresh_status, refresh_sent_version \
         FROM qq_bindings ORDER BY id",
    )
    .await;
    let back: Vec<(i64, String, Option<String>, String)> = back
        .iter()
        .map(|r| {
            (
                int(r, "id"),
                text(r, "openid"),
                opt_text(r, "unionid"),
                text(r, "qq_nickname"),
            )
        })
        .collect();
    assert_eq!(
        back,
        vec![
            (7, "OPENID_A".into(), Some("UID_A".into()), "甲".into()),
            (9, "OPENID_B".into(), None, "乙".into()),
            (new_qq.id, "OPENID_C".into(), None, "qq用户".into()),
        ]
    );
    let old_events = rows(&db, "SELECT binding_id FROM qq_token_events ORDER BY id").await;
    assert_eq!(
        old_events
            .iter()
            .map(|r| int(r, "binding_id"))
            .collect::<Vec<_>>(),
        vec![7, 7, 42]
    );
    let pending = rows(&db, "SELECT openid, qq_nickname FROM pending_qq_identities").await;
    assert_eq!(text(&pending[0], "openid"), "OPENID_P");
    assert_eq!(
        rows(&db, "SELECT * FROM qq_callback_replays").await.len(),
        1
    );
    assert!(
        db.execute_unprepared("SELECT 1 FROM social_bindings")
            .await
            .is_err(),
        "the new table is gone"
    );
    // The old uniqueness is back: one QQ binding per user, ids continue.
    let dup = exec(
        &db,
        "INSERT INTO qq_bindings (user_id, openid, qq_nickname, qq_avatar, access_token_enc, \
         token_expires_at, bound_at) VALUES ($1, 'OPENID_X', '', '', 'c', $2, $2)",
        vec![a.id.into(), at.into()],
    )
    .await;
    assert!(
        dup.is_err(),
        "a second QQ binding for alice is refused again"
    );

    Migrator::up(&db, None).await.expect("000070 up again");
    let again = rows(&db, "SELECT id FROM social_bindings ORDER BY id").await;
    assert_eq!(
        again.iter().map(|r| int(r, "id")).collect::<Vec<_>>(),
        vec![7, 9, new_qq.id]
    );
}

on_both_backends!(qq_rows_survive_up_and_down);

//! The foundation: migrations on both backends, schema constraints that protect data, health
//! and readiness, request ids, and the production profile's refusal of unsafe settings.

use std::time::Duration;

use chrono::Utc;
use passport::entities::{jobs, social_bindings, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait,
};
use serde_json::json;

use crate::helpers::{
    Backend, TestApp, TestDb, assert_error, eventually, json_of, postgres_cut_off,
    postgres_restore, user,
};

/// Every migration the binary knows.
fn migration_count() -> usize {
    use migration::MigratorTrait;
    migration::Migrator::migrations().len()
}

const ALL_TABLES: [&str; 10] = [
    "users",
    "social_bindings",
    "pending_identities",
    "jobs",
    "password_resets",
    "sms_codes",
    "audit_log",
    "rate_limits",
    "job_deliveries",
    "binding_token_events",
];

async fn table_exists(db: &DatabaseConnection, table: &str) -> bool {
    db.execute_unprepared(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .is_ok()
}

async fn migrations_run_up_down_up(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;

    passport::db::migrate_up(&db).await.expect("up");
    assert_eq!(
        passport::db::applied_migrations(&db)
            .await
            .expect("status")
            .len(),
        migration_count()
    );
    assert!(
        passport::db::pending_migrations(&db)
            .await
            .expect("status")
            .is_empty()
    );
    for table in ALL_TABLES {
        assert!(table_exists(&db, table).await, "{table} exists after up");
    }

    passport::db::migrate_down(&db, None).await.expect("down");
    assert!(
        passport::db::applied_migrations(&db)
            .await
            .expect("status")
            .is_empty()
    );
    for table in ALL_TABLES {
        assert!(
            !table_exists(&db, table).await,
            "{table} is gone after down"
        );
    }

    passport::db::migrate_up(&db).await.expect("up again");
    assert_eq!(
        passport::db::applied_migrations(&db)
            .await
            .expect("status")
            .len(),
        migration_count()
    );
    for table in ALL_TABLES {
        assert!(
            table_exists(&db, table).await,
            "{table} exists after up again"
        );
    }
}

async fn migrating_twice_is_a_no_op(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("up");
    new_user(&db, "keeper").await;
    passport::db::migrate_up(&db).await.expect("up again");
    assert_eq!(
        users::Entity::find().count(&db).await.expect("count"),
        1,
        "data survives"
    );
}

async fn new_user(db: &DatabaseConnection, name: &str) -> users::Model {
    user(name).insert(db).await
}

async fn bind(
    db: &DatabaseConnection,
    user_id: i64,
    openid: &str,
    unionid: Option<&str>,
) -> Result<social_bindings::Model, sea_orm::DbErr> {
    let now = Utc::now();
    social_bindings::ActiveModel {
        provider: Set("qq".into()),
        user_id: Set(user_id),
        subject: Set(openid.to_owned()),
        unionid: Set(unionid.map(str::to_owned)),
        nickname: Set("QQ用户".to_owned()),
        avatar: Set(String::new()),
        access_token_enc: Set("ciphertext".to_owned()),
        refresh_token_enc: Set(None),
        token_expires_at: Set(now),
        token_version: Set(0),
        refresh_status: Set("ok".to_owned()),
        bound_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

async fn openids_are_unique_and_case_sensitive(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("up");
    let (a, b, c) = (
        new_user(&db, "alice").await,
        new_user(&db, "bob").await,
        new_user(&db, "carol").await,
    );

    bind(&db, a.id, "D5A3C1B9E7F2A4C6E8B0D2F4A6C8E0B2", None)
        .await
        .expect("first openid");
    bind(&db, b.id, "d5a3c1b9e7f2a4c6e8b0d2f4a6c8e0b2", None)
        .await
        .expect("the same openid in lower case is another identity");
    assert_eq!(
        social_bindings::Entity::find()
            .count(&db)
            .await
            .expect("count"),
        2,
        "two rows"
    );

    let same = bind(&db, c.id, "D5A3C1B9E7F2A4C6E8B0D2F4A6C8E0B2", None).await;
    assert!(same.is_err(), "the same openid twice is refused");
    assert_eq!(
        social_bindings::Entity::find()
            .count(&db)
            .await
            .expect("count"),
        2,
        "nothing written"
    );
}

async fn one_binding_per_user_and_unique_unionids(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("up");
    let (a, b, c) = (
        new_user(&db, "alice").await,
        new_user(&db, "bob").await,
        new_user(&db, "carol").await,
    );

    bind(&db, a.id, "OPENID_A", Some("UID_1"))
        .await
        .expect("a binds");
    assert!(
        bind(&db, a.id, "OPENID_A2", None).await.is_err(),
        "a second binding for one user is refused"
    );
    assert!(
        bind(&db, b.id, "OPENID_B", Some("UID_1")).await.is_err(),
        "a unionid is unique"
    );
    bind(&db, b.id, "OPENID_B", None)
        .await
        .expect("no unionid is fine");
    bind(&db, c.id, "OPENID_C", None)
        .await
        .expect("two missing unionids never collide");
}

async fn usernames_nicknames_mobiles_and_emails_are_unique(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("up");
    let now = Utc::now();
    let user = |username: &str, nickname: &str, mobile: Option<&str>, email: Option<&str>| {
        crate::helpers::user(username)
            .nickname(nickname)
            .mobile(mobile)
            .email(email)
            .at(now)
    };
    user(
        "alice",
        "爱丽丝",
        Some("13800138000"),
        Some("alice@example.com"),
    )
    .model()
    .await
    .insert(&db)
    .await
    .expect("first user");
    for (what, duplicate) in [
        ("username", user("alice", "别人", None, None)),
        ("nickname", user("alice2", "爱丽丝", None, None)),
        ("mobile", user("alice3", "别人3", Some("13800138000"), None)),
        (
            "email",
            user("alice4", "别人4", None, Some("alice@example.com")),
        ),
    ] {
        assert!(
            duplicate.model().await.insert(&db).await.is_err(),
            "a duplicate {what} is refused"
        );
    }
    user("bob", "鲍勃", None, None)
        .model()
        .await
        .insert(&db)
        .await
        .expect("no mobile, no email");
    user("carol", "卡罗尔", None, None)
        .model()
        .await
        .insert(&db)
        .await
        .expect("missing values never collide");
    assert_eq!(users::Entity::find().count(&db).await.expect("count"), 3);
}

async fn a_live_job_key_is_unique_but_finished_jobs_release_it(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("up");
    let now = Utc::now();
    let job = |state: &str| jobs::ActiveModel {
        queue: Set("default".into()),
        kind: Set("refresh_qq_token".into()),
        payload: Set(json!({"binding_id": 1})),
        state: Set(state.into()),
        priority: Set(0),
        attempt: Set(0),
        max_attempts: Set(5),
        run_at: Set(now),
        unique_key: Set(Some("refresh:1".into())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    job("completed").insert(&db).await.expect("a finished job");
    let live = job("available")
        .insert(&db)
        .await
        .expect("a live job beside a finished one");
    assert_eq!(
        live.payload,
        json!({"binding_id": 1}),
        "JSON payloads round-trip"
    );
    assert!(
        job("retryable").insert(&db).await.is_err(),
        "two live jobs with one key are refused"
    );
    assert!(
        job("bogus").insert(&db).await.is_err(),
        "unknown states are refused by the schema"
    );
}

async fn health_and_readiness_answer(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    assert_eq!(
        health.json::<serde_json::Value>().await.expect("json"),
        json!({"status": "ok"})
    );

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.expect("json"),
        json!({"status": "ready"})
    );
}

async fn readiness_fails_while_the_database_is_gone_and_recovers(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.get("/readyz").await.status(), 200);

    // Take the database away: PostgreSQL refuses new connections and drops the open ones; the
    // SQLite file disappears from its path.
    let moved_to = app.test_db.sqlite_file().map(|f| f.with_extension("moved"));
    if let Some(name) = app.test_db.postgres_name() {
        postgres_cut_off(name).await;
    }
    if let (Some(file), Some(to)) = (app.test_db.sqlite_file(), &moved_to) {
        std::fs::rename(&file, to).expect("move the database file away");
    }

    let (status, body) = json_of(app.get("/readyz").await).await;
    assert_error((status, &body), 503, "database_unavailable");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "liveness does not depend on the database"
    );

    // Bring it back: readiness recovers by itself.
    if let Some(name) = app.test_db.postgres_name() {
        postgres_restore(name).await;
    }
    if let (Some(file), Some(to)) = (app.test_db.sqlite_file(), &moved_to) {
        std::fs::rename(to, &file).expect("move the database file back");
    }
    eventually(
        Duration::from_secs(15),
        "/readyz answers 200 again",
        || async { app.get("/readyz").await.status() == 200 },
    )
    .await;
}

on_both_backends!(
    migrations_run_up_down_up,
    migrating_twice_is_a_no_op,
    openids_are_unique_and_case_sensitive,
    one_binding_per_user_and_unique_unionids,
    usernames_nicknames_mobiles_and_emails_are_unique,
    a_live_job_key_is_unique_but_finished_jobs_release_it,
    health_and_readiness_answer,
    readiness_fails_while_the_database_is_gone_and_recovers,
);

#[tokio::test]
async fn a_callers_request_id_is_kept_and_a_bad_one_replaced() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-1234")
        .send()
        .await
        .expect("GET");
    assert_eq!(kept.headers()["x-request-id"], "lb-1234");
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .expect("GET");
    assert_ne!(replaced.headers()["x-request-id"], "bad id with spaces");
}

#[tokio::test]
async fn the_openapi_spec_and_docs_are_served() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let spec: serde_json::Value = app.get("/openapi.json").await.json().await.expect("json");
    assert_eq!(spec["info"]["title"], "passport");
    assert_eq!(spec["servers"][0]["url"], "/api");
    let docs = app.get("/docs").await;
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text().await.expect("text").contains("swagger"),
        "Swagger UI page"
    );
    let version: serde_json::Value = app.get("/api/version").await.json().await.expect("json");
    assert_eq!(version["name"], "passport");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let huge = "x".repeat(200 * 1024);
    let response = app
        .client
        .post(app.url("/api/version"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("POST");
    assert_error(json_of(response).await, 413, "payload_too_large");
}

#[tokio::test]
async fn cors_answers_configured_origins_only() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |env| {
        env.insert(
            "PASSPORT_CORS_ORIGINS".into(),
            "https://www.renran.cn".into(),
        );
    })
    .await
    else {
        return;
    };
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/version"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let allowed = preflight("https://www.renran.cn").await.expect("preflight");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://www.renran.cn"
    );
    // The QQ login's browser cookie travels only with credentials, for configured origins.
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );
    let other = preflight("https://evil.example").await.expect("preflight");
    assert!(!other.headers().contains_key("access-control-allow-origin"));
    assert!(
        !other
            .headers()
            .contains_key("access-control-allow-credentials")
    );
}

#[test]
fn the_production_profile_refuses_to_start_with_default_secrets() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passport"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PASSPORT_PROFILE", "production")
        .env("PASSPORT_SECRET_KEY", passport::config::DEV_SECRET_KEY)
        .env("PASSPORT_DATABASE_URL", "sqlite::memory:")
        .output()
        .expect("run passport");
    assert!(!output.status.success(), "must not start");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for setting in [
        "PASSPORT_SECRET_KEY",
        "PASSPORT_TOKEN_KEY",
        "PASSPORT_QQ_APP_KEY",
        "PASSPORT_SMTP_URL",
        // No real SMS provider: every Tencent Cloud SMS setting is named.
        "PASSPORT_TENCENT_SECRET_ID",
        "PASSPORT_TENCENT_SECRET_KEY",
        "PASSPORT_SMS_APP_ID",
        "PASSPORT_SMS_SIGN_NAME",
        "PASSPORT_SMS_TEMPLATE_ID",
        // The default captcha policy (`risk`) needs the captcha app.
        "PASSPORT_CAPTCHA_APP_ID",
        "PASSPORT_CAPTCHA_APP_SECRET_KEY",
    ] {
        assert!(stderr.contains(setting), "{setting} is named in: {stderr}");
    }
    assert!(
        !stderr.contains(passport::config::DEV_SECRET_KEY),
        "the secret itself is not printed"
    );
}

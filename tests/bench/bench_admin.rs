//! The admin bindings list on a large table: `make bench` (an `#[ignore]`d scenario, like
//! `bench.rs`). Seeds 1,000,000 users and bindings (80% QQ, 10% WeChat, 10% Weibo) into a fresh
//! database per backend with one
//! `INSERT … SELECT` over a generated series (PostgreSQL `generate_series`, SQLite a recursive
//! CTE), runs `ANALYZE`, starts the whole app on it and times `GET /api/admin/bindings` over
//! HTTP (staff check, queries, JSON) for a first page, deep pages, searches, status filters,
//! provider filters and other sorts. Prints p50/p95 over `RUNS` requests per scenario; asserts only that the answers
//! are what they should be, never a speed. `BENCH_BINDINGS=n` seeds another size.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use passport::config::{Profile, Settings};
use passport::entities::users;
use passport::startup::Application;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend};

use crate::helpers::{Backend, TestDb};

const RUNS: usize = 50;
const WARMUP: usize = 3;
/// Seconds between consecutive bindings' bound times (1,000,000 span about a year).
const SPACING: i64 = 30;
/// Binding g's provider, as SQL.
const PROVIDER: &str =
    "CASE WHEN g % 10 = 3 THEN 'wechat' WHEN g % 10 = 7 THEN 'weibo' ELSE 'qq' END";
/// A stand-in for an AES-GCM token ciphertext of realistic size.
const CIPHERTEXT: &str =
    "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83v";

fn bindings_to_seed() -> i64 {
    std::env::var("BENCH_BINDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// Users and bindings 1..=n. Binding n: at WeChat when `n % 10 == 3`, at Weibo (no refresh token)
/// when `n % 10 == 7`, else at QQ; bound `n * SPACING` s before `base`; a QQ nickname from
/// a pool of surnames (`赵小123`); token expiry spread from 30 days ago to 90 days ahead (about
/// 25% expired, 6% expiring); 1% refresh_failed; every 10th never logged in again (NULL); every
/// other one with a unionid.
pub async fn seed(db: &DatabaseConnection, n: i64, base: i64) {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => vec![
            format!(
                "INSERT INTO users (id, username, nickname, avatar, token_version, is_staff, \
                 created_at, updated_at) \
                 SELECT g, 'reader' || g, '读者' || g, '', 0, false, to_timestamp({base} - g * {SPACING}), \
                 to_timestamp({base} - g * {SPACING}) FROM generate_series(1::bigint, {n}) AS g"
            ),
            format!(
                "INSERT INTO social_bindings (id, user_id, provider, subject, unionid, nickname, avatar, \
                 access_token_enc, refresh_token_enc, token_expires_at, token_version, \
                 refresh_status, refresh_error, bound_at, last_login_at) \
                 SELECT g, g, {PROVIDER}, 'OID' || lpad(g::text, 29, '0'), \
                 CASE WHEN g % 2 = 0 THEN 'UID' || lpad(g::text, 29, '0') END, \
                 substr('赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨', (g % 16)::int + 1, 1) || '小' || (g % 100000), \
                 'https://thirdqq.qlogo.cn/g?k=' || g, '{CIPHERTEXT}', \
                 CASE WHEN g % 10 = 7 THEN NULL ELSE '{CIPHERTEXT}' END, \
                 to_timestamp({base} - 30 * 86400 + (g * 7919) % (120 * 86400)), 0, \
                 CASE WHEN g % 100 = 0 THEN 'refresh_failed' ELSE 'ok' END, \
                 CASE WHEN g % 100 = 0 THEN '100015 refresh token is illegal' END, \
                 to_timestamp({base} - g * {SPACING}), \
                 CASE WHEN g % 10 = 0 THEN NULL ELSE to_timestamp({base} - g * {SPACING} + (g % 1000) * 60) END \
                 FROM generate_series(1::bigint, {n}) AS g"
            ),
            format!("SELECT setval('users_id_seq', {n})"),
            format!("SELECT setval('social_bindings_id_seq', {n})"),
        ],
        _ => {
            let ts =
                |secs: &str| format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', {secs}, 'unixepoch')");
            vec![
                format!(
                    "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) \
                     INSERT INTO users (id, username, nickname, avatar, token_version, is_staff, \
                     created_at, updated_at) \
                     SELECT g, 'reader' || g, '读者' || g, '', 0, 0, {t}, {t} FROM s",
                    t = ts(&format!("{base} - g * {SPACING}"))
                ),
                format!(
                    "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) \
                     INSERT INTO social_bindings (id, user_id, provider, subject, unionid, nickname, avatar, \
                     access_token_enc, refresh_token_enc, token_expires_at, token_version, \
                     refresh_status, refresh_error, bound_at, last_login_at) \
                     SELECT g, g, {PROVIDER}, 'OID' || printf('%029d', g), \
                     CASE WHEN g % 2 = 0 THEN 'UID' || printf('%029d', g) END, \
                     substr('赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨', (g % 16) + 1, 1) || '小' || (g % 100000), \
                     'https://thirdqq.qlogo.cn/g?k=' || g, '{CIPHERTEXT}', \
                     CASE WHEN g % 10 = 7 THEN NULL ELSE '{CIPHERTEXT}' END, \
                     {expires}, 0, \
                     CASE WHEN g % 100 = 0 THEN 'refresh_failed' ELSE 'ok' END, \
                     CASE WHEN g % 100 = 0 THEN '100015 refresh token is illegal' END, \
                     {bound}, CASE WHEN g % 10 = 0 THEN NULL ELSE {login} END FROM s",
                    expires = ts(&format!("{base} - 30 * 86400 + (g * 7919) % (120 * 86400)")),
                    bound = ts(&format!("{base} - g * {SPACING}")),
                    login = ts(&format!("{base} - g * {SPACING} + (g % 1000) * 60")),
                ),
            ]
        }
    };
    for statement in sql {
        db.execute_unprepared(&statement).await.expect("seed");
    }
    let analyze = match db.get_database_backend() {
        DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    db.execute_unprepared(analyze).await.expect("analyze");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn get(&self, query: &str) -> serde_json::Value {
        let response = self
            .http
            .get(format!("{}/api/admin/bindings?{query}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 200, "{query}");
        response.json().await.expect("json")
    }

    /// p50 and p95 of `RUNS` sequential requests, after a warm-up.
    async fn time(&self, label: &str, query: &str, check: impl Fn(&serde_json::Value)) -> String {
        for _ in 0..WARMUP {
            check(&self.get(query).await);
        }
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            let body = self.get(query).await;
            times.push(started.elapsed());
            check(&body);
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "  {label:<44} p50 {:>8.2} ms  p95 {:>8.2} ms",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95))
        )
    }
}

fn full_page(body: &serde_json::Value) {
    assert_eq!(body["items"].as_array().map(Vec::len), Some(20), "{body}");
}

fn some_rows(body: &serde_json::Value) {
    assert!(
        body["items"].as_array().is_some_and(|i| !i.is_empty()),
        "{body}"
    );
}

async fn bench_backend(backend: Backend) {
    let label = format!("{backend:?}");
    let n = bindings_to_seed();
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let base = chrono::Utc::now().timestamp();
    let started = Instant::now();
    seed(&db, n, base).await;
    let seeded = started.elapsed();
    let now = chrono::Utc::now();
    let admin = users::ActiveModel {
        username: Set("bench_admin".into()),
        nickname: Set("压测管理员".into()),
        avatar: Set(String::new()),
        token_version: Set(0),
        is_staff: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("admin");
    drop(db);

    let env: BTreeMap<String, String> = [
        ("PASSPORT_DATABASE_URL", test_db.url.clone()),
        ("PASSPORT_LISTEN", "127.0.0.1:0".to_string()),
        // Only the list is measured: no job (the refresher would find the seeded bindings due)
        // runs beside it.
        ("PASSPORT_JOB_CONCURRENCY", "0".to_string()),
        ("PASSPORT_QQ_REFRESH_SCAN_SECS", "86400".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let settings = Settings::resolve(None, &env, Some(Profile::Dev)).expect("settings");
    let app = Application::build(settings, false).await.expect("app");
    let client = Client {
        http: reqwest::Client::new(),
        base: format!("http://{}", app.local_addr()),
        token: passport::api::users::issue_token(app.state(), &admin).expect("token"),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // The keyset equivalent of page 5000: the cursor after page 4999.
    let deep = (n / 40).clamp(2, 5000);
    let last = (n + 19) / 20;
    let before = client.get(&format!("page={}", deep - 1)).await;
    let cursor = before["next_cursor"].as_str().expect("cursor").to_owned();
    let by_number = client.get(&format!("page={deep}")).await;
    let by_cursor = client.get(&format!("cursor={cursor}")).await;
    assert_eq!(
        by_number["items"], by_cursor["items"],
        "page {deep} two ways"
    );
    let openid = format!("OID{:029}", n / 3);

    let mut lines = vec![format!(
        "BENCH admin bindings list {label}: {n} bindings seeded in {:.1} s; GET over HTTP, {RUNS} runs each, per_page 20",
        seeded.as_secs_f64()
    )];
    for (name, query, check) in [
        (
            "first page (-bound_at, with total)".to_owned(),
            "".to_owned(),
            full_page as fn(&serde_json::Value),
        ),
        (
            format!("deep page: page={deep} (offset {})", (deep - 1) * 20),
            format!("page={deep}"),
            full_page,
        ),
        (
            format!("deep page: keyset cursor after row {}", (deep - 1) * 20),
            format!("cursor={cursor}"),
            full_page,
        ),
        (
            format!("last page: page={last} (offset {})", (last - 1) * 20),
            format!("page={last}"),
            some_rows,
        ),
        (
            format!("search: username prefix q=reader{}", n / 130),
            format!("q=reader{}", n / 130),
            some_rows,
        ),
        (
            "search: QQ nickname prefix q=赵小12".to_owned(),
            "q=%E8%B5%B5%E5%B0%8F12".to_owned(),
            some_rows,
        ),
        (
            "search: exact openid".to_owned(),
            format!("q={openid}"),
            some_rows,
        ),
        (
            // About 11% of all users match: the worst case of a prefix search (sort all matches).
            "search: broad username prefix q=reader1".to_owned(),
            "q=reader1".to_owned(),
            full_page,
        ),
        (
            "search: no match q=nobody".to_owned(),
            "q=nobody".to_owned(),
            |_: &serde_json::Value| {},
        ),
        (
            "status=expiring".to_owned(),
            "status=expiring".to_owned(),
            full_page,
        ),
        (
            "status=refresh_failed".to_owned(),
            "status=refresh_failed".to_owned(),
            full_page,
        ),
        (
            "status=expired&sort=token_expires_at".to_owned(),
            "status=expired&sort=token_expires_at".to_owned(),
            full_page,
        ),
        (
            "sort=qq_nickname".to_owned(),
            "sort=qq_nickname".to_owned(),
            full_page,
        ),
        (
            "sort=-last_login_at".to_owned(),
            "sort=-last_login_at".to_owned(),
            full_page,
        ),
        (
            "provider=wechat (10%)".to_owned(),
            "provider=wechat".to_owned(),
            full_page,
        ),
        (
            "provider=qq&sort=qq_nickname".to_owned(),
            "provider=qq&sort=qq_nickname".to_owned(),
            full_page,
        ),
        (
            "provider=weibo&sort=token_expires_at".to_owned(),
            "provider=weibo&sort=token_expires_at".to_owned(),
            full_page,
        ),
        (
            "provider=wechat&status=expiring".to_owned(),
            "provider=wechat&status=expiring".to_owned(),
            full_page,
        ),
        (
            "provider=qq&status=refresh_failed".to_owned(),
            "provider=qq&status=refresh_failed".to_owned(),
            full_page,
        ),
    ] {
        lines.push(client.time(&name, &query, check).await);
    }
    let _ = stop.send(());
    let _ = server.await;
    println!("{}", lines.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_admin_bindings_sqlite() {
    bench_backend(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_admin_bindings_postgres() {
    bench_backend(Backend::Postgres).await;
}

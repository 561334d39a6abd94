//! Performance scenario (not a test): 10,000 bindings (`BENCH_REQUESTS`) due for a token
//! refresh, refreshed against the QQ simulator through the scheduler, the job queue and the
//! refresh worker, with the rate limit lifted. Passport runs as a child process (`harness.rs`),
//! the simulator in the bench process. Run by `make bench`; prints refreshes/s, passport's CPU
//! per refresh and its idle and peak RSS; asserts only that every binding was refreshed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use passport::crypto::{TokenCipher, TokenField};
use passport::entities::{social_bindings, users};
use passport::qq::client::QqClient;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};

use crate::harness::{Passport, any_live_jobs, load_average, mb};
use crate::helpers::{Backend, TestDb, sim_codes, spawn_simulator, user};

fn bindings() -> usize {
    std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// What the bench needs of the app: its database, an HTTP client, its settings, the simulator.
struct Setup {
    db: sea_orm::DatabaseConnection,
    client: reqwest::Client,
    settings: passport::config::Settings,
}

/// `PASSPORT_JOB_CONCURRENCY` for the bench's passport (default 64; refreshes in flight are at
/// most half of it).
fn job_concurrency() -> String {
    std::env::var("PASSPORT_JOB_CONCURRENCY").unwrap_or_else(|_| "64".into())
}

async fn bench_backend(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let sim = spawn_simulator().await;
    let passport = Passport::start(
        &test_db.url,
        &[
            ("PASSPORT_QQ_BASE_URL", sim.clone()),
            ("PASSPORT_QQ_REFRESH_RATE", "100000".into()),
            ("PASSPORT_QQ_REFRESH_SPREAD_SECS", "0".into()),
            ("PASSPORT_QQ_REFRESH_SCAN_SECS", "1".into()),
            ("PASSPORT_JOB_CONCURRENCY", job_concurrency()),
            ("PASSPORT_JOB_POLL_MAX_MS", "100".into()),
        ],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss = passport.rss_kib();
    let app = Setup {
        db,
        client: reqwest::Client::new(),
        settings: passport.settings.clone(),
    };
    let total = bindings();
    let client = Arc::new(QqClient::new(&app.settings.qq).expect("client"));
    let cipher = Arc::new(TokenCipher::new(&app.settings.token_key));

    // Real tokens from the simulator, one QQ user per binding.
    let seeded = Instant::now();
    let rows: Vec<(String, String, String)> = futures_util::stream::iter(0..total)
        .map(|n| {
            let (app_client, client, sim, settings) = (
                app.client.clone(),
                client.clone(),
                sim.clone(),
                app.settings.clone(),
            );
            async move {
                let sim_user = format!("bench_user_{n}");
                let minted = sim_codes(&app_client, &sim, &settings.qq, &sim_user, 1).await;
                let code = minted.into_iter().next().expect("code");
                let token = client.exchange_code(&code).await.expect("exchange");
                let me = client
                    .openid(token.access_token.expose(), false)
                    .await
                    .expect("openid");
                let refresh = token
                    .refresh_token
                    .expect("refresh token")
                    .expose()
                    .to_owned();
                (me.openid, token.access_token.expose().to_owned(), refresh)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let now = chrono::Utc::now();
    for (chunk_no, chunk) in rows.chunks(500).enumerate() {
        let users: Vec<users::ActiveModel> = (0..chunk.len())
            .map(|i| {
                let n = chunk_no * 500 + i;
                user(&format!("bench_{n}"))
                    .nickname(format!("压测{n}"))
                    .at(now)
                    .row()
            })
            .collect();
        users::Entity::insert_many(users)
            .exec(&app.db)
            .await
            .expect("users");
    }
    let user_ids: Vec<i64> = users::Entity::find()
        .all(&app.db)
        .await
        .expect("users")
        .iter()
        .map(|u| u.id)
        .collect();
    let txn = app.db.begin().await.expect("begin");
    for (chunk_no, chunk) in rows.chunks(500).enumerate() {
        let bindings: Vec<social_bindings::ActiveModel> = chunk
            .iter()
            .enumerate()
            .map(
                |(i, (openid, access, refresh))| social_bindings::ActiveModel {
                    provider: Set("qq".into()),
                    user_id: Set(user_ids[chunk_no * 500 + i]),
                    subject: Set(openid.clone()),
                    nickname: Set(String::new()),
                    avatar: Set(String::new()),
                    access_token_enc: Set(cipher
                        .encrypt(TokenField::QqAccessToken, openid, access)
                        .expect("encrypt")),
                    refresh_token_enc: Set(Some(
                        cipher
                            .encrypt(TokenField::QqRefreshToken, openid, refresh)
                            .expect("encrypt"),
                    )),
                    // Due: inside the refresh window.
                    token_expires_at: Set(now + chrono::Duration::days(1)),
                    token_version: Set(0),
                    refresh_status: Set("ok".into()),
                    bound_at: Set(now),
                    ..Default::default()
                },
            )
            .collect();
        social_bindings::Entity::insert_many(bindings)
            .exec(&txn)
            .await
            .expect("bindings");
    }
    txn.commit().await.expect("commit");
    let seeding = seeded.elapsed();
    let cpu = passport.cpu_seconds();
    // The clock starts when the scheduler's scan (every second) has queued the first refresh,
    // so the figure is the refresh path's, not the scan interval's.
    let waiting = Instant::now();
    let deadline = waiting + Duration::from_secs(900);
    while !any_live_jobs(&app.db).await {
        assert!(Instant::now() < deadline, "no refresh was ever queued");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let started = Instant::now();
    let scan_wait = started - waiting;
    loop {
        // Only once nothing is left to run are the refreshed bindings counted (a count over
        // all of them, every few milliseconds, would load the database being measured).
        if !any_live_jobs(&app.db).await {
            let done = social_bindings::Entity::find()
                .filter(social_bindings::Column::TokenVersion.gt(0))
                .count(&app.db)
                .await
                .expect("count");
            if done as usize >= total {
                break;
            }
            assert!(Instant::now() < deadline, "refresh timed out at {done}");
        }
        assert!(Instant::now() < deadline, "refresh timed out");
        // Each poll counts every live job (all of them at the start: ≈ 0.5 ms of the
        // database's time at 10,000), so not more often than this: a few percent of a core,
        // and the end seen within 20 ms.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let failed = social_bindings::Entity::find()
        .filter(social_bindings::Column::RefreshStatus.ne("ok"))
        .count(&app.db)
        .await
        .expect("count");
    let cpu = passport.cpu_seconds() - cpu;
    println!(
        "BENCH qq-refresh {:<8} {total} due bindings refreshed against the simulator in {:.1} s: {:>6.0} refreshes/s (job concurrency {})  passport CPU {:.3} ms/refresh  RSS idle {:.1} MB, peak {:.1} MB  load {} (seeding took {:.1} s, the first scan {:.2} s more)",
        format!("{backend:?}"),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        job_concurrency(),
        cpu * 1000.0 / total as f64,
        mb(idle_rss),
        mb(passport.peak_rss_kib()),
        load_average(),
        seeding.as_secs_f64(),
        scan_wait.as_secs_f64(),
    );
    assert_eq!(failed, 0, "every refresh succeeded");
}

bench_on_both_backends!(bench_qq_refresh_sqlite, bench_qq_refresh_postgres);

//! Performance scenario (not a test): the QQ callback of already-bound users against the
//! simulator. `PASSPORT_BENCH_USERS` distinct bound users (default 1,000) log in round-robin (so
//! no row is hot), at 16, 64 and 256 connections, with codes and states minted before the clock
//! starts. Passport runs as a child process (`harness::Passport`, the `passport serve` binary of
//! this build's profile); the load generator and the QQ simulator stay in this process. Run by
//! `make bench`; prints req/s, p50/p99, non-2xx answers, the load average, passport's own CPU
//! milliseconds per callback (from `/proc/<pid>/stat`, robust to a noisy machine) and its resident
//! memory idle and at its peak (`VmRSS`, `VmHWM`). Asserts only that every login succeeded.

use std::time::Duration;

use passport::crypto::{TokenCipher, TokenField};
use passport::entities::social_bindings;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::Value;

use crate::callbacks;
use crate::harness::{Passport, load_average, mb};
use crate::helpers::{Backend, TestDb, sim_codes, spawn_simulator, user};

/// Connections per point; `BENCH_LEVELS=16,64` runs fewer.
const LEVELS: [usize; 3] = [16, 64, 256];

/// The openid the QQ simulator at `sim` gives `sim_user` in the app `app_id`.
async fn sim_openid(client: &reqwest::Client, sim: &str, app_id: &str, sim_user: &str) -> String {
    let response = client
        .get(format!(
            "{sim}/_sim/openid?client_id={app_id}&sim_user={sim_user}"
        ))
        .send()
        .await
        .expect("ask the simulator");
    assert!(response.status().is_success(), "{}", response.status());
    let body: Value = response.json().await.expect("json");
    body["openid"].as_str().expect("openid").to_owned()
}

/// PostgreSQL: the transactions the database committed so far (a lone statement is one) (`pg_stat_database`, flushed by
/// the server about every second, hence the wait), for commits per callback: what group commit
/// saves. `None` on SQLite.
async fn pg_commits(db: &sea_orm::DatabaseConnection) -> Option<i64> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return None;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    db.execute_unprepared("SELECT pg_stat_clear_snapshot()")
        .await
        .ok()?;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
        ))
        .await
        .ok()??;
    row.try_get::<i64>("", "xact_commit").ok()
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
            ("PASSPORT_QQ_EXCHANGE_WORKERS", "64".into()),
        ],
    )
    .await;
    let settings = passport.settings.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let users_n = callbacks::bench_users();
    let cipher = TokenCipher::new(&settings.token_key);
    let now = chrono::Utc::now();
    // N users, each bound to its own simulator identity.
    let mut sim_users = Vec::with_capacity(users_n);
    let mut bindings = Vec::with_capacity(users_n);
    for i in 0..users_n {
        let sim_user = format!("bench_reader_{i}");
        let openid = sim_openid(&client, &sim, &settings.qq.app_id, &sim_user).await;
        let user = user(&format!("bench_reader_{i}"))
            .nickname(format!("压测读者{i}"))
            .at(now)
            .row()
            .insert(&db)
            .await
            .expect("user");
        bindings.push(social_bindings::ActiveModel {
            provider: Set("qq".into()),
            user_id: Set(user.id),
            subject: Set(openid.clone()),
            nickname: Set("压测".into()),
            avatar: Set(String::new()),
            access_token_enc: Set(cipher
                .encrypt(TokenField::QqAccessToken, &openid, "old")
                .expect("encrypt")),
            token_expires_at: Set(now),
            token_version: Set(0),
            refresh_status: Set("ok".into()),
            bound_at: Set(now),
            ..Default::default()
        });
        sim_users.push(sim_user);
    }
    for chunk in bindings.chunks(200) {
        social_bindings::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .expect("bindings");
    }

    let idle_rss = passport.rss_kib();
    let total = callbacks::requests();
    for connections in callbacks::levels(&LEVELS) {
        // One code per login, users round-robin; each login its own single-use state, all from
        // one browser (one cookie).
        let per_user = total.div_ceil(users_n);
        let mut codes_by_user = Vec::with_capacity(users_n);
        for sim_user in &sim_users {
            codes_by_user.push(sim_codes(&client, &sim, &settings.qq, sim_user, per_user).await);
        }
        let mut codes = Vec::with_capacity(total);
        'fill: for round in 0..per_user {
            for user_codes in &codes_by_user {
                if codes.len() == total {
                    break 'fill;
                }
                codes.push(user_codes[round].clone());
            }
        }
        let first = crate::qq_login::start_login(&client, &passport.base_url, "/").await;
        let mut logins = vec![(codes[0].clone(), first.state.clone())];
        for code in &codes[1..] {
            let again = crate::qq_login::start_login_in(
                &client,
                &passport.base_url,
                "/",
                Some(&first.cookie),
            )
            .await;
            logins.push((code.clone(), again.state));
        }
        // Served in the order minted: round-robin over the users.
        logins.reverse();
        let cookie = first.cookie.clone();

        let commits_before = pg_commits(&db).await;
        let cpu_before = passport.cpu_seconds();
        let load_before = load_average();
        let run = callbacks::drive(
            &client,
            passport.url("/api/oauth/qq/callback"),
            &cookie,
            logins,
            connections,
        )
        .await;
        let cpu = passport.cpu_seconds() - cpu_before;
        let commits = match (commits_before, pg_commits(&db).await) {
            (Some(before), Some(after)) => format!(
                "  {:.2} PostgreSQL transactions/callback",
                (after - before) as f64 / total as f64
            ),
            _ => String::new(),
        };
        println!(
            "BENCH qq-callback {:<8} {total} logins of {users_n} bound users round-robin, {connections:>3} connections: {:>6.0} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  non-2xx {}  failures {}  passport CPU {:.3} ms/callback{commits}  RSS idle {:.1} MB peak {:.1} MB  load {load_before}→{}",
            format!("{backend:?}"),
            run.per_second(),
            run.p_ms(0.50),
            run.p_ms(0.99),
            run.non_2xx,
            run.failures,
            cpu * 1000.0 / total as f64,
            mb(idle_rss),
            mb(passport.peak_rss_kib()),
            load_average(),
        );
        assert_eq!(run.failures, 0, "every login succeeded");
    }
}

bench_on_both_backends!(bench_qq_callback_sqlite, bench_qq_callback_postgres);

//! Performance scenario (not a test): the WeChat callback of already-bound users against the
//! WeChat simulator, as `bench_login` does for QQ. `PASSPORT_BENCH_USERS` distinct bound users
//! (default 1,000) log in round-robin at 64 connections (`BENCH_LEVELS` may name others), codes
//! and states minted before the clock starts. Passport runs as a child process; the load generator
//! and the simulator stay in this process. A bound user's login is one round trip to WeChat (the
//! code exchange: openid and unionid come with the tokens; the stored profile stands in for
//! `/sns/userinfo`) and one group-committed write. Prints what `bench_login` prints; asserts
//! only that every login succeeded.

use std::time::{Duration, Instant};

use passport::crypto::{TokenCipher, TokenField};
use passport::entities::social_bindings;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

use crate::harness::{Passport, load_average, mb};
use crate::helpers::{Backend, TestDb, user};

/// Connections per point (the 64); `BENCH_LEVELS=16,64,256` runs others.
const LEVELS: [usize; 1] = [64];
/// Logins per point; `BENCH_REQUESTS` changes it.
const REQUESTS: usize = 3_000;

fn levels() -> Vec<usize> {
    std::env::var("BENCH_LEVELS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|l: &Vec<usize>| !l.is_empty())
        .unwrap_or_else(|| LEVELS.to_vec())
}

fn requests() -> usize {
    std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(REQUESTS)
}

fn bench_users() -> usize {
    std::env::var("PASSPORT_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A WeChat login's start from one browser: its state, and the cookie (set by the first).
async fn start(client: &reqwest::Client, base_url: &str, cookie: Option<&str>) -> (String, String) {
    let mut request = client.get(format!("{base_url}/api/oauth/wechat/authorize-url?next=/"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("GET");
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .expect("the login cookie");
    assert!(response.status().is_success(), "{}", response.status());
    let body: Value = response.json().await.expect("json");
    (
        body["state"].as_str().expect("state").to_owned(),
        set_cookie,
    )
}

async fn bench_backend(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let running = oauth_sim::wechat::Simulator::dev()
        .start("127.0.0.1:0")
        .await
        .expect("WeChat simulator");
    let sim = running.sim().clone();
    let passport = Passport::start(
        &test_db.url,
        &[
            ("PASSPORT_WECHAT_OPEN_BASE_URL", running.url()),
            ("PASSPORT_WECHAT_API_BASE_URL", running.url()),
            ("PASSPORT_QQ_EXCHANGE_WORKERS", "64".into()),
        ],
    )
    .await;
    let settings = passport.settings.clone();
    let wechat = settings.wechat.clone().expect("dev configures WeChat");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let users_n = bench_users();
    let cipher = TokenCipher::new(&settings.token_key);
    let now = chrono::Utc::now();
    // N users, each bound to its own WeChat identity, with a fresh profile (the fast path).
    let mut sim_users = Vec::with_capacity(users_n);
    let mut bindings = Vec::with_capacity(users_n);
    for i in 0..users_n {
        let sim_user = format!("bench_wechat_reader_{i}");
        // Minting once makes the simulator know the user (and its openid).
        sim.mint_code(&wechat.app_id, wechat.redirect_uri.as_str(), &sim_user)
            .expect("mint");
        let openid = sim.openid(&wechat.app_id, &sim_user);
        let user = user(&format!("bench_wechat_{i}"))
            .nickname(format!("微信压测读者{i}"))
            .at(now)
            .row()
            .insert(&db)
            .await
            .expect("user");
        bindings.push(social_bindings::ActiveModel {
            user_id: Set(user.id),
            provider: Set("wechat".into()),
            subject: Set(openid.clone()),
            unionid: Set(sim.unionid(&wechat.app_id, &sim_user)),
            nickname: Set("压测".into()),
            avatar: Set(String::new()),
            access_token_enc: Set(cipher
                .encrypt(TokenField::QqAccessToken, &openid, "old")
                .expect("encrypt")),
            token_expires_at: Set(now),
            token_version: Set(0),
            refresh_status: Set("ok".into()),
            bound_at: Set(now),
            profile_fetched_at: Set(Some(now)),
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
    let total = requests();
    for connections in levels() {
        // One code per login, users round-robin; each login its own single-use state, all from
        // one browser (one cookie).
        let mut codes = Vec::with_capacity(total);
        while codes.len() < total {
            for sim_user in &sim_users {
                if codes.len() == total {
                    break;
                }
                codes.push(
                    sim.mint_code(&wechat.app_id, wechat.redirect_uri.as_str(), sim_user)
                        .expect("mint"),
                );
            }
        }
        let (first_state, cookie) = start(&client, &passport.base_url, None).await;
        let mut logins = vec![(codes[0].clone(), first_state)];
        for code in &codes[1..] {
            let (state, _) = start(&client, &passport.base_url, Some(&cookie)).await;
            logins.push((code.clone(), state));
        }
        logins.reverse();

        let queue = std::sync::Arc::new(tokio::sync::Mutex::new(logins));
        let cpu_before = passport.cpu_seconds();
        let load_before = load_average();
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let (queue, client, url, cookie) = (
                queue.clone(),
                client.clone(),
                passport.url("/api/oauth/wechat/callback"),
                cookie.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let (mut non_2xx, mut failures) = (0usize, 0usize);
                loop {
                    let Some((code, state)) = queue.lock().await.pop() else {
                        break;
                    };
                    let sent = Instant::now();
                    let response = client
                        .post(&url)
                        .header("cookie", &cookie)
                        .json(&json!({"code": code, "state": state}))
                        .send()
                        .await;
                    let ok = match response {
                        Ok(r) if r.status().is_success() => r
                            .json::<Value>()
                            .await
                            .is_ok_and(|b| b["status"] == "logged_in"),
                        Ok(_) => {
                            non_2xx += 1;
                            false
                        }
                        Err(_) => false,
                    };
                    latencies.push(sent.elapsed());
                    if !ok {
                        failures += 1;
                    }
                }
                (latencies, non_2xx, failures)
            }));
        }
        let mut latencies = Vec::with_capacity(total);
        let (mut non_2xx, mut failures) = (0, 0);
        for task in tasks {
            let (l, n, f) = task.await.expect("task");
            latencies.extend(l);
            non_2xx += n;
            failures += f;
        }
        let elapsed = started.elapsed();
        let cpu = passport.cpu_seconds() - cpu_before;
        latencies.sort();
        println!(
            "BENCH wechat-callback {:<8} {total} logins of {users_n} bound users round-robin, {connections:>3} connections: {:>6.0} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  non-2xx {non_2xx}  failures {failures}  passport CPU {:.3} ms/callback  RSS idle {:.1} MB peak {:.1} MB  load {load_before}→{}",
            format!("{backend:?}"),
            total as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            cpu * 1000.0 / total as f64,
            mb(idle_rss),
            mb(passport.peak_rss_kib()),
            load_average(),
        );
        assert_eq!(failures, 0, "every login succeeded");
    }
    drop(passport);
    let _ = running.shutdown().await;
}

bench_on_both_backends!(bench_wechat_callback_sqlite, bench_wechat_callback_postgres);

//! Performance scenario (not a test): the WeChat callback of already-bound users against the
//! WeChat simulator, as `bench_login` does for QQ. `PASSPORT_BENCH_USERS` distinct bound users
//! (default 1,000) log in round-robin at 64 connections (`BENCH_LEVELS` may name others), codes
//! and states minted before the clock starts. Passport runs as a child process; the load generator
//! and the simulator stay in this process. A bound user's login is one round trip to WeChat (the
//! code exchange: openid and unionid come with the tokens; the stored profile stands in for
//! `/sns/userinfo`) and one group-committed write. Prints what `bench_login` prints; asserts
//! only that every login succeeded.

use std::time::Duration;

use passport::crypto::{TokenCipher, TokenField};
use passport::entities::social_bindings;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::Value;

use crate::callbacks;
use crate::harness::{Passport, load_average, mb};
use crate::helpers::{Backend, TestDb, user};

/// Connections per point (the 64); `BENCH_LEVELS=16,64,256` runs others.
const LEVELS: [usize; 1] = [64];

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
    let users_n = callbacks::bench_users();
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
    let total = callbacks::requests();
    for connections in callbacks::levels(&LEVELS) {
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

        let cpu_before = passport.cpu_seconds();
        let load_before = load_average();
        let run = callbacks::drive(
            &client,
            passport.url("/api/oauth/wechat/callback"),
            &cookie,
            logins,
            connections,
        )
        .await;
        let cpu = passport.cpu_seconds() - cpu_before;
        println!(
            "BENCH wechat-callback {:<8} {total} logins of {users_n} bound users round-robin, {connections:>3} connections: {:>6.0} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  non-2xx {}  failures {}  passport CPU {:.3} ms/callback  RSS idle {:.1} MB peak {:.1} MB  load {load_before}→{}",
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
    drop(passport);
    let _ = running.shutdown().await;
}

bench_on_both_backends!(bench_wechat_callback_sqlite, bench_wechat_callback_postgres);

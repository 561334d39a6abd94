//! Performance scenario (not a test): the QQ callback of an already-bound user against the
//! simulator, 64 connections, codes minted in bulk with `/_sim/codes`. Run by `make bench`;
//! prints requests/s and p50/p99, asserts only that every login succeeded.

use std::time::{Duration, Instant};

use passport::auth::{TokenCipher, TokenField};
use passport::entities::{qq_bindings, users};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

const CONNECTIONS: usize = 64;
const REQUESTS: usize = 3_000;
const SIM_USER: &str = "bench_reader";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn bench_backend(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert(
            "PASSPORT_QQ_EXCHANGE_WORKERS".into(),
            CONNECTIONS.to_string(),
        );
    })
    .await
    else {
        return;
    };
    // A user already bound to the simulator's openid for SIM_USER.
    let openid: Value = app
        .client
        .get(format!(
            "{}/_sim/openid?client_id={}&sim_user={SIM_USER}",
            app.sim_url.as_deref().expect("sim"),
            app.settings.qq.app_id
        ))
        .send()
        .await
        .expect("openid")
        .json()
        .await
        .expect("json");
    let openid = openid["openid"].as_str().expect("openid").to_owned();
    let now = chrono::Utc::now();
    let user = users::ActiveModel {
        username: Set("bench_reader".into()),
        nickname: Set("压测读者".into()),
        avatar: Set(String::new()),
        token_version: Set(0),
        is_staff: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("user");
    let cipher = TokenCipher::new(&app.settings.token_key);
    qq_bindings::ActiveModel {
        user_id: Set(user.id),
        openid: Set(openid.clone()),
        qq_nickname: Set("压测".into()),
        qq_avatar: Set(String::new()),
        access_token_enc: Set(cipher
            .encrypt(TokenField::QqAccessToken, &openid, "old")
            .expect("encrypt")),
        token_expires_at: Set(now),
        token_version: Set(0),
        refresh_status: Set("ok".into()),
        bound_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("binding");

    let minted: Value = app
        .client
        .post(format!(
            "{}/_sim/codes",
            app.sim_url.as_deref().expect("sim")
        ))
        .json(&json!({
            "client_id": app.settings.qq.app_id,
            "redirect_uri": app.settings.qq.redirect_uri.as_str(),
            "sim_user": SIM_USER,
            "count": REQUESTS,
        }))
        .send()
        .await
        .expect("mint")
        .json()
        .await
        .expect("json");
    let codes: Vec<String> = minted["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    assert_eq!(codes.len(), REQUESTS);
    // Each login needs its own state (single use), all from one browser (one cookie); minted
    // before the clock starts, as browsers would have done.
    let first = crate::qq_login::start_login(&app, "/").await;
    let mut logins = vec![(codes[0].clone(), first.state.clone())];
    for code in &codes[1..] {
        let again = crate::qq_login::start_login_in(&app, "/", Some(&first.cookie)).await;
        logins.push((code.clone(), again.state));
    }
    let cookie = first.cookie.clone();

    let queue = std::sync::Arc::new(tokio::sync::Mutex::new(logins));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (queue, client, url, cookie) = (
            queue.clone(),
            app.client.clone(),
            app.url("/api/oauth/qq/callback"),
            cookie.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
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
                    Ok(r) if r.status() == 200 => r
                        .json::<Value>()
                        .await
                        .is_ok_and(|b| b["status"] == "logged_in"),
                    _ => false,
                };
                latencies.push(sent.elapsed());
                if !ok {
                    failures += 1;
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::with_capacity(REQUESTS);
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await.expect("task");
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "BENCH qq-callback {:<8} {REQUESTS} logins of a bound user, {CONNECTIONS} connections: {:>6.0} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  failures {failures}",
        format!("{backend:?}"),
        REQUESTS as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
    );
    assert_eq!(failures, 0, "every login succeeded");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_qq_callback_sqlite() {
    bench_backend(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_qq_callback_postgres() {
    bench_backend(Backend::Postgres).await;
}

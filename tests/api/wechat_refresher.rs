//! Keeping WeChat tokens fresh against the WeChat simulator, on SQLite and PostgreSQL, with the
//! QQ refresher's guarantees (tests/api/refresher.rs): a due binding is refreshed through WeChat
//! (which hands the same refresh token back, as the simulator does), a dead refresh token
//! (42002 expired, 40030 revoked) ends `refresh_failed` with WeChat's code, a refresh token sent
//! by a refresher that died is never sent again, two refreshers racing leave one pair; Weibo
//! bindings are never refreshed.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use oauth_sim::fault::FaultKind;
use oauth_sim::wechat::{Fault, FaultTarget, Simulator};
use passport::accounts::qq_tokens::{self, RefreshOutcome};
use passport::crypto::{TokenCipher, TokenField};
use passport::entities::{binding_token_events, jobs, social_bindings};
use passport::oauth::HttpOptions;
use passport::oauth::wechat::WechatClient;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::helpers::{Backend, TestApp, eventually_some, user};
use crate::refresher::{refresh_failed, refreshing_app_env, reload};
use crate::social_account::NewBinding;

/// The app with its own WeChat simulator (serving until the test process ends) and a refresher
/// that scans every second.
async fn spawn(backend: Backend) -> Option<(TestApp, Simulator)> {
    let running = Simulator::dev()
        .start("127.0.0.1:0")
        .await
        .expect("WeChat simulator starts");
    let sim = running.sim().clone();
    let url = running.url();
    std::mem::forget(running);
    let app = TestApp::spawn_with(backend, move |env: &mut BTreeMap<String, String>| {
        refreshing_app_env(env);
        env.insert("PASSPORT_WECHAT_OPEN_BASE_URL".into(), url.clone());
        env.insert("PASSPORT_WECHAT_API_BASE_URL".into(), url);
        env.insert("PASSPORT_OAUTH_TIMEOUT_MS".into(), "1500".into());
    })
    .await?;
    Some((app, sim))
}

fn client(app: &TestApp) -> WechatClient {
    WechatClient::new(
        app.settings.wechat.clone().expect("WeChat configured"),
        &HttpOptions::default(),
    )
    .expect("client")
}

/// A WeChat binding of a new user whose tokens the simulator issued for `sim_user` (as a login
/// would store them), its access token issued `issued_days_ago`.
async fn wechat_binding(
    app: &TestApp,
    sim: &Simulator,
    username: &str,
    sim_user: &str,
    issued_days_ago: i64,
) -> social_bindings::Model {
    let wechat = app.settings.wechat.as_ref().expect("WeChat configured");
    let code = sim
        .mint_code(&wechat.app_id, wechat.redirect_uri.as_str(), sim_user)
        .expect("a code");
    let token = client(app).exchange_code(&code).await.expect("tokens");
    let owner = user(username).create(app).await;
    let now = Utc::now();
    NewBinding {
        provider: "wechat",
        subject: &token.openid,
        unionid: token.unionid.as_deref(),
        nickname: sim_user,
        access_token: token.access_token.expose(),
        refresh_token: Some(token.refresh_token.expose()),
        token_expires_at: now - chrono::Duration::days(issued_days_ago)
            + chrono::Duration::hours(2),
        bound_at: now - chrono::Duration::days(issued_days_ago),
    }
    .insert(app, owner.id)
    .await
}

/// The binding's refresh token, opened for its owner `wechat:{openid}`.
fn refresh_token(app: &TestApp, binding: &social_bindings::Model) -> String {
    TokenCipher::new(&app.settings.token_key)
        .decrypt(
            TokenField::QqRefreshToken,
            &binding.token_owner(),
            binding
                .refresh_token_enc
                .as_deref()
                .expect("a refresh token"),
        )
        .expect("decrypt")
}

async fn wechat_jobs(app: &TestApp) -> Vec<jobs::Model> {
    jobs::Entity::find()
        .all(&app.db)
        .await
        .expect("jobs")
        .into_iter()
        .filter(|j| j.kind == "wechat_token_refresh")
        .collect()
}

async fn a_due_wechat_binding_is_refreshed_through_wechat_and_weibo_never(backend: Backend) {
    let Some((app, sim)) = spawn(backend).await else {
        return;
    };
    let due = wechat_binding(&app, &sim, "wx_due", "xiaoming", 26).await;
    let fresh = wechat_binding(&app, &sim, "wx_fresh", "xiaohong", 0).await;
    let old_refresh = refresh_token(&app, &due);
    // A Weibo binding long expired: nothing to refresh it with.
    let weibo_owner = user("weibo_user").create(&app).await;
    let weibo = NewBinding {
        provider: "weibo",
        subject: "5000000100",
        unionid: None,
        nickname: "微博",
        access_token: "a-weibo-token",
        refresh_token: None,
        token_expires_at: Utc::now() - chrono::Duration::days(40),
        bound_at: Utc::now() - chrono::Duration::days(100),
    }
    .insert(&app, weibo_owner.id)
    .await;

    let refreshed = eventually_some(
        Duration::from_secs(15),
        "the due WeChat binding is refreshed",
        || async {
            let b = reload(&app, due.id).await;
            (b.token_version > due.token_version).then_some(b)
        },
    )
    .await;
    assert_eq!(refreshed.refresh_status, "ok");
    assert!(refreshed.last_refreshed_at.is_some());
    let lives = refreshed.token_expires_at - Utc::now();
    assert!(
        lives > chrono::Duration::minutes(110) && lives <= chrono::Duration::hours(2),
        "WeChat's two hours: {lives}"
    );
    assert_eq!(refreshed.refresh_sent_version, None);
    assert_eq!(refreshed.refresh_lease_until, None);
    // The simulator hands the same refresh token back (WeChat never says it rotates): stored,
    // sealed anew for the binding's owner, and still good at WeChat.
    assert_eq!(refresh_token(&app, &refreshed), old_refresh);
    assert_ne!(refreshed.refresh_token_enc, due.refresh_token_enc);
    assert!(client(&app).refresh(&old_refresh).await.is_ok());
    let history = binding_token_events::Entity::find()
        .all(&app.db)
        .await
        .expect("events");
    assert!(
        history
            .iter()
            .any(|e| e.binding_id == due.id && e.kind == "refresh" && e.provider == "wechat"),
        "in the binding's token history"
    );

    // Refreshed now, it is not due again; the fresh one and Weibo's were never due.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let queued = wechat_jobs(&app).await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].payload["binding_id"], due.id);
    assert_eq!(
        reload(&app, fresh.id).await.token_version,
        fresh.token_version
    );
    let weibo_after = reload(&app, weibo.id).await;
    assert_eq!(weibo_after.token_version, weibo.token_version);
    assert_eq!(
        weibo_after.refresh_status, "ok",
        "Weibo's expiry is shown, not failed"
    );
    assert!(
        jobs::Entity::find()
            .all(&app.db)
            .await
            .expect("jobs")
            .iter()
            .all(|j| j.payload["binding_id"] != weibo.id),
        "no job for Weibo"
    );
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains("passport_wechat_refreshes_total{outcome=\"refreshed\"} 1\n"),
        "{metrics}"
    );
}

async fn dead_wechat_refresh_tokens_end_refresh_failed_with_the_code(backend: Backend) {
    let Some((app, sim)) = spawn(backend).await else {
        return;
    };
    // Revoked by the person (40030).
    let revoked = wechat_binding(&app, &sim, "wx_revoked", "laowang", 26).await;
    assert!(sim.revoke(&refresh_token(&app, &revoked)));
    let failed = refresh_failed(&app, revoked.id).await;
    let error = failed.refresh_error.clone().unwrap_or_default();
    assert!(
        error.starts_with("WeChat 40030:"),
        "the code is kept: {error}"
    );
    assert_eq!(
        failed.access_token_enc, revoked.access_token_enc,
        "tokens untouched"
    );
    assert_eq!(failed.refresh_sent_version, None);
    let events = binding_token_events::Entity::find()
        .all(&app.db)
        .await
        .expect("events");
    let last = events
        .iter()
        .filter(|e| e.binding_id == revoked.id)
        .max_by_key(|e| e.id)
        .expect("an event");
    assert_eq!(last.kind, "refresh_failed");
    assert_eq!(last.detail.as_deref(), Some(error.as_str()));

    // Past its 30 days (42002): WeChat's clock moves on, the binding comes due.
    let expired = wechat_binding(&app, &sim, "wx_expired", "wenqing", 0).await;
    sim.advance_clock(Duration::from_secs(31 * 24 * 3600));
    let mut active: social_bindings::ActiveModel = expired.clone().into();
    active.token_expires_at = Set(Utc::now() - chrono::Duration::days(29));
    active.update(&app.db).await.expect("make it due");
    let failed = refresh_failed(&app, expired.id).await;
    let error = failed.refresh_error.unwrap_or_default();
    assert!(
        error.starts_with("WeChat 42002:"),
        "the code is kept: {error}"
    );
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains("passport_wechat_refreshes_total{outcome=\"refresh_failed\"} 2\n"),
        "{metrics}"
    );
}

async fn a_wechat_refresh_token_sent_by_a_refresher_that_died_is_never_sent_again(
    backend: Backend,
) {
    let Some((app, sim)) = spawn(backend).await else {
        return;
    };
    let binding = wechat_binding(&app, &sim, "wx_died", "xiaoming", 26).await;
    // A refresher took the lease, recorded its intent, sent the token, and died; its lease
    // still runs for a few seconds. The simulator answers every refresh from here on: had the
    // token been sent again, the binding would be refreshed instead of failed.
    let mut active: social_bindings::ActiveModel = binding.clone().into();
    active.refresh_sent_version = Set(Some(binding.token_version));
    active.refresh_lease_until = Set(Some(Utc::now() + chrono::Duration::seconds(4)));
    active.update(&app.db).await.expect("leave the intent");

    let failed = refresh_failed(&app, binding.id).await;
    let error = failed.refresh_error.clone().unwrap_or_default();
    assert!(
        error.starts_with(qq_tokens::INTERRUPTED),
        "a reason of its own: {error}"
    );
    assert!(error.contains("WeChat"), "{error}");
    assert_eq!(failed.token_version, binding.token_version, "not refreshed");
    assert_eq!(failed.access_token_enc, binding.access_token_enc);
    assert_eq!(failed.refresh_sent_version, None);
    assert_eq!(failed.refresh_lease_until, None);
    // The job waited for the lease (postponed, not failed) and ended in one attempt.
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains("passport_wechat_refreshes_total{outcome=\"postponed\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("passport_wechat_refreshes_total{outcome=\"refresh_interrupted\"} 1\n"),
        "{metrics}"
    );
    let job = wechat_jobs(&app).await.remove(0);
    assert_eq!((job.state.as_str(), job.attempt), ("completed", 1));
}

async fn two_wechat_refreshes_racing_leave_one_consistent_pair(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // No scanning refresher here: the two refreshes are called directly.
    let running = Simulator::dev()
        .start("127.0.0.1:0")
        .await
        .expect("WeChat simulator starts");
    let sim = running.sim().clone();
    let mut settings = app.settings.wechat.clone().expect("WeChat configured");
    settings.api_base_url = url::Url::parse(&running.url()).expect("url");
    let wechat = WechatClient::new(settings.clone(), &HttpOptions::default()).expect("client");
    let code = sim
        .mint_code(&settings.app_id, settings.redirect_uri.as_str(), "xiaohong")
        .expect("code");
    let token = wechat.exchange_code(&code).await.expect("tokens");
    let owner = user("wx_race").create(&app).await;
    let binding = NewBinding {
        provider: "wechat",
        subject: &token.openid,
        unionid: token.unionid.as_deref(),
        nickname: "小红",
        access_token: token.access_token.expose(),
        refresh_token: Some(token.refresh_token.expose()),
        token_expires_at: Utc::now() + chrono::Duration::hours(2),
        bound_at: Utc::now(),
    }
    .insert(&app, owner.id)
    .await;
    let cipher = TokenCipher::new(&app.settings.token_key);
    // WeChat answers slowly, so both refreshers read the same pair before either writes.
    sim.add_fault(Fault::new(FaultTarget::RefreshToken, FaultKind::Latency).latency_ms(300));
    let now = Utc::now();
    let (a, b) = tokio::join!(
        qq_tokens::refresh_wechat_binding(&app.db, &wechat, &cipher, binding.id, now),
        qq_tokens::refresh_wechat_binding(&app.db, &wechat, &cipher, binding.id, now),
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    let (won, lost) = if a == RefreshOutcome::Refreshed {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(won, RefreshOutcome::Refreshed);
    assert!(
        matches!(
            lost,
            RefreshOutcome::Superseded | RefreshOutcome::Held { .. }
        ),
        "{lost:?}"
    );
    let after = reload(&app, binding.id).await;
    assert_eq!(after.token_version, binding.token_version + 1);
    sim.clear_faults();
    // The stored pair is the live one; a QQ refresher leaves a WeChat binding alone.
    assert_eq!(
        qq_tokens::refresh_wechat_binding(&app.db, &wechat, &cipher, binding.id, Utc::now())
            .await
            .expect("refresh"),
        RefreshOutcome::Refreshed
    );
    let qq = passport::qq::client::QqClient::new(&app.settings.qq).expect("QQ client");
    assert_eq!(
        qq_tokens::refresh_binding(&app.db, &qq, &cipher, binding.id, Utc::now())
            .await
            .expect("skipped"),
        RefreshOutcome::Skipped
    );
    drop(running);
}

/// Each provider's scan is one range of `(provider, refresh_status, token_expires_at)`, on a
/// table of every provider (the admin bench's seed: 80% QQ, 10% WeChat, 10% Weibo).
async fn each_providers_scan_is_a_range_of_its_index(backend: Backend) {
    use sea_orm::QueryTrait;
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    crate::bench_admin::seed(&app.db, 10_100, Utc::now().timestamp()).await;
    let db_backend = app.db.get_database_backend();
    let settings = &app.settings.refresh;
    let now = Utc::now();
    for (provider, cutoff) in [
        (
            passport::oauth::ProviderKind::Qq,
            now + chrono::Duration::from_std(settings.ahead).expect("ahead"),
        ),
        (
            passport::oauth::ProviderKind::Wechat,
            now - chrono::Duration::days(25) + qq_tokens::WECHAT_ACCESS_LIFETIME,
        ),
    ] {
        let query = qq_tokens::due_query(provider, cutoff).build(db_backend);
        let plan = crate::helpers::query_plan(&app.db, &query).await;
        assert!(
            plan.contains("ix_social_bindings_provider_refresh"),
            "{provider:?}: {plan}"
        );
        assert!(
            !plan.to_lowercase().contains("temp b-tree"),
            "no sort: {plan}"
        );
    }
    // And the scans find what they should: QQ's due, WeChat's issued 25 days ago, never Weibo's.
    let due = |provider, cutoff| {
        let db = &app.db;
        async move {
            qq_tokens::due_query(provider, cutoff)
                .into_tuple::<i64>()
                .all(db)
                .await
                .expect("scan")
        }
    };
    let qq = due(
        passport::oauth::ProviderKind::Qq,
        now + chrono::Duration::days(10),
    )
    .await;
    assert!(!qq.is_empty() && qq.iter().all(|g| g % 10 != 3 && g % 10 != 7));
    let wechat = due(
        passport::oauth::ProviderKind::Wechat,
        now - chrono::Duration::days(25) + qq_tokens::WECHAT_ACCESS_LIFETIME,
    )
    .await;
    assert!(!wechat.is_empty() && wechat.iter().all(|g| g % 10 == 3));
}

on_both_backends!(
    each_providers_scan_is_a_range_of_its_index,
    a_due_wechat_binding_is_refreshed_through_wechat_and_weibo_never,
    dead_wechat_refresh_tokens_end_refresh_failed_with_the_code,
    a_wechat_refresh_token_sent_by_a_refresher_that_died_is_never_sent_again,
    two_wechat_refreshes_racing_leave_one_consistent_pair,
);

//! Keeping QQ tokens fresh (journey 8) against the simulator, on SQLite and PostgreSQL: due
//! bindings are refreshed and re-encrypted, dead refresh tokens end `refresh_failed`, and two
//! refreshes racing on one binding leave one consistent token pair.

use std::time::Duration;

use passport::accounts::qq_tokens::{self, RefreshOutcome};
use passport::crypto::{TokenCipher, TokenField};
use passport::entities::social_bindings;
use passport::oauth::ProviderKind;
use passport::qq::client::{QqClient, QqError};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::helpers::{Backend, TestApp, eventually_some};
use crate::qq_login::{bind_existing, existing_user};

/// A binding made through the real login flow, so the simulator knows its tokens.
pub(crate) async fn bound(
    app: &TestApp,
    username: &str,
    mobile: &str,
    sim_user: &str,
) -> social_bindings::Model {
    existing_user(app, username, mobile).await;
    let body = bind_existing(app, username, sim_user).await;
    let user_id = body["user"]["id"].as_i64().expect("user id");
    social_bindings::Entity::find()
        .all(&app.db)
        .await
        .expect("bindings")
        .into_iter()
        .find(|b| b.user_id == user_id)
        .expect("the binding")
}

pub(crate) async fn set_expiry(app: &TestApp, binding: &social_bindings::Model, in_days: i64) {
    let mut active: social_bindings::ActiveModel = binding.clone().into();
    active.token_expires_at = Set(chrono::Utc::now() + chrono::Duration::days(in_days));
    active.update(&app.db).await.expect("set expiry");
}

fn refresh_token(app: &TestApp, binding: &social_bindings::Model) -> String {
    TokenCipher::new(&app.settings.token_key)
        .decrypt(
            TokenField::QqRefreshToken,
            &binding.subject,
            binding
                .refresh_token_enc
                .as_deref()
                .expect("a refresh token"),
        )
        .expect("decrypt")
}

/// The binding `id` once the refresher has marked it `refresh_failed` (within 15 s).
pub(crate) async fn refresh_failed(app: &TestApp, id: i64) -> social_bindings::Model {
    eventually_some(
        Duration::from_secs(15),
        "the binding is marked refresh_failed",
        || async {
            let b = reload(app, id).await;
            (b.refresh_status == "refresh_failed").then_some(b)
        },
    )
    .await
}

pub(crate) async fn reload(app: &TestApp, id: i64) -> social_bindings::Model {
    social_bindings::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("binding")
}

pub(crate) fn refreshing_app_env(env: &mut std::collections::BTreeMap<String, String>) {
    env.insert("PASSPORT_QQ_REFRESH_SCAN_SECS".into(), "1".into());
    env.insert("PASSPORT_QQ_REFRESH_SPREAD_SECS".into(), "0".into());
    env.insert("PASSPORT_JOB_POLL_MAX_MS".into(), "100".into());
}

async fn due_bindings_are_refreshed_and_the_old_refresh_token_dies(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, refreshing_app_env).await else {
        return;
    };
    let due = bound(&app, "due_user", "13800000001", "due_qq").await;
    let later = bound(&app, "later_user", "13800000002", "later_qq").await;
    let old_refresh = refresh_token(&app, &due);
    set_expiry(&app, &due, 1).await;
    set_expiry(&app, &later, 60).await;

    let refreshed = eventually_some(
        Duration::from_secs(15),
        "the due binding is refreshed",
        || async {
            let b = reload(&app, due.id).await;
            (b.token_version > due.token_version).then_some(b)
        },
    )
    .await;
    assert_eq!(refreshed.refresh_status, "ok");
    assert!(refreshed.last_refreshed_at.is_some());
    assert!(
        refreshed.token_expires_at > chrono::Utc::now() + chrono::Duration::days(80),
        "QQ's 90 days"
    );
    assert_ne!(refreshed.access_token_enc, due.access_token_enc);
    let new_refresh = refresh_token(&app, &refreshed);
    assert_ne!(
        new_refresh, old_refresh,
        "QQ rotated the refresh token; the new one is stored"
    );
    assert!(
        !refreshed
            .refresh_token_enc
            .as_deref()
            .unwrap_or_default()
            .contains(&new_refresh),
        "stored encrypted"
    );

    let client = QqClient::new(&app.settings.qq).expect("client");
    assert!(
        matches!(
            client.refresh(&old_refresh).await,
            Err(QqError::TokenInvalid { .. })
        ),
        "the old refresh token is dead at QQ"
    );
    let history = passport::entities::binding_token_events::Entity::find()
        .all(&app.db)
        .await
        .expect("events");
    assert!(
        history
            .iter()
            .any(|e| e.binding_id == due.id && e.kind == "refresh"),
        "the refresh is in the binding's token history"
    );
    let untouched = reload(&app, later.id).await;
    assert_eq!(
        untouched.token_version, later.token_version,
        "a binding not due is left alone"
    );
}

async fn a_dead_refresh_token_ends_refresh_failed(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, refreshing_app_env).await else {
        return;
    };
    let binding = bound(&app, "dead_user", "13800000003", "dead_qq").await;
    let revoked = app
        .client
        .post(format!(
            "{}/_sim/revoke",
            app.sim_url.as_deref().expect("sim")
        ))
        .json(&json!({"token": refresh_token(&app, &binding)}))
        .send()
        .await
        .expect("revoke");
    assert!(revoked.status().is_success());
    set_expiry(&app, &binding, 1).await;
    let failed = refresh_failed(&app, binding.id).await;
    let error = failed.refresh_error.unwrap_or_default();
    assert!(error.starts_with("QQ 1000"), "the QQ code is kept: {error}");
    assert_eq!(
        failed.access_token_enc, binding.access_token_enc,
        "tokens untouched"
    );
}

async fn two_refreshes_racing_leave_one_consistent_pair(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let binding = bound(&app, "race_user", "13800000004", "race_qq").await;
    let client = QqClient::new(&app.settings.qq).expect("client");
    let cipher = TokenCipher::new(&app.settings.token_key);
    // QQ answers slowly, so both refreshers read the same token pair before either writes.
    app.sim_fault(
        json!({"endpoint": "token", "kind": "latency", "latency_ms": 300, "probability": 1.0}),
    )
    .await;
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(
        qq_tokens::refresh_binding(&app.db, &client, &cipher, binding.id, now),
        qq_tokens::refresh_binding(&app.db, &client, &cipher, binding.id, now),
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    // One refreshes; the other either read the pair before the lease was taken (and lost the
    // lease) or read the lease (and waits for it): neither sends the token.
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
    assert_eq!(after.refresh_status, "ok");
    assert_eq!(after.token_version, binding.token_version + 1);
    // The stored pair is the live one: QQ accepts its refresh token.
    assert_eq!(
        qq_tokens::refresh_binding(&app.db, &client, &cipher, binding.id, chrono::Utc::now())
            .await
            .expect("refresh"),
        RefreshOutcome::Refreshed
    );
}

/// How many times the simulator saw a used refresh token presented again.
async fn sim_refresh_reuses(app: &TestApp) -> u64 {
    let overview: serde_json::Value =
        reqwest::get(format!("{}/_sim", app.sim_url.as_deref().expect("sim")))
            .await
            .expect("sim overview")
            .json()
            .await
            .expect("json");
    overview["stats"]["refresh_reuses"]
        .as_u64()
        .expect("stats.refresh_reuses")
}

/// What a refresher that died mid-call leaves: QQ has rotated the token (the new one died with
/// the refresher) and the binding records that its current token was sent, leased until `lease`.
async fn refresher_died_mid_call(
    app: &TestApp,
    binding: &social_bindings::Model,
    lease: chrono::DateTime<chrono::Utc>,
) {
    let client = QqClient::new(&app.settings.qq).expect("client");
    client
        .refresh(&refresh_token(app, binding))
        .await
        .expect("QQ took the token of the refresher that died");
    let mut active: social_bindings::ActiveModel = binding.clone().into();
    active.refresh_sent_version = Set(Some(binding.token_version));
    active.refresh_lease_until = Set(Some(lease));
    active.update(&app.db).await.expect("leave the intent");
}

async fn a_refresh_token_sent_by_a_refresher_that_died_is_never_sent_again(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, refreshing_app_env).await else {
        return;
    };
    let binding = bound(&app, "died_user", "13800000005", "died_qq").await;
    // Its lease still runs for a few seconds: the refresh job that comes first must wait for it,
    // not take the binding, and not spend an attempt waiting.
    refresher_died_mid_call(
        &app,
        &binding,
        chrono::Utc::now() + chrono::Duration::seconds(4),
    )
    .await;
    let binding = reload(&app, binding.id).await;
    set_expiry(&app, &binding, 1).await;
    let failed = eventually_some(
        Duration::from_secs(20),
        "the binding is marked refresh_failed once the lease lapsed",
        || async {
            let b = reload(&app, binding.id).await;
            (b.refresh_status == "refresh_failed").then_some(b)
        },
    )
    .await;
    let error = failed.refresh_error.clone().unwrap_or_default();
    assert!(
        error.starts_with(qq_tokens::INTERRUPTED),
        "a reason of its own: {error}"
    );
    assert_eq!(
        sim_refresh_reuses(&app).await,
        0,
        "the token was not sent twice"
    );
    assert_eq!(failed.refresh_sent_version, None);
    assert_eq!(failed.refresh_lease_until, None);
    assert_eq!(failed.access_token_enc, binding.access_token_enc);
    // In the binding's token history, as the admin drawer shows it.
    let events = passport::entities::binding_token_events::Entity::find()
        .all(&app.db)
        .await
        .expect("events");
    let last = events
        .iter()
        .filter(|e| e.binding_id == binding.id)
        .max_by_key(|e| e.id)
        .expect("an event");
    assert_eq!(last.kind, "refresh_failed");
    assert_eq!(last.detail.as_deref(), Some(error.as_str()));
    // The job waited for the lease (postponed once, not failed) and ended in one attempt.
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains("passport_qq_refreshes_total{outcome=\"postponed\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("passport_qq_refreshes_total{outcome=\"refresh_interrupted\"} 1\n"),
        "{metrics}"
    );
    let job = passport::entities::jobs::Entity::find()
        .all(&app.db)
        .await
        .expect("jobs")
        .into_iter()
        .find(|j| j.kind == "qq_token_refresh")
        .expect("the refresh job");
    assert_eq!((job.state.as_str(), job.attempt), ("completed", 1));
}

async fn an_intent_older_than_the_stored_tokens_does_not_block_a_refresh(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let binding = bound(&app, "stale_user", "13800000006", "stale_qq").await;
    // A refresher died on the previous token pair; a login has stored a new pair since.
    let mut active: social_bindings::ActiveModel = binding.clone().into();
    active.refresh_sent_version = Set(Some(binding.token_version - 1));
    active.refresh_lease_until = Set(Some(chrono::Utc::now() + chrono::Duration::seconds(30)));
    active.update(&app.db).await.expect("stale intent");
    let client = QqClient::new(&app.settings.qq).expect("client");
    let cipher = TokenCipher::new(&app.settings.token_key);
    assert_eq!(
        qq_tokens::refresh_binding(&app.db, &client, &cipher, binding.id, chrono::Utc::now())
            .await
            .expect("refresh"),
        RefreshOutcome::Refreshed
    );
    let after = reload(&app, binding.id).await;
    assert_eq!(after.token_version, binding.token_version + 1);
    assert_eq!(after.refresh_sent_version, None);
    // While a refresher holds the current pair, another one keeps its hands off.
    refresher_died_mid_call(
        &app,
        &after,
        chrono::Utc::now() + chrono::Duration::seconds(30),
    )
    .await;
    let held =
        qq_tokens::refresh_binding(&app.db, &client, &cipher, binding.id, chrono::Utc::now())
            .await
            .expect("refresh");
    assert!(matches!(held, RefreshOutcome::Held { .. }), "{held:?}");
    assert_eq!(sim_refresh_reuses(&app).await, 0);
}

/// The refresh workers' group commit: refreshes running together take their leases in one
/// statement and store their tokens in one transaction. Each binding must still get its own
/// tokens (the access token QQ knows as that binding's user), its own history event, and its
/// lease and intent released; a binding named twice never has one refresh overwrite the other,
/// and one that is not refreshable is skipped without holding up the rest.
async fn refreshes_committed_together_each_store_their_own_tokens(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let mut bindings = Vec::new();
    for n in 0..8 {
        let b = bound(
            &app,
            &format!("batch_user_{n}"),
            &format!("1380000010{n}"),
            &format!("batch_qq_{n}"),
        )
        .await;
        bindings.push(b);
    }
    let failed = bindings[7].clone();
    let mut active: social_bindings::ActiveModel = failed.clone().into();
    active.refresh_status = Set("refresh_failed".into());
    active.update(&app.db).await.expect("mark failed");

    let client = QqClient::new(&app.settings.qq).expect("client");
    let cipher = TokenCipher::new(&app.settings.token_key);
    let batches = qq_tokens::RefreshBatches::new(app.db.clone(), ProviderKind::Qq);
    let now = chrono::Utc::now();
    // Binding 0 twice.
    let ids: Vec<i64> = std::iter::once(bindings[0].id)
        .chain(bindings.iter().map(|b| b.id))
        .collect();
    let outcomes = futures_util::future::join_all(ids.iter().map(|&id| {
        qq_tokens::refresh_with(
            &app.db,
            qq_tokens::Writes::Batched(&batches),
            qq_tokens::Grant::Qq(&client),
            &cipher,
            id,
            now,
        )
    }))
    .await;
    let outcomes: Vec<RefreshOutcome> = outcomes.into_iter().map(|o| o.expect("refresh")).collect();
    // Binding 0's two refreshes: the first runs; the second finds its lease held, or the
    // tokens changed under it, or (when its batch came after the first's store) refreshes the
    // new tokens again. Whichever: every `Refreshed` is one version and one event.
    assert_eq!(outcomes[0], RefreshOutcome::Refreshed, "{outcomes:?}");
    assert!(
        outcomes[2..8]
            .iter()
            .all(|o| *o == RefreshOutcome::Refreshed),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[8], RefreshOutcome::Skipped, "the failed binding");
    let refreshed = |id: i64| {
        ids.iter()
            .zip(&outcomes)
            .filter(|(i, o)| **i == id && **o == RefreshOutcome::Refreshed)
            .count() as i64
    };

    let events = passport::entities::binding_token_events::Entity::find()
        .all(&app.db)
        .await
        .expect("events");
    for before in &bindings[..7] {
        let after = reload(&app, before.id).await;
        let times = refreshed(before.id);
        assert_eq!(after.token_version, before.token_version + times);
        assert_eq!(after.refresh_status, "ok");
        assert_eq!(after.refresh_lease_until, None, "lease released");
        assert_eq!(after.refresh_sent_version, None, "intent released");
        assert!(after.last_refreshed_at.is_some());
        let access = cipher
            .decrypt(
                TokenField::QqAccessToken,
                &after.subject,
                &after.access_token_enc,
            )
            .expect("sealed for this binding's user");
        let me = client.openid(&access, false).await.expect("a live token");
        assert_eq!(
            me.openid, after.subject,
            "QQ knows the token as this user's"
        );
        assert_ne!(refresh_token(&app, &after), refresh_token(&app, before));
        assert_eq!(
            events
                .iter()
                .filter(|e| e.binding_id == before.id && e.kind == "refresh")
                .count() as i64,
            times,
            "one refresh event per refresh of binding {}",
            before.id
        );
    }
    let untouched = reload(&app, failed.id).await;
    assert_eq!(untouched.token_version, failed.token_version);
    assert_eq!(untouched.refresh_sent_version, None, "never leased");
}

on_both_backends!(
    refreshes_committed_together_each_store_their_own_tokens,
    a_refresh_token_sent_by_a_refresher_that_died_is_never_sent_again,
    an_intent_older_than_the_stored_tokens_does_not_block_a_refresh,
    due_bindings_are_refreshed_and_the_old_refresh_token_dies,
    a_dead_refresh_token_ends_refresh_failed,
    two_refreshes_racing_leave_one_consistent_pair,
);

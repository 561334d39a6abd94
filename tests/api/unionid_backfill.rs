//! `passport qq backfill-unionid` as an operator runs it, against the QQ simulator with a second
//! app of the same developer, on SQLite and PostgreSQL: bindings made before the app had QQ's
//! unionid permission get their unionid (expired and refused tokens are skipped and counted), a
//! second run has nothing left to do, and a QQ login through the developer's other app (another
//! openid) then finds the account by unionid, where without the back-fill it cannot.

use std::process::{Command, Output};

use passport::entities::qq_bindings;
use passport::qq::sim::{SimApp, SimConfig, Simulator};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::qq_login::{callback, existing_user};
use crate::refresher::{bound, reload};

/// Renran's second QQ app (the mobile one, say): same developer account, so same unionids.
const OTHER_APP_ID: &str = "101000009";
const OTHER_APP_KEY: &str = "passport-test-other-app-key";

fn backfill(app: &TestApp, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passport"))
        .args(["qq", "backfill-unionid", "--rate", "200"])
        .args(extra)
        .env("PASSPORT_PROFILE", "dev")
        .env("PASSPORT_DATABASE_URL", &app.test_db.url)
        .env(
            "PASSPORT_QQ_BASE_URL",
            app.sim_url.as_deref().expect("a simulator"),
        )
        .env_remove("RUST_LOG")
        .output()
        .expect("run passport")
}

/// A binding as it was stored before the app had the unionid permission.
async fn without_unionid(app: &TestApp, binding: &qq_bindings::Model) -> qq_bindings::Model {
    let mut active: qq_bindings::ActiveModel = binding.clone().into();
    active.unionid = Set(None);
    active.update(&app.db).await.expect("clear unionid")
}

async fn bindings_from_before_the_permission_get_their_unionid_and_log_in_from_the_other_app(
    backend: Backend,
) {
    let mut other = SimApp::new(OTHER_APP_ID, OTHER_APP_KEY);
    other.unionid = true;
    let sim = Simulator::new(SimConfig::default().with_app(other))
        .start("127.0.0.1:0")
        .await
        .expect("simulator");
    let sim_url = sim.url();
    let base = sim_url.clone();
    let Some(mut app) = TestApp::spawn_with(backend, move |env| {
        env.insert("PASSPORT_QQ_BASE_URL".into(), base);
    })
    .await
    else {
        return;
    };
    app.sim_url = Some(sim_url.clone());

    let live = bound(&app, "uf_live", "13800000011", "uf_live_qq").await;
    let unionid = live
        .unionid
        .clone()
        .expect("the dev app has the permission");
    let live = without_unionid(&app, &live).await;
    let expired = bound(&app, "uf_expired", "13800000012", "uf_expired_qq").await;
    let mut active: qq_bindings::ActiveModel = without_unionid(&app, &expired).await.into();
    active.token_expires_at = Set(chrono::Utc::now() - chrono::Duration::hours(1));
    let expired = active.update(&app.db).await.expect("expire");
    let revoked = bound(&app, "uf_revoked", "13800000013", "uf_revoked_qq").await;
    let revoked = without_unionid(&app, &revoked).await;
    let token = passport::crypto::TokenCipher::new(&app.settings.token_key)
        .decrypt(
            passport::crypto::TokenField::QqAccessToken,
            &revoked.openid,
            &revoked.access_token_enc,
        )
        .expect("decrypt");
    let answer = app
        .client
        .post(format!("{sim_url}/_sim/revoke"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .expect("revoke");
    assert!(answer.status().is_success());

    let run = backfill(&app, &[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("3 looked at") && stdout.contains("1 unionids stored"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 expired tokens and 1 refused by QQ"),
        "{stdout}"
    );
    assert_eq!(
        reload(&app, live.id).await.unionid.as_deref(),
        Some(unionid.as_str())
    );
    assert_eq!(reload(&app, expired.id).await.unionid, None);
    assert_eq!(reload(&app, revoked.id).await.unionid, None);
    // Resumable: a second run walks only what is still missing, and after an id only what follows.
    let again = backfill(&app, &["--after-id", &revoked.id.to_string()]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("0 looked at"), "{stdout}");

    // The developer's other app: another openid for the same person, the same unionid.
    let beside = app
        .spawn_beside(|env| {
            env.insert("PASSPORT_QQ_BASE_URL".into(), sim_url.clone());
            env.insert("PASSPORT_QQ_APP_ID".into(), OTHER_APP_ID.into());
            env.insert("PASSPORT_QQ_APP_KEY".into(), OTHER_APP_KEY.into());
        })
        .await;
    let mut beside = beside;
    beside.sim_url = Some(sim_url.clone());
    let (status, body) = callback(&beside, "uf_live_qq").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "logged_in", "{body}");
    assert_eq!(body["user"]["id"].as_i64(), Some(live.user_id), "{body}");
    let moved = reload(&app, live.id).await;
    assert_ne!(
        moved.openid, live.openid,
        "the binding follows the app in use"
    );
    assert_eq!(moved.unionid.as_deref(), Some(unionid.as_str()));
    assert_eq!(moved.token_version, live.token_version + 1);

    // Without a unionid on record the other app cannot know the person: a bind is asked for.
    existing_user(&app, "uf_spare", "13800000014").await;
    let (status, body) = callback(&beside, "uf_expired_qq").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "bind_required", "{body}");
    assert_eq!(reload(&app, expired.id).await.openid, expired.openid);
}

async fn an_app_without_the_permission_stops_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert(
            "PASSPORT_QQ_APP_ID".into(),
            passport::qq::sim::config::SIM_NO_UNIONID_APP_ID.into(),
        );
        env.insert(
            "PASSPORT_QQ_APP_KEY".into(),
            passport::qq::sim::config::SIM_NO_UNIONID_APP_KEY.into(),
        );
    })
    .await
    else {
        return;
    };
    let binding = bound(&app, "np_user", "13800000015", "np_qq").await;
    assert_eq!(binding.unionid, None);
    let run = Command::new(env!("CARGO_BIN_EXE_passport"))
        .args(["qq", "backfill-unionid"])
        .env("PASSPORT_PROFILE", "dev")
        .env("PASSPORT_DATABASE_URL", &app.test_db.url)
        .env("PASSPORT_QQ_BASE_URL", app.sim_url.as_deref().expect("sim"))
        .env(
            "PASSPORT_QQ_APP_ID",
            passport::qq::sim::config::SIM_NO_UNIONID_APP_ID,
        )
        .env(
            "PASSPORT_QQ_APP_KEY",
            passport::qq::sim::config::SIM_NO_UNIONID_APP_KEY,
        )
        .env_remove("RUST_LOG")
        .output()
        .expect("run passport");
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("100048"), "{stderr}");
    assert_eq!(reload(&app, binding.id).await.unionid, None);
}

on_both_backends!(
    bindings_from_before_the_permission_get_their_unionid_and_log_in_from_the_other_app,
    an_app_without_the_permission_stops_at_once,
);

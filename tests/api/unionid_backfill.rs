//! `passport qq backfill-unionid` as an operator runs it, against the QQ simulator with a second
//! app of the same developer, on SQLite and PostgreSQL: bindings made before the app had QQ's
//! unionid permission get their unionid (expired and refused tokens are skipped and counted), a
//! second run has nothing left to do, and a QQ login through the developer's other app (another
//! openid) then finds the account by unionid, where without the back-fill it cannot.
//!
//! The admin action (`POST /api/admin/qq/unionid-backfill`) runs the same walk as one background
//! job: two clicks (two admins) while it is live start one run, the report endpoint shows its
//! state and counts, and an app without the permission ends the run with a Chinese message.

use std::process::{Command, Output};

use passport::entities::social_bindings;
use passport::qq::sim::{SimApp, SimConfig, Simulator};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;

use std::time::Duration;

use passport::entities::{audit_log, jobs as job_rows};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{Backend, TestApp, assert_error, eventually_some};
use crate::qq_login::{callback, existing_user, staff_token};
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
async fn without_unionid(
    app: &TestApp,
    binding: &social_bindings::Model,
) -> social_bindings::Model {
    let mut active: social_bindings::ActiveModel = binding.clone().into();
    active.unionid = Set(None);
    active.update(&app.db).await.expect("clear unionid")
}

/// Such a binding whose access token has also expired (the back-fill skips it without a call).
async fn expired_without_unionid(
    app: &TestApp,
    binding: &social_bindings::Model,
) -> social_bindings::Model {
    let mut active: social_bindings::ActiveModel = without_unionid(app, binding).await.into();
    active.token_expires_at = Set(chrono::Utc::now() - chrono::Duration::hours(1));
    active.update(&app.db).await.expect("expire")
}

/// A QQ simulator that also knows the developer's other app, and passport (the dev app) on it.
/// The simulator lives as long as the returned handle.
async fn beside_the_other_app(
    backend: Backend,
    customise: impl FnOnce(&mut std::collections::BTreeMap<String, String>),
) -> Option<(passport::qq::sim::RunningSim, TestApp)> {
    let mut other = SimApp::new(OTHER_APP_ID, OTHER_APP_KEY);
    other.unionid = true;
    let sim = Simulator::new(SimConfig::default().with_app(other))
        .start("127.0.0.1:0")
        .await
        .expect("simulator");
    let base = sim.url();
    let mut app = TestApp::spawn_with(backend, move |env| {
        env.insert("PASSPORT_QQ_BASE_URL".into(), base);
        customise(env);
    })
    .await?;
    app.sim_url = Some(sim.url());
    Some((sim, app))
}

async fn bindings_from_before_the_permission_get_their_unionid_and_log_in_from_the_other_app(
    backend: Backend,
) {
    let Some((_sim, app)) = beside_the_other_app(backend, |_| {}).await else {
        return;
    };
    let sim_url = app.sim_url.clone().expect("sim");

    let live = bound(&app, "uf_live", "13800000011", "uf_live_qq").await;
    let unionid = live
        .unionid
        .clone()
        .expect("the dev app has the permission");
    let live = without_unionid(&app, &live).await;
    let expired = bound(&app, "uf_expired", "13800000012", "uf_expired_qq").await;
    let expired = expired_without_unionid(&app, &expired).await;
    let revoked = bound(&app, "uf_revoked", "13800000013", "uf_revoked_qq").await;
    let revoked = without_unionid(&app, &revoked).await;
    let token = passport::crypto::TokenCipher::new(&app.settings.token_key)
        .decrypt(
            passport::crypto::TokenField::QqAccessToken,
            &revoked.subject,
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
        moved.subject, live.subject,
        "the binding follows the app in use"
    );
    assert_eq!(moved.unionid.as_deref(), Some(unionid.as_str()));
    assert_eq!(moved.token_version, live.token_version + 1);

    // Without a unionid on record the other app cannot know the person: a bind is asked for.
    existing_user(&app, "uf_spare", "13800000014").await;
    let (status, body) = callback(&beside, "uf_expired_qq").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "bind_required", "{body}");
    assert_eq!(reload(&app, expired.id).await.subject, expired.subject);
}

/// Passport configured with the simulator's app that has no unionid permission (QQ 100048).
fn on_the_app_without_unionid(env: &mut std::collections::BTreeMap<String, String>) {
    env.insert(
        "PASSPORT_QQ_APP_ID".into(),
        passport::qq::sim::config::SIM_NO_UNIONID_APP_ID.into(),
    );
    env.insert(
        "PASSPORT_QQ_APP_KEY".into(),
        passport::qq::sim::config::SIM_NO_UNIONID_APP_KEY.into(),
    );
}

async fn an_app_without_the_permission_stops_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, on_the_app_without_unionid).await else {
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

const BACKFILL: &str = "/api/admin/qq/unionid-backfill";

/// The latest run once it is in one of `states` (polling the report endpoint, as the panel does).
async fn run_once(app: &TestApp, token: &str, states: &[&str]) -> serde_json::Value {
    eventually_some(
        Duration::from_secs(20),
        "the back-fill run ends",
        || async {
            let (status, body) = app.get_as(BACKFILL, token).await;
            assert_eq!(status, 200, "{body}");
            let state = body["latest"]["state"].as_str().unwrap_or_default();
            states.contains(&state).then(|| body["latest"].clone())
        },
    )
    .await
}

async fn the_admin_action_fills_unionids_one_run_at_a_time(backend: Backend) {
    let Some((_sim, app)) = beside_the_other_app(backend, |env| {
        // No job runs in this instance: the clicks land while the run is still queued. The
        // instance started beside it below runs the job.
        env.insert("PASSPORT_JOB_CONCURRENCY".into(), "0".into());
    })
    .await
    else {
        return;
    };
    let sim_url = app.sim_url.clone().expect("sim");

    let live = bound(&app, "ab_live", "13800000021", "ab_live_qq").await;
    let unionid = live
        .unionid
        .clone()
        .expect("the dev app has the permission");
    let live = without_unionid(&app, &live).await;
    let expired = bound(&app, "ab_expired", "13800000022", "ab_expired_qq").await;
    let expired = expired_without_unionid(&app, &expired).await;

    // Staff only, on both operations.
    let reader = existing_user(&app, "ab_reader", "13800000023").await;
    let reader = app.token_for(&reader);
    assert_error(app.get_as(BACKFILL, &reader).await, 403, "forbidden");
    assert_error(
        app.call(Method::POST, BACKFILL, Some(&reader), None).await,
        403,
        "forbidden",
    );
    let (status, body) = app.call(Method::POST, BACKFILL, None, None).await;
    assert_eq!(status, 401, "{body}");

    let first_admin = staff_token(&app, "ab_admin1", "13800000024").await;
    let second_admin = staff_token(&app, "ab_admin2", "13800000025").await;
    let (status, body) = app.get_as(BACKFILL, &first_admin).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["latest"],
        serde_json::Value::Null,
        "no run yet: {body}"
    );

    let (status, first) = app
        .call(Method::POST, BACKFILL, Some(&first_admin), None)
        .await;
    assert_eq!(status, 202, "{first}");
    assert_eq!(first["already_running"], false, "{first}");
    assert_eq!(first["run"]["state"], "queued", "{first}");
    assert_eq!(first["run"]["counts"]["scanned"], 0, "{first}");
    assert_eq!(first["run"]["requested_by"]["username"], "ab_admin1");
    let job_id = first["job_id"].as_i64().expect("job id");
    // A second click, by another admin, while the run is live: the same run, no second job.
    let (status, second) = app
        .call(Method::POST, BACKFILL, Some(&second_admin), None)
        .await;
    assert_eq!(status, 202, "{second}");
    assert_eq!(second["already_running"], true, "{second}");
    assert_eq!(second["job_id"].as_i64(), Some(job_id), "{second}");
    let runs = job_rows::Entity::find()
        .filter(job_rows::Column::Kind.eq("qq_unionid_backfill"))
        .all(&app.db)
        .await
        .expect("jobs");
    assert_eq!(runs.len(), 1, "one run: {runs:?}");
    let (status, body) = app.get_as(BACKFILL, &second_admin).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["latest"]["job_id"].as_i64(), Some(job_id), "{body}");
    assert_eq!(body["latest"]["state"], "queued", "{body}");

    // An instance with workers runs it.
    let base = sim_url.clone();
    let worker = app
        .spawn_beside(move |env| {
            env.insert("PASSPORT_QQ_BASE_URL".into(), base);
        })
        .await;
    let run = run_once(
        &app,
        &first_admin,
        &["completed", "failed", "not_permitted"],
    )
    .await;
    assert_eq!(run["state"], "completed", "{run}");
    assert_eq!(run["job_id"].as_i64(), Some(job_id), "{run}");
    assert_eq!(run["counts"]["scanned"], 2, "{run}");
    assert_eq!(run["counts"]["filled"], 1, "{run}");
    assert_eq!(run["counts"]["expired"], 1, "{run}");
    assert_eq!(run["counts"]["failed"], 0, "{run}");
    assert!(run["started_at"].is_string(), "{run}");
    assert!(run["finished_at"].is_string(), "{run}");
    assert_eq!(run["message"], serde_json::Value::Null, "{run}");
    assert_eq!(
        reload(&app, live.id).await.unionid.as_deref(),
        Some(unionid.as_str())
    );
    assert_eq!(reload(&app, expired.id).await.unionid, None);
    let job = acked_job(&app, job_id).await;
    assert_eq!(job.state, "completed");
    assert_eq!(job.attempt, 1);

    // Audited: both clicks, and the end with its counts (the actor: who asked).
    let audits = audit_log::Entity::find()
        .filter(
            audit_log::Column::Action
                .is_in(["qq_unionid.backfill", "qq_unionid.backfill_finished"]),
        )
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .expect("audit");
    let actions: Vec<&str> = audits.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "qq_unionid.backfill",
            "qq_unionid.backfill",
            "qq_unionid.backfill_finished"
        ]
    );
    let finished = audits[2].details.clone().expect("details");
    assert_eq!(finished["job_id"].as_i64(), Some(job_id), "{finished}");
    assert_eq!(finished["outcome"], "completed", "{finished}");
    assert_eq!(finished["report"]["filled"], 1, "{finished}");
    assert_eq!(audits[2].actor_user_id, audits[0].actor_user_id);
    let (status, log) = app
        .get_as(
            "/api/admin/audit?action=qq_unionid.backfill_finished",
            &first_admin,
        )
        .await;
    assert_eq!(status, 200, "{log}");

    // The developer's other app finds the account by the unionid the run stored.
    let base = sim_url.clone();
    let mut beside = app
        .spawn_beside(move |env| {
            env.insert("PASSPORT_QQ_BASE_URL".into(), base);
            env.insert("PASSPORT_QQ_APP_ID".into(), OTHER_APP_ID.into());
            env.insert("PASSPORT_QQ_APP_KEY".into(), OTHER_APP_KEY.into());
        })
        .await;
    beside.sim_url = Some(sim_url.clone());
    let (status, body) = callback(&beside, "ab_live_qq").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "logged_in", "{body}");
    assert_eq!(body["user"]["id"].as_i64(), Some(live.user_id), "{body}");

    // Once the run ended, a click starts a new one.
    let (status, again) = app
        .call(Method::POST, BACKFILL, Some(&second_admin), None)
        .await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["already_running"], false, "{again}");
    assert_ne!(again["job_id"].as_i64(), Some(job_id), "{again}");
    beside.stop().await;
    worker.stop().await;
}

async fn the_admin_action_without_the_permission_ends_with_a_message(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, on_the_app_without_unionid).await else {
        return;
    };
    let binding = bound(&app, "anp_user", "13800000026", "anp_qq").await;
    assert_eq!(binding.unionid, None);
    let admin = staff_token(&app, "anp_admin", "13800000027").await;
    let (status, body) = app.call(Method::POST, BACKFILL, Some(&admin), None).await;
    assert_eq!(status, 202, "{body}");
    let job_id = body["job_id"].as_i64().expect("job id");
    let run = run_once(
        &app,
        &admin,
        &["completed", "failed", "not_permitted", "retrying"],
    )
    .await;
    assert_eq!(run["state"], "not_permitted", "{run}");
    let message = run["message"].as_str().expect("a message");
    assert!(
        message.contains("unionid 权限") && message.contains("100048"),
        "{message}"
    );
    assert_eq!(run["counts"]["filled"], 0, "{run}");
    // Ended, not failed: no retry of what cannot succeed.
    let job = acked_job(&app, job_id).await;
    assert_eq!(job.state, "completed");
    assert_eq!(job.attempt, 1);
    assert_eq!(job.last_error, None);
    assert_eq!(reload(&app, binding.id).await.unionid, None);
}

on_both_backends!(
    bindings_from_before_the_permission_get_their_unionid_and_log_in_from_the_other_app,
    an_app_without_the_permission_stops_at_once,
    the_admin_action_fills_unionids_one_run_at_a_time,
    the_admin_action_without_the_permission_ends_with_a_message,
);

/// The run's job once its ack has committed. The run's report is written by the job's work and
/// the ack commits after it (acks are group-committed), so the row may still say `running` for
/// a moment after the report says finished.
async fn acked_job(app: &TestApp, job_id: i64) -> job_rows::Model {
    eventually_some(
        Duration::from_secs(10),
        "the run's job is acked",
        || async {
            job_rows::Entity::find_by_id(job_id)
                .one(&app.db)
                .await
                .expect("job")
                .filter(|job| job.state != "running")
        },
    )
    .await
}

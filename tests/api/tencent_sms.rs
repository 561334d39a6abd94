//! SMS through Tencent Cloud SMS, end to end: `POST /api/sms/codes` (or a queued job) → the SMS
//! sender → the signed `SendSms` → the in-process Tencent Cloud simulator → the dev outbox; and
//! how each answer ends the job in the `jobs` table (completed, discarded with the code as the
//! reason, or retried with backoff).

use std::time::Duration;

use passport::entities::jobs as job_rows;
use passport::jobs::{self, NewJob};
use passport::sms::Sms;
use passport::tencent::sim::{RunningTencentSim, TencentSim, TencentSimConfig};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{Backend, TestApp, eventually, eventually_some};

/// The app with SMS going to its own Tencent Cloud simulator (dev key, app, signature and
/// template), which delivers into the app's outbox.
async fn spawn(backend: Backend) -> Option<(TestApp, RunningTencentSim, tempfile::TempDir)> {
    passport::install_crypto_provider();
    let outbox = tempfile::tempdir().expect("tempdir");
    let mut config = TencentSimConfig::default();
    config.sms.outbox_dir = Some(outbox.path().to_owned());
    let sim = TencentSim::standard(&config)
        .start("127.0.0.1:0")
        .await
        .expect("simulator starts");
    let endpoint = sim.base_url().to_string();
    let outbox_dir = outbox.path().display().to_string();
    // With the QQ simulator: an SMS code is asked for a QQ registration's bind ticket.
    let app = TestApp::spawn_with_sim_and(backend, move |env| {
        env.insert("PASSPORT_SMS_PROVIDER".into(), "tencent".into());
        env.insert("PASSPORT_TENCENT_SMS_ENDPOINT".into(), endpoint);
        env.insert("PASSPORT_OUTBOX_DIR".into(), outbox_dir);
        env.insert("PASSPORT_TENCENT_TIMEOUT_MS".into(), "300".into());
        env.insert("PASSPORT_JOB_POLL_MAX_MS".into(), "100".into());
        env.insert("PASSPORT_JOB_BACKOFF_BASE_MS".into(), "300".into());
        env.insert("PASSPORT_JOB_BACKOFF_MAX_MS".into(), "600".into());
    })
    .await?;
    Some((app, sim, outbox))
}

async fn request_code(app: &TestApp, mobile: &str) {
    let bind_ticket = crate::qq_login::bind_ticket(app, "xiaoming").await;
    let resp = app
        .client
        .post(app.url("/api/sms/codes"))
        .json(&json!({ "mobile": mobile, "bind_ticket": bind_ticket }))
        .send()
        .await
        .expect("POST /api/sms/codes");
    assert_eq!(
        resp.status(),
        202,
        "{}",
        resp.text().await.unwrap_or_default()
    );
}

/// The newest SMS job.
async fn newest_sms_job(app: &TestApp) -> job_rows::Model {
    job_rows::Entity::find()
        .filter(job_rows::Column::Kind.eq("sms"))
        .order_by_desc(job_rows::Column::Id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("an SMS job")
}

async fn job_in_state(app: &TestApp, id: i64, state: &str) -> job_rows::Model {
    eventually_some(
        Duration::from_secs(15),
        &format!("job {id} is {state}"),
        || async move {
            let row = jobs::get(&app.db, id).await.ok()?;
            (row.state == state).then_some(row)
        },
    )
    .await
}

async fn delivered(sim: &RunningTencentSim) -> usize {
    sim.service("sms").expect("sms").overview()["delivered"]
        .as_u64()
        .unwrap_or(0) as usize
}

async fn an_ok_answer_completes_the_job_and_the_code_reaches_the_outbox_through_the_simulator(
    backend: Backend,
) {
    let Some((app, sim, _outbox)) = spawn(backend).await else {
        return;
    };
    request_code(&app, "13800138000").await;
    let job = newest_sms_job(&app).await;
    let done = job_in_state(&app, job.id, "completed").await;
    assert_eq!(done.attempt, 1);
    assert_eq!(delivered(&sim).await, 1, "sent through the simulator");
    let code = eventually_some(Duration::from_secs(5), "the code is in the outbox", || {
        app.outbox_sms_code("13800138000")
    })
    .await;
    assert_eq!(code.len(), 6);
    let sms = app.outbox_messages("sms", "13800138000").await;
    assert_eq!(
        sms[0]["body"],
        format!("【荏苒】您的验证码是{code}，5分钟内有效。请勿告诉他人。")
    );
}

async fn limit_codes_and_invalid_numbers_discard_the_job_with_the_code_as_the_reason(
    backend: Backend,
) {
    let Some((app, sim, _outbox)) = spawn(backend).await else {
        return;
    };
    // The number's daily quota is used up (as the real service answers, per number).
    sim.add_fault(passport::tencent::sim::Fault::send_status(
        "LimitExceeded.PhoneNumberDailyLimit",
    ));
    request_code(&app, "13800138000").await;
    let job = newest_sms_job(&app).await;
    let dead = job_in_state(&app, job.id, "discarded").await;
    assert_eq!(dead.attempt, 1, "not retried");
    let reason = dead.last_error.unwrap_or_default();
    assert!(
        reason.contains("LimitExceeded.PhoneNumberDailyLimit"),
        "{reason}"
    );
    sim.clear_faults();

    // A number the service refuses (the API would not accept it; a job can still carry it).
    let id = jobs::enqueue(
        &app.db,
        NewJob::sms(Sms::verification_code("+86123", "123456", 5)),
    )
    .await
    .expect("enqueue")
    .id()
    .expect("created");
    let dead = job_in_state(&app, id, "discarded").await;
    assert_eq!(dead.attempt, 1);
    let reason = dead.last_error.unwrap_or_default();
    assert!(
        reason.contains("InvalidParameterValue.IncorrectPhoneNumber"),
        "{reason}"
    );
    assert_eq!(delivered(&sim).await, 0);
}

async fn server_errors_and_timeouts_retry_with_backoff_until_the_sms_goes_out(backend: Backend) {
    let Some((app, sim, _outbox)) = spawn(backend).await else {
        return;
    };
    for (fault, mobile, expected) in [
        (
            json!({"action": "SendSms", "kind": "status", "status": 503}),
            "13800138000",
            "HTTP 503",
        ),
        (
            json!({"action": "SendSms", "kind": "timeout"}),
            "13900139000",
            "in time",
        ),
        (
            json!({"action": "SendSms", "kind": "error", "code": "InternalError.Timeout"}),
            "13700137000",
            "InternalError.Timeout",
        ),
    ] {
        sim.add_fault(serde_json::from_value(fault).expect("fault"));
        request_code(&app, mobile).await;
        let job = newest_sms_job(&app).await;
        // Failed, and waiting for a later attempt rather than discarded.
        let waiting = eventually_some(
            Duration::from_secs(15),
            &format!("job {} failed with {expected} and waits", job.id),
            || async {
                let row = jobs::get(&app.db, job.id).await.ok()?;
                (row.state == "retryable"
                    && row.last_error.as_deref().unwrap_or("").contains(expected))
                .then_some(row)
            },
        )
        .await;
        assert!(
            waiting.run_at > waiting.updated_at,
            "a later attempt is scheduled"
        );
        eventually(Duration::from_secs(15), "a second attempt ran", || async {
            jobs::get(&app.db, job.id)
                .await
                .is_ok_and(|r| r.attempt >= 2)
        })
        .await;
        sim.clear_faults();
        let done = job_in_state(&app, job.id, "completed").await;
        assert!(done.attempt >= 2, "retried: {}", done.attempt);
        assert!(
            app.outbox_sms_code(mobile).await.is_some(),
            "the SMS went out once the service recovered"
        );
    }
}

on_both_backends!(
    an_ok_answer_completes_the_job_and_the_code_reaches_the_outbox_through_the_simulator,
    limit_codes_and_invalid_numbers_discard_the_job_with_the_code_as_the_reason,
    server_errors_and_timeouts_retry_with_backoff_until_the_sms_goes_out,
);

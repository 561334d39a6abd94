//! Secrets in job payloads (issue 10): SMS codes and reset/verification links never sit in
//! plain text in `jobs.payload`; the sealed copy is cleared once the job completes or is
//! discarded; a retried job still sends the same text. Read straight from the database (SQL).

use std::collections::BTreeMap;
use std::time::Duration;

use passport::accounts::password_reset;
use passport::crypto::token_cipher::{HashPurpose, TokenField};
use passport::domain::Email;
use passport::entities::sms_codes;
use passport::jobs::{self, JobError, NewJob};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Value, json};

use crate::email_change::reader;
use crate::helpers::{Backend, TestApp, eventually, eventually_some, link_token, smtp_on_port};
use crate::qq_login::PASSWORD;
use crate::smtp_sink::{SmtpSink, free_port};

/// A `jobs` row as the database holds it.
#[derive(Debug)]
struct RawJob {
    kind: String,
    state: String,
    payload: String,
    sealed_payload: Option<String>,
    idempotency_key: String,
    last_error: Option<String>,
}

impl RawJob {
    /// Everything of the row a database reader sees, as text.
    fn all_text(&self) -> String {
        format!(
            "{} {} {} {:?} {:?}",
            self.kind, self.state, self.payload, self.sealed_payload, self.last_error
        )
    }
}

async fn raw_jobs(app: &TestApp) -> Vec<RawJob> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT kind, state, CAST(payload AS TEXT) AS payload, sealed_payload, \
             idempotency_key, last_error FROM jobs ORDER BY id",
        ))
        .await
        .expect("select jobs");
    rows.iter()
        .map(|r| RawJob {
            kind: r.try_get("", "kind").expect("kind"),
            state: r.try_get("", "state").expect("state"),
            payload: r.try_get("", "payload").expect("payload"),
            sealed_payload: r.try_get("", "sealed_payload").expect("sealed"),
            idempotency_key: r.try_get("", "idempotency_key").expect("key"),
            last_error: r.try_get("", "last_error").expect("error"),
        })
        .collect()
}

/// The sealed payload opened with the app's token key, as the worker does.
fn open(app: &TestApp, job: &RawJob) -> Value {
    let sealed = job.sealed_payload.as_deref().expect("a sealed payload");
    let plain = app
        .state
        .security
        .cipher
        .decrypt(TokenField::JobPayload, &job.idempotency_key, sealed)
        .expect("opens with the token key and the job's own key");
    serde_json::from_str(&plain).expect("json")
}

fn has_six_digits(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(6).any(|w| w.iter().all(char::is_ascii_digit))
}

/// While queued: the payload column names only the kind; the code and the links are in the
/// sealed copy, which opens (with the token key) to the real, working secret.
async fn queued_codes_and_links_are_sealed(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        // Nothing runs: the jobs stay as queued.
        env.insert("PASSPORT_JOB_CONCURRENCY".into(), "0".into());
    })
    .await
    else {
        return;
    };
    let (status, body) = app.ask_sms_code("13800138333", "signup").await;
    assert_eq!(status, 202, "{body}");
    let (_, jwt) = reader(&app, "sealer", None).await;
    let (status, body) = app
        .change_email(
            &jwt,
            &json!({"email": "sealed@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    reader(&app, "resetter", Some("resetter@example.com")).await;
    // The `password_reset_request` job's own work (no worker runs here).
    password_reset::issue(
        &app.db,
        &app.state.security,
        &app.settings.public_base_url,
        &Email::parse("resetter@example.com").expect("email"),
        jobs::now(),
    )
    .await
    .expect("issue");

    let queued = raw_jobs(&app).await;
    assert_eq!(queued.len(), 3, "{queued:?}");
    for job in &queued {
        let payload: Value = serde_json::from_str(&job.payload).expect("json");
        assert_eq!(
            payload,
            json!({"kind": job.kind, "sealed": true}),
            "the payload column says only what kind of job it is"
        );
        for secret in ["token", "verify-email", "reset-password", "验证码"] {
            assert!(!job.all_text().contains(secret), "{secret} in {job:?}");
        }
        assert!(!has_six_digits(&job.payload), "{job:?}");
    }

    // The sealed copies hold the real secrets: the code verifies, the links work.
    let sms = open(&app, &queued[0]);
    assert_eq!(sms["kind"], "sms");
    // The templated SMS carries the code as a template parameter.
    let code = sms["code"].as_str().expect("a code in the SMS").to_owned();
    let stored = sms_codes::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("code row");
    assert!(app.state.security.hasher.verify_parts(
        HashPurpose::SmsCode,
        &["13800138333", &code],
        &stored.code_hash
    ));
    let verify = open(&app, &queued[1]);
    let token = link_token(verify["text"].as_str().expect("text"), "/verify-email");
    let (status, body) = app.verify_email(&token).await;
    assert_eq!(status, 200, "{body}");
    let reset = open(&app, &queued[2]);
    let token = link_token(reset["text"].as_str().expect("text"), "/reset-password");
    let (status, body) = app
        .post(
            "/api/password-resets/confirm",
            &json!({"token": token, "new_password": "sealed-and-sent-5"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");

    // Another job's key does not open it: a sealed payload cannot be moved between rows.
    let moved = app.state.security.cipher.decrypt(
        TokenField::JobPayload,
        &queued[1].idempotency_key,
        queued[0].sealed_payload.as_deref().expect("sealed"),
    );
    assert!(moved.is_err());
}

/// Delivered: the outbox got the same SMS and mails; afterwards no row holds a code or a link.
async fn delivered_secrets_are_gone_from_the_jobs_table(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, _) = app.ask_sms_code("13800138444", "signup").await;
    assert_eq!(status, 202);
    let code = app.sms_code_to("13800138444").await;
    let sms = app.outbox_messages("sms", "13800138444").await.remove(0);
    assert!(
        sms["body"]
            .as_str()
            .unwrap_or_default()
            .contains("【荏苒】"),
        "the same text as before: {sms}"
    );

    reader(&app, "gone", Some("gone@example.com")).await;
    app.request_reset("gone@example.com").await;
    let reset = app.mails_to("gone@example.com", 1).await.remove(0);
    assert_eq!(reset["subject"], "【荏苒】重置密码");
    let reset_token = link_token(reset["body"].as_str().expect("body"), "/reset-password");

    let (_, jwt) = reader(&app, "mover", None).await;
    app.change_email(
        &jwt,
        &json!({"email": "moved@example.com", "current_password": PASSWORD}),
    )
    .await;
    let verify = app.mails_to("moved@example.com", 1).await.remove(0);
    assert_eq!(verify["subject"], "【荏苒】验证你的邮箱");
    let verify_token = link_token(verify["body"].as_str().expect("body"), "/verify-email");

    app.drain_jobs().await;
    let all = raw_jobs(&app).await;
    assert!(
        all.len() == 4 && all.iter().all(|j| j.state == "completed"),
        "every job completed: {all:?}"
    );
    for job in raw_jobs(&app).await {
        assert_eq!(job.sealed_payload, None, "cleared on completion: {job:?}");
        let text = job.all_text();
        for secret in [code.as_str(), &reset_token, &verify_token] {
            assert!(!text.contains(secret), "{secret} in {job:?}");
        }
    }
}

/// A discarded job loses its secret too, and cannot be retried into an empty send.
async fn a_discarded_secret_job_is_cleared(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // The outbox gateway refuses this number for good: discarded at the first attempt.
    let id = jobs::enqueue_sealed(
        &app.db,
        NewJob::sms(passport::sms::Sms::verification_code(
            "call me", "654321", 5,
        )),
        &app.state.security.cipher,
    )
    .await
    .expect("enqueue")
    .id()
    .expect("created");
    app.drain_jobs().await;
    assert_eq!(
        jobs::get(&app.db, id).await.expect("job").state,
        "discarded",
        "the job is discarded"
    );
    let job = raw_jobs(&app).await.remove(0);
    assert_eq!(job.sealed_payload, None, "cleared on discard: {job:?}");
    assert!(!job.all_text().contains("654321"), "{job:?}");
    assert!(matches!(
        jobs::retry(&app.db, id).await,
        Err(JobError::SealedPayloadCleared)
    ));
}

/// SMTP is down at first: the mail job retries with its sealed payload intact, and the mail
/// that finally arrives carries the very link sealed at the start.
async fn a_retried_mail_sends_the_same_link(backend: Backend) {
    let port = free_port();
    let Some(app) = TestApp::spawn_with(backend, move |env| {
        smtp_on_port(env, port);
        let fast: BTreeMap<&str, &str> = [
            ("PASSPORT_JOB_POLL_MAX_MS", "100"),
            ("PASSPORT_JOB_BACKOFF_BASE_MS", "200"),
            ("PASSPORT_JOB_BACKOFF_MAX_MS", "1000"),
            ("PASSPORT_SMTP_TIMEOUT_MS", "3000"),
        ]
        .into_iter()
        .collect();
        for (k, v) in fast {
            env.insert(k.into(), v.into());
        }
    })
    .await
    else {
        return;
    };
    reader(&app, "patient", Some("patient@example.com")).await;
    app.request_reset("patient@example.com").await;
    let failing = eventually_some(Duration::from_secs(15), "a failed attempt", || async {
        raw_jobs(&app)
            .await
            .into_iter()
            .find(|j| j.kind == "mail" && j.state == "retryable" && j.last_error.is_some())
    })
    .await;
    let sealed_link = link_token(
        open(&app, &failing)["text"].as_str().expect("text"),
        "/reset-password",
    );

    let sink = SmtpSink::start_on(port).await;
    let mail = eventually_some(Duration::from_secs(15), "the mail arrives", || async {
        sink.messages().into_iter().next()
    })
    .await;
    let sent = crate::password_reset::plain_text(&mail.data);
    assert_eq!(
        link_token(&sent, "/reset-password"),
        sealed_link,
        "the retried job sent the link sealed at the start"
    );
    eventually(Duration::from_secs(5), "the job completes", || async {
        raw_jobs(&app)
            .await
            .iter()
            .any(|j| j.kind == "mail" && j.state == "completed" && j.sealed_payload.is_none())
    })
    .await;
    let (status, body) = app
        .post(
            "/api/password-resets/confirm",
            &json!({"token": sealed_link, "new_password": "patience-pays-3"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

on_both_backends!(
    queued_codes_and_links_are_sealed,
    delivered_secrets_are_gone_from_the_jobs_table,
    a_discarded_secret_job_is_cleared,
    a_retried_mail_sends_the_same_link,
);

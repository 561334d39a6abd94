//! Drill 4 in small: the SMTP server goes away for a while and comes back on the same port;
//! every mail queued meanwhile arrives once, soon after it returns, however long the retry
//! backoff grew during the outage.

use std::collections::BTreeMap;
use std::time::Duration;

use passport::jobs::{self, JobState, NewJob};
use passport::mail::Mail;

use crate::helpers::{Backend, TestApp, eventually};
use crate::smtp_sink::{SmtpSink, free_port};

/// A first retry 20–40 s after a failure: without the recovery signal no mail that failed
/// during the outage could arrive within the bound below.
fn slow_backoff(port: u16, env: &mut BTreeMap<String, String>) {
    for (k, v) in [
        ("PASSPORT_JOB_POLL_MAX_MS", "500"),
        ("PASSPORT_JOB_LEASE_MS", "10000"),
        ("PASSPORT_JOB_BACKOFF_BASE_MS", "40000"),
        ("PASSPORT_JOB_BACKOFF_MAX_MS", "60000"),
        ("PASSPORT_SMTP_TIMEOUT_MS", "3000"),
        ("PASSPORT_MAIL_FROM", "Renran <no-reply@renran.test>"),
    ] {
        env.insert(k.to_owned(), v.to_owned());
    }
    env.insert(
        "PASSPORT_SMTP_URL".into(),
        format!("smtp://127.0.0.1:{port}"),
    );
}

async fn enqueue(app: &TestApp, numbers: std::ops::Range<usize>) {
    for n in numbers {
        jobs::enqueue(
            &app.db,
            NewJob::mail(Mail::text(
                format!("reader{n}@example.com"),
                format!("Mail {n}"),
                "Hello.",
            ))
            .idempotency_key(format!("outage-{n}")),
        )
        .await
        .expect("enqueue");
    }
}

async fn mail_resumes_soon_after_smtp_returns(backend: Backend) {
    let port = free_port();
    let Some(app) = TestApp::spawn_with(backend, |env| slow_backoff(port, env)).await else {
        return;
    };
    // SMTP up: the pool holds open connections to this sink.
    let sink = SmtpSink::start_on(port).await;
    enqueue(&app, 0..20).await;
    eventually(
        Duration::from_secs(20),
        "the first mails arrive",
        || async { sink.count() == 20 },
    )
    .await;
    sink.stop();

    // SMTP gone: every mail queued now fails and waits for a retry far away.
    enqueue(&app, 20..50).await;
    eventually(
        Duration::from_secs(20),
        "every mail queued during the outage failed once",
        || async {
            let counts = jobs::counts_by_state(&app.db).await.expect("counts");
            counts[&JobState::Retryable] == 30 && counts[&JobState::Completed] == 20
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    // SMTP back on the same port: everything arrives, once, long before the backoff is over.
    let sink = SmtpSink::start_on(port).await;
    eventually(
        Duration::from_secs(10),
        "the 30 mails arrive after SMTP is back",
        || async { sink.by_message_id().len() == 30 },
    )
    .await;
    eventually(Duration::from_secs(5), "every job is completed", || async {
        jobs::counts_by_state(&app.db).await.expect("counts")[&JobState::Completed] == 50
    })
    .await;
    let counts = sink.by_message_id();
    assert_eq!(sink.count(), 30, "no mail twice: {counts:?}");
    for n in 20..50 {
        assert_eq!(
            counts.get(&format!("<outage-{n}@passport.renran>")),
            Some(&1),
            "mail {n} once: {counts:?}"
        );
    }
    let discarded = jobs::counts_by_state(&app.db).await.expect("counts")[&JobState::Discarded];
    assert_eq!(discarded, 0);
}

on_both_backends!(mail_resumes_soon_after_smtp_returns);

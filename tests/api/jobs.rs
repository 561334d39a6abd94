//! The durable job queue: the engine's rules on both backends, the mailer over a real SMTP
//! conversation, retries and discarding, supervision, graceful shutdown, the dev outbox, and
//! `passport` processes that are killed with SIGKILL or share one PostgreSQL queue.

use std::collections::{BTreeMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use passport::actors::worker::WorkerMsg;
use passport::config::{Profile, Settings};
use passport::entities::jobs as job_rows;
use passport::jobs::{self, Backoff, Enqueued, Failed, JobError, JobKind, JobState, NewJob};
use passport::mail::Mail;
use passport::sms::Sms;
use passport::startup::Application;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use crate::helpers::{
    Backend, TestApp, TestDb, eventually, postgres_cut_off, postgres_restore, smtp_on_port,
};
use crate::smtp_sink::{SmtpSink, free_port};

fn mail(to: &str, n: usize) -> Mail {
    Mail::text(
        to,
        format!("Test mail {n}"),
        format!("Hello number {n}.\nSecond line."),
    )
}

/// Short timings so retries, leases and shutdown take milliseconds, not minutes.
fn fast_jobs(env: &mut BTreeMap<String, String>) {
    for (k, v) in [
        ("PASSPORT_JOB_POLL_MAX_MS", "100"),
        ("PASSPORT_JOB_LEASE_MS", "2000"),
        ("PASSPORT_JOB_BACKOFF_BASE_MS", "100"),
        ("PASSPORT_JOB_BACKOFF_MAX_MS", "1000"),
        ("PASSPORT_JOB_SHUTDOWN_GRACE_MS", "1000"),
        ("PASSPORT_SMTP_TIMEOUT_MS", "3000"),
    ] {
        env.insert(k.to_owned(), v.to_owned());
    }
}

/// An app with [`fast_jobs`] sending to `smtp_url`, and `extra` settings on top.
async fn spawn_with_smtp(
    backend: Backend,
    smtp_url: &str,
    extra: &[(&str, &str)],
) -> Option<TestApp> {
    let url = smtp_url.to_owned();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    TestApp::spawn_with(backend, move |env| {
        fast_jobs(env);
        env.insert("PASSPORT_SMTP_URL".into(), url);
        env.insert(
            "PASSPORT_MAIL_FROM".into(),
            "Renran <no-reply@renran.test>".into(),
        );
        env.extend(extra);
    })
    .await
}

async fn count_in(db: &DatabaseConnection, state: JobState) -> i64 {
    jobs::counts_by_state(db).await.expect("counts")[&state]
}

async fn row(db: &DatabaseConnection, id: i64) -> job_rows::Model {
    jobs::get(db, id).await.expect("job row")
}

fn created(e: Enqueued) -> i64 {
    e.id().expect("a new job")
}

async fn the_queue_engine_keeps_its_rules(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let lease = Duration::from_secs(30);
    let no_delay = Backoff {
        base: Duration::ZERO,
        max: Duration::ZERO,
    };

    // A job enqueued in a transaction that rolls back never existed.
    let txn = db.begin().await.expect("begin");
    jobs::enqueue(&txn, NewJob::mail(mail("a@example.com", 0)))
        .await
        .expect("enqueue");
    txn.rollback().await.expect("rollback");
    assert_eq!(count_in(&db, JobState::Available).await, 0);

    // A duplicate unique key is a no-op that leaves the caller's transaction usable.
    let txn = db.begin().await.expect("begin");
    let mail_id = created(
        jobs::enqueue(&txn, NewJob::mail(mail("a@example.com", 1)))
            .await
            .expect("enqueue"),
    );
    let sms_id = created(
        jobs::enqueue(
            &txn,
            NewJob::sms(Sms::verification_code("13800138000", "111111", 5)).unique_key("sms:138"),
        )
        .await
        .expect("enqueue"),
    );
    assert_eq!(
        jobs::enqueue(
            &txn,
            NewJob::sms(Sms::verification_code("13800138000", "222222", 5)).unique_key("sms:138")
        )
        .await
        .expect("duplicate is not an error"),
        Enqueued::Duplicate
    );
    jobs::enqueue(
        &txn,
        NewJob::mail(mail("later@example.com", 2)).run_at(jobs::now() + chrono::Duration::hours(1)),
    )
    .await
    .expect("enqueue");
    jobs::enqueue(&txn, NewJob::qq_token_refresh(9))
        .await
        .expect("enqueue");
    assert_eq!(
        jobs::enqueue(&txn, NewJob::qq_token_refresh(9))
            .await
            .expect("enqueue"),
        Enqueued::Duplicate
    );
    txn.commit()
        .await
        .expect("the transaction survived the duplicates");
    assert_eq!(count_in(&db, JobState::Available).await, 4);

    // Claiming: higher priority first (SMS before mail), only the kinds asked for, nothing
    // scheduled for later, each job once.
    let kinds = [JobKind::Mail, JobKind::Sms];
    let first = jobs::claim(&db, "w1", &kinds, 1, lease)
        .await
        .expect("claim");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id, sms_id, "SMS outranks mail");
    let rest = jobs::claim(&db, "w1", &kinds, 10, lease)
        .await
        .expect("claim");
    assert_eq!(rest.iter().map(|j| j.id).collect::<Vec<_>>(), vec![mail_id]);
    assert!(
        jobs::claim(&db, "w2", &kinds, 10, lease)
            .await
            .expect("claim")
            .is_empty()
    );
    let claimed = row(&db, mail_id).await;
    assert_eq!(claimed.state, "running");
    assert_eq!(claimed.attempt, 1);
    assert_eq!(claimed.lease_owner.as_deref(), Some("w1"));
    assert!(claimed.lease_expires_at.expect("lease") > jobs::now());
    assert_eq!(rest[0].attempt, 1);
    assert!(!rest[0].idempotency_key.is_empty());
    assert!(
        matches!(rest[0].decode().expect("payload"), jobs::JobPayload::Mail(m) if m.to == "a@example.com")
    );

    // Only the lease holder acks.
    assert!(!jobs::complete(&db, mail_id, "w2").await.expect("complete"));
    assert!(jobs::complete(&db, mail_id, "w1").await.expect("complete"));
    let done = row(&db, mail_id).await;
    assert_eq!(done.state, "completed");
    assert!(done.finished_at.is_some());

    // A failure is retried after the backoff, not before.
    let slow = Backoff {
        base: Duration::from_secs(600),
        max: Duration::from_secs(600),
    };
    match jobs::fail(&db, &first[0], "gateway down", false, &slow)
        .await
        .expect("fail")
    {
        Failed::Retry(at) => assert!(at > jobs::now() + chrono::Duration::seconds(200)),
        other => panic!("expected a retry, got {other:?}"),
    }
    let failed = row(&db, sms_id).await;
    assert_eq!(failed.state, "retryable");
    assert_eq!(failed.last_error.as_deref(), Some("gateway down"));
    assert!(
        jobs::claim(&db, "w1", &kinds, 10, lease)
            .await
            .expect("claim")
            .is_empty()
    );

    // Attempts run out: discarded, error kept.
    let id = created(
        jobs::enqueue(&db, NewJob::mail(mail("x@example.com", 3)).max_attempts(2))
            .await
            .expect("enqueue"),
    );
    let job = jobs::claim(&db, "w1", &kinds, 1, lease)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(job.id, id);
    assert!(matches!(
        jobs::fail(&db, &job, "550 no", false, &no_delay)
            .await
            .expect("fail"),
        Failed::Retry(_)
    ));
    let job = jobs::claim(&db, "w1", &kinds, 1, lease)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!((job.id, job.attempt), (id, 2));
    assert_eq!(
        jobs::fail(&db, &job, "550 still no", false, &no_delay)
            .await
            .expect("fail"),
        Failed::Discarded
    );
    let discarded = row(&db, id).await;
    assert_eq!(discarded.state, "discarded");
    assert_eq!(discarded.attempt, 2);
    assert_eq!(discarded.last_error.as_deref(), Some("550 still no"));
    assert!(discarded.finished_at.is_some());

    // A job that can never succeed is discarded at once.
    let id = created(
        jobs::enqueue(&db, NewJob::mail(mail("y@example.com", 4)))
            .await
            .expect("enqueue"),
    );
    let job = jobs::claim(&db, "w1", &kinds, 1, lease)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(
        jobs::fail(&db, &job, "bad address", true, &no_delay)
            .await
            .expect("fail"),
        Failed::Discarded
    );
    assert_eq!(row(&db, id).await.attempt, 1);

    // An expired lease (the worker died) makes the job claimable again, by someone else.
    let id = created(
        jobs::enqueue(&db, NewJob::mail(mail("z@example.com", 5)))
            .await
            .expect("enqueue"),
    );
    let lost = jobs::claim(&db, "dead", &kinds, 1, Duration::ZERO)
        .await
        .expect("claim");
    assert_eq!(lost[0].id, id);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(jobs::reclaim_expired(&db).await.expect("reclaim"), 1);
    let reclaimed = row(&db, id).await;
    assert_eq!(reclaimed.state, "retryable");
    assert!(
        reclaimed
            .last_error
            .expect("error")
            .contains("lease expired")
    );
    let again = jobs::claim(&db, "w2", &kinds, 1, lease)
        .await
        .expect("claim");
    assert_eq!((again[0].id, again[0].attempt), (id, 2));
    assert!(
        !jobs::complete(&db, id, "dead").await.expect("complete"),
        "the dead owner cannot ack"
    );

    // Released jobs go back without spending an attempt.
    assert_eq!(jobs::release(&db, "w2", None).await.expect("release"), 1);
    let released = row(&db, id).await;
    assert_eq!(
        (released.state.as_str(), released.attempt),
        ("available", 1)
    );
    assert!(released.lease_owner.is_none());

    // Retry (the admin button) revives a discarded job with fresh attempts; not a finished one,
    // and not when a live job holds its unique key.
    jobs::retry(&db, discarded.id).await.expect("retry");
    let revived = row(&db, discarded.id).await;
    assert_eq!((revived.state.as_str(), revived.attempt), ("available", 0));
    assert!(matches!(
        jobs::retry(&db, mail_id).await,
        Err(JobError::NotFound)
    ));
    let keyed = created(
        jobs::enqueue(
            &db,
            NewJob::sms(Sms::verification_code("13900000000", "333333", 5))
                .unique_key("sms:139")
                .max_attempts(1),
        )
        .await
        .expect("enqueue"),
    );
    let job = jobs::claim(&db, "w1", &[JobKind::Sms], 1, lease)
        .await
        .expect("claim")
        .remove(0);
    assert_eq!(job.id, keyed);
    assert_eq!(
        jobs::fail(&db, &job, "down", false, &no_delay)
            .await
            .expect("fail"),
        Failed::Discarded
    );
    created(
        jobs::enqueue(
            &db,
            NewJob::sms(Sms::verification_code("13900000000", "444444", 5)).unique_key("sms:139"),
        )
        .await
        .expect("the key is free again"),
    );
    assert!(matches!(
        jobs::retry(&db, keyed).await,
        Err(JobError::Conflict)
    ));

    // Deliveries are remembered by idempotency key.
    assert!(
        !jobs::is_delivered(&db, &job.idempotency_key)
            .await
            .expect("check")
    );
    jobs::record_delivery(&db, &job).await.expect("record");
    jobs::record_delivery(&db, &job)
        .await
        .expect("recording twice is harmless");
    assert!(
        jobs::is_delivered(&db, &job.idempotency_key)
            .await
            .expect("check")
    );

    // Pruning removes completed jobs past retention, nothing else.
    let before = jobs::counts_by_state(&db).await.expect("counts");
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        jobs::prune_completed(&db, Duration::ZERO)
            .await
            .expect("prune"),
        1
    );
    let after = jobs::counts_by_state(&db).await.expect("counts");
    assert_eq!(after[&JobState::Completed], 0);
    for state in [
        JobState::Available,
        JobState::Retryable,
        JobState::Discarded,
    ] {
        assert_eq!(after[&state], before[&state], "{state:?} untouched");
    }
    assert_eq!(after.len(), 5, "every state is counted");
    let listed = jobs::list(&db, Some(JobState::Discarded), 10, 0)
        .await
        .expect("list");
    assert!(listed.iter().all(|j| j.state == "discarded") && !listed.is_empty());
    assert!(
        jobs::prune_completed(&db, Duration::from_secs(3600))
            .await
            .expect("prune")
            == 0
    );
}

async fn concurrent_claimers_never_share_a_job(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let txn = db.begin().await.expect("begin");
    for n in 0..300 {
        jobs::enqueue(&txn, NewJob::mail(mail("c@example.com", n)))
            .await
            .expect("enqueue");
    }
    txn.commit().await.expect("commit");
    let mut claimers = Vec::new();
    for name in ["a", "b", "c"] {
        let conn = test_db.connect().await;
        claimers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = jobs::claim(&conn, name, &[JobKind::Mail], 7, Duration::from_secs(60))
                    .await
                    .expect("claim");
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch.into_iter().map(|j| j.id));
            }
        }));
    }
    let mut all = Vec::new();
    let mut busy = 0;
    for c in claimers {
        let got = c.await.expect("claimer");
        busy += usize::from(!got.is_empty());
        all.extend(got);
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 300, "every job claimed");
    assert_eq!(unique.len(), 300, "no job claimed twice");
    assert!(busy >= 2, "claimers ran side by side");
}

async fn a_mail_arrives_over_smtp_with_recipient_subject_and_body(backend: Backend) {
    let sink = SmtpSink::start().await;
    let Some(app) = spawn_with_smtp(backend, &sink.url(), &[]).await else {
        return;
    };
    let id = created(
        jobs::enqueue(
            &app.db,
            NewJob::mail(Mail::text(
                "reader@example.com",
                "Reset your password",
                "Open http://passport.test/reset-password?token=abc to continue.",
            ))
            .idempotency_key("reset-42"),
        )
        .await
        .expect("enqueue"),
    );
    app.drain_jobs().await;
    assert_eq!(sink.count(), 1, "the mail reaches the sink");
    let got = &sink.messages()[0];
    assert_eq!(got.to, vec!["reader@example.com".to_string()]);
    assert!(got.from.contains("no-reply@renran.test"), "{}", got.from);
    assert_eq!(got.header("To").as_deref(), Some("reader@example.com"));
    assert_eq!(
        got.header("Subject").as_deref(),
        Some("Reset your password")
    );
    assert_eq!(
        got.header("Message-ID").as_deref(),
        Some("<reset-42@passport.renran>")
    );
    assert!(
        got.body()
            .contains("Open http://passport.test/reset-password?token=abc to continue."),
        "{}",
        got.data
    );
    app.drain_jobs().await;
    assert_eq!(
        row(&app.db, id).await.state,
        "completed",
        "the job is completed"
    );
    assert!(
        jobs::is_delivered(&app.db, "reset-42")
            .await
            .expect("check")
    );
}

/// A server that offers PIPELINING gets each mail's `MAIL`, `RCPT` and `DATA` in one write; one
/// that does not gets them one at a time (lettre's conversation). Both receive every mail
/// whole, on one reused connection.
async fn mail_is_pipelined_only_where_the_server_offers_it(backend: Backend) {
    for pipelining in [true, false] {
        let sink = SmtpSink::start().await;
        if !pipelining {
            sink.without_pipelining();
        }
        let Some(app) = spawn_with_smtp(backend, &sink.url(), &[]).await else {
            return;
        };
        for n in 0..3 {
            jobs::enqueue(
                &app.db,
                NewJob::mail(Mail::text(
                    format!("reader{n}@example.com"),
                    "重置密码",
                    format!("第 {n} 封：请打开链接重置密码。"),
                )),
            )
            .await
            .expect("enqueue");
            // One at a time, so that they share the pooled connection.
            app.drain_jobs().await;
        }
        let got = sink.messages();
        assert_eq!(got.len(), 3, "every mail arrives (pipelining {pipelining})");
        for (n, mail) in got.iter().enumerate() {
            assert_eq!(mail.to, vec![format!("reader{n}@example.com")]);
            assert!(mail.header("Message-ID").is_some(), "{}", mail.data);
        }
        assert_eq!(
            sink.pipelined(),
            if pipelining { 3 } else { 0 },
            "MAIL, RCPT and DATA in one write only where the server pipelines"
        );
        assert_eq!(sink.connections(), 1, "one connection, reused");
    }
}

/// Poll a job closely and collect the retry delay chosen after each failed attempt.
async fn observe_retry_delays(
    db: &DatabaseConnection,
    id: i64,
    attempts: i32,
) -> Vec<chrono::Duration> {
    let mut seen = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while (seen.len() as i32) < attempts {
        assert!(Instant::now() < deadline, "only saw retries {seen:?}");
        let r = row(db, id).await;
        if r.state == "retryable" {
            seen.entry(r.attempt).or_insert(r.run_at - r.updated_at);
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    seen.into_values().collect()
}

async fn smtp_down_for_a_while_means_growing_retries_then_delivery(backend: Backend) {
    let port = free_port();
    let Some(app) = TestApp::spawn_with(backend, |env| {
        fast_jobs(env);
        smtp_on_port(env, port);
        env.insert("PASSPORT_JOB_BACKOFF_BASE_MS".into(), "200".into());
        env.insert("PASSPORT_JOB_BACKOFF_MAX_MS".into(), "5000".into());
    })
    .await
    else {
        return;
    };
    let id = created(
        jobs::enqueue(&app.db, NewJob::mail(mail("patient@example.com", 1)))
            .await
            .expect("enqueue"),
    );
    let delays = observe_retry_delays(&app.db, id, 3).await;
    assert!(
        delays.windows(2).all(|w| w[1] > w[0]),
        "retry delays grow: {delays:?}"
    );
    let failed = row(&app.db, id).await;
    assert!(failed.last_error.is_some(), "the connection error is kept");

    let sink = SmtpSink::start_on(port).await;
    eventually(
        Duration::from_secs(15),
        "the mail arrives once SMTP is back",
        || async { sink.count() == 1 },
    )
    .await;
    eventually(Duration::from_secs(5), "the job is completed", || async {
        row(&app.db, id).await.state == "completed"
    })
    .await;
    assert!(row(&app.db, id).await.attempt >= 4);
}

async fn a_permanently_refused_mail_is_discarded_after_max_attempts(backend: Backend) {
    let sink = SmtpSink::start().await;
    sink.reject_recipients_containing("nobody@");
    let Some(app) = spawn_with_smtp(backend, &sink.url(), &[]).await else {
        return;
    };
    let bad = created(
        jobs::enqueue(
            &app.db,
            NewJob::mail(mail("nobody@example.com", 1)).max_attempts(3),
        )
        .await
        .expect("enqueue"),
    );
    let good = created(
        jobs::enqueue(&app.db, NewJob::mail(mail("somebody@example.com", 2)))
            .await
            .expect("enqueue"),
    );
    eventually(
        Duration::from_secs(15),
        "the refused mail is discarded",
        || async { row(&app.db, bad).await.state == "discarded" },
    )
    .await;
    let dead = row(&app.db, bad).await;
    assert_eq!(dead.attempt, 3);
    let error = dead.last_error.expect("error kept");
    assert!(error.contains("550"), "{error}");
    app.drain_jobs().await;
    assert_eq!(
        row(&app.db, good).await.state,
        "completed",
        "the good mail still goes out"
    );
    assert_eq!(sink.count(), 1);
    assert_eq!(
        sink.messages()[0].to,
        vec!["somebody@example.com".to_string()]
    );
}

async fn a_panicking_mailer_is_restarted_and_the_next_mails_arrive(backend: Backend) {
    let sink = SmtpSink::start().await;
    let Some(app) = spawn_with_smtp(backend, &sink.url(), &[]).await else {
        return;
    };
    let slot = app.state.actors.mailer.clone();
    let first = slot.get().expect("the mailer runs");
    let first_id = first.get_id();
    first.cast(WorkerMsg::InjectPanic).expect("cast");
    eventually(
        Duration::from_secs(5),
        "a new mailer replaces the failed one",
        || async { slot.get().is_some_and(|m| m.get_id() != first_id) },
    )
    .await;
    for n in 0..5 {
        jobs::enqueue(&app.db, NewJob::mail(mail("after-panic@example.com", n)))
            .await
            .expect("enqueue");
    }
    app.drain_jobs().await;
    assert_eq!(sink.count(), 5, "the next mails arrive");
}

async fn a_slow_smtp_server_does_not_cost_the_lease(backend: Backend) {
    let sink = SmtpSink::start().await;
    sink.delay_after_data(Duration::from_millis(1500));
    let url = sink.url();
    let Some(app) = TestApp::spawn_with(backend, move |env| {
        fast_jobs(env);
        env.insert("PASSPORT_SMTP_URL".into(), url);
        env.insert("PASSPORT_JOB_LEASE_MS".into(), "400".into());
    })
    .await
    else {
        return;
    };
    let id = created(
        jobs::enqueue(&app.db, NewJob::mail(mail("slow@example.com", 1)))
            .await
            .expect("enqueue"),
    );
    app.drain_jobs().await;
    assert_eq!(
        row(&app.db, id).await.state,
        "completed",
        "the slow mail is completed"
    );
    // Long enough for a second copy, had the lease run out while the first was being sent.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(sink.count(), 1, "sent once: the running job kept its lease");
    assert_eq!(row(&app.db, id).await.attempt, 1);
}

async fn shutdown_lets_running_jobs_finish_within_the_grace(backend: Backend) {
    let sink = SmtpSink::start().await;
    sink.delay_after_data(Duration::from_millis(800));
    let url = sink.url();
    let Some(mut app) = TestApp::spawn_with(backend, move |env| {
        fast_jobs(env);
        env.insert("PASSPORT_SMTP_URL".into(), url);
        env.insert("PASSPORT_JOB_SHUTDOWN_GRACE_MS".into(), "5000".into());
    })
    .await
    else {
        return;
    };
    let id = created(
        jobs::enqueue(&app.db, NewJob::mail(mail("finishing@example.com", 1)))
            .await
            .expect("enqueue"),
    );
    eventually(Duration::from_secs(5), "the job is running", || async {
        row(&app.db, id).await.state == "running"
    })
    .await;
    app.shutdown_server().await;
    assert_eq!(
        sink.count(),
        1,
        "the running mail was finished, not cut off"
    );
    assert_eq!(row(&app.db, id).await.state, "completed");
    let later = created(
        jobs::enqueue(&app.db, NewJob::mail(mail("after-stop@example.com", 2)))
            .await
            .expect("enqueue"),
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        row(&app.db, later).await.state,
        "available",
        "nothing claims after shutdown"
    );
}

async fn shutdown_releases_jobs_that_do_not_finish_in_time(backend: Backend) {
    let sink = SmtpSink::start().await;
    sink.stall_after_data();
    let url = sink.url();
    let Some(mut app) = TestApp::spawn_with(backend, move |env| {
        fast_jobs(env);
        env.insert("PASSPORT_SMTP_URL".into(), url);
        env.insert("PASSPORT_SMTP_TIMEOUT_MS".into(), "60000".into());
        env.insert("PASSPORT_JOB_LEASE_MS".into(), "60000".into());
        env.insert("PASSPORT_JOB_SHUTDOWN_GRACE_MS".into(), "300".into());
    })
    .await
    else {
        return;
    };
    let id = created(
        jobs::enqueue(&app.db, NewJob::mail(mail("stuck@example.com", 1)))
            .await
            .expect("enqueue"),
    );
    eventually(Duration::from_secs(5), "the job is running", || async {
        row(&app.db, id).await.state == "running"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    app.shutdown_server().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown respects its deadline"
    );
    let released = row(&app.db, id).await;
    assert_eq!(
        released.state, "available",
        "released, not left to its lease"
    );
    assert_eq!(
        released.attempt, 0,
        "the interrupted attempt does not count"
    );
    assert!(released.lease_owner.is_none());
}

async fn mail_and_sms_land_in_the_dev_outbox_newest_first(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, fast_jobs).await else {
        return;
    };
    jobs::enqueue(
        &app.db,
        NewJob::mail(Mail::text(
            "reader@example.com",
            "重置密码",
            "打开 http://127.0.0.1:8000/reset-password?token=t0k&x=1 继续",
        )),
    )
    .await
    .expect("enqueue");
    app.drain_jobs().await;
    assert_eq!(app.outbox_all().await.len(), 1, "the mail is in the outbox");
    jobs::enqueue(
        &app.db,
        NewJob::sms(Sms::verification_code("13800138000", "246810", 5)),
    )
    .await
    .expect("enqueue");
    app.drain_jobs().await;
    assert_eq!(app.outbox_all().await.len(), 2, "the SMS is in the outbox");
    let messages = app.outbox_all().await;
    assert_eq!(messages[0]["kind"], "sms");
    assert_eq!(messages[0]["to"], "13800138000");
    assert_eq!(
        messages[0]["body"],
        "【荏苒】您的验证码是246810，5分钟内有效。请勿告诉他人。"
    );
    assert_eq!(messages[1]["kind"], "mail");
    assert_eq!(messages[1]["to"], "reader@example.com");
    assert_eq!(messages[1]["subject"], "重置密码");
    assert!(messages[1]["sent_at"].is_string());

    let page = app.get("/dev/outbox").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let html = page.text().await.expect("body");
    assert!(
        html.contains("<a href=\"http://127.0.0.1:8000/reset-password?token=t0k&amp;x=1\">"),
        "{html}"
    );
    assert!(html.find("246810") < html.find("重置密码"), "newest first");
}

/// One claim for several kinds, each held to its own cap; and each claimed job says whether
/// its idempotency key was already recorded as delivered (then its work is not done again).
async fn a_claim_holds_each_kind_to_its_cap_and_says_what_was_delivered(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let lease = Duration::from_secs(30);
    for n in 0..4 {
        jobs::enqueue(
            &db,
            NewJob::mail(Mail::text("a@example.com", "hi", "body"))
                .idempotency_key(format!("mail-{n}")),
        )
        .await
        .expect("enqueue");
        jobs::enqueue(&db, NewJob::qq_token_refresh(n))
            .await
            .expect("enqueue");
    }
    // An earlier job with the key `mail-1` was delivered.
    let earlier = jobs::enqueue(
        &db,
        NewJob::sms(Sms::verification_code("13800138000", "123456", 5)).idempotency_key("mail-1"),
    )
    .await
    .expect("enqueue");
    let sms = jobs::claim(&db, "w0", &[JobKind::Sms], 1, lease)
        .await
        .expect("claim");
    assert_eq!(sms.first().map(|j| j.id), earlier.id());
    jobs::record_delivery(&db, &sms[0]).await.expect("record");

    let caps = [(JobKind::Mail, 3), (JobKind::QqTokenRefresh, 2)];
    let claimed = jobs::claim_each(&db, "w1", &caps, 4, lease)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 4, "the overall limit: {claimed:?}");
    assert_eq!(
        count_kind(&claimed, "qq_token_refresh"),
        1,
        "the refresh after the mail, held to what the overall limit leaves"
    );
    assert_eq!(count_kind(&claimed, "mail"), 3, "mail held to its cap");
    for job in &claimed {
        assert_eq!(
            job.delivered_before,
            job.idempotency_key == "mail-1",
            "{}: delivered before only for the recorded key",
            job.idempotency_key
        );
    }
    let caps = [(JobKind::Mail, 10), (JobKind::QqTokenRefresh, 1)];
    let rest = jobs::claim_each(&db, "w1", &caps, 10, lease)
        .await
        .expect("claim");
    assert_eq!(count_kind(&rest, "mail"), 1, "the last mail");
    assert_eq!(
        count_kind(&rest, "qq_token_refresh"),
        1,
        "one more refresh, no more"
    );
    assert!(rest.iter().all(|j| !j.delivered_before));
}

/// Jobs queued held for a process (a reset lookup's mail) are already claimed by it, for their
/// parent's lease: nobody else's claim returns them, and given back they are the queue's like
/// any other.
async fn held_jobs_are_claimed_by_their_process_until_released(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let lease = Duration::from_secs(30);
    let queued = created(
        jobs::enqueue(&db, NewJob::mail(mail("queued@example.com", 0)))
            .await
            .expect("enqueue"),
    );
    jobs::enqueue(&db, NewJob::password_reset_request("reader@example.com"))
        .await
        .expect("enqueue");
    let lookup = jobs::claim(&db, "w0", &[JobKind::PasswordResetRequest], 1, lease)
        .await
        .expect("claim")
        .pop()
        .expect("the lookup");
    let txn = db.begin().await.expect("begin");
    let held = jobs::enqueue_held_all(
        &txn,
        vec![
            NewJob::mail(mail("first@example.com", 1)).idempotency_key("held-1"),
            NewJob::mail(mail("second@example.com", 2)).idempotency_key("held-2"),
        ],
        None,
        &lookup,
    )
    .await
    .expect("enqueue held");
    txn.commit().await.expect("commit");
    let held: Vec<jobs::Job> = held.into_iter().map(|j| j.expect("inserted")).collect();
    let keys: Vec<&str> = held.iter().map(|j| j.idempotency_key.as_str()).collect();
    assert_eq!(keys, ["held-1", "held-2"], "in the order given");
    for job in &held {
        assert_eq!(
            (job.attempt, job.lease_owner.as_str(), job.lease),
            (1, "w0", lease)
        );
        assert!(!job.delivered_before);
        let stored = row(&db, job.id).await;
        assert_eq!(stored.state, "running");
        assert_eq!(stored.attempt, 1);
        assert_eq!(stored.lease_owner.as_deref(), Some("w0"));
        let expires = stored.lease_expires_at.expect("a lease");
        let left = expires - chrono::Utc::now();
        assert!(
            left > chrono::Duration::seconds(25) && left <= chrono::Duration::seconds(30),
            "leased for the lease given: {left}"
        );
        match job.decode().expect("decode") {
            jobs::JobPayload::Mail(m) => assert!(m.to.ends_with("@example.com")),
            other => panic!("not the mail: {other:?}"),
        }
    }
    let others = jobs::claim(&db, "w1", &[JobKind::Mail], 10, lease)
        .await
        .expect("claim");
    assert_eq!(
        others.iter().map(|j| j.id).collect::<Vec<_>>(),
        [queued],
        "only the queued mail is anyone's to claim"
    );
    assert_eq!(
        jobs::release(&db, "w0", Some(&[held[0].id]))
            .await
            .expect("release"),
        1
    );
    let again = jobs::claim(&db, "w1", &[JobKind::Mail], 10, lease)
        .await
        .expect("claim");
    assert_eq!(again.iter().map(|j| j.id).collect::<Vec<_>>(), [held[0].id]);
    assert_eq!(again[0].attempt, 1, "the held attempt was given back");
    assert_eq!(
        row(&db, held[1].id).await.lease_owner.as_deref(),
        Some("w0")
    );
}

fn count_kind(jobs: &[jobs::Job], kind: &str) -> usize {
    jobs.iter().filter(|j| j.kind == kind).count()
}

on_both_backends!(
    the_queue_engine_keeps_its_rules,
    a_claim_holds_each_kind_to_its_cap_and_says_what_was_delivered,
    held_jobs_are_claimed_by_their_process_until_released,
    concurrent_claimers_never_share_a_job,
    a_mail_arrives_over_smtp_with_recipient_subject_and_body,
    mail_is_pipelined_only_where_the_server_offers_it,
    smtp_down_for_a_while_means_growing_retries_then_delivery,
    a_permanently_refused_mail_is_discarded_after_max_attempts,
    a_panicking_mailer_is_restarted_and_the_next_mails_arrive,
    a_slow_smtp_server_does_not_cost_the_lease,
    shutdown_lets_running_jobs_finish_within_the_grace,
    shutdown_releases_jobs_that_do_not_finish_in_time,
    mail_and_sms_land_in_the_dev_outbox_newest_first,
);

/// PostgreSQL: a mail whose SMTP `250` arrives while the database is gone (its pooled
/// connections cut, new ones refused) is acked once the database is back, within its lease,
/// and never sent again. (Left to lapse, its lease would hand it to a new attempt that finds no
/// delivery record and sends it a second time.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_whose_ack_meets_a_database_outage_is_acked_after_it_not_sent_again() {
    let sink = SmtpSink::start().await;
    sink.delay_after_data(Duration::from_millis(800));
    let Some(app) = spawn_with_smtp(
        Backend::Postgres,
        &sink.url(),
        &[("PASSPORT_JOB_LEASE_MS", "3000")],
    )
    .await
    else {
        return;
    };
    let name = app
        .test_db
        .postgres_name()
        .expect("a PostgreSQL database")
        .to_owned();
    let id = created(
        jobs::enqueue(&app.db, NewJob::mail(mail("outage@example.com", 1)))
            .await
            .expect("enqueue"),
    );
    // The mailer has connected: the mail is on its way, its `250` 800 ms off.
    eventually(Duration::from_secs(10), "the mailer connects", || async {
        sink.connections() > 0
    })
    .await;
    postgres_cut_off(&name).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.count(), 1, "the mail was accepted during the outage");
    postgres_restore(&name).await;

    eventually(
        Duration::from_secs(15),
        "the mail job is completed",
        || async {
            jobs::get(&app.db, id)
                .await
                .is_ok_and(|job| job.state == "completed")
        },
    )
    .await;
    // Past the lease: a lapsed job would have been reclaimed and sent again by now.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(sink.count(), 1, "sent once");
    assert_eq!(
        row(&app.db, id).await.attempt,
        1,
        "acked on its first attempt"
    );
}

/// PostgreSQL: an idle dispatcher (its polls already seconds apart) is woken by the NOTIFY an
/// enqueue sends, so a mail goes out at once rather than at the next poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_notify_wakes_an_idle_dispatcher() {
    let sink = SmtpSink::start().await;
    let Some(app) = spawn_with_smtp(
        Backend::Postgres,
        &sink.url(),
        &[("PASSPORT_JOB_POLL_MAX_MS", "60000")],
    )
    .await
    else {
        return;
    };
    // Idle polls double from 25 ms: by now the next one is about 3 s away.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let enqueued = Instant::now();
    jobs::enqueue(&app.db, NewJob::mail(mail("prompt@example.com", 1)))
        .await
        .expect("enqueue");
    while sink.count() == 0 {
        assert!(
            enqueued.elapsed() < Duration::from_millis(1500),
            "the mail waited for the next poll: NOTIFY did not wake the dispatcher"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn the_dev_outbox_does_not_exist_in_production() {
    let Some(test_db) = TestDb::fresh(Backend::Sqlite).await else {
        return;
    };
    let env: BTreeMap<String, String> = [
        ("PASSPORT_PROFILE", "production"),
        ("PASSPORT_DATABASE_URL", test_db.url.as_str()),
        ("PASSPORT_LISTEN", "127.0.0.1:0"),
        ("PASSPORT_PUBLIC_BASE_URL", "https://passport.renran.test"),
        (
            "PASSPORT_SECRET_KEY",
            "a-real-random-secret-of-more-than-32-characters",
        ),
        (
            "PASSPORT_TOKEN_KEY",
            "3f9a1c0e5b7d2a4f6e8c0b1d3a5f7e9c2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a",
        ),
        ("PASSPORT_QQ_APP_ID", "101260439"),
        ("PASSPORT_QQ_APP_KEY", "real-app-key"),
        (
            "PASSPORT_QQ_REDIRECT_URI",
            "https://www.renran.test/oauth/qq/callback",
        ),
        ("PASSPORT_SMTP_URL", "smtp://127.0.0.1:9"),
        ("PASSPORT_MAIL_FROM", "Renran <no-reply@renran.test>"),
        (
            "PASSPORT_TENCENT_SECRET_ID",
            "AKIDtesttesttesttesttesttesttesttest",
        ),
        ("PASSPORT_TENCENT_SECRET_KEY", "a-tencent-secret-key"),
        ("PASSPORT_SMS_APP_ID", "1400123456"),
        ("PASSPORT_SMS_SIGN_NAME", "荏苒"),
        ("PASSPORT_SMS_TEMPLATE_ID", "1234567"),
        ("PASSPORT_CAPTCHA_APP_ID", "2012345678"),
        ("PASSPORT_CAPTCHA_APP_SECRET_KEY", "a-captcha-secret-key"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let settings = Settings::resolve(None, &env, None).expect("production settings");
    assert_eq!(settings.profile, Profile::Production);
    let app = Application::build(settings, true).await.expect("builds");
    let addr = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let resp = reqwest::get(format!("http://{addr}/dev/outbox"))
        .await
        .expect("GET");
    assert_eq!(resp.status(), 404);
    let _ = stop.send(());
    let _ = server.await;
}

// ---- `passport` as child processes ----

/// A `passport serve` child process, killed with SIGKILL when dropped.
struct Passport(Child);

impl Passport {
    fn start(database_url: &str, smtp_port: u16, outbox: &std::path::Path) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_passport"))
            .arg("serve")
            .env("PASSPORT_PROFILE", "dev")
            .env("PASSPORT_DATABASE_URL", database_url)
            .env("PASSPORT_LISTEN", "127.0.0.1:0")
            .env("PASSPORT_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
            .env("PASSPORT_OUTBOX_DIR", outbox)
            .env("PASSPORT_JOB_POLL_MAX_MS", "100")
            .env("PASSPORT_JOB_LEASE_MS", "1500")
            .env("PASSPORT_JOB_BACKOFF_BASE_MS", "100")
            .env("PASSPORT_JOB_BACKOFF_MAX_MS", "500")
            .env("PASSPORT_SMTP_TIMEOUT_MS", "1000")
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start passport");
        Self(child)
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    /// SIGKILL: no shutdown code runs, leases are left to expire.
    fn kill9(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Passport {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn enqueue_mails(db: &DatabaseConnection, count: usize) {
    let txn = db.begin().await.expect("begin");
    for n in 0..count {
        jobs::enqueue(
            &txn,
            NewJob::mail(mail(&format!("reader{n}@example.com"), n)),
        )
        .await
        .expect("enqueue");
    }
    txn.commit().await.expect("commit");
}

async fn sql_count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("count")
}

async fn no_mail_is_lost_when_passport_is_killed_while_smtp_is_down(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    enqueue_mails(&db, 500).await;
    let outbox = tempfile::tempdir().expect("tempdir");
    let port = free_port();

    let first = Passport::start(&test_db.url, port, outbox.path());
    eventually(
        Duration::from_secs(30),
        "the first process is failing attempts",
        || async { sql_count(&db, "SELECT COUNT(*) FROM jobs WHERE attempt > 0").await >= 50 },
    )
    .await;
    first.kill9();
    let in_flight = sql_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'running'").await;
    assert_eq!(
        sql_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'completed'").await,
        0
    );

    // A new process starts while SMTP is still down, then the sink comes up.
    let _second = Passport::start(&test_db.url, port, outbox.path());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sink = SmtpSink::start_on(port).await;
    eventually(Duration::from_secs(60), "all 500 mails arrive", || async {
        sink.by_message_id().len() == 500
    })
    .await;
    eventually(
        Duration::from_secs(10),
        "every job is completed",
        || async {
            sql_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'completed'").await == 500
        },
    )
    .await;
    let duplicates = sink.count() - 500;
    eprintln!("killed with SMTP down and {in_flight} jobs in flight: {duplicates} duplicate(s)");
    assert!(
        duplicates as i64 <= in_flight,
        "{duplicates} duplicates, but only {in_flight} mails were in flight"
    );
}

async fn killed_mid_delivery_duplicates_at_most_what_was_in_flight(backend: Backend) {
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    enqueue_mails(&db, 500).await;
    let outbox = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start().await;

    let first = Passport::start(&test_db.url, sink.port(), outbox.path());
    eventually(
        Duration::from_secs(30),
        "the first process is delivering",
        || async { sink.count() >= 100 },
    )
    .await;
    first.kill9();
    let in_flight = sql_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'running'").await;
    let delivered_before = sink.count();

    let _second = Passport::start(&test_db.url, sink.port(), outbox.path());
    eventually(Duration::from_secs(60), "all 500 mails arrive", || async {
        sink.by_message_id().len() == 500
    })
    .await;
    eventually(
        Duration::from_secs(10),
        "every job is completed",
        || async {
            sql_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'completed'").await == 500
        },
    )
    .await;
    let duplicates = sink.count() - 500;
    eprintln!(
        "killed after {delivered_before} deliveries with {in_flight} jobs in flight: \
         {duplicates} duplicate(s)"
    );
    assert!(
        duplicates as i64 <= in_flight,
        "{duplicates} duplicates, but only {in_flight} mails were in flight"
    );
}

on_both_backends!(
    no_mail_is_lost_when_passport_is_killed_while_smtp_is_down,
    killed_mid_delivery_duplicates_at_most_what_was_in_flight,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_drain_the_queue_exactly_once() {
    let Some(test_db) = TestDb::fresh(Backend::Postgres).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    enqueue_mails(&db, 2000).await;
    let outbox = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start().await;
    let a = Passport::start(&test_db.url, sink.port(), outbox.path());
    let b = Passport::start(&test_db.url, sink.port(), outbox.path());
    eventually(
        Duration::from_secs(120),
        "all 2000 mails arrive",
        || async { sink.by_message_id().len() == 2000 },
    )
    .await;
    eventually(
        Duration::from_secs(10),
        "every job is completed",
        || async {
            sql_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'completed'").await == 2000
        },
    )
    .await;
    assert_eq!(sink.count(), 2000, "every mail exactly once");
    for p in [&a, &b] {
        let mine = sql_count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM jobs WHERE state = 'completed' AND lease_owner LIKE '%:{}:%'",
                p.pid()
            ),
        )
        .await;
        assert!(mine > 0, "process {} did none of the work", p.pid());
    }
}

/// Twenty mails one after another: they share one SMTP connection, and none waits out the
/// server's delayed ACK (about 40 ms a mail without `TCP_NODELAY`: lettre writes the body and
/// the final `.` separately).
#[tokio::test]
async fn sequential_mails_reuse_one_connection_without_the_nagle_stall() {
    let sink = SmtpSink::start().await;
    let settings = passport::config::MailSettings {
        smtp_url: Some(passport::config::Secret::new(sink.url())),
        from: "荏苒 <no-reply@renran.test>".into(),
        outbox_dir: std::env::temp_dir(),
    };
    let mailer = passport::mail::Mailer::from_settings(&settings, Duration::from_secs(5), 4)
        .expect("mailer");
    let mail = Mail::text(
        "reader@example.com",
        "Hello",
        "A body long enough to be a body.",
    );
    // The first mail opens the connection.
    mailer.send(&mail, "warm-up").await.expect("sent");
    let started = Instant::now();
    for i in 0..20 {
        mailer.send(&mail, &format!("m{i}")).await.expect("sent");
    }
    let took = started.elapsed();
    assert_eq!(sink.count(), 21);
    assert_eq!(sink.connections(), 1, "one connection for every mail");
    assert!(
        took < Duration::from_millis(400),
        "20 mails took {took:?}: ≥ 40 ms each is the Nagle/delayed-ACK stall"
    );
}

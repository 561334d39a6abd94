//! Performance scenarios, not tests: `#[ignore]`d, run by `make bench` on an optimised build
//! (`cargo test --profile bench-opt --test api bench -- --ignored --nocapture`). They print
//! figures and assert only that the work was done, never a speed.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use passport::config::{Profile, Settings};
use passport::jobs::{self, NewJob};
use passport::mail::Mail;
use passport::startup::Application;
use sea_orm::TransactionTrait;

use crate::helpers::{Backend, TestDb};
use crate::smtp_sink::SmtpSink;

const JOBS: usize = 2000;

fn mail(n: usize) -> Mail {
    Mail::text(
        format!("reader{n}@example.com"),
        format!("Bench mail {n}"),
        "A short body, like a reset link would be.",
    )
}

async fn bench_backend(backend: Backend) {
    let label = format!("{backend:?}");

    // Enqueue, one transaction per job (what a request handler does).
    let Some(test_db) = TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let started = Instant::now();
    for n in 0..JOBS {
        jobs::enqueue(&db, NewJob::mail(mail(n)))
            .await
            .expect("enqueue");
    }
    let single = JOBS as f64 / started.elapsed().as_secs_f64();

    // Enqueue, many jobs in one transaction.
    let started = Instant::now();
    let txn = db.begin().await.expect("begin");
    for n in 0..JOBS {
        jobs::enqueue(&txn, NewJob::mail(mail(n)))
            .await
            .expect("enqueue");
    }
    txn.commit().await.expect("commit");
    let batched = JOBS as f64 / started.elapsed().as_secs_f64();
    let queued = 2 * JOBS;

    // Drain everything to a local SMTP sink with the default concurrency.
    let sink = SmtpSink::start().await;
    let env: BTreeMap<String, String> = [
        ("PASSPORT_DATABASE_URL", test_db.url.clone()),
        ("PASSPORT_LISTEN", "127.0.0.1:0".to_string()),
        ("PASSPORT_SMTP_URL", sink.url()),
        (
            "PASSPORT_JOB_CONCURRENCY",
            std::env::var("PASSPORT_JOB_CONCURRENCY").unwrap_or_else(|_| "16".into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let settings = Settings::resolve(None, &env, Some(Profile::Dev)).expect("settings");
    let concurrency = settings.jobs.concurrency;
    let started = Instant::now();
    let app = Application::build(settings, false).await.expect("app");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let deadline = Instant::now() + Duration::from_secs(600);
    while sink.count() < queued {
        assert!(
            Instant::now() < deadline,
            "drain timed out at {}",
            sink.count()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let drained = queued as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = server.await;
    assert_eq!(sink.by_message_id().len(), queued, "each mail once");

    println!(
        "BENCH jobs {label:<8} enqueue {single:>8.0} jobs/s (1 per txn)  {batched:>8.0} jobs/s \
         ({JOBS} per txn)  drain to SMTP {drained:>7.0} jobs/s ({queued} mails, concurrency \
         {concurrency})"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_jobs_sqlite() {
    bench_backend(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_jobs_postgres() {
    bench_backend(Backend::Postgres).await;
}

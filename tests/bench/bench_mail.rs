//! Mail benches on the child-process harness (`harness.rs`): passport runs as its own process
//! (`passport serve` of the bench's build), so its CPU time and memory are its own. Mail goes
//! into postfix's `smtp-sink` (Debian package `postfix`; only the binary, never the daemon).
//! Per backend:
//!
//! - **enqueue**: 8 concurrent producers, one job per transaction, straight into the database;
//! - **drain**: that many queued mail jobs drained by passport into smtp-sink;
//! - **reset → delivered**: that many `POST /api/password-resets` for known addresses (32
//!   connections), timed until the last mail was accepted by smtp-sink (the lookup job, then
//!   the mail job);
//! - the sink's own ceiling, measured by postfix's `smtp-source` in the same run.
//!
//! Each prints mails/s, passport's CPU per mail (`/proc/<pid>/stat`), its idle and peak RSS.
//! `BENCH_REQUESTS` sets the number of mails (default 2,000), `PASSPORT_JOB_CONCURRENCY` the
//! job concurrency (default 64, the top of the 16–64, as the refresh bench runs; 32 gave
//! 10–25 % fewer resets → mails per second on PostgreSQL, `docs/perf/mail.md`, "Session 14").
//! Asserts only that the work was done, never a speed.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use passport::jobs::{self, NewJob};
use passport::mail::Mail;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

use crate::bench::PostfixSink;
use crate::harness::{Passport, any_live_jobs, load_average, mb};
use crate::helpers::{Backend, TestDb, insert_users_with_email};

fn mails() -> usize {
    std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

fn job_concurrency() -> String {
    std::env::var("PASSPORT_JOB_CONCURRENCY").unwrap_or_else(|_| "64".into())
}

const PRODUCERS: usize = 8;
const CONNECTIONS: usize = 32;

fn mail(n: usize) -> Mail {
    Mail::text(
        format!("reader{n}@example.com"),
        format!("Bench mail {n}"),
        "A short body, like a reset link would be.",
    )
}

async fn completed_mails(db: &DatabaseConnection) -> usize {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'mail' AND state = 'completed'",
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n") as usize
}

async fn wait_for_mails(db: &DatabaseConnection, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        // Only once nothing is left to run is the (costlier) count of completed mail read.
        if !any_live_jobs(db).await {
            let done = completed_mails(db).await;
            if done >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "nothing left to run, yet only {done} of {n} mails completed"
            );
        }
        assert!(Instant::now() < deadline, "timed out before {n} mails");
        // A poll is two index probes (`any_live_jobs`): often enough to see the end within
        // 5 ms, at no cost worth counting to the database being measured.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn set_run_at(db: &DatabaseConnection, at: chrono::DateTime<chrono::Utc>) {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE jobs SET run_at = $1",
        [sea_orm::Value::from(at)],
    ))
    .await
    .expect("set run_at");
}

/// Passport on `url`, sending into the sink on `sink_port`; idle RSS read after it settled.
async fn start_passport(url: &str, sink_port: u16) -> (Passport, u64) {
    let passport = Passport::start(
        url,
        &[
            ("PASSPORT_SMTP_URL", format!("smtp://127.0.0.1:{sink_port}")),
            ("PASSPORT_JOB_CONCURRENCY", job_concurrency()),
            ("PASSPORT_JOB_POLL_MAX_MS", "100".into()),
            // Every request names its own client (X-Forwarded-For), as behind nginx: the
            // per-client reset limit is for one client, not for the bench.
            ("PASSPORT_TRUSTED_PROXIES", "127.0.0.1/32".into()),
        ],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = passport.rss_kib();
    (passport, idle)
}

fn report(
    label: &str,
    what: &str,
    n: usize,
    elapsed: Duration,
    cpu: f64,
    p: &Passport,
    idle: u64,
) -> String {
    format!(
        "BENCH mail {label:<8} {what:<34} {:>7.0} mails/s ({n} mails, concurrency {})  passport CPU {:.3} ms/mail  RSS idle {:.1} MB, peak {:.1} MB  load {}",
        n as f64 / elapsed.as_secs_f64(),
        job_concurrency(),
        cpu * 1000.0 / n as f64,
        mb(idle),
        mb(p.peak_rss_kib()),
        load_average(),
    )
}

/// 8 producers, one job per transaction.
async fn enqueue(backend: Backend, label: &str) -> Option<(TestDb, String)> {
    let test_db = TestDb::fresh(backend).await?;
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let n = mails();
    let started = Instant::now();
    let mut producers = Vec::new();
    for p in 0..PRODUCERS {
        let db = db.clone();
        producers.push(tokio::spawn(async move {
            for i in (p..n).step_by(PRODUCERS) {
                jobs::enqueue(&db, NewJob::mail(mail(i)))
                    .await
                    .expect("enqueue");
            }
        }));
    }
    for p in producers {
        p.await.expect("producer");
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    Some((
        test_db,
        format!(
            "BENCH mail {label:<8} enqueue, {PRODUCERS} producers, 1 job/txn   {rate:>7.0} jobs/s ({n} jobs)  load {}",
            load_average()
        ),
    ))
}

/// The queued jobs of [`enqueue`] drained by passport.
async fn drain(test_db: &TestDb, label: &str, sink_port: u16) -> String {
    let db = test_db.connect().await;
    let n = mails();
    // The jobs are queued but not due yet while passport starts: its idle memory first.
    set_run_at(&db, chrono::Utc::now() + chrono::Duration::days(1)).await;
    let (passport, idle) = start_passport(&test_db.url, sink_port).await;
    let cpu = passport.cpu_seconds();
    let started = Instant::now();
    set_run_at(&db, chrono::Utc::now() - chrono::Duration::seconds(1)).await;
    wait_for_mails(&db, n).await;
    let elapsed = started.elapsed();
    let cpu = passport.cpu_seconds() - cpu;
    report(
        label,
        "drain of queued mail jobs",
        n,
        elapsed,
        cpu,
        &passport,
        idle,
    )
}

/// Reset requests for known addresses until every mail was accepted by the sink.
async fn reset_to_delivered(backend: Backend, label: &str, sink_port: u16) -> Option<String> {
    let test_db = TestDb::fresh(backend).await?;
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let n = mails();
    let txn = db.begin().await.expect("begin");
    insert_users_with_email(&txn, n, "reset_bench_", "reader").await;
    txn.commit().await.expect("commit");
    let (passport, idle) = start_passport(&test_db.url, sink_port).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let url = passport.url("/api/password-resets");
    let cpu = passport.cpu_seconds();
    let started = Instant::now();
    let refused = futures_util::stream::iter(0..n)
        .map(|i| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let forwarded = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
                client
                    .post(&url)
                    .header("x-forwarded-for", forwarded)
                    .json(&serde_json::json!({"email": format!("reader{i}@example.com")}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        })
        .buffer_unordered(CONNECTIONS)
        .filter(|status| std::future::ready(*status != 202))
        .count()
        .await;
    assert_eq!(refused, 0, "every reset request answered 202");
    let answered = started.elapsed();
    wait_for_mails(&db, n).await;
    let elapsed = started.elapsed();
    let cpu = passport.cpu_seconds() - cpu;
    Some(format!(
        "{}  (all {n} requests answered after {:.2} s)",
        report(
            label,
            "reset request → delivered mail",
            n,
            elapsed,
            cpu,
            &passport,
            idle,
        ),
        answered.as_secs_f64()
    ))
}

/// postfix's smtp-source against the sink: 16 sessions, 5,000 small mails.
fn sink_ceiling(sink_port: u16) -> String {
    const SOURCE_MAILS: usize = 5000;
    let started = Instant::now();
    let ran = std::process::Command::new("/usr/sbin/smtp-source")
        .args(["-s", "16", "-m", &SOURCE_MAILS.to_string(), "-l", "300"])
        .args(["-f", "a@example.com", "-t", "b@example.com"])
        .arg(format!("127.0.0.1:{sink_port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ran {
        format!(
            "{:.0} mails/s",
            SOURCE_MAILS as f64 / started.elapsed().as_secs_f64()
        )
    } else {
        "not measured (smtp-source failed)".into()
    }
}

async fn bench_backend(backend: Backend) {
    let label = format!("{backend:?}");
    let Some(sink) = PostfixSink::start() else {
        println!(
            "BENCH mail {label:<8} cannot start postfix's smtp-sink (missing? apt-get install postfix)"
        );
        return;
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let Some((queued, enqueued)) = enqueue(backend, &label).await else {
        return;
    };
    println!("{enqueued}");
    println!("{}", drain(&queued, &label, sink.port).await);
    if let Some(line) = reset_to_delivered(backend, &label, sink.port).await {
        println!("{line}");
    }
    println!(
        "BENCH mail {label:<8} sink ceiling (smtp-source, 16 sessions) {}",
        sink_ceiling(sink.port)
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_mail_sqlite() {
    bench_backend(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run with `make bench`"]
async fn bench_mail_postgres() {
    bench_backend(Backend::Postgres).await;
}

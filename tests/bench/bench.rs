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

use crate::harness::cpu_seconds;
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

/// The app serving in the background until [`Serving::stop`].
struct Serving {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Serving {
    async fn start(settings: Settings) -> Self {
        let app = Application::build(settings, false).await.expect("app");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Self { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// The app that drains the queue: mail to `smtp_url`, `PASSPORT_JOB_CONCURRENCY` workers
/// (default 16).
fn drain_settings(database_url: &str, smtp_url: String) -> Settings {
    let env: BTreeMap<String, String> = [
        ("PASSPORT_DATABASE_URL", database_url.to_owned()),
        ("PASSPORT_LISTEN", "127.0.0.1:0".to_string()),
        ("PASSPORT_SMTP_URL", smtp_url),
        (
            "PASSPORT_JOB_CONCURRENCY",
            std::env::var("PASSPORT_JOB_CONCURRENCY").unwrap_or_else(|_| "16".into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Settings::resolve(None, &env, Some(Profile::Dev)).expect("settings")
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
    let settings = drain_settings(&test_db.url, sink.url());
    let concurrency = settings.jobs.concurrency;
    let started = Instant::now();
    let server = Serving::start(settings).await;
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
    server.stop().await;
    assert_eq!(sink.by_message_id().len(), queued, "each mail once");

    let postfix = postfix_sink_drain(backend, &label).await;
    println!(
        "BENCH jobs {label:<8} enqueue {single:>8.0} jobs/s (1 per txn)  {batched:>8.0} jobs/s \
         ({JOBS} per txn)  drain to SMTP {drained:>7.0} jobs/s ({queued} mails, concurrency \
         {concurrency})"
    );
    if let Some(line) = postfix {
        println!("{line}");
    }
}

/// postfix's `smtp-sink` (Debian package `postfix`; only the binary is used, the daemon is never
/// started), on a free port, counting nothing: the fastest SMTP server at hand.
pub(crate) struct PostfixSink {
    child: std::process::Child,
    pub(crate) port: u16,
}

impl PostfixSink {
    pub(crate) const BIN: &str = "/usr/sbin/smtp-sink";

    pub(crate) fn start() -> Option<Self> {
        let port = crate::smtp_sink::free_port();
        let mut command = std::process::Command::new(Self::BIN);
        // As root, smtp-sink refuses to start without a user to drop to.
        if running_as_root() {
            command.args(["-u", "nobody"]);
        }
        // `BENCH_SMTP_SINK_ARGS`: more options, e.g. `-p` (no PIPELINING) to compare with
        // lettre's one command at a time.
        let extra = std::env::var("BENCH_SMTP_SINK_ARGS").unwrap_or_default();
        command.args(extra.split_whitespace());
        let mut child = command
            .args([&format!("127.0.0.1:{port}"), "1000"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .ok()?;
        // Listening, or it said why not (on stderr) and exited.
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline || child.try_wait().ok().flatten().is_some() {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Self { child, port })
    }
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|uids| uids.split_whitespace().nth(1).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

impl Drop for PostfixSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Enqueue from 8 concurrent producers (one job per transaction), then drain into postfix's
/// smtp-sink; and the sink's own ceiling with `smtp-source`. `None` when postfix is missing.
async fn postfix_sink_drain(backend: Backend, label: &str) -> Option<String> {
    if !std::path::Path::new(PostfixSink::BIN).exists() {
        println!("BENCH jobs {label:<8} postfix's smtp-sink is missing: apt-get install postfix");
        return None;
    }
    let test_db = TestDb::fresh(backend).await?;
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    const PRODUCERS: usize = 8;
    let started = Instant::now();
    let mut producers = Vec::new();
    for p in 0..PRODUCERS {
        let db = db.clone();
        producers.push(tokio::spawn(async move {
            for n in (p..JOBS).step_by(PRODUCERS) {
                jobs::enqueue(&db, NewJob::mail(mail(n)))
                    .await
                    .expect("enqueue");
            }
        }));
    }
    for p in producers {
        p.await.expect("producer");
    }
    let enqueue = JOBS as f64 / started.elapsed().as_secs_f64();

    let sink = PostfixSink::start()?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let settings = drain_settings(&test_db.url, format!("smtp://127.0.0.1:{}", sink.port));
    let concurrency = settings.jobs.concurrency;
    let cpu_before = cpu_seconds("self");
    let started = Instant::now();
    let server = Serving::start(settings).await;
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let counts = jobs::counts_by_state(&db).await.expect("counts");
        let done = counts.get(&jobs::JobState::Completed).copied().unwrap_or(0);
        if done as usize >= JOBS {
            break;
        }
        assert!(Instant::now() < deadline, "drain timed out at {done}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    let cpu = cpu_seconds("self") - cpu_before;
    server.stop().await;

    // The sink's own ceiling: postfix's smtp-source, 16 sessions, 5,000 small mails.
    const SOURCE_MAILS: usize = 5000;
    let sink_started = Instant::now();
    let ran = std::process::Command::new("/usr/sbin/smtp-source")
        .args(["-s", "16", "-m", &SOURCE_MAILS.to_string(), "-l", "300"])
        .args(["-f", "a@example.com", "-t", "b@example.com"])
        .arg(format!("127.0.0.1:{}", sink.port))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let ceiling = if ran {
        format!(
            "{:.0} mails/s",
            SOURCE_MAILS as f64 / sink_started.elapsed().as_secs_f64()
        )
    } else {
        "not measured (smtp-source failed)".into()
    };
    Some(format!(
        "BENCH mail {label:<8} enqueue from {PRODUCERS} producers {enqueue:>7.0} jobs/s (1 per txn)  \
         drain into postfix smtp-sink {:>7.0} mails/s ({JOBS} mails, concurrency {concurrency})  \
         CPU {:.3} ms/mail (this process)  sink ceiling (smtp-source, 16 sessions) {ceiling}",
        JOBS as f64 / elapsed.as_secs_f64(),
        cpu * 1000.0 / JOBS as f64,
    ))
}

bench_on_both_backends!(bench_jobs_sqlite, bench_jobs_postgres);

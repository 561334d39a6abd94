//! Passport as a child process for the benches: the `passport serve` binary of the profile the
//! bench was built with (`bench-opt` under `make bench`), on its own port and database,
//! configured by environment only. Its CPU time (`/proc/<pid>/stat`) and memory
//! (`/proc/<pid>/status`) are then passport's alone, not the load generator's or the
//! simulator's, which stay in the bench process.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use passport::config::{Profile, Settings};

/// A free TCP port on 127.0.0.1 (free when asked; the child binds it a moment later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// CPU seconds (user + system) process `pid` has used so far; `"self"` for this process.
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name; the
    // kernel's USER_HZ is 100 on every Linux we run on.
    (ticks(11) + ticks(12)) / 100.0
}

/// A field of `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

pub fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The 1-minute load average, to print beside wall-clock figures.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `passport serve` in a child process, killed when dropped.
pub struct Passport {
    child: Child,
    pub pid: u32,
    pub base_url: String,
    /// The settings the child resolved (the same environment, resolved here too): app id,
    /// redirect URI, token key.
    pub settings: Settings,
    _scratch: tempfile::TempDir,
}

impl Passport {
    /// Start passport on `database_url` (already migrated or not: `serve` migrates) with the
    /// dev profile's defaults, `extra` `PASSPORT_*` settings on top; waits for `/healthz`.
    pub async fn start(database_url: &str, extra: &[(&str, String)]) -> Passport {
        let port = free_port();
        let scratch = tempfile::tempdir().expect("temp dir");
        let mut env: BTreeMap<String, String> = [
            ("PASSPORT_PROFILE", "dev".to_string()),
            ("PASSPORT_DATABASE_URL", database_url.to_string()),
            ("PASSPORT_LISTEN", format!("127.0.0.1:{port}")),
            (
                "PASSPORT_OUTBOX_DIR",
                scratch.path().join("outbox").display().to_string(),
            ),
            (
                "PASSPORT_WEB_DIST",
                scratch.path().join("no-web").display().to_string(),
            ),
            ("PASSPORT_SMS_PROVIDER", "outbox".to_string()),
            ("RUST_LOG", "warn".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (k, v) in extra {
            env.insert((*k).to_owned(), v.clone());
        }
        let settings =
            Settings::resolve(None, &env, Some(Profile::Dev)).expect("bench settings resolve");
        let child = Command::new(env!("CARGO_BIN_EXE_passport"))
            .args(["serve", "--migrate"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            // The allocator's settings (jemalloc's; glibc's for the libraries that bypass it)
            // and tokio's worker count, for trying them without a rebuild.
            .envs(
                [
                    "_RJEM_MALLOC_CONF",
                    "GLIBC_TUNABLES",
                    "TOKIO_WORKER_THREADS",
                ]
                .into_iter()
                .filter_map(|k| std::env::var(k).ok().map(|v| (k, v))),
            )
            .envs(&env)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start passport serve");
        let pid = child.id();
        let passport = Passport {
            child,
            pid,
            base_url: format!("http://127.0.0.1:{port}"),
            settings,
            _scratch: scratch,
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while !client
            .get(passport.url("/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(Instant::now() < deadline, "passport serve did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        passport
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Passport's CPU seconds so far.
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(&self.pid.to_string())
    }

    /// Passport's resident memory now, KiB.
    pub fn rss_kib(&self) -> u64 {
        status_kib(self.pid, "VmRSS").unwrap_or(0)
    }

    /// Passport's resident high-water mark, KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        status_kib(self.pid, "VmHWM").unwrap_or(0)
    }
}

impl Drop for Passport {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether any job is not finished yet (queued, waiting for a retry, or running): the first
/// entry of each of the two partial indexes that hold just those jobs, read in index order (the
/// `ORDER BY … LIMIT 1` is what makes both databases read the index rather than scan the
/// table), so polling every few milliseconds costs the database being measured next to nothing.
/// (A `COUNT(*)` of the same rows read every live job at each poll: thousands at the start of a
/// drain, 1.5–6 ms of PostgreSQL's time per poll on a loaded 2-core machine, ≈ 10 % of a core
/// at a poll every 20 ms.)
pub async fn any_live_jobs(db: &sea_orm::DatabaseConnection) -> bool {
    use sea_orm::ConnectionTrait;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE state IN ('available', \
             'retryable') ORDER BY kind, priority DESC, run_at, id LIMIT 1) AS q) \
             + (SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE state = 'running' \
             ORDER BY lease_expires_at LIMIT 1) AS r) AS live",
        ))
        .await
        .expect("look for live jobs")
        .expect("a row");
    row.try_get::<i64>("", "live").expect("live") != 0
}

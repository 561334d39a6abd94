//! The test harness every end-to-end test uses.
//!
//! - [`TestDb::fresh`]: a new, empty database on SQLite (a temp file) or PostgreSQL (a new
//!   database on the server at `PASSPORT_TEST_POSTGRES_URL`, default
//!   `postgres://postgres@127.0.0.1:5432/postgres`), dropped when the test ends.
//! - [`TestApp::spawn`]: migrations + the whole service on 127.0.0.1:0 against such a database.
//! - `on_both_backends!(case)`: turns `async fn case(backend: Backend)` into the tests
//!   `case::sqlite` and `case::postgres`.
//! - The kit on top: one typed [`TestApp`] method per endpoint (`endpoints`), [`assert_error`]
//!   for error answers (`answer`), the [`user`] builder for accounts made in SQL (`users`),
//!   [`TestApp::drain_jobs`] to wait for the job queue rather than for each side effect (`jobs`),
//!   and what the jobs left in the dev outbox (`outbox`).
//!
//! With `CI=true` a PostgreSQL server that cannot be reached fails the test; elsewhere the
//! PostgreSQL half is skipped with a printed reason.

mod answer;
mod endpoints;
mod jobs;
mod outbox;
mod qq_login;
mod social;
mod users;

pub use answer::{assert_error, assert_error_in, json_of};
pub use outbox::link_token;
pub use qq_login::LoginStart;
pub use social::{Social, SocialLogin, SocialSims};
pub use users::{UserBuilder, user};

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use passport::config::{Profile, QqSettings, Settings};
use passport::startup::Application;
use passport::state::AppState;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

macro_rules! on_both_backends {
    ($($case:ident),+ $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case($crate::helpers::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$case($crate::helpers::Backend::Postgres).await
                }
            }
        )+
    };
}

pub fn postgres_admin_url() -> String {
    std::env::var("PASSPORT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

fn init_once() {
    passport::install_crypto_provider();
    if std::env::var_os("TEST_LOG").is_some() {
        passport::telemetry::init(passport::telemetry::LogFormat::Text);
    }
}

/// A fresh, empty database that is removed when dropped.
pub struct TestDb {
    pub url: String,
    guard: DbGuard,
}

enum DbGuard {
    Sqlite(tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another app's database (`TestApp::spawn_beside`): that app removes it.
    Shared(tempfile::TempDir),
}

impl TestDb {
    /// `None` only when PostgreSQL is unreachable outside CI (the reason is printed).
    pub async fn fresh(backend: Backend) -> Option<TestDb> {
        init_once();
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("passport.db").display()
                );
                Some(TestDb {
                    url,
                    guard: DbGuard::Sqlite(dir),
                })
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let admin = match connect_admin(&admin_url).await {
                    Ok(db) => db,
                    Err(e) if in_ci() => panic!("PostgreSQL at {admin_url} is required in CI: {e}"),
                    Err(e) => {
                        eprintln!("SKIPPED (PostgreSQL half): cannot reach {admin_url}: {e}");
                        return None;
                    }
                };
                let name = format!("passport_test_{}", hex::encode(rand::random::<[u8; 6]>()));
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                let _ = admin.close().await;
                let mut url =
                    url::Url::parse(&admin_url).expect("PASSPORT_TEST_POSTGRES_URL is a URL");
                url.set_path(&format!("/{name}"));
                Some(TestDb {
                    url: url.to_string(),
                    guard: DbGuard::Postgres { admin_url, name },
                })
            }
        }
    }

    /// The SQLite file, for tests that make it disappear.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &self.guard {
            DbGuard::Sqlite(dir) => Some(dir.path().join("passport.db")),
            DbGuard::Postgres { .. } | DbGuard::Shared(_) => None,
        }
    }

    /// The PostgreSQL database name, for tests that cut it off.
    pub fn postgres_name(&self) -> Option<&str> {
        match &self.guard {
            DbGuard::Postgres { name, .. } => Some(name),
            DbGuard::Sqlite(_) | DbGuard::Shared(_) => None,
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        passport::db::connect(&self.url)
            .await
            .expect("connect to the test database")
    }
}

async fn connect_admin(url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut options = sea_orm::ConnectOptions::new(url.to_owned());
    options
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(3))
        .sqlx_logging(false);
    Database::connect(options).await
}

/// Run SQL on the PostgreSQL server as the admin (outside the test's own database).
pub async fn postgres_admin_execute(sql: &str) {
    let admin = connect_admin(&postgres_admin_url())
        .await
        .expect("admin connection");
    admin
        .execute_unprepared(sql)
        .await
        .expect("admin statement");
    let _ = admin.close().await;
}

/// PostgreSQL: take database `name` away from its apps, as an outage would: new connections
/// are refused and the open ones are cut.
pub async fn postgres_cut_off(name: &str) {
    postgres_admin_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    postgres_admin_execute(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .await;
}

/// PostgreSQL: end [`postgres_cut_off`].
pub async fn postgres_restore(name: &str) {
    postgres_admin_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            let (admin_url, db_name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime; a fresh runtime on its own thread can block.
            let dropped = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                rt.block_on(async {
                    let admin = connect_admin(&admin_url)
                        .await
                        .map_err(std::io::Error::other)?;
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"
                        ))
                        .await
                        .map_err(std::io::Error::other)?;
                    let _ = admin.close().await;
                    Ok::<_, std::io::Error>(())
                })
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("warning: could not drop test database {name}");
            }
        }
    }
}

/// For `spawn_with`: links in mails point at `https://passport.renran.test`, as in production
/// (and the login cookie is `Secure`).
/// `n` users `{username}{i}` with the address `{mailbox}{i}@example.com`, inserted straight into
/// the database 500 per statement (benches, and tests that need many rows). Their ids, in order.
pub async fn insert_users_with_email<C: ConnectionTrait>(
    conn: &C,
    n: usize,
    username: &str,
    mailbox: &str,
) -> Vec<i64> {
    use passport::entities::users;
    use sea_orm::{ActiveValue::Set, EntityTrait, QueryFilter, QueryOrder};

    let now = chrono::Utc::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        users::Entity::insert_many(chunk.iter().map(|i| users::ActiveModel {
            username: Set(format!("{username}{i}")),
            nickname: Set(format!("读者{i}")),
            email: Set(Some(format!("{mailbox}{i}@example.com"))),
            avatar: Set(String::new()),
            token_version: Set(0),
            is_staff: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(conn)
        .await
        .expect("users");
    }
    users::Entity::find()
        .filter(sea_orm::ColumnTrait::starts_with(
            &users::Column::Username,
            username,
        ))
        .order_by_asc(users::Column::Id)
        .all(conn)
        .await
        .expect("users")
        .iter()
        .map(|u| u.id)
        .collect()
}

/// The database's plan for `statement` (`EXPLAIN` on PostgreSQL, `EXPLAIN QUERY PLAN` on
/// SQLite), one line per plan row: for tests that a query reads the index meant for it.
pub async fn query_plan<C: ConnectionTrait>(db: &C, statement: &sea_orm::Statement) -> String {
    let backend = db.get_database_backend();
    let explain = match backend {
        sea_orm::DbBackend::Postgres => "EXPLAIN",
        _ => "EXPLAIN QUERY PLAN",
    };
    let plan: Vec<String> = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            format!("{explain} {}", statement.sql),
            statement.values.clone().map(|v| v.0).unwrap_or_default(),
        ))
        .await
        .expect("explain")
        .iter()
        .map(|row| {
            // PostgreSQL's one column, SQLite's last (`detail`).
            row.try_get_by_index::<String>(row.column_names().len() - 1)
                .expect("plan text")
        })
        .collect();
    plan.join("\n")
}

pub fn on_public_https(env: &mut BTreeMap<String, String>) {
    env.insert(
        "PASSPORT_PUBLIC_BASE_URL".into(),
        "https://passport.renran.test".into(),
    );
}

/// `count` fresh authorization codes for `sim_user`, minted by the QQ simulator at `sim` for the
/// app `qq` describes.
pub async fn sim_codes(
    client: &reqwest::Client,
    sim: &str,
    qq: &QqSettings,
    sim_user: &str,
    count: usize,
) -> Vec<String> {
    let response = client
        .post(format!("{sim}/_sim/codes"))
        .json(&serde_json::json!({
            "client_id": qq.app_id,
            "redirect_uri": qq.redirect_uri.as_str(),
            "sim_user": sim_user,
            "count": count,
        }))
        .send()
        .await
        .expect("mint a code");
    assert!(
        response.status().is_success(),
        "minting failed: {}",
        response.status()
    );
    let body: serde_json::Value = response.json().await.expect("json");
    body["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("a code").to_owned())
        .collect()
}

/// The `index.html` of the built web app in [`TestApp::spawn_with_web_dist`].
pub const WEB_INDEX: &str = "<!doctype html><html><head><script type=\"module\" src=\"/assets/app-1.js\"></script></head><body><div id=\"app\"></div></body></html>";

/// For `spawn_with`: mail goes to SMTP on `127.0.0.1:port`, where a test may start (or never
/// start) a sink.
pub fn smtp_on_port(env: &mut BTreeMap<String, String>, port: u16) {
    env.insert(
        "PASSPORT_SMTP_URL".into(),
        format!("smtp://127.0.0.1:{port}"),
    );
}

/// The whole service, running on a random port against its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base_url: String,
    pub client: reqwest::Client,
    /// A separate pool onto the app's database, for assertions in SQL.
    pub db: DatabaseConnection,
    pub settings: Settings,
    /// The running app's own state (its pool, settings and actor handles).
    pub state: AppState,
    pub test_db: TestDb,
    /// The QQ Connect simulator this app talks to, when spawned with one.
    pub sim_url: Option<String>,
    /// The WeChat and Weibo simulators, when spawned with them (`spawn_with_social_sims`).
    pub social: Option<SocialSims>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Spawn with extra `PASSPORT_*` settings.
    pub async fn spawn_with(
        backend: Backend,
        customise: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Option<TestApp> {
        let test_db = TestDb::fresh(backend).await?;
        Some(Self::spawn_on(test_db, customise).await)
    }

    /// A second instance on this app's database (with its own settings: another QQ app, say),
    /// as several `passport serve` share one database in production.
    pub async fn spawn_beside(
        &self,
        customise: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> TestApp {
        let test_db = TestDb {
            url: self.test_db.url.clone(),
            guard: DbGuard::Shared(tempfile::tempdir().expect("temp dir")),
        };
        Self::spawn_on(test_db, customise).await
    }

    async fn spawn_on(
        test_db: TestDb,
        customise: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> TestApp {
        let outbox = match &test_db.guard {
            DbGuard::Sqlite(dir) | DbGuard::Shared(dir) => dir.path().join("outbox"),
            DbGuard::Postgres { name, .. } => std::env::temp_dir().join(format!("{name}-outbox")),
        };
        let mut env: BTreeMap<String, String> = [
            ("PASSPORT_DATABASE_URL", test_db.url.clone()),
            ("PASSPORT_LISTEN", "127.0.0.1:0".to_string()),
            ("PASSPORT_OUTBOX_DIR", outbox.display().to_string()),
            // SMS straight into the outbox unless a test wires a Tencent simulator
            // (`spawn_with_tencent_sim`).
            ("PASSPORT_SMS_PROVIDER", "outbox".to_string()),
            // API tests see the pages as on a fresh clone (not built); `web.rs` brings its own.
            (
                "PASSPORT_WEB_DIST",
                outbox
                    .with_file_name("web-dist-not-built")
                    .display()
                    .to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        customise(&mut env);
        let settings =
            Settings::resolve(None, &env, Some(Profile::Dev)).expect("test settings resolve");
        let app = Application::build(settings.clone(), true)
            .await
            .expect("app builds");
        let addr = app.local_addr();
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        let db = test_db.connect().await;
        TestApp {
            addr,
            base_url: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("http client"),
            db,
            settings,
            state,
            test_db,
            sim_url: None,
            social: None,
            server,
            stop: Some(stop),
        }
    }

    /// An app (SQLite) serving a built web app: `PASSPORT_WEB_DIST` is a temporary folder (kept
    /// while the returned guard lives) holding `index.html` ([`WEB_INDEX`]), an `assets/` folder
    /// and `files` (path, content).
    pub async fn spawn_with_web_dist(files: &[(&str, &str)]) -> (TestApp, tempfile::TempDir) {
        let dist = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dist.path().join("assets")).expect("mkdir");
        std::fs::write(dist.path().join("index.html"), WEB_INDEX).expect("write");
        for (path, content) in files {
            std::fs::write(dist.path().join(path), content).expect("write");
        }
        let path = dist.path().display().to_string();
        let app = TestApp::spawn_with(Backend::Sqlite, |env| {
            env.insert("PASSPORT_WEB_DIST".into(), path);
        })
        .await
        .expect("sqlite app");
        (app, dist)
    }

    /// The app wired to its own in-process QQ Connect simulator.
    pub async fn spawn_with_sim(backend: Backend) -> Option<TestApp> {
        Self::spawn_with_sim_and(backend, |_| {}).await
    }

    pub async fn spawn_with_sim_and(
        backend: Backend,
        customise: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Option<TestApp> {
        let sim_url = spawn_simulator().await;
        let base = sim_url.clone();
        let mut app = Self::spawn_with(backend, move |env| {
            env.insert("PASSPORT_QQ_BASE_URL".into(), base);
            customise(env);
        })
        .await?;
        app.sim_url = Some(sim_url);
        Some(app)
    }

    fn sim(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.sim_url.as_deref().expect("spawned with a simulator"),
            path
        )
    }

    /// A fresh authorization code for `sim_user`, minted by the simulator for our app.
    pub async fn sim_code(&self, sim_user: &str) -> String {
        let sim = self.sim_url.as_deref().expect("spawned with a simulator");
        let mut codes = sim_codes(&self.client, sim, &self.settings.qq, sim_user, 1).await;
        codes.pop().expect("a code")
    }

    /// Inject a fault into the simulator (see `POST /_sim/faults`).
    pub async fn sim_fault(&self, fault: serde_json::Value) {
        let response = self
            .client
            .post(self.sim("/_sim/faults"))
            .json(&fault)
            .send()
            .await
            .expect("fault");
        assert!(
            response.status().is_success(),
            "fault refused: {}",
            response.text().await.unwrap_or_default()
        );
    }

    pub async fn sim_clear_faults(&self) {
        self.client
            .delete(self.sim("/_sim/faults"))
            .send()
            .await
            .expect("clear faults");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// Stop the server gracefully (requests, then the actors) and wait for it, keeping the
    /// database for assertions.
    pub async fn shutdown_server(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }

    /// Send the shutdown signal without waiting for the server to finish (it drains, then
    /// closes; see `shutdown.rs`).
    pub fn signal_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Stop the server gracefully and wait for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server.abort();
    }
}

/// Poll `check` until it returns true or `within` passes; panics with `what` on time-out.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {within:?} waiting until {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A QQ Connect simulator on a random local port, living as long as the test process.
pub async fn spawn_simulator() -> String {
    let sim = passport::qq::sim::Simulator::spawn("127.0.0.1:0")
        .await
        .expect("simulator starts");
    let url = sim.url();
    // The simulator runs until the test process ends.
    std::mem::forget(sim);
    url
}

/// Poll `probe` until it yields a value or `within` passes; panics with `what` on time-out.
pub async fn eventually_some<T, F, Fut>(within: Duration, what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {within:?} waiting until {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A Tencent Cloud simulator (dev key pair, SMS and captcha) on a random local port, living as
/// long as the test process. Answers its URL (`http://127.0.0.1:PORT`).
pub async fn spawn_tencent_simulator() -> String {
    passport::install_crypto_provider();
    let outbox = std::env::temp_dir().join(format!(
        "passport-tencent-sim-{}",
        hex::encode(rand::random::<[u8; 6]>())
    ));
    let sim = passport::tencent::sim::TencentSim::dev(outbox)
        .start("127.0.0.1:0")
        .await
        .expect("Tencent simulator starts");
    let url = sim.url();
    // The simulator runs until the test process ends.
    std::mem::forget(sim);
    url
}

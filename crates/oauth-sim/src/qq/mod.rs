//! A QQ Connect simulator that answers like graph.qq.com, byte for byte (see
//! `shared/qq-connect.md` §8), for offline development (`passport dev`, `passport qq-sim`) and
//! for tests (embedded in-process on port 0).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use oauth_sim::qq::Simulator;
//! let sim = Simulator::spawn("127.0.0.1:0").await?; // or Simulator::new(config).start(…)
//! let code = sim
//!     .mint_code(oauth_sim::qq::DEV_APP_ID, "http://127.0.0.1:8000/oauth/qq/callback", "xiaoming")
//!     .expect("the dev app accepts local callbacks");
//! sim.advance_clock(std::time::Duration::from_secs(601)); // the code is now expired
//! # let _ = (code, sim.url());
//! # Ok(()) }
//! ```
//!
//! Choices where QQ's behaviour is UNCONFIRMED: a used, unknown, revoked or expired refresh
//! token gets 100015 `refresh token is illegal`; an expired access token gets 100016, a revoked
//! one 100015; the old access token stays valid after a refresh; a refresh chain lives 6 months;
//! a code presented by another app gets 100019; `get_user_info` checks `oauth_consumer_key`.

pub mod config;
mod control;
mod handlers;
pub mod pages;
pub mod state;
pub mod wire;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use poem::{Endpoint, EndpointExt, Route, get};

pub use config::{DEV_APP_ID, DEV_APP_KEY, SimApp, SimConfig, SimUser};
pub use state::{Fault, FaultKind, FaultTarget, QqFail};

/// A QQ simulator serving in the background (see [`crate::Running`]).
pub type RunningSim = crate::Running<Simulator>;

/// The simulator: cheap to clone, all clones share one state.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<Mutex<state::SimState>>,
}

impl Simulator {
    pub fn new(config: SimConfig) -> Self {
        Self {
            state: Arc::new(Mutex::new(state::SimState::new(config))),
        }
    }

    /// The default apps and users (see [`SimConfig::default`]).
    pub fn dev() -> Self {
        Self::new(SimConfig::default())
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, state::SimState> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters to a simulator; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The graph.qq.com paths plus `/_sim/*`.
    pub fn routes(&self) -> impl Endpoint + 'static {
        self.route()
    }

    fn route(&self) -> poem::middleware::AddDataEndpoint<Route, Simulator> {
        let route = Route::new()
            .at(
                "/oauth2.0/authorize",
                get(handlers::authorize_page).post(handlers::authorize_submit),
            )
            .at(
                "/oauth2.0/token",
                get(handlers::token).post(handlers::token),
            )
            .at("/oauth2.0/me", get(handlers::me).post(handlers::me))
            .at(
                "/user/get_user_info",
                get(handlers::get_user_info).post(handlers::get_user_info),
            )
            .at("/_sim", get(control::overview))
            .at("/_sim/codes", poem::post(control::mint_codes))
            .at("/_sim/revoke", poem::post(control::revoke))
            .at("/_sim/openid", get(control::openid));
        crate::control::routes(route, self).data(self.clone())
    }

    /// A simulator with the default apps and users, serving on `listen` (port 0 picks a free
    /// port) in a background task. For another configuration: `Simulator::new(c).start(listen)`.
    pub async fn spawn(listen: &str) -> std::io::Result<RunningSim> {
        Self::dev().start(listen).await
    }

    /// Serve this simulator on `listen` (port 0 picks a free port) in a background task.
    pub async fn start(&self, listen: &str) -> std::io::Result<RunningSim> {
        crate::server::start(listen, "qq", self.route(), self.clone()).await
    }

    /// One code as if `user` approved `client_id` for `redirect_uri` on the consent page.
    pub fn mint_code(
        &self,
        client_id: &str,
        redirect_uri: &str,
        user: &str,
    ) -> Result<String, QqFail> {
        self.mint_codes(client_id, redirect_uri, user, 1)
            .map(|mut codes| codes.pop().unwrap_or_default())
    }

    pub fn mint_codes(
        &self,
        client_id: &str,
        redirect_uri: &str,
        user: &str,
        count: usize,
    ) -> Result<Vec<String>, QqFail> {
        self.lock().mint_codes(client_id, redirect_uri, user, count)
    }

    /// Move the simulated clock forward (codes expire after 600 s, tokens after 7776000 s).
    pub fn advance_clock(&self, by: Duration) {
        self.lock()
            .advance_clock(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
    }

    /// Simulated Unix time, seconds.
    pub fn now_unix(&self) -> i64 {
        self.lock().now()
    }

    pub fn add_fault(&self, fault: Fault) {
        self.lock().add_fault(fault);
    }

    pub fn clear_faults(&self) {
        self.lock().clear_faults();
    }

    /// Revoke an access or refresh token; false if unknown.
    pub fn revoke(&self, token: &str) -> bool {
        self.lock().revoke(token)
    }

    /// The openid `user` has under `client_id` (stable; differs across apps).
    pub fn openid(&self, client_id: &str, user: &str) -> String {
        self.lock().openid(client_id, user)
    }

    /// The unionid `user` has under `client_id`'s developer, if the app has the permission.
    pub fn unionid(&self, client_id: &str, user: &str) -> Option<String> {
        let state = self.lock();
        let app = state.app(client_id).filter(|a| a.unionid)?;
        Some(state.unionid(&app.developer, user))
    }

    /// Add a simulated QQ user (or change one's profile).
    pub fn add_user(&self, user: SimUser) {
        self.lock().upsert_user(user);
    }
}

impl crate::control::Controlled for Simulator {
    type Target = FaultTarget;

    fn with_faults<R>(&self, f: impl FnOnce(&mut crate::fault::Faults<FaultTarget>) -> R) -> R {
        f(&mut self.lock().faults)
    }

    fn with_clock<R>(&self, f: impl FnOnce(&mut crate::clock::Clock) -> R) -> R {
        f(&mut self.lock().clock)
    }
}

/// `passport qq-sim` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Address to listen on.
    #[arg(long, env = "PASSPORT_SIM_LISTEN", default_value = "127.0.0.1:8001")]
    pub listen: String,
    /// TOML file of apps and users, added to the defaults.
    #[arg(long, env = "PASSPORT_SIM_CONFIG", value_name = "FILE")]
    pub sim_config: Option<PathBuf>,
    /// Register an app (repeatable).
    #[arg(long = "app", value_name = "ID:SECRET[:unionid]")]
    pub apps: Vec<String>,
    /// Add a simulated QQ user (repeatable).
    #[arg(long = "user", value_name = "NAME[:NICKNAME]")]
    pub users: Vec<String>,
}

impl SimArgs {
    pub fn sim_config(&self) -> Result<SimConfig, config::SimConfigError> {
        let mut config = match &self.sim_config {
            Some(path) => SimConfig::load_file(path)?,
            None => SimConfig::default(),
        };
        for flag in &self.apps {
            config = config.with_app(SimConfig::parse_app_flag(flag)?);
        }
        for flag in &self.users {
            config = config.with_user(SimConfig::parse_user_flag(flag)?);
        }
        Ok(config)
    }
}

/// `passport qq-sim`: serve until `shutdown`, after printing where and for whom.
pub async fn run_standalone(
    args: SimArgs,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let config = args.sim_config()?;
    let sim = Simulator::new(config.clone());
    let running = sim
        .start(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("{}", banner(&running, &config));
    tracing::info!(url = %running.url(), "QQ Connect simulator is serving");
    running.run_until(shutdown).await?;
    Ok(())
}

/// What `passport qq-sim` prints: the URL, the apps, the users, a link to try.
pub fn banner(running: &RunningSim, config: &SimConfig) -> String {
    let url = running.url();
    let mut out = format!(
        "\n  QQ Connect simulator    {url}\n  (set PASSPORT_QQ_BASE_URL={url} for passport)\n\n  apps:\n"
    );
    for app in &config.apps {
        out.push_str(&format!(
            "    {:<12} {}{}{}\n",
            app.client_id,
            app.display_name(),
            if app.unionid { ", unionid" } else { "" },
            if app.approved {
                ""
            } else {
                ", NOT online (100011)"
            },
        ));
    }
    out.push_str("  users: ");
    let users: Vec<String> = config
        .users
        .iter()
        .map(|u| format!("{} ({})", u.name, u.nickname))
        .collect();
    out.push_str(&users.join(", "));
    if let Some(app) = config.apps.iter().find(|a| a.approved) {
        out.push_str(&format!(
            "\n\n  try:  {url}/oauth2.0/authorize?response_type=code&client_id={}&redirect_uri=http://127.0.0.1:8000/oauth/qq/callback&state=test\n",
            app.client_id
        ));
    }
    out.push_str(&format!(
        "  control: {url}/_sim (codes, faults, clock, revoke, openid)\n"
    ));
    out
}

//! A simulator of WeChat website login (微信开放平台 网站应用): the QR page of
//! open.weixin.qq.com (a stand-in with a "扫码确认" button where a person picks a user) and the
//! four api.weixin.qq.com `/sns/*` endpoints, with WeChat's errcodes and lifetimes. The wire
//! reference is `docs/wire/wechat.md`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use oauth_sim::wechat::{DEV_APP_ID, Simulator};
//! let sim = Simulator::dev().start("127.0.0.1:0").await?;
//! let code = sim
//!     .mint_code(DEV_APP_ID, "http://127.0.0.1:8000/oauth/wechat/callback", "xiaoming")
//!     .expect("the dev app accepts local callbacks");
//! sim.advance_clock(std::time::Duration::from_secs(7200)); // access tokens are now expired
//! # let _ = (code, sim.url());
//! # Ok(()) }
//! ```

pub mod config;
mod http;
pub mod state;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use config::{DEV_APP_ID, DEV_APP_SECRET, WechatApp, WechatConfig};
pub use state::{Fault, FaultTarget, WechatFail};

use crate::SimUser;

/// The simulator: cheap to clone, all clones share one state.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<Mutex<state::WechatState>>,
}

/// A WeChat simulator serving in the background.
pub type RunningSim = crate::Running<Simulator>;

impl Simulator {
    pub fn new(config: WechatConfig) -> Self {
        Self {
            state: Arc::new(Mutex::new(state::WechatState::new(config))),
        }
    }

    /// The default apps and users (see [`WechatConfig::default`]).
    pub fn dev() -> Self {
        Self::new(WechatConfig::default())
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, state::WechatState> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters to a simulator; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The open.weixin.qq.com and api.weixin.qq.com paths plus `/_sim/*`, on one host.
    pub fn routes(&self) -> impl poem::Endpoint + 'static {
        http::routes(self)
    }

    /// Serve on `listen` (port 0 picks a free port) in a background task.
    pub async fn start(&self, listen: &str) -> std::io::Result<RunningSim> {
        crate::server::start(listen, "wechat", http::routes(self), self.clone()).await
    }

    /// One code as if `user` scanned the QR code for `appid` and confirmed.
    pub fn mint_code(
        &self,
        appid: &str,
        redirect_uri: &str,
        user: &str,
    ) -> Result<String, WechatFail> {
        self.lock()
            .mint_codes(appid, redirect_uri, user, 1)
            .map(|mut codes| codes.pop().unwrap_or_default())
    }

    /// Move the simulated clock forward (codes expire after 600 s, access tokens after 7200 s,
    /// refresh tokens 30 days after the authorization).
    pub fn advance_clock(&self, by: Duration) {
        self.lock()
            .clock
            .advance(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
    }

    pub fn now_unix(&self) -> i64 {
        self.lock().now()
    }

    pub fn add_fault(&self, fault: Fault) {
        self.lock().faults.add(fault);
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Revoke an access or refresh token (the user cancelled the authorization); false if
    /// unknown.
    pub fn revoke(&self, token: &str) -> bool {
        self.lock().revoke(token)
    }

    /// The openid `user` has under `appid` (stable; differs across apps).
    pub fn openid(&self, appid: &str, user: &str) -> String {
        self.lock().openid(appid, user)
    }

    /// The unionid `user` has under `appid`'s open-platform account.
    pub fn unionid(&self, appid: &str, user: &str) -> Option<String> {
        self.lock().unionid(appid, user)
    }

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

/// `passport wechat-sim` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct WechatSimArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "PASSPORT_WECHAT_SIM_LISTEN",
        default_value = "127.0.0.1:8003"
    )]
    pub listen: String,
    /// Register an app (repeatable).
    #[arg(long = "app", value_name = "APPID:SECRET")]
    pub apps: Vec<String>,
    /// Add a simulated WeChat user (repeatable).
    #[arg(long = "user", value_name = "NAME[:NICKNAME]")]
    pub users: Vec<String>,
}

impl WechatSimArgs {
    pub fn config(&self) -> anyhow::Result<WechatConfig> {
        let mut config = WechatConfig::default();
        for flag in &self.apps {
            let (id, secret) = flag
                .split_once(':')
                .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
                .ok_or_else(|| anyhow::anyhow!("invalid --app `{flag}` (expected APPID:SECRET)"))?;
            config = config.with_app(WechatApp::new(id, secret));
        }
        for flag in &self.users {
            let user = crate::users::parse_user_flag(flag).ok_or_else(|| {
                anyhow::anyhow!("invalid --user `{flag}` (expected NAME or NAME:NICKNAME)")
            })?;
            config = config.with_user(user);
        }
        Ok(config)
    }
}

/// `passport wechat-sim`: serve until `shutdown`, after printing where and for whom.
pub async fn run_standalone(
    args: WechatSimArgs,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let config = args.config()?;
    let running = Simulator::new(config.clone())
        .start(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("{}", banner(&running.url(), &config));
    running.run_until(shutdown).await?;
    Ok(())
}

/// What `passport wechat-sim` prints: the URL, the apps, the users, a link to try.
pub fn banner(url: &str, config: &WechatConfig) -> String {
    let mut out = format!("\n  WeChat login simulator  {url}\n\n  apps:\n");
    for app in &config.apps {
        out.push_str(&format!(
            "    {:<20} {} (account {})\n",
            app.appid,
            app.display_name(),
            app.developer
        ));
    }
    let users: Vec<String> = config
        .users
        .iter()
        .map(|u| format!("{} ({})", u.name, u.nickname))
        .collect();
    out.push_str(&format!("  users: {}\n", users.join(", ")));
    if let Some(app) = config.apps.first() {
        out.push_str(&format!(
            "\n  try:  {url}/connect/qrconnect?appid={}&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Foauth%2Fwechat%2Fcallback&response_type=code&scope=snsapi_login&state=test#wechat_redirect\n",
            app.appid
        ));
    }
    out.push_str(&format!(
        "  control: {url}/_sim (codes, faults, clock, revoke, openid)\n"
    ));
    out
}

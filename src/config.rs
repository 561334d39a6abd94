//! Configuration: one TOML file (named by `PASSPORT_CONFIG` or `--config`) plus `PASSPORT_*`
//! environment overrides, resolved into typed [`Settings`].
//!
//! Two profiles:
//! - `dev`: everything runs locally with safe defaults (SQLite under `var/`, the embedded QQ
//!   simulator, the mail outbox). Dev secrets are fixed and public, which is fine on localhost.
//! - `production`: no secret has a default. Start-up fails with a message naming every missing or
//!   unsafe setting.
//!
//! Every secret may also come from a file: `PASSPORT_SECRET_KEY_FILE=/run/secrets/key` (the file
//! wins over nothing, the plain variable wins over the file).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use url::Url;

use crate::captcha::CaptchaPolicy;
use crate::net::{ForwardedHeader, TrustedProxies};
pub use crate::oauth::wechat::WechatSettings;
pub use crate::oauth::weibo::WeiboSettings;

/// A value that must never reach a log: `Debug` and `Display` print `[REDACTED]`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The only way to read the value; grep for it to audit where secrets flow.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Dev,
    Production,
}

impl std::str::FromStr for Profile {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dev" | "development" => Ok(Self::Dev),
            "prod" | "production" => Ok(Self::Production),
            other => Err(ConfigError::Invalid {
                setting: "PASSPORT_PROFILE",
                reason: format!("unknown profile `{other}` (expected `dev` or `production`)"),
            }),
        }
    }
}

/// The 32-byte AES-256-GCM key that encrypts QQ tokens at rest.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    /// Accepts 64 hex digits or standard/URL-safe base64 of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|e| e.to_string())?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text))
                .map_err(|_| "not hex or base64".to_string())?
        };
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("must be 32 bytes, got {}", b.len()))?;
        Ok(Self(key))
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Keys separated by commas or whitespace (a `_FILE` may hold one per line); empty means
    /// none. A bad entry is named by its position, never by its value.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .enumerate()
            .map(|(i, part)| Self::parse(part).map_err(|e| format!("key #{}: {e}", i + 1)))
            .collect()
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey([REDACTED])")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{setting}: {reason}")]
    Invalid {
        setting: &'static str,
        reason: String,
    },
    #[error(
        "the production profile refuses to start:\n  - {}\n(set them in the environment, a `*_FILE` variable, or the file named by PASSPORT_CONFIG)",
        .0.join("\n  - ")
    )]
    UnsafeProduction(Vec<String>),
}

/// The file as written: every key optional, names matching the environment variables without the
/// `PASSPORT_` prefix, lowercase. Unknown keys are refused so a typo never silently falls back to
/// a default.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    profile: Option<String>,
    database_url: Option<String>,
    listen: Option<String>,
    public_base_url: Option<String>,
    secret_key: Option<Secret>,
    token_key: Option<Secret>,
    token_keys_old: Option<Secret>,
    qq_app_id: Option<String>,
    qq_app_key: Option<Secret>,
    qq_redirect_uri: Option<String>,
    qq_base_url: Option<String>,
    wechat_app_id: Option<String>,
    wechat_app_secret: Option<Secret>,
    wechat_redirect_uri: Option<String>,
    wechat_open_base_url: Option<String>,
    wechat_api_base_url: Option<String>,
    wechat_sim_listen: Option<String>,
    weibo_app_key: Option<String>,
    weibo_app_secret: Option<Secret>,
    weibo_redirect_uri: Option<String>,
    weibo_base_url: Option<String>,
    weibo_sim_listen: Option<String>,
    oauth_timeout_ms: Option<u64>,
    smtp_url: Option<Secret>,
    mail_from: Option<String>,
    outbox_dir: Option<String>,
    web_dist: Option<String>,
    sim_listen: Option<String>,
    cors_origins: Option<CorsOrigins>,
    qq_exchange_workers: Option<u64>,
    qq_exchange_wait_ms: Option<u64>,
    job_poll_max_ms: Option<u64>,
    job_lease_ms: Option<u64>,
    job_backoff_base_ms: Option<u64>,
    job_backoff_max_ms: Option<u64>,
    job_concurrency: Option<u64>,
    job_retention_hours: Option<u64>,
    smtp_timeout_ms: Option<u64>,
    job_shutdown_grace_ms: Option<u64>,
    qq_refresh_ahead_secs: Option<u64>,
    qq_refresh_scan_secs: Option<u64>,
    qq_refresh_spread_secs: Option<u64>,
    qq_refresh_rate: Option<u64>,
    wechat_refresh_after_secs: Option<u64>,
    captcha: Option<String>,
    captcha_app_id: Option<String>,
    captcha_app_secret_key: Option<Secret>,
    captcha_script_url: Option<String>,
    tencent_captcha_endpoint: Option<String>,
    tencent_secret_id: Option<String>,
    tencent_secret_key: Option<Secret>,
    trusted_proxies: Option<String>,
    client_address_header: Option<String>,
    login_failures_per_account: Option<u64>,
    login_failures_per_client: Option<u64>,
    sms_per_client_hourly: Option<u64>,
    sms_per_client_daily: Option<u64>,
    sms_per_mobile_daily: Option<u64>,
    sms_daily_limit: Option<u64>,
    sms_provider: Option<String>,
    sms_app_id: Option<String>,
    sms_sign_name: Option<String>,
    sms_template_id: Option<String>,
    tencent_sms_endpoint: Option<String>,
    tencent_sms_region: Option<String>,
    tencent_timeout_ms: Option<u64>,
    tencent_sim_listen: Option<String>,
    http_header_timeout_ms: Option<u64>,
    http_idle_timeout_ms: Option<u64>,
    shutdown_drain_ms: Option<u64>,
    prune_interval_secs: Option<u64>,
    retention_rate_limits_hours: Option<u64>,
    retention_pending_qq_hours: Option<u64>,
    retention_sms_codes_hours: Option<u64>,
    retention_password_resets_hours: Option<u64>,
    retention_discarded_jobs_hours: Option<u64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CorsOrigins {
    List(Vec<String>),
    Text(String),
}

/// The resolved configuration every part of the service reads.
#[derive(Clone, Debug)]
pub struct Settings {
    pub profile: Profile,
    pub database_url: String,
    pub listen: String,
    /// Base of every link we mail (reset, email verification). Never taken from a request.
    pub public_base_url: Url,
    /// Signs state, bind tickets, reset tokens and JWTs (each with its own salt or purpose).
    pub secret_key: Secret,
    /// Encrypts every new QQ token ciphertext.
    pub token_key: TokenKey,
    /// Earlier token keys, still accepted for decryption (`PASSPORT_TOKEN_KEYS_OLD`) until
    /// `passport keys rotate` has moved every stored token to `token_key`.
    pub token_keys_old: Vec<TokenKey>,
    pub qq: QqSettings,
    /// WeChat website login (`PASSPORT_WECHAT_*`); `None` when not configured (production
    /// without `PASSPORT_WECHAT_APP_ID`): its endpoints then answer 502 `wechat_unavailable`.
    pub wechat: Option<WechatSettings>,
    /// Weibo login (`PASSPORT_WEIBO_*`); `None` when not configured, as WeChat.
    pub weibo: Option<WeiboSettings>,
    /// One WeChat or Weibo request's time limit, body included (`PASSPORT_OAUTH_TIMEOUT_MS`,
    /// default 10 s).
    pub oauth_timeout: Duration,
    pub mail: MailSettings,
    /// Where `passport dev` runs the embedded QQ Connect simulator.
    pub sim_listen: String,
    /// Where `passport dev` runs the embedded WeChat simulator (`PASSPORT_WECHAT_SIM_LISTEN`,
    /// default `127.0.0.1:8003`).
    pub wechat_sim_listen: String,
    /// Where `passport dev` runs the embedded Weibo simulator (`PASSPORT_WEIBO_SIM_LISTEN`,
    /// default `127.0.0.1:8004`).
    pub weibo_sim_listen: String,
    pub cors_origins: Vec<String>,
    /// How many QQ logins may be in flight at once (the code-exchange pool's size).
    pub qq_exchange_workers: usize,
    /// How long a QQ login waits for a free exchange worker before 503 `overloaded`
    /// (`PASSPORT_QQ_EXCHANGE_WAIT_MS`, default 2 s).
    pub qq_exchange_wait: Duration,
    pub jobs: JobSettings,
    pub refresh: RefreshSettings,
    /// The built web app (`make ui` writes `admin-ui/dist`), served for `/login`, `/admin`, ….
    /// `PASSPORT_WEB_DIST`, relative to the working directory; default `admin-ui/dist`.
    pub web_dist: PathBuf,
    pub captcha: CaptchaSettings,
    /// Who delivers SMS (`PASSPORT_SMS_PROVIDER`).
    pub sms: SmsProvider,
    /// Where `passport dev` runs the embedded Tencent Cloud simulator
    /// (`PASSPORT_TENCENT_SIM_LISTEN`, default `127.0.0.1:8002`).
    pub tencent_sim_listen: String,
    /// Whose forwarding header names the client (`PASSPORT_TRUSTED_PROXIES`,
    /// `PASSPORT_CLIENT_ADDRESS_HEADER`); nobody's by default.
    pub trusted_proxies: TrustedProxies,
    pub limits: LimitSettings,
    /// Client time limits (`PASSPORT_HTTP_*`).
    pub http: crate::server::HttpSettings,
    /// How long short-lived rows are kept (`PASSPORT_PRUNE_*`, `PASSPORT_RETENTION_*`).
    pub retention: crate::retention::RetentionSettings,
}

/// Rate limits an operator may tune (`PASSPORT_LOGIN_*`, `PASSPORT_SMS_*`). Counts per fixed
/// window: sign-in attempts per 15 minutes, SMS per hour or per UTC day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    /// Failed sign-ins (password login and QQ bind) per account per 15 minutes.
    /// `PASSPORT_LOGIN_FAILURES_PER_ACCOUNT`, default 5.
    pub login_failures_per_account: u32,
    /// Failed sign-ins per client address per 15 minutes. `PASSPORT_LOGIN_FAILURES_PER_CLIENT`,
    /// default 20.
    pub login_failures_per_client: u32,
    /// SMS codes per client address per hour. `PASSPORT_SMS_PER_CLIENT_HOURLY`, default 10.
    pub sms_per_client_hourly: u32,
    /// SMS codes per client address per day. `PASSPORT_SMS_PER_CLIENT_DAILY`, default 20.
    pub sms_per_client_daily: u32,
    /// SMS codes per mobile per day. `PASSPORT_SMS_PER_MOBILE_DAILY`, default 10.
    pub sms_per_mobile_daily: u32,
    /// SMS codes per day from the whole service (all instances). `PASSPORT_SMS_DAILY_LIMIT`,
    /// default 10000.
    pub sms_daily: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            login_failures_per_account: 5,
            login_failures_per_client: 20,
            sms_per_client_hourly: 10,
            sms_per_client_daily: 20,
            sms_per_mobile_daily: 10,
            sms_daily: 10_000,
        }
    }
}

/// Tencent Cloud captcha (`src/captcha/`).
#[derive(Clone, Debug)]
pub struct CaptchaSettings {
    /// `PASSPORT_CAPTCHA`: `off`, `risk` or `always`; default `risk` in production, `off` in dev.
    pub policy: CaptchaPolicy,
    /// `PASSPORT_CAPTCHA_APP_ID`: the `CaptchaAppId` (a number) from the captcha console.
    pub app_id: u64,
    /// `PASSPORT_CAPTCHA_APP_SECRET_KEY` (or `_FILE`): its `AppSecretKey`.
    pub app_secret_key: Secret,
    /// `PASSPORT_TENCENT_CAPTCHA_ENDPOINT`: where `DescribeCaptchaResult` goes; default
    /// `https://captcha.tencentcloudapi.com` (the Tencent simulator in dev).
    pub endpoint: Url,
    /// `PASSPORT_CAPTCHA_SCRIPT_URL`: the captcha script the web app loads; default Tencent's
    /// `https://turing.captcha.qcloud.com/TJCaptcha.js` (the simulator's stand-in in dev). The
    /// pages' CSP allows exactly its origin.
    pub script_url: Url,
    /// `PASSPORT_TENCENT_SECRET_ID` / `PASSPORT_TENCENT_SECRET_KEY` (or `_FILE`): the Tencent
    /// Cloud API key pair that signs `DescribeCaptchaResult` (the simulator's dev pair in dev).
    pub secret_id: String,
    pub secret_key: Secret,
}

/// `PASSPORT_SMS_PROVIDER`: `tencent` (Tencent Cloud SMS; in dev its simulator) or `outbox`
/// (dev only: the text goes straight into the outbox).
#[derive(Clone, Debug)]
pub enum SmsProvider {
    Outbox,
    Tencent(Box<TencentSmsSettings>),
}

/// Tencent Cloud SMS (`SendSms`, 2021-01-11).
#[derive(Clone, Debug)]
pub struct TencentSmsSettings {
    /// `PASSPORT_TENCENT_SECRET_ID` / `PASSPORT_TENCENT_SECRET_KEY` (CAM API key).
    pub secret_id: String,
    pub secret_key: Secret,
    /// `PASSPORT_SMS_APP_ID`: the SmsSdkAppId (`1400…`).
    pub app_id: String,
    /// `PASSPORT_SMS_SIGN_NAME`: the approved signature (`荏苒`).
    pub sign_name: String,
    /// `PASSPORT_SMS_TEMPLATE_ID`: the approved verification-code template, `{1}` the code and
    /// `{2}` its minutes.
    pub template_id: String,
    /// `PASSPORT_TENCENT_SMS_ENDPOINT`: `https://sms.tencentcloudapi.com` (dev: the simulator).
    pub endpoint: Url,
    /// `PASSPORT_TENCENT_SMS_REGION`, default `ap-guangzhou`.
    pub region: String,
    /// One API call's time limit (`PASSPORT_TENCENT_TIMEOUT_MS`, default 10 s).
    pub timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct QqSettings {
    pub app_id: String,
    pub app_key: Secret,
    pub redirect_uri: Url,
    pub base_url: Url,
}

#[derive(Clone, Debug)]
pub struct MailSettings {
    /// `None`: mail and SMS go to the outbox directory (dev only).
    pub smtp_url: Option<Secret>,
    pub from: String,
    pub outbox_dir: PathBuf,
}

/// How the job queue runs (`PASSPORT_JOB_*`, milliseconds unless named otherwise). The defaults
/// suit production; tests shorten them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobSettings {
    /// An idle dispatcher polls with a growing pause up to this (PostgreSQL also wakes it on
    /// NOTIFY). `PASSPORT_JOB_POLL_MAX_MS`, default 2 s.
    pub poll_max: Duration,
    /// How long a claimed job is ours before another process may take it over.
    /// `PASSPORT_JOB_LEASE_MS`, default 60 s.
    pub lease: Duration,
    /// Retry delays start here and double per attempt (with jitter) up to `backoff_max`.
    /// `PASSPORT_JOB_BACKOFF_BASE_MS` (1 s), `PASSPORT_JOB_BACKOFF_MAX_MS` (1 h).
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Jobs running at once in this process. `PASSPORT_JOB_CONCURRENCY`, default 16; 0 makes an
    /// instance that serves HTTP and runs no jobs (others sharing the database run them).
    pub concurrency: u32,
    /// Completed jobs are deleted after this. `PASSPORT_JOB_RETENTION_HOURS`, default 7 days.
    pub retention: Duration,
    /// One SMTP conversation's time limit. `PASSPORT_SMTP_TIMEOUT_MS`, default 10 s.
    pub smtp_timeout: Duration,
    /// On shutdown, running jobs get this long to finish before they are released.
    /// `PASSPORT_JOB_SHUTDOWN_GRACE_MS`, default 8 s (inside the tree's 10 s stop deadline).
    pub shutdown_grace: Duration,
}

/// Keeping stored QQ and WeChat tokens fresh (journey 8; Weibo has no refresh grant).
#[derive(Clone, Debug)]
pub struct RefreshSettings {
    /// Refresh a binding this long before its access token expires (QQ's live 90 days).
    /// `PASSPORT_QQ_REFRESH_AHEAD_SECS`, default 10 days.
    pub ahead: Duration,
    /// How often one instance looks for bindings due. `PASSPORT_QQ_REFRESH_SCAN_SECS`, default
    /// 5 minutes.
    pub scan_interval: Duration,
    /// Due refreshes are spread at random over this window so they never hit QQ at once.
    /// `PASSPORT_QQ_REFRESH_SPREAD_SECS`, default 1 hour.
    pub spread: Duration,
    /// At most this many refresh calls to QQ per second from one instance.
    /// `PASSPORT_QQ_REFRESH_RATE`, default 20. WeChat's refresher has a limit of its own, the
    /// same number.
    pub rate_per_sec: u32,
    /// Refresh a WeChat binding once its access token was issued (by a login or the last
    /// refresh) this long ago: inside the refresh token's 30 days from the login, so WeChat
    /// either renews the access token (and, should it ever, the refresh token) or says the
    /// authorization is dead (42002/40030: `refresh_failed`). Below 30 days.
    /// `PASSPORT_WECHAT_REFRESH_AFTER_SECS`, default 25 days.
    pub wechat_after: Duration,
}

/// How long WeChat's refresh token lives after the login that issued it (30 days,
/// `docs/wire/wechat.md` §3): [`RefreshSettings::wechat_after`] must stay below it.
pub const WECHAT_REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

impl Default for RefreshSettings {
    fn default() -> Self {
        Self {
            ahead: Duration::from_secs(10 * 24 * 3600),
            scan_interval: Duration::from_secs(300),
            spread: Duration::from_secs(3600),
            rate_per_sec: 20,
            wechat_after: Duration::from_secs(25 * 24 * 3600),
        }
    }
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            poll_max: Duration::from_secs(2),
            lease: Duration::from_secs(60),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(3600),
            concurrency: 16,
            retention: Duration::from_secs(7 * 24 * 3600),
            smtp_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(8),
        }
    }
}

/// Fixed, public development secrets. Production refuses them.
pub const DEV_SECRET_KEY: &str = "passport-dev-secret-key-never-use-in-production";
pub const DEV_TOKEN_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The app the embedded simulator knows; `passport dev` wires both ends to it.
pub const DEV_QQ_APP_ID: &str = oauth_sim::qq::DEV_APP_ID;
pub const DEV_QQ_APP_KEY: &str = oauth_sim::qq::DEV_APP_KEY;
/// The WeChat and Weibo apps their simulators know; `passport dev` wires both ends to them.
pub const DEV_WECHAT_APP_ID: &str = oauth_sim::wechat::DEV_APP_ID;
pub const DEV_WECHAT_APP_SECRET: &str = oauth_sim::wechat::DEV_APP_SECRET;
pub const DEV_WEIBO_APP_KEY: &str = oauth_sim::weibo::DEV_APP_KEY;
pub const DEV_WEIBO_APP_SECRET: &str = oauth_sim::weibo::DEV_APP_SECRET;
/// The captcha app the Tencent simulator knows; `passport dev` wires both ends to it.
pub const DEV_CAPTCHA_APP_ID: u64 = 190000001;
pub const DEV_CAPTCHA_APP_SECRET_KEY: &str = "passport-dev-captcha-secret-key";

impl Settings {
    /// Resolve from the process environment and the file it names (`PASSPORT_CONFIG`), with an
    /// explicit path taking precedence.
    pub fn load(
        config_path: Option<&Path>,
        profile_override: Option<Profile>,
    ) -> Result<Self, ConfigError> {
        let env: BTreeMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with("PASSPORT_"))
            .collect();
        Self::resolve(config_path, &env, profile_override)
    }

    /// Resolve from an explicit environment map (tests use this to stay independent of the
    /// process environment).
    pub fn resolve(
        config_path: Option<&Path>,
        env: &BTreeMap<String, String>,
        profile_override: Option<Profile>,
    ) -> Result<Self, ConfigError> {
        let path = config_path.map(Path::to_path_buf).or_else(|| {
            env.get("PASSPORT_CONFIG")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        });
        let file = match &path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str::<FileSettings>(&text).map_err(|e| ConfigError::Parse {
                    path: path.clone(),
                    message: e.to_string(),
                })?
            }
            None => FileSettings::default(),
        };
        let source = Source { env, file: &file };

        let profile = match profile_override {
            Some(p) => p,
            None => match source.plain("PASSPORT_PROFILE", |f| f.profile.clone()) {
                Some(p) => p.parse()?,
                // `serve` without a profile is production: secure unless told otherwise.
                None => Profile::Production,
            },
        };
        let dev = profile == Profile::Dev;
        let mut unsafe_settings = Vec::new();

        let database_url = source
            .plain("PASSPORT_DATABASE_URL", |f| f.database_url.clone())
            .unwrap_or_else(|| "sqlite://var/passport.db?mode=rwc".to_string());
        let listen = source
            .plain("PASSPORT_LISTEN", |f| f.listen.clone())
            .unwrap_or_else(|| "127.0.0.1:8000".to_string());
        let sim_listen = source
            .plain("PASSPORT_SIM_LISTEN", |f| f.sim_listen.clone())
            .unwrap_or_else(|| "127.0.0.1:8001".to_string());

        let public_base_url = match source
            .plain("PASSPORT_PUBLIC_BASE_URL", |f| f.public_base_url.clone())
        {
            Some(u) => parse_url("PASSPORT_PUBLIC_BASE_URL", &u)?,
            None if dev => parse_url("PASSPORT_PUBLIC_BASE_URL", &format!("http://{listen}"))?,
            None => {
                unsafe_settings.push(
                    "PASSPORT_PUBLIC_BASE_URL is not set (reset links are built from it)".into(),
                );
                parse_url("PASSPORT_PUBLIC_BASE_URL", "https://passport.invalid")?
            }
        };
        if !dev && public_base_url.scheme() != "https" {
            unsafe_settings
                .push("PASSPORT_PUBLIC_BASE_URL must be an https:// URL in production".into());
        }

        let secret_key = match source.secret("PASSPORT_SECRET_KEY", |f| f.secret_key.clone())? {
            Some(s) => {
                if !dev && (s.expose() == DEV_SECRET_KEY || s.expose().len() < 32) {
                    unsafe_settings.push(
                        "PASSPORT_SECRET_KEY must be a random value of at least 32 characters, not the dev default"
                            .into(),
                    );
                }
                s
            }
            None if dev => Secret::new(DEV_SECRET_KEY),
            None => {
                unsafe_settings.push("PASSPORT_SECRET_KEY is not set".into());
                Secret::new(DEV_SECRET_KEY)
            }
        };

        let token_key_text = match source.secret("PASSPORT_TOKEN_KEY", |f| f.token_key.clone())? {
            Some(s) => {
                if !dev && s.expose().trim() == DEV_TOKEN_KEY {
                    unsafe_settings.push("PASSPORT_TOKEN_KEY must not be the dev default".into());
                }
                s
            }
            None if dev => Secret::new(DEV_TOKEN_KEY),
            None => {
                unsafe_settings
                    .push("PASSPORT_TOKEN_KEY is not set (32 bytes, hex or base64)".into());
                Secret::new(DEV_TOKEN_KEY)
            }
        };
        let token_key =
            TokenKey::parse(token_key_text.expose()).map_err(|reason| ConfigError::Invalid {
                setting: "PASSPORT_TOKEN_KEY",
                reason,
            })?;
        let token_keys_old =
            match source.secret("PASSPORT_TOKEN_KEYS_OLD", |f| f.token_keys_old.clone())? {
                Some(list) => {
                    TokenKey::parse_list(list.expose()).map_err(|reason| ConfigError::Invalid {
                        setting: "PASSPORT_TOKEN_KEYS_OLD",
                        reason,
                    })?
                }
                None => Vec::new(),
            };

        let app_id = match source.plain("PASSPORT_QQ_APP_ID", |f| f.qq_app_id.clone()) {
            Some(id) => id,
            None if dev => DEV_QQ_APP_ID.to_string(),
            None => {
                unsafe_settings.push("PASSPORT_QQ_APP_ID is not set".into());
                String::new()
            }
        };
        let app_key = match source.secret("PASSPORT_QQ_APP_KEY", |f| f.qq_app_key.clone())? {
            Some(k) => {
                if !dev && k.expose() == DEV_QQ_APP_KEY {
                    unsafe_settings.push("PASSPORT_QQ_APP_KEY must not be the dev default".into());
                }
                k
            }
            None if dev => Secret::new(DEV_QQ_APP_KEY),
            None => {
                unsafe_settings.push("PASSPORT_QQ_APP_KEY is not set".into());
                Secret::new("")
            }
        };
        let redirect_uri =
            match source.plain("PASSPORT_QQ_REDIRECT_URI", |f| f.qq_redirect_uri.clone()) {
                Some(u) => parse_url("PASSPORT_QQ_REDIRECT_URI", &u)?,
                None => {
                    if !dev {
                        unsafe_settings.push("PASSPORT_QQ_REDIRECT_URI is not set".into());
                    }
                    public_base_url.join("/oauth/qq/callback").map_err(|e| {
                        ConfigError::Invalid {
                            setting: "PASSPORT_QQ_REDIRECT_URI",
                            reason: e.to_string(),
                        }
                    })?
                }
            };
        let base_url = match source.plain("PASSPORT_QQ_BASE_URL", |f| f.qq_base_url.clone()) {
            Some(u) => parse_url("PASSPORT_QQ_BASE_URL", &u)?,
            // In dev the QQ side is the embedded simulator.
            None if dev => parse_url("PASSPORT_QQ_BASE_URL", &format!("http://{sim_listen}"))?,
            None => parse_url("PASSPORT_QQ_BASE_URL", "https://graph.qq.com")?,
        };

        let wechat_sim_listen = source
            .plain("PASSPORT_WECHAT_SIM_LISTEN", |f| {
                f.wechat_sim_listen.clone()
            })
            .unwrap_or_else(|| "127.0.0.1:8003".to_string());
        let weibo_sim_listen = source
            .plain("PASSPORT_WEIBO_SIM_LISTEN", |f| f.weibo_sim_listen.clone())
            .unwrap_or_else(|| "127.0.0.1:8004".to_string());
        let wechat = resolve_wechat(
            &source,
            dev,
            &public_base_url,
            &wechat_sim_listen,
            &mut unsafe_settings,
        )?;
        let weibo = resolve_weibo(
            &source,
            dev,
            &public_base_url,
            &weibo_sim_listen,
            &mut unsafe_settings,
        )?;

        let smtp_url = source.secret("PASSPORT_SMTP_URL", |f| f.smtp_url.clone())?;
        if !dev && smtp_url.is_none() {
            unsafe_settings
                .push("PASSPORT_SMTP_URL is not set (production sends mail over SMTP only)".into());
        }
        let from = match source.plain("PASSPORT_MAIL_FROM", |f| f.mail_from.clone()) {
            Some(from) => from,
            None if dev => "荏苒 <no-reply@renran.localhost>".to_string(),
            None => {
                unsafe_settings.push("PASSPORT_MAIL_FROM is not set".into());
                String::new()
            }
        };
        let outbox_dir = source
            .plain("PASSPORT_OUTBOX_DIR", |f| f.outbox_dir.clone())
            .unwrap_or_else(|| "var/outbox".to_string())
            .into();

        let cors_origins = match env.get("PASSPORT_CORS_ORIGINS") {
            Some(text) => split_list(text),
            None => match &file.cors_origins {
                Some(CorsOrigins::List(list)) => list.clone(),
                Some(CorsOrigins::Text(text)) => split_list(text),
                None if dev => vec![
                    "http://localhost:8080".into(),
                    "http://127.0.0.1:8080".into(),
                ],
                None => Vec::new(),
            },
        };

        let qq_exchange_workers =
            match source.number("PASSPORT_QQ_EXCHANGE_WORKERS", |f| f.qq_exchange_workers)? {
                None => 32,
                Some(n @ 1..=1024) => n as usize,
                Some(n) => {
                    return Err(ConfigError::Invalid {
                        setting: "PASSPORT_QQ_EXCHANGE_WORKERS",
                        reason: format!("`{n}` is not a number from 1 to 1024"),
                    });
                }
            };
        let defaults = JobSettings::default();
        let ms =
            |var: &'static str, from_file: fn(&FileSettings) -> Option<u64>, default: Duration| {
                source
                    .number(var, from_file)
                    .map(|n| n.map_or(default, |n| Duration::from_millis(n.max(1))))
            };
        let oauth_timeout = ms(
            "PASSPORT_OAUTH_TIMEOUT_MS",
            |f| f.oauth_timeout_ms,
            crate::oauth::HttpOptions::default().timeout,
        )?;
        let qq_exchange_wait = ms(
            "PASSPORT_QQ_EXCHANGE_WAIT_MS",
            |f| f.qq_exchange_wait_ms,
            Duration::from_secs(2),
        )?;
        let refresh_defaults = RefreshSettings::default();
        let secs =
            |var: &'static str, from_file: fn(&FileSettings) -> Option<u64>, default: Duration| {
                source
                    .number(var, from_file)
                    .map(|n| n.map_or(default, Duration::from_secs))
            };
        let refresh = RefreshSettings {
            ahead: secs(
                "PASSPORT_QQ_REFRESH_AHEAD_SECS",
                |f| f.qq_refresh_ahead_secs,
                refresh_defaults.ahead,
            )?,
            scan_interval: secs(
                "PASSPORT_QQ_REFRESH_SCAN_SECS",
                |f| f.qq_refresh_scan_secs,
                refresh_defaults.scan_interval,
            )?
            .max(Duration::from_secs(1)),
            spread: secs(
                "PASSPORT_QQ_REFRESH_SPREAD_SECS",
                |f| f.qq_refresh_spread_secs,
                refresh_defaults.spread,
            )?,
            rate_per_sec: source
                .number("PASSPORT_QQ_REFRESH_RATE", |f| f.qq_refresh_rate)?
                .map_or(refresh_defaults.rate_per_sec, |n| {
                    n.clamp(1, 100_000) as u32
                }),
            wechat_after: secs(
                "PASSPORT_WECHAT_REFRESH_AFTER_SECS",
                |f| f.wechat_refresh_after_secs,
                refresh_defaults.wechat_after,
            )?,
        };
        if refresh.wechat_after >= WECHAT_REFRESH_TOKEN_LIFETIME {
            return Err(ConfigError::Invalid {
                setting: "PASSPORT_WECHAT_REFRESH_AFTER_SECS",
                reason: "must be below 30 days (2592000), the life of WeChat's refresh token"
                    .into(),
            });
        }
        let jobs = JobSettings {
            poll_max: ms(
                "PASSPORT_JOB_POLL_MAX_MS",
                |f| f.job_poll_max_ms,
                defaults.poll_max,
            )?,
            lease: ms("PASSPORT_JOB_LEASE_MS", |f| f.job_lease_ms, defaults.lease)?,
            backoff_base: ms(
                "PASSPORT_JOB_BACKOFF_BASE_MS",
                |f| f.job_backoff_base_ms,
                defaults.backoff_base,
            )?,
            backoff_max: ms(
                "PASSPORT_JOB_BACKOFF_MAX_MS",
                |f| f.job_backoff_max_ms,
                defaults.backoff_max,
            )?,
            concurrency: source
                .number("PASSPORT_JOB_CONCURRENCY", |f| f.job_concurrency)?
                .map_or(defaults.concurrency, |n| n.min(1024) as u32),
            retention: source
                .number("PASSPORT_JOB_RETENTION_HOURS", |f| f.job_retention_hours)?
                .map_or(defaults.retention, |h| {
                    Duration::from_secs(h.saturating_mul(3600))
                }),
            smtp_timeout: ms(
                "PASSPORT_SMTP_TIMEOUT_MS",
                |f| f.smtp_timeout_ms,
                defaults.smtp_timeout,
            )?,
            shutdown_grace: ms(
                "PASSPORT_JOB_SHUTDOWN_GRACE_MS",
                |f| f.job_shutdown_grace_ms,
                defaults.shutdown_grace,
            )?,
        };

        let http_defaults = crate::server::HttpSettings::default();
        let http = crate::server::HttpSettings {
            header_timeout: ms(
                "PASSPORT_HTTP_HEADER_TIMEOUT_MS",
                |f| f.http_header_timeout_ms,
                http_defaults.header_timeout,
            )?,
            idle_timeout: ms(
                "PASSPORT_HTTP_IDLE_TIMEOUT_MS",
                |f| f.http_idle_timeout_ms,
                http_defaults.idle_timeout,
            )?,
            drain: ms(
                "PASSPORT_SHUTDOWN_DRAIN_MS",
                |f| f.shutdown_drain_ms,
                http_defaults.drain,
            )?,
        };
        let kept = crate::retention::RetentionSettings::default();
        let hours =
            |var: &'static str, from_file: fn(&FileSettings) -> Option<u64>, default: Duration| {
                source
                    .number(var, from_file)
                    .map(|n| n.map_or(default, |h| Duration::from_secs(h.saturating_mul(3600))))
            };
        let retention = crate::retention::RetentionSettings {
            interval: secs(
                "PASSPORT_PRUNE_INTERVAL_SECS",
                |f| f.prune_interval_secs,
                kept.interval,
            )?
            .max(Duration::from_secs(1)),
            rate_limits: hours(
                "PASSPORT_RETENTION_RATE_LIMITS_HOURS",
                |f| f.retention_rate_limits_hours,
                kept.rate_limits,
            )?,
            pending_qq: hours(
                "PASSPORT_RETENTION_PENDING_QQ_HOURS",
                |f| f.retention_pending_qq_hours,
                kept.pending_qq,
            )?,
            sms_codes: hours(
                "PASSPORT_RETENTION_SMS_CODES_HOURS",
                |f| f.retention_sms_codes_hours,
                kept.sms_codes,
            )?,
            password_resets: hours(
                "PASSPORT_RETENTION_PASSWORD_RESETS_HOURS",
                |f| f.retention_password_resets_hours,
                kept.password_resets,
            )?,
            discarded_jobs: hours(
                "PASSPORT_RETENTION_DISCARDED_JOBS_HOURS",
                |f| f.retention_discarded_jobs_hours,
                kept.discarded_jobs,
            )?,
        };

        let web_dist = PathBuf::from(
            source
                .plain("PASSPORT_WEB_DIST", |f| f.web_dist.clone())
                .unwrap_or_else(|| "admin-ui/dist".to_string()),
        );

        let tencent_sim_listen = source
            .plain("PASSPORT_TENCENT_SIM_LISTEN", |f| {
                f.tencent_sim_listen.clone()
            })
            .unwrap_or_else(|| "127.0.0.1:8002".to_string());
        let sms = resolve_sms(&source, dev, &tencent_sim_listen, &mut unsafe_settings)?;
        let captcha = resolve_captcha(
            &source,
            dev,
            &format!("http://{tencent_sim_listen}/"),
            &mut unsafe_settings,
        )?;
        let trusted_proxies = resolve_trusted_proxies(&source)?;
        let limits = resolve_limits(&source)?;

        if !unsafe_settings.is_empty() {
            return Err(ConfigError::UnsafeProduction(unsafe_settings));
        }

        Ok(Settings {
            profile,
            database_url,
            listen,
            public_base_url,
            secret_key,
            token_key,
            token_keys_old,
            qq: QqSettings {
                app_id,
                app_key,
                redirect_uri,
                base_url,
            },
            wechat,
            weibo,
            oauth_timeout,
            wechat_sim_listen,
            weibo_sim_listen,
            mail: MailSettings {
                smtp_url,
                from,
                outbox_dir,
            },
            sim_listen,
            cors_origins,
            qq_exchange_workers,
            qq_exchange_wait,
            jobs,
            refresh,
            web_dist,
            captcha,
            trusted_proxies,
            limits,
            sms,
            tencent_sim_listen,
            http,
            retention,
        })
    }

    pub fn is_dev(&self) -> bool {
        self.profile == Profile::Dev
    }
}

/// One provider's app as configured: its id, its secret (`None`: not set) and where the person
/// comes back. `None` altogether when production has no app id: the provider is off.
struct ProviderApp {
    id: String,
    secret: Secret,
    redirect_uri: Url,
}

/// The app of a provider besides QQ (WeChat, Weibo): optional in production (no app id: off),
/// but once its id is set, its secret and redirect URI must be too; dev uses the simulator's app.
#[allow(clippy::too_many_arguments)]
fn resolve_provider_app(
    source: &Source<'_>,
    dev: bool,
    public_base_url: &Url,
    vars: [&'static str; 3],
    from_file: [fn(&FileSettings) -> Option<String>; 2],
    secret_from_file: fn(&FileSettings) -> Option<Secret>,
    dev_app: (&str, &str),
    callback_path: &str,
    unsafe_settings: &mut Vec<String>,
) -> Result<Option<ProviderApp>, ConfigError> {
    let [id_var, secret_var, redirect_var] = vars;
    let id = match source.plain(id_var, from_file[0]) {
        Some(id) => id,
        None if dev => dev_app.0.to_owned(),
        None => return Ok(None),
    };
    let secret = match source.secret(secret_var, secret_from_file)? {
        Some(s) => {
            if !dev && s.expose() == dev_app.1 {
                unsafe_settings.push(format!("{secret_var} must not be the dev default"));
            }
            s
        }
        None if dev => Secret::new(dev_app.1),
        None => {
            unsafe_settings.push(format!("{secret_var} is not set (but {id_var} is)"));
            Secret::new("")
        }
    };
    let redirect_uri = match source.plain(redirect_var, from_file[1]) {
        Some(u) => parse_url(redirect_var, &u)?,
        None => {
            if !dev {
                unsafe_settings.push(format!("{redirect_var} is not set (but {id_var} is)"));
            }
            public_base_url
                .join(callback_path)
                .map_err(|e| ConfigError::Invalid {
                    setting: redirect_var,
                    reason: e.to_string(),
                })?
        }
    };
    Ok(Some(ProviderApp {
        id,
        secret,
        redirect_uri,
    }))
}

/// WeChat website login (`PASSPORT_WECHAT_*`): dev talks to the embedded simulator.
fn resolve_wechat(
    source: &Source<'_>,
    dev: bool,
    public_base_url: &Url,
    sim_listen: &str,
    unsafe_settings: &mut Vec<String>,
) -> Result<Option<WechatSettings>, ConfigError> {
    let Some(app) = resolve_provider_app(
        source,
        dev,
        public_base_url,
        [
            "PASSPORT_WECHAT_APP_ID",
            "PASSPORT_WECHAT_APP_SECRET",
            "PASSPORT_WECHAT_REDIRECT_URI",
        ],
        [
            |f| f.wechat_app_id.clone(),
            |f| f.wechat_redirect_uri.clone(),
        ],
        |f| f.wechat_app_secret.clone(),
        (DEV_WECHAT_APP_ID, DEV_WECHAT_APP_SECRET),
        "/oauth/wechat/callback",
        unsafe_settings,
    )?
    else {
        return Ok(None);
    };
    let sim = format!("http://{sim_listen}");
    let base = |var: &'static str, from_file: fn(&FileSettings) -> Option<String>, real: &str| {
        match source.plain(var, from_file) {
            Some(u) => parse_url(var, &u),
            None if dev => parse_url(var, &sim),
            None => parse_url(var, real),
        }
    };
    Ok(Some(WechatSettings {
        app_id: app.id,
        app_secret: app.secret,
        redirect_uri: app.redirect_uri,
        open_base_url: base(
            "PASSPORT_WECHAT_OPEN_BASE_URL",
            |f| f.wechat_open_base_url.clone(),
            "https://open.weixin.qq.com",
        )?,
        api_base_url: base(
            "PASSPORT_WECHAT_API_BASE_URL",
            |f| f.wechat_api_base_url.clone(),
            "https://api.weixin.qq.com",
        )?,
    }))
}

/// Weibo (`PASSPORT_WEIBO_*`): dev talks to the embedded simulator.
fn resolve_weibo(
    source: &Source<'_>,
    dev: bool,
    public_base_url: &Url,
    sim_listen: &str,
    unsafe_settings: &mut Vec<String>,
) -> Result<Option<WeiboSettings>, ConfigError> {
    let Some(app) = resolve_provider_app(
        source,
        dev,
        public_base_url,
        [
            "PASSPORT_WEIBO_APP_KEY",
            "PASSPORT_WEIBO_APP_SECRET",
            "PASSPORT_WEIBO_REDIRECT_URI",
        ],
        [
            |f| f.weibo_app_key.clone(),
            |f| f.weibo_redirect_uri.clone(),
        ],
        |f| f.weibo_app_secret.clone(),
        (DEV_WEIBO_APP_KEY, DEV_WEIBO_APP_SECRET),
        "/oauth/weibo/callback",
        unsafe_settings,
    )?
    else {
        return Ok(None);
    };
    let base_url = match source.plain("PASSPORT_WEIBO_BASE_URL", |f| f.weibo_base_url.clone()) {
        Some(u) => parse_url("PASSPORT_WEIBO_BASE_URL", &u)?,
        None if dev => parse_url("PASSPORT_WEIBO_BASE_URL", &format!("http://{sim_listen}"))?,
        None => parse_url("PASSPORT_WEIBO_BASE_URL", "https://api.weibo.com")?,
    };
    Ok(Some(WeiboSettings {
        client_id: app.id,
        client_secret: app.secret,
        redirect_uri: app.redirect_uri,
        base_url,
    }))
}

/// The captcha settings. With a policy other than `off`, production demands the app id and its
/// secret key; dev points at the Tencent simulator's dev app.
fn resolve_captcha(
    source: &Source<'_>,
    dev: bool,
    tencent_sim_base: &str,
    unsafe_settings: &mut Vec<String>,
) -> Result<CaptchaSettings, ConfigError> {
    let policy = match source.plain("PASSPORT_CAPTCHA", |f| f.captcha.clone()) {
        Some(text) => CaptchaPolicy::parse(&text).map_err(|reason| ConfigError::Invalid {
            setting: "PASSPORT_CAPTCHA",
            reason,
        })?,
        None if dev => CaptchaPolicy::Off,
        None => CaptchaPolicy::Risk,
    };
    let demanded = !dev && policy != CaptchaPolicy::Off;
    let app_id = match source.plain("PASSPORT_CAPTCHA_APP_ID", |f| f.captcha_app_id.clone()) {
        Some(text) => text.parse::<u64>().map_err(|_| ConfigError::Invalid {
            setting: "PASSPORT_CAPTCHA_APP_ID",
            reason: format!("`{text}` is not a CaptchaAppId (a whole number)"),
        })?,
        None if dev => DEV_CAPTCHA_APP_ID,
        None => {
            if demanded {
                unsafe_settings.push(format!(
                    "PASSPORT_CAPTCHA_APP_ID is not set (PASSPORT_CAPTCHA={})",
                    policy.as_str()
                ));
            }
            0
        }
    };
    let app_secret_key = match source.secret("PASSPORT_CAPTCHA_APP_SECRET_KEY", |f| {
        f.captcha_app_secret_key.clone()
    })? {
        Some(key) => {
            if demanded && key.expose() == DEV_CAPTCHA_APP_SECRET_KEY {
                unsafe_settings
                    .push("PASSPORT_CAPTCHA_APP_SECRET_KEY must not be the dev default".into());
            }
            key
        }
        None if dev => Secret::new(DEV_CAPTCHA_APP_SECRET_KEY),
        None => {
            if demanded {
                unsafe_settings.push(format!(
                    "PASSPORT_CAPTCHA_APP_SECRET_KEY is not set (PASSPORT_CAPTCHA={})",
                    policy.as_str()
                ));
            }
            Secret::new("")
        }
    };
    let endpoint = match source.plain("PASSPORT_TENCENT_CAPTCHA_ENDPOINT", |f| {
        f.tencent_captcha_endpoint.clone()
    }) {
        Some(u) => parse_url("PASSPORT_TENCENT_CAPTCHA_ENDPOINT", &u)?,
        None if dev => parse_url("PASSPORT_TENCENT_CAPTCHA_ENDPOINT", tencent_sim_base)?,
        None => parse_url(
            "PASSPORT_TENCENT_CAPTCHA_ENDPOINT",
            "https://captcha.tencentcloudapi.com",
        )?,
    };
    let script_url = match source.plain("PASSPORT_CAPTCHA_SCRIPT_URL", |f| {
        f.captcha_script_url.clone()
    }) {
        Some(u) => parse_url("PASSPORT_CAPTCHA_SCRIPT_URL", &u)?,
        // The simulator serves the stand-in beside its API.
        None if dev => endpoint
            .join("/captcha/TCaptcha.js")
            .map_err(|e| ConfigError::Invalid {
                setting: "PASSPORT_CAPTCHA_SCRIPT_URL",
                reason: e.to_string(),
            })?,
        None => parse_url(
            "PASSPORT_CAPTCHA_SCRIPT_URL",
            "https://turing.captcha.qcloud.com/TJCaptcha.js",
        )?,
    };
    // The same key pair SMS reads: read here too, since the captcha may be on while SMS goes to
    // the outbox. A missing one is named once (SMS may already have named it).
    let mut missing = |var: &str| {
        if demanded && !unsafe_settings.iter().any(|m| m.starts_with(var)) {
            unsafe_settings.push(format!(
                "{var} is not set (it signs captcha verification; PASSPORT_CAPTCHA={})",
                policy.as_str()
            ));
        }
    };
    let secret_id = match source.plain("PASSPORT_TENCENT_SECRET_ID", |f| {
        f.tencent_secret_id.clone()
    }) {
        Some(id) => id,
        None if dev => crate::tencent::sim::DEV_SECRET_ID.to_owned(),
        None => {
            missing("PASSPORT_TENCENT_SECRET_ID");
            String::new()
        }
    };
    let secret_key = match source.secret("PASSPORT_TENCENT_SECRET_KEY", |f| {
        f.tencent_secret_key.clone()
    })? {
        Some(key) => key,
        None if dev => Secret::new(crate::tencent::sim::DEV_SECRET_KEY),
        None => {
            missing("PASSPORT_TENCENT_SECRET_KEY");
            Secret::new("")
        }
    };
    if demanded && script_url.scheme() != "https" {
        unsafe_settings
            .push("PASSPORT_CAPTCHA_SCRIPT_URL must be an https:// URL in production".into());
    }
    Ok(CaptchaSettings {
        policy,
        app_id,
        app_secret_key,
        endpoint,
        script_url,
        secret_id,
        secret_key,
    })
}

/// The SMS provider. Dev defaults to Tencent Cloud SMS through the embedded simulator (its
/// public dev key, app, signature and template); production demands every Tencent setting and
/// refuses the outbox and the simulator's dev key.
fn resolve_sms(
    source: &Source<'_>,
    dev: bool,
    tencent_sim_listen: &str,
    unsafe_settings: &mut Vec<String>,
) -> Result<SmsProvider, ConfigError> {
    use crate::tencent::sim::{self, sms as sim_sms};
    match source
        .plain("PASSPORT_SMS_PROVIDER", |f| f.sms_provider.clone())
        .map(|p| p.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("tencent") => {}
        Some("outbox") if dev => return Ok(SmsProvider::Outbox),
        Some("outbox") => {
            unsafe_settings.push(
                "PASSPORT_SMS_PROVIDER=outbox only writes files: production needs `tencent`".into(),
            );
            return Ok(SmsProvider::Outbox);
        }
        Some(other) => {
            return Err(ConfigError::Invalid {
                setting: "PASSPORT_SMS_PROVIDER",
                reason: format!("unknown provider `{other}` (expected `tencent` or `outbox`)"),
            });
        }
    }
    let mut required = |var: &'static str, value: Option<String>, dev_default: &str| match value {
        Some(v) => v,
        None if dev => dev_default.to_owned(),
        None => {
            unsafe_settings.push(format!("{var} is not set (Tencent Cloud SMS)"));
            String::new()
        }
    };
    let secret_id = required(
        "PASSPORT_TENCENT_SECRET_ID",
        source.plain("PASSPORT_TENCENT_SECRET_ID", |f| {
            f.tencent_secret_id.clone()
        }),
        sim::DEV_SECRET_ID,
    );
    let app_id = required(
        "PASSPORT_SMS_APP_ID",
        source.plain("PASSPORT_SMS_APP_ID", |f| f.sms_app_id.clone()),
        sim_sms::DEV_SMS_APP_ID,
    );
    let sign_name = required(
        "PASSPORT_SMS_SIGN_NAME",
        source.plain("PASSPORT_SMS_SIGN_NAME", |f| f.sms_sign_name.clone()),
        sim_sms::DEV_SMS_SIGN_NAME,
    );
    let template_id = required(
        "PASSPORT_SMS_TEMPLATE_ID",
        source.plain("PASSPORT_SMS_TEMPLATE_ID", |f| f.sms_template_id.clone()),
        sim_sms::DEV_SMS_TEMPLATE_ID,
    );
    let secret_key = match source.secret("PASSPORT_TENCENT_SECRET_KEY", |f| {
        f.tencent_secret_key.clone()
    })? {
        Some(k) => k,
        None if dev => Secret::new(sim::DEV_SECRET_KEY),
        None => {
            unsafe_settings
                .push("PASSPORT_TENCENT_SECRET_KEY is not set (Tencent Cloud SMS)".into());
            Secret::new("")
        }
    };
    if !dev && (secret_id == sim::DEV_SECRET_ID || secret_key.expose() == sim::DEV_SECRET_KEY) {
        unsafe_settings.push(
            "PASSPORT_TENCENT_SECRET_ID / PASSPORT_TENCENT_SECRET_KEY must not be the simulator's dev key".into(),
        );
    }
    let endpoint = match source.plain("PASSPORT_TENCENT_SMS_ENDPOINT", |f| {
        f.tencent_sms_endpoint.clone()
    }) {
        Some(u) => parse_url("PASSPORT_TENCENT_SMS_ENDPOINT", &u)?,
        None if dev => parse_url(
            "PASSPORT_TENCENT_SMS_ENDPOINT",
            &format!("http://{tencent_sim_listen}/"),
        )?,
        None => parse_url(
            "PASSPORT_TENCENT_SMS_ENDPOINT",
            "https://sms.tencentcloudapi.com/",
        )?,
    };
    if !dev && endpoint.scheme() != "https" {
        unsafe_settings.push("PASSPORT_TENCENT_SMS_ENDPOINT must be https:// in production".into());
    }
    let region = source
        .plain("PASSPORT_TENCENT_SMS_REGION", |f| {
            f.tencent_sms_region.clone()
        })
        .unwrap_or_else(|| "ap-guangzhou".to_owned());
    let timeout = source
        .number("PASSPORT_TENCENT_TIMEOUT_MS", |f| f.tencent_timeout_ms)?
        .map_or(Duration::from_secs(10), |n| Duration::from_millis(n.max(1)));
    Ok(SmsProvider::Tencent(Box::new(TencentSmsSettings {
        secret_id,
        secret_key,
        app_id,
        sign_name,
        template_id,
        endpoint,
        region,
        timeout,
    })))
}

/// Precedence: environment variable, then `*_FILE` variable (secrets), then the config file.
struct Source<'a> {
    env: &'a BTreeMap<String, String>,
    file: &'a FileSettings,
}

impl Source<'_> {
    fn plain(
        &self,
        var: &str,
        from_file: impl Fn(&FileSettings) -> Option<String>,
    ) -> Option<String> {
        self.env
            .get(var)
            .filter(|v| !v.trim().is_empty())
            .cloned()
            .or_else(|| from_file(self.file))
            .map(|v| v.trim().to_string())
    }

    fn number(
        &self,
        var: &'static str,
        from_file: impl Fn(&FileSettings) -> Option<u64>,
    ) -> Result<Option<u64>, ConfigError> {
        match self
            .env
            .get(var)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            Some(text) => text.parse().map(Some).map_err(|_| ConfigError::Invalid {
                setting: var,
                reason: format!("`{text}` is not a whole number"),
            }),
            None => Ok(from_file(self.file)),
        }
    }

    fn secret(
        &self,
        var: &'static str,
        from_file: impl Fn(&FileSettings) -> Option<Secret>,
    ) -> Result<Option<Secret>, ConfigError> {
        if let Some(v) = self.env.get(var).filter(|v| !v.trim().is_empty()) {
            return Ok(Some(Secret::new(v.trim())));
        }
        if let Some(path) = self
            .env
            .get(&format!("{var}_FILE"))
            .filter(|p| !p.is_empty())
        {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Invalid {
                setting: var,
                reason: format!("cannot read {var}_FILE ({path}): {e}"),
            })?;
            return Ok(Some(Secret::new(text.trim())));
        }
        Ok(from_file(self.file).filter(|s| !s.expose().trim().is_empty()))
    }
}

fn resolve_trusted_proxies(source: &Source<'_>) -> Result<TrustedProxies, ConfigError> {
    let nets = match source.plain("PASSPORT_TRUSTED_PROXIES", |f| f.trusted_proxies.clone()) {
        Some(text) => TrustedProxies::parse_list(&text).map_err(|reason| ConfigError::Invalid {
            setting: "PASSPORT_TRUSTED_PROXIES",
            reason,
        })?,
        None => Vec::new(),
    };
    let header = match source.plain("PASSPORT_CLIENT_ADDRESS_HEADER", |f| {
        f.client_address_header.clone()
    }) {
        Some(text) => text.parse().map_err(|reason| ConfigError::Invalid {
            setting: "PASSPORT_CLIENT_ADDRESS_HEADER",
            reason,
        })?,
        None => ForwardedHeader::default(),
    };
    Ok(TrustedProxies::new(nets, header))
}

fn resolve_limits(source: &Source<'_>) -> Result<LimitSettings, ConfigError> {
    let defaults = LimitSettings::default();
    let limit =
        |var: &'static str, from_file: fn(&FileSettings) -> Option<u64>, default: u32| match source
            .number(var, from_file)?
        {
            None => Ok(default),
            Some(n @ 1..=100_000_000) => Ok(n as u32),
            Some(n) => Err(ConfigError::Invalid {
                setting: var,
                reason: format!("`{n}` is not a number from 1 to 100000000"),
            }),
        };
    Ok(LimitSettings {
        login_failures_per_account: limit(
            "PASSPORT_LOGIN_FAILURES_PER_ACCOUNT",
            |f| f.login_failures_per_account,
            defaults.login_failures_per_account,
        )?,
        login_failures_per_client: limit(
            "PASSPORT_LOGIN_FAILURES_PER_CLIENT",
            |f| f.login_failures_per_client,
            defaults.login_failures_per_client,
        )?,
        sms_per_client_hourly: limit(
            "PASSPORT_SMS_PER_CLIENT_HOURLY",
            |f| f.sms_per_client_hourly,
            defaults.sms_per_client_hourly,
        )?,
        sms_per_client_daily: limit(
            "PASSPORT_SMS_PER_CLIENT_DAILY",
            |f| f.sms_per_client_daily,
            defaults.sms_per_client_daily,
        )?,
        sms_per_mobile_daily: limit(
            "PASSPORT_SMS_PER_MOBILE_DAILY",
            |f| f.sms_per_mobile_daily,
            defaults.sms_per_mobile_daily,
        )?,
        sms_daily: limit(
            "PASSPORT_SMS_DAILY_LIMIT",
            |f| f.sms_daily_limit,
            defaults.sms_daily,
        )?,
    })
}

fn parse_url(setting: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text).map_err(|e| ConfigError::Invalid {
        setting,
        reason: format!("`{text}` is not a URL: {e}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::Invalid {
            setting,
            reason: format!("`{text}` must be http:// or https://"),
        });
    }
    Ok(url)
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const REAL_KEY: &str = "3f9a1c0e5b7d2a4f6e8c0b1d3a5f7e9c2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";

    fn production_env() -> Vec<(&'static str, &'static str)> {
        vec![
            ("PASSPORT_PROFILE", "production"),
            ("PASSPORT_PUBLIC_BASE_URL", "https://passport.renran.cn"),
            (
                "PASSPORT_SECRET_KEY",
                "a-real-random-secret-of-more-than-32-characters",
            ),
            ("PASSPORT_TOKEN_KEY", REAL_KEY),
            ("PASSPORT_QQ_APP_ID", "101260439"),
            ("PASSPORT_QQ_APP_KEY", "real-app-key"),
            (
                "PASSPORT_QQ_REDIRECT_URI",
                "https://www.renran.cn/oauth/qq/callback",
            ),
            ("PASSPORT_SMTP_URL", "smtp://mail.renran.cn:587"),
            ("PASSPORT_MAIL_FROM", "荏苒 <no-reply@renran.cn>"),
            (
                "PASSPORT_TENCENT_SECRET_ID",
                "AKIDrealrealrealrealrealrealrealreal",
            ),
            ("PASSPORT_TENCENT_SECRET_KEY", "real-tencent-secret-key"),
            ("PASSPORT_SMS_APP_ID", "1400123456"),
            ("PASSPORT_SMS_SIGN_NAME", "荏苒"),
            ("PASSPORT_SMS_TEMPLATE_ID", "1234567"),
        ]
    }

    /// `production_env` plus a captcha app (the production default policy is `risk`).
    fn production_env_with_captcha() -> Vec<(&'static str, &'static str)> {
        let mut vars = production_env();
        vars.push(("PASSPORT_CAPTCHA_APP_ID", "2012345678"));
        vars.push(("PASSPORT_CAPTCHA_APP_SECRET_KEY", "real-captcha-secret"));
        vars
    }

    #[test]
    fn production_refuses_to_start_without_a_real_sms_provider_and_names_what_is_missing() {
        let sms_vars = [
            "PASSPORT_TENCENT_SECRET_ID",
            "PASSPORT_TENCENT_SECRET_KEY",
            "PASSPORT_SMS_APP_ID",
            "PASSPORT_SMS_SIGN_NAME",
            "PASSPORT_SMS_TEMPLATE_ID",
        ];
        let mut vars = production_env();
        vars.retain(|(k, _)| !sms_vars.contains(k));
        let text = Settings::resolve(None, &env(&vars), None)
            .expect_err("must refuse")
            .to_string();
        for var in sms_vars {
            assert!(text.contains(var), "{var} missing from: {text}");
        }
        // The outbox is no provider in production.
        let mut vars = production_env();
        vars.push(("PASSPORT_SMS_PROVIDER", "outbox"));
        let text = Settings::resolve(None, &env(&vars), None)
            .expect_err("must refuse")
            .to_string();
        assert!(text.contains("PASSPORT_SMS_PROVIDER"), "{text}");
        // Nor is the simulator: its dev key, or a plain-http endpoint.
        let mut vars = production_env();
        vars.retain(|(k, _)| *k != "PASSPORT_TENCENT_SECRET_ID");
        vars.push((
            "PASSPORT_TENCENT_SECRET_ID",
            crate::tencent::sim::DEV_SECRET_ID,
        ));
        vars.push(("PASSPORT_TENCENT_SMS_ENDPOINT", "http://127.0.0.1:8002"));
        let text = Settings::resolve(None, &env(&vars), None)
            .expect_err("must refuse")
            .to_string();
        assert!(text.contains("dev key"), "{text}");
        assert!(text.contains("PASSPORT_TENCENT_SMS_ENDPOINT"), "{text}");
        let unknown = env(&[("PASSPORT_SMS_PROVIDER", "carrier-pigeon")]);
        let err = Settings::resolve(None, &unknown, Some(Profile::Dev)).expect_err("unknown");
        assert!(err.to_string().contains("PASSPORT_SMS_PROVIDER"), "{err}");
    }

    #[test]
    fn production_sends_sms_through_tencent_cloud_with_the_key_from_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key_file = dir.path().join("tencent-key");
        std::fs::write(&key_file, "key-from-a-file\n").expect("write");
        let key_path = key_file.to_string_lossy().to_string();
        let mut vars = production_env_with_captcha();
        vars.retain(|(k, _)| *k != "PASSPORT_TENCENT_SECRET_KEY");
        vars.push(("PASSPORT_TENCENT_SECRET_KEY_FILE", key_path.as_str()));
        let s = Settings::resolve(None, &env(&vars), None).expect("resolves");
        let SmsProvider::Tencent(t) = &s.sms else {
            panic!("production sends through Tencent Cloud");
        };
        assert_eq!(t.endpoint.as_str(), "https://sms.tencentcloudapi.com/");
        assert_eq!(t.region, "ap-guangzhou");
        assert_eq!(t.secret_key.expose(), "key-from-a-file");
        assert_eq!(t.app_id, "1400123456");
        assert!(!format!("{s:?}").contains("key-from-a-file"));
    }

    #[test]
    fn dev_sends_sms_through_the_tencent_simulator_unless_told_to_use_the_outbox() {
        let s = Settings::resolve(None, &env(&[]), Some(Profile::Dev)).expect("dev");
        let SmsProvider::Tencent(t) = &s.sms else {
            panic!("dev defaults to the Tencent simulator");
        };
        assert_eq!(t.endpoint.as_str(), "http://127.0.0.1:8002/");
        assert_eq!(t.secret_id, crate::tencent::sim::DEV_SECRET_ID);
        let s = Settings::resolve(
            None,
            &env(&[("PASSPORT_SMS_PROVIDER", "outbox")]),
            Some(Profile::Dev),
        )
        .expect("dev");
        assert!(matches!(s.sms, SmsProvider::Outbox));
    }

    #[test]
    fn dev_profile_runs_on_local_defaults() {
        let s = Settings::resolve(None, &env(&[]), Some(Profile::Dev)).expect("dev resolves");
        assert_eq!(s.database_url, "sqlite://var/passport.db?mode=rwc");
        assert_eq!(s.listen, "127.0.0.1:8000");
        assert_eq!(s.qq.base_url.as_str(), "http://127.0.0.1:8001/");
        assert_eq!(
            s.qq.redirect_uri.as_str(),
            "http://127.0.0.1:8000/oauth/qq/callback"
        );
        assert!(s.mail.smtp_url.is_none());
        assert_eq!(s.jobs, JobSettings::default());
    }

    #[test]
    fn client_timeouts_and_retention_come_from_the_environment() {
        let s = Settings::resolve(None, &env(&[]), Some(Profile::Dev)).expect("resolves");
        assert_eq!(s.http, crate::server::HttpSettings::default());
        assert_eq!(s.http.header_timeout, Duration::from_secs(10));
        assert_eq!(s.retention, crate::retention::RetentionSettings::default());
        let vars = env(&[
            ("PASSPORT_HTTP_HEADER_TIMEOUT_MS", "2500"),
            ("PASSPORT_HTTP_IDLE_TIMEOUT_MS", "30000"),
            ("PASSPORT_PRUNE_INTERVAL_SECS", "60"),
            ("PASSPORT_RETENTION_SMS_CODES_HOURS", "2"),
            ("PASSPORT_RETENTION_DISCARDED_JOBS_HOURS", "48"),
        ]);
        let s = Settings::resolve(None, &vars, Some(Profile::Dev)).expect("resolves");
        assert_eq!(s.http.header_timeout, Duration::from_millis(2500));
        assert_eq!(s.http.idle_timeout, Duration::from_secs(30));
        assert_eq!(s.retention.interval, Duration::from_secs(60));
        assert_eq!(s.retention.sms_codes, Duration::from_secs(2 * 3600));
        assert_eq!(s.retention.discarded_jobs, Duration::from_secs(48 * 3600));
        let bad = env(&[("PASSPORT_RETENTION_SMS_CODES_HOURS", "a day")]);
        let err = Settings::resolve(None, &bad, Some(Profile::Dev)).expect_err("refused");
        assert!(
            err.to_string()
                .contains("PASSPORT_RETENTION_SMS_CODES_HOURS"),
            "{err}"
        );
    }

    #[test]
    fn job_timings_come_from_the_environment() {
        let vars = env(&[
            ("PASSPORT_JOB_LEASE_MS", "1500"),
            ("PASSPORT_JOB_BACKOFF_BASE_MS", "20"),
            ("PASSPORT_JOB_CONCURRENCY", "4"),
        ]);
        let s = Settings::resolve(None, &vars, Some(Profile::Dev)).expect("resolves");
        assert_eq!(s.jobs.lease, Duration::from_millis(1500));
        assert_eq!(s.jobs.backoff_base, Duration::from_millis(20));
        assert_eq!(s.jobs.concurrency, 4);
        let bad = env(&[("PASSPORT_JOB_LEASE_MS", "soon")]);
        let err = Settings::resolve(None, &bad, Some(Profile::Dev)).expect_err("refused");
        assert!(err.to_string().contains("PASSPORT_JOB_LEASE_MS"), "{err}");
    }

    #[test]
    fn proxies_and_limits_come_from_the_environment() {
        let s = Settings::resolve(None, &env(&[]), Some(Profile::Dev)).expect("resolves");
        assert!(s.trusted_proxies.is_empty(), "nobody is trusted by default");
        assert_eq!(s.limits, LimitSettings::default());
        let vars = env(&[
            ("PASSPORT_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"),
            ("PASSPORT_CLIENT_ADDRESS_HEADER", "forwarded"),
            ("PASSPORT_SMS_DAILY_LIMIT", "500"),
            ("PASSPORT_LOGIN_FAILURES_PER_CLIENT", "100"),
        ]);
        let s = Settings::resolve(None, &vars, Some(Profile::Dev)).expect("resolves");
        assert!(s.trusted_proxies.trusts("10.1.2.3".parse().expect("ip")));
        assert!(s.trusted_proxies.trusts("fd00::1".parse().expect("ip")));
        assert_eq!(s.limits.sms_daily, 500);
        assert_eq!(s.limits.login_failures_per_client, 100);
        for (var, value) in [
            ("PASSPORT_TRUSTED_PROXIES", "10.0.0.0/40"),
            ("PASSPORT_CLIENT_ADDRESS_HEADER", "x-real-ip"),
            ("PASSPORT_SMS_DAILY_LIMIT", "0"),
        ] {
            let err = Settings::resolve(None, &env(&[(var, value)]), Some(Profile::Dev))
                .expect_err("refused");
            assert!(err.to_string().contains(var), "{err}");
        }
    }

    #[test]
    fn production_without_secrets_names_every_missing_setting() {
        let err = Settings::resolve(None, &env(&[("PASSPORT_PROFILE", "production")]), None)
            .expect_err("must refuse");
        let text = err.to_string();
        for var in [
            "PASSPORT_SECRET_KEY",
            "PASSPORT_TOKEN_KEY",
            "PASSPORT_QQ_APP_ID",
            "PASSPORT_QQ_APP_KEY",
            "PASSPORT_QQ_REDIRECT_URI",
            "PASSPORT_PUBLIC_BASE_URL",
            "PASSPORT_SMTP_URL",
            "PASSPORT_MAIL_FROM",
        ] {
            assert!(text.contains(var), "{var} missing from: {text}");
        }
    }

    #[test]
    fn production_captcha_defaults_to_risk_and_names_its_missing_settings() {
        let text = Settings::resolve(None, &env(&production_env()), None)
            .expect_err("captcha settings missing")
            .to_string();
        assert!(
            text.contains("PASSPORT_CAPTCHA_APP_ID")
                && text.contains("PASSPORT_CAPTCHA_APP_SECRET_KEY"),
            "{text}"
        );
        let mut vars = production_env();
        vars.push(("PASSPORT_CAPTCHA", "off"));
        let s = Settings::resolve(None, &env(&vars), None).expect("off needs nothing");
        assert_eq!(s.captcha.policy, CaptchaPolicy::Off);
    }

    #[test]
    fn production_captcha_points_at_tencent() {
        let s =
            Settings::resolve(None, &env(&production_env_with_captcha()), None).expect("resolves");
        assert_eq!(s.captcha.policy, CaptchaPolicy::Risk);
        assert_eq!(s.captcha.app_id, 2_012_345_678);
        assert_eq!(
            s.captcha.endpoint.as_str(),
            "https://captcha.tencentcloudapi.com/"
        );
        assert_eq!(
            s.captcha.script_url.as_str(),
            "https://turing.captcha.qcloud.com/TJCaptcha.js"
        );
        let printed = format!("{s:?}");
        assert!(
            !printed.contains("real-captcha-secret")
                && !printed.contains("real-tencent-secret-key")
        );
    }

    #[test]
    fn dev_captcha_is_off_unless_set_and_uses_the_simulator() {
        let s = Settings::resolve(None, &env(&[]), Some(Profile::Dev)).expect("dev");
        assert_eq!(s.captcha.policy, CaptchaPolicy::Off);
        let s = Settings::resolve(
            None,
            &env(&[("PASSPORT_CAPTCHA", "always")]),
            Some(Profile::Dev),
        )
        .expect("dev");
        assert_eq!(s.captcha.policy, CaptchaPolicy::Always);
        assert_eq!(s.captcha.app_id, DEV_CAPTCHA_APP_ID);
        assert_eq!(
            s.captcha.script_url.as_str(),
            format!("{}captcha/TCaptcha.js", s.captcha.endpoint)
        );
        let bad = env(&[("PASSPORT_CAPTCHA", "sometimes")]);
        let err = Settings::resolve(None, &bad, Some(Profile::Dev)).expect_err("refused");
        assert!(err.to_string().contains("PASSPORT_CAPTCHA"), "{err}");
    }

    #[test]
    fn production_is_the_default_profile() {
        assert!(matches!(
            Settings::resolve(None, &env(&[]), None),
            Err(ConfigError::UnsafeProduction(_))
        ));
    }

    #[test]
    fn production_refuses_the_dev_secrets() {
        let mut vars = production_env();
        vars.retain(|(k, _)| *k != "PASSPORT_SECRET_KEY" && *k != "PASSPORT_TOKEN_KEY");
        vars.push(("PASSPORT_SECRET_KEY", DEV_SECRET_KEY));
        vars.push(("PASSPORT_TOKEN_KEY", DEV_TOKEN_KEY));
        let text = Settings::resolve(None, &env(&vars), None)
            .expect_err("must refuse")
            .to_string();
        assert!(
            text.contains("PASSPORT_SECRET_KEY") && text.contains("PASSPORT_TOKEN_KEY"),
            "{text}"
        );
    }

    #[test]
    fn production_refuses_a_short_secret_and_plain_http() {
        let mut vars = production_env();
        vars.retain(|(k, _)| *k != "PASSPORT_SECRET_KEY" && *k != "PASSPORT_PUBLIC_BASE_URL");
        vars.push(("PASSPORT_SECRET_KEY", "short"));
        vars.push(("PASSPORT_PUBLIC_BASE_URL", "http://passport.renran.cn"));
        let text = Settings::resolve(None, &env(&vars), None)
            .expect_err("must refuse")
            .to_string();
        assert!(text.contains("at least 32"), "{text}");
        assert!(text.contains("https://"), "{text}");
    }

    #[test]
    fn production_with_real_secrets_starts_and_points_at_qq() {
        let s =
            Settings::resolve(None, &env(&production_env_with_captcha()), None).expect("resolves");
        assert_eq!(s.profile, Profile::Production);
        assert_eq!(s.qq.base_url.as_str(), "https://graph.qq.com/");
        assert!(s.cors_origins.is_empty());
    }

    #[test]
    fn wechat_and_weibo_point_at_their_simulators_in_dev_and_are_off_in_production_by_default() {
        let s = Settings::resolve(None, &env(&[]), Some(Profile::Dev)).expect("dev resolves");
        let wechat = s.wechat.expect("dev has WeChat");
        assert_eq!(wechat.app_id, DEV_WECHAT_APP_ID);
        assert_eq!(wechat.api_base_url.as_str(), "http://127.0.0.1:8003/");
        assert_eq!(wechat.open_base_url.as_str(), "http://127.0.0.1:8003/");
        assert_eq!(
            wechat.redirect_uri.as_str(),
            "http://127.0.0.1:8000/oauth/wechat/callback"
        );
        let weibo = s.weibo.expect("dev has Weibo");
        assert_eq!(weibo.client_id, DEV_WEIBO_APP_KEY);
        assert_eq!(weibo.base_url.as_str(), "http://127.0.0.1:8004/");

        let s =
            Settings::resolve(None, &env(&production_env_with_captcha()), None).expect("resolves");
        assert!(s.wechat.is_none() && s.weibo.is_none());

        // Once its app id is set, production wants its secret and redirect URI too.
        let mut half = production_env_with_captcha();
        half.push(("PASSPORT_WECHAT_APP_ID", "wx1234567890abcdef"));
        let err = Settings::resolve(None, &env(&half), None).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains("PASSPORT_WECHAT_APP_SECRET is not set"),
            "{text}"
        );
        assert!(
            text.contains("PASSPORT_WECHAT_REDIRECT_URI is not set"),
            "{text}"
        );
        half.push(("PASSPORT_WECHAT_APP_SECRET", "a-real-wechat-secret"));
        half.push((
            "PASSPORT_WECHAT_REDIRECT_URI",
            "https://www.renran.cn/oauth/wechat/callback",
        ));
        half.push(("PASSPORT_WEIBO_APP_KEY", "3123456789"));
        half.push(("PASSPORT_WEIBO_APP_SECRET", DEV_WEIBO_APP_SECRET));
        half.push((
            "PASSPORT_WEIBO_REDIRECT_URI",
            "https://www.renran.cn/oauth/weibo/callback",
        ));
        let err = Settings::resolve(None, &env(&half), None).expect_err("dev secret refused");
        assert!(
            err.to_string()
                .contains("PASSPORT_WEIBO_APP_SECRET must not be the dev default"),
            "{err}"
        );
        half.pop();
        half.pop();
        half.push(("PASSPORT_WEIBO_APP_SECRET", "a-real-weibo-secret"));
        half.push((
            "PASSPORT_WEIBO_REDIRECT_URI",
            "https://www.renran.cn/oauth/weibo/callback",
        ));
        let s = Settings::resolve(None, &env(&half), None).expect("resolves");
        let wechat = s.wechat.expect("configured");
        assert_eq!(wechat.api_base_url.as_str(), "https://api.weixin.qq.com/");
        assert_eq!(wechat.open_base_url.as_str(), "https://open.weixin.qq.com/");
        let weibo = s.weibo.expect("configured");
        assert_eq!(weibo.base_url.as_str(), "https://api.weibo.com/");
        assert_eq!(weibo.client_secret.expose(), "a-real-weibo-secret");
    }

    #[test]
    fn secrets_never_print() {
        let s =
            Settings::resolve(None, &env(&production_env_with_captcha()), None).expect("resolves");
        let printed = format!("{s:?} {}", s.secret_key);
        for secret in [
            "a-real-random-secret",
            REAL_KEY,
            "real-app-key",
            "mail.renran.cn",
            "real-tencent-secret-key",
        ] {
            assert!(!printed.contains(secret), "{secret} leaked: {printed}");
        }
    }

    #[test]
    fn file_then_env_then_file_secret() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, "from-a-file-secret-of-more-than-32-chars\n").expect("write");
        let config = dir.path().join("passport.toml");
        std::fs::write(
            &config,
            "profile = \"dev\"\nlisten = \"127.0.0.1:9000\"\ncors_origins = [\"https://www.renran.cn\"]\n",
        )
        .expect("write");
        let key_file_text = key_file.to_string_lossy().to_string();
        let vars = env(&[
            ("PASSPORT_LISTEN", "127.0.0.1:9100"),
            ("PASSPORT_SECRET_KEY_FILE", key_file_text.as_str()),
        ]);
        let s = Settings::resolve(Some(&config), &vars, None).expect("resolves");
        assert_eq!(s.profile, Profile::Dev);
        assert_eq!(s.listen, "127.0.0.1:9100", "env wins over the file");
        assert_eq!(
            s.secret_key.expose(),
            "from-a-file-secret-of-more-than-32-chars"
        );
        assert_eq!(s.cors_origins, vec!["https://www.renran.cn".to_string()]);
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("passport.toml");
        std::fs::write(&config, "databse_url = \"sqlite::memory:\"\n").expect("write");
        let err =
            Settings::resolve(Some(&config), &env(&[]), Some(Profile::Dev)).expect_err("typo");
        assert!(err.to_string().contains("databse_url"), "{err}");
    }

    #[test]
    fn old_token_keys_come_from_a_list_or_a_file() {
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let listed = format!("{REAL_KEY}, {b64}");
        let s = Settings::resolve(
            None,
            &env(&[("PASSPORT_TOKEN_KEYS_OLD", listed.as_str())]),
            Some(Profile::Dev),
        )
        .expect("resolves");
        assert_eq!(s.token_keys_old.len(), 2);
        assert_eq!(s.token_keys_old[1].expose(), &[7u8; 32]);

        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("old-keys");
        std::fs::write(&file, format!("{REAL_KEY}\n{b64}\n")).expect("write");
        let path = file.to_string_lossy().to_string();
        let s = Settings::resolve(
            None,
            &env(&[("PASSPORT_TOKEN_KEYS_OLD_FILE", path.as_str())]),
            Some(Profile::Dev),
        )
        .expect("resolves");
        assert_eq!(s.token_keys_old.len(), 2);

        let none = Settings::resolve(None, &env(&[]), Some(Profile::Dev)).expect("resolves");
        assert!(none.token_keys_old.is_empty());

        let err = Settings::resolve(
            None,
            &env(&[("PASSPORT_TOKEN_KEYS_OLD", "abcd")]),
            Some(Profile::Dev),
        )
        .expect_err("a short key");
        assert!(err.to_string().contains("key #1"), "{err}");
        assert!(
            !err.to_string().contains("abcd"),
            "the value never prints: {err}"
        );
    }

    #[test]
    fn token_key_accepts_hex_and_base64_of_32_bytes_only() {
        assert!(TokenKey::parse(REAL_KEY).is_ok());
        assert!(
            TokenKey::parse(&base64::engine::general_purpose::STANDARD.encode([7u8; 32])).is_ok()
        );
        assert!(TokenKey::parse("abcd").is_err());
        assert!(
            TokenKey::parse(&base64::engine::general_purpose::STANDARD.encode([7u8; 16])).is_err()
        );
    }
}

//! The application state every handler reaches (`Data<&AppState>`), and how it is built from the
//! settings. Its own module so that `api/` depends on it without depending on `startup.rs`
//! (which depends on `api/` for the routes).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Context as _;
use sea_orm::DatabaseConnection;

use crate::accounts::callback_replay::ReplayKey;
use crate::accounts::reset_intake::ResetIntake;
use crate::accounts::social_login::{
    BindTicket, CallbackDeps, CallbackOutcome, CallbackSteps, ExchangeFailed, Exchanged,
    NewAccount, SocialLoginError, TicketDeps, TicketSteps,
};
use crate::actors::ActorHandles;
use crate::actors::binder::{BinderPool, BinderWork};
use crate::actors::exchange::ExchangePool;
use crate::captcha::{CaptchaGate, CaptchaPolicy, CaptchaVerifier};
use crate::config::{CaptchaSettings, Settings};
use crate::crypto::Security;
use crate::entities::{social_bindings, users};
use crate::metrics::Metrics;
use crate::net::ClientAddr;
use crate::oauth::qq::QqProvider;
use crate::oauth::{HttpOptions, ProviderKind, Providers};
use crate::qq::client::QqClient;
use crate::tencent::{Credentials, TencentClient, TencentClientOptions};

/// What every handler can reach: cheap to clone (everything inside is shared).
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub security: Arc<Security>,
    pub qq: Arc<QqClient>,
    /// Whether to ask QQ for unionids; switched off for good when QQ says the app may not.
    pub qq_unionid: Arc<AtomicBool>,
    /// Every provider this instance signs in with (QQ shares `qq` and `qq_unionid`).
    pub providers: Providers,
    pub exchange: ExchangePool,
    pub binder: BinderPool,
    pub metrics: Arc<Metrics>,
    /// The actors' current addresses (they follow restarts).
    pub actors: ActorHandles,
    /// Demands and verifies Tencent captcha tickets (`PASSPORT_CAPTCHA`).
    pub captcha: Arc<CaptchaGate>,
    /// Writes the password reset requests that arrive together in one transaction.
    pub reset_intake: Arc<ResetIntake>,
    /// Set once a shutdown signal arrived: `/readyz` answers 503 from then on.
    pub draining: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(settings: Settings, db: DatabaseConnection) -> anyhow::Result<Self> {
        // Logins and refreshes (QQ's share one client) at once.
        let in_flight = settings.qq_exchange_workers + settings.jobs.concurrency as usize;
        let qq =
            QqClient::with_options(&settings.qq, HttpOptions::default().keeping_idle(in_flight));
        let qq = Arc::new(qq.context("cannot build the QQ client")?);
        let qq_unionid = Arc::new(AtomicBool::new(true));
        let providers = Providers::new(
            QqProvider::new(qq.clone(), qq_unionid.clone()),
            settings.wechat.as_ref(),
            settings.weibo.as_ref(),
            &HttpOptions {
                timeout: settings.oauth_timeout,
                ..HttpOptions::default()
            }
            .keeping_idle(in_flight),
        )
        .context("cannot build the WeChat or Weibo client")?;
        let captcha = captcha_gate(&settings.captcha)?;
        Ok(Self {
            captcha: Arc::new(captcha),
            security: Arc::new(Security::new(&settings)),
            qq,
            qq_unionid,
            providers,
            exchange: ExchangePool::new(
                settings.qq_exchange_workers,
                settings.qq_exchange_wait,
                EXCHANGE_DEADLINE,
            ),
            binder: BinderPool::new(BINDERS, BINDER_DEADLINE),
            metrics: Arc::new(Metrics::default()),
            actors: ActorHandles::default(),
            draining: Arc::new(AtomicBool::new(false)),
            reset_intake: Arc::new(ResetIntake::new(db.clone())),
            db,
            settings: Arc::new(settings),
        })
    }

    /// What `accounts::social_login::callback` needs of this state.
    pub fn social_callback(&self) -> CallbackDeps<'_, Self> {
        CallbackDeps {
            db: &self.db,
            security: &self.security,
            metrics: &self.metrics,
            providers: &self.providers,
            steps: self,
        }
    }

    /// What `accounts::social_login::bind`, `register` and `link` need of this state.
    pub fn social_ticket(&self) -> TicketDeps<'_, Self> {
        TicketDeps {
            db: &self.db,
            security: &self.security,
            captcha: &self.captcha,
            limits: (&self.settings.limits).into(),
            steps: self,
        }
    }
}

/// The callback's steps run on the actors: the exchange pool, then a binder.
impl CallbackSteps for AppState {
    async fn exchange(
        &self,
        provider: ProviderKind,
        code: &str,
    ) -> Result<Exchanged, ExchangeFailed> {
        Ok(self.exchange.exchange_at(provider, code.to_owned()).await?)
    }

    async fn log_in_or_pend(
        &self,
        exchanged: Exchanged,
        replay: ReplayKey,
    ) -> Result<CallbackOutcome, SocialLoginError> {
        self.binder
            .ask(|reply| BinderWork::Callback(Box::new(exchanged), replay, reply))
            .await?
    }
}

/// A bind ticket's transactions run on a binder.
impl TicketSteps for AppState {
    async fn bind_existing(
        &self,
        ticket: BindTicket,
        user: users::Model,
        client: &ClientAddr,
    ) -> Result<(users::Model, social_bindings::Model), SocialLoginError> {
        let client = client.to_string();
        self.binder
            .ask(|reply| BinderWork::Bind(ticket, Box::new(user), client, reply))
            .await?
    }

    async fn register_and_bind(
        &self,
        ticket: BindTicket,
        account: NewAccount,
        client: &ClientAddr,
    ) -> Result<users::Model, SocialLoginError> {
        let client = client.to_string();
        self.binder
            .ask(|reply| BinderWork::Register(ticket, Box::new(account), client, reply))
            .await?
    }
}

/// The captcha gate of `settings`: nothing to build when the policy is off.
fn captcha_gate(settings: &CaptchaSettings) -> anyhow::Result<CaptchaGate> {
    if settings.policy == CaptchaPolicy::Off {
        return Ok(CaptchaGate::off());
    }
    let client = TencentClient::new(
        Credentials::new(settings.secret_id.clone(), settings.secret_key.clone()),
        TencentClientOptions::default(),
    )
    .context("cannot build the Tencent Cloud client for the captcha")?;
    let verifier = CaptchaVerifier::new(
        client,
        settings.endpoint.clone(),
        settings.app_id,
        settings.app_secret_key.clone(),
    );
    Ok(CaptchaGate::new(settings.policy, verifier))
}

/// Binders writing logins and bindings side by side.
const BINDERS: usize = 8;

/// How long the binder may take to write a login, a binding or a new account.
const BINDER_DEADLINE: Duration = Duration::from_secs(10);

/// How long a login waits for the provider's round trips (QQ's three); the worker itself stops at this deadline,
/// even mid-call, so its answer never arrives after the caller gave up.
const EXCHANGE_DEADLINE: Duration = Duration::from_secs(20);

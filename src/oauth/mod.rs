//! Social sign-in providers behind one trait: QQ (`crate::qq`), WeChat website login
//! (`wechat`) and Weibo (`weibo`). A provider turns an authorization code into a
//! [`ProviderLogin`] (tokens, the subject — openid or uid — with its unionid where the provider
//! has one, and the profile), refreshes tokens where it has a refresh grant, and classifies its
//! errors the same way for every caller: the person must log in again, the provider is down, or
//! our configuration is wrong. Wire formats: `docs/wire/{qq-connect,wechat,weibo}.md`.

pub mod qq;
pub mod wechat;
pub mod weibo;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::config::Secret;

/// Which provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    Qq,
    Wechat,
    Weibo,
}

impl ProviderKind {
    /// As stored and as in the API's paths (`/api/oauth/{provider}/…`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Qq => "qq",
            Self::Wechat => "wechat",
            Self::Weibo => "weibo",
        }
    }
}

/// What a completed login at a provider yields. Secrets print as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct ProviderLogin {
    /// The person under our app: QQ/WeChat openid, Weibo uid.
    pub subject: String,
    /// The person under the developer account (QQ, WeChat); `None` where the provider has none
    /// (Weibo: its uid is the same under every app) or the app may not ask.
    pub unionid: Option<String>,
    pub access_token: Secret,
    /// Seconds the access token lives, as the provider said.
    pub expires_in: u64,
    /// `None` where the provider has no refresh grant for websites (Weibo).
    pub refresh_token: Option<Secret>,
    pub nickname: String,
    pub avatar: String,
}

/// Fresh tokens from a refresh grant.
#[derive(Debug, Clone)]
pub struct RefreshedTokens {
    pub access_token: Secret,
    pub expires_in: u64,
    /// The refresh token to keep: a rotated one, or the one sent when the provider keeps it.
    pub refresh_token: Secret,
}

/// A provider's failure, as every caller needs it classified.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The code, token or refresh token is dead (used, expired, revoked, refused by the
    /// person): the person must go through the provider's login again.
    #[error("{provider} refused the login or token ({code}): log in again")]
    ExpiredLogin { provider: &'static str, code: i64 },
    /// Down, slow or answering nonsense: worth retrying later, not the person's fault.
    #[error("{provider} is unavailable: {detail}")]
    Unavailable {
        provider: &'static str,
        detail: String,
    },
    /// Our app id, secret, callback or permissions are wrong: retrying cannot help.
    #[error("{provider} refused our app's configuration: {detail}")]
    Misconfigured {
        provider: &'static str,
        detail: String,
    },
}

pub type ProviderFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

/// One sign-in provider.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// Where to send the browser, carrying our signed `state`.
    fn authorize_url(&self, state: &str) -> url::Url;

    /// Code → tokens → subject (+ unionid) → profile.
    fn login<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderLogin>;

    /// Renew the access token with `refresh_token`; `None` when the provider has no refresh
    /// grant for websites (the binding is renewed at the person's next login instead).
    fn refresh<'a>(&'a self, refresh_token: &'a str)
    -> Option<ProviderFuture<'a, RefreshedTokens>>;
}

/// Timeouts and pool of a provider's HTTP client; [`Default`] suits production.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub timeout: Duration,
    pub pool_max_idle_per_host: usize,
    pub pool_idle_timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(10),
            pool_max_idle_per_host: 8,
            pool_idle_timeout: Duration::from_secs(10),
        }
    }
}

fn http_client(options: &HttpOptions) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .pool_max_idle_per_host(options.pool_max_idle_per_host)
        .pool_idle_timeout(options.pool_idle_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// A transport failure, without the URL (it may carry a token).
fn transport_error(provider: &'static str, err: reqwest::Error) -> ProviderError {
    let detail = if err.is_timeout() {
        "no answer in time".to_owned()
    } else {
        crate::net::transport_detail(err)
    };
    ProviderError::Unavailable { provider, detail }
}

/// The body of an answer, or `Unavailable` on a transport failure or a 5xx.
async fn read_body(
    provider: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<(u16, String), ProviderError> {
    let response = request
        .send()
        .await
        .map_err(|e| transport_error(provider, e))?;
    let status = response.status().as_u16();
    if status >= 500 {
        return Err(ProviderError::Unavailable {
            provider,
            detail: format!("HTTP {status}"),
        });
    }
    let body = response
        .text()
        .await
        .map_err(|e| transport_error(provider, e))?;
    Ok((status, body))
}

fn malformed(provider: &'static str, what: &str) -> ProviderError {
    ProviderError::Unavailable {
        provider,
        detail: format!("a malformed answer ({what})"),
    }
}

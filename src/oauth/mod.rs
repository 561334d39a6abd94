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
use std::sync::Arc;
use std::time::Duration;

use crate::config::Secret;

/// A sign-in provider: `qq`, `wechat` (微信) or `weibo` (微博).
// As stored (`social_bindings.provider`), in the API's paths (`/api/oauth/{provider}/…`, the
// spec's enum `OauthProvider`) and in signed states and tickets.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    poem_openapi::Enum,
)]
#[oai(rename = "OauthProvider", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Qq,
    Wechat,
    Weibo,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [Self::Qq, Self::Wechat, Self::Weibo];

    /// As stored and as in the API's paths (`/api/oauth/{provider}/…`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Qq => "qq",
            Self::Wechat => "wechat",
            Self::Weibo => "weibo",
        }
    }

    /// The stored name back (`None` for anything else).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The name people know it by, for the Chinese messages (`QQ`, `微信`, `微博`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Qq => "QQ",
            Self::Wechat => "微信",
            Self::Weibo => "微博",
        }
    }

    /// A Chinese message for this provider from `template`, where `{p}` stands for its name:
    /// a Latin name (QQ) gets a space on each side inside Chinese text, a Chinese one none.
    pub fn say(self, template: &str) -> String {
        let name = match self {
            Self::Qq => " QQ ",
            other => other.label(),
        };
        template.replace("{p}", name).trim().replace(" ，", "，")
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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

/// The first half of a login: code → tokens → subject (+ unionid), without the profile (a bound
/// user's login goes on with the stored one).
#[derive(Debug, Clone)]
pub struct ProviderGrant {
    pub subject: String,
    pub unionid: Option<String>,
    pub access_token: Secret,
    pub expires_in: u64,
    pub refresh_token: Option<Secret>,
}

/// The person's profile at the provider.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderProfile {
    pub nickname: String,
    /// Empty when none.
    pub avatar: String,
    /// Where the profile names it and the grant did not (WeChat's `/sns/userinfo`).
    pub unionid: Option<String>,
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

impl ProviderError {
    /// The provider's own error code, where it gave one that asks for a new login.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::ExpiredLogin { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The person must log in at the provider again.
    pub fn needs_relogin(&self) -> bool {
        matches!(self, Self::ExpiredLogin { .. })
    }
}

pub type ProviderFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

/// One sign-in provider.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// Where to send the browser, carrying our signed `state`.
    fn authorize_url(&self, state: &str) -> url::Url;

    /// Code → tokens → subject (+ unionid): the round trips every login needs.
    fn grant<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderGrant>;

    /// The profile of `subject`, with an access token of theirs.
    fn profile<'a>(
        &'a self,
        access_token: &'a str,
        subject: &'a str,
    ) -> ProviderFuture<'a, ProviderProfile>;

    /// Code → tokens → subject (+ unionid) → profile.
    fn login<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderLogin> {
        Box::pin(async move {
            let grant = self.grant(code).await?;
            let profile = self
                .profile(grant.access_token.expose(), &grant.subject)
                .await?;
            Ok(ProviderLogin {
                unionid: grant.unionid.or(profile.unionid),
                subject: grant.subject,
                access_token: grant.access_token,
                expires_in: grant.expires_in,
                refresh_token: grant.refresh_token,
                nickname: profile.nickname,
                avatar: profile.avatar,
            })
        })
    }

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

impl HttpOptions {
    /// Keep up to `connections` idle connections per host (never fewer than the default): as
    /// many as the callers can use at once, so a burst's connections are reused by the next
    /// instead of closed and opened again (a TCP, and to the real providers a TLS, handshake
    /// each; 2 % of a login's CPU in the bench with 8 kept for 64 exchange workers).
    pub fn keeping_idle(self, connections: usize) -> Self {
        Self {
            pool_max_idle_per_host: connections.max(self.pool_max_idle_per_host),
            ..self
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

/// The providers this instance signs in with: QQ always, WeChat and Weibo when configured.
/// Cheap to clone.
#[derive(Clone)]
pub struct Providers {
    pub qq: Arc<qq::QqProvider>,
    pub wechat: Option<Arc<wechat::WechatClient>>,
    pub weibo: Option<Arc<weibo::WeiboClient>>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers")
            .field("wechat", &self.wechat.is_some())
            .field("weibo", &self.weibo.is_some())
            .finish_non_exhaustive()
    }
}

impl Providers {
    /// QQ as given, WeChat and Weibo from their settings (each `None` when not configured).
    pub fn new(
        qq: qq::QqProvider,
        wechat: Option<&wechat::WechatSettings>,
        weibo: Option<&weibo::WeiboSettings>,
        options: &HttpOptions,
    ) -> Result<Self, ProviderError> {
        Ok(Self {
            qq: Arc::new(qq),
            wechat: match wechat {
                Some(s) => Some(Arc::new(wechat::WechatClient::new(s.clone(), options)?)),
                None => None,
            },
            weibo: match weibo {
                Some(s) => Some(Arc::new(weibo::WeiboClient::new(s.clone(), options)?)),
                None => None,
            },
        })
    }

    /// The provider `kind`, when this instance is configured for it.
    pub fn get(&self, kind: ProviderKind) -> Option<&dyn Provider> {
        match kind {
            ProviderKind::Qq => Some(self.qq.as_ref()),
            ProviderKind::Wechat => self.wechat.as_deref().map(|p| p as &dyn Provider),
            ProviderKind::Weibo => self.weibo.as_deref().map(|p| p as &dyn Provider),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QqSettings;

    fn url(text: &str) -> url::Url {
        url::Url::parse(text).expect("url")
    }

    #[test]
    fn a_provider_without_settings_is_absent_and_the_others_answer_by_kind() {
        let qq = crate::qq::client::QqClient::new(&QqSettings {
            app_id: "101000001".into(),
            app_key: Secret::new("key"),
            redirect_uri: url("https://passport.example/oauth/qq/callback"),
            base_url: url("https://graph.qq.com"),
        })
        .expect("client");
        let weibo = weibo::WeiboSettings {
            client_id: "3000000001".into(),
            client_secret: Secret::new("secret"),
            redirect_uri: url("https://passport.example/oauth/weibo/callback"),
            base_url: url("https://api.weibo.com"),
        };
        let providers = Providers::new(
            qq::QqProvider::new(Arc::new(qq), Arc::default()),
            None,
            Some(&weibo),
            &HttpOptions::default(),
        )
        .expect("providers");
        assert!(providers.get(ProviderKind::Wechat).is_none());
        for kind in [ProviderKind::Qq, ProviderKind::Weibo] {
            assert_eq!(providers.get(kind).map(|p| p.kind()), Some(kind));
        }
        let authorize = providers
            .get(ProviderKind::Weibo)
            .expect("weibo")
            .authorize_url("s1");
        assert!(
            authorize
                .as_str()
                .starts_with("https://api.weibo.com/oauth2/authorize?")
        );
    }

    #[test]
    fn names_round_trip_and_messages_space_only_latin_names() {
        for kind in ProviderKind::ALL {
            assert_eq!(ProviderKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ProviderKind::parse("github"), None);
        assert_eq!(ProviderKind::Qq.say("该{p}已绑定"), "该 QQ 已绑定");
        assert_eq!(ProviderKind::Qq.say("{p}服务"), "QQ 服务");
        assert_eq!(ProviderKind::Wechat.say("尚未绑定{p}"), "尚未绑定微信");
    }
}

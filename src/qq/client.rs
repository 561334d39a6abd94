//! The typed QQ Connect client: code exchange, refresh, OpenID and profile over reqwest/rustls.
//!
//! Errors keep QQ's numeric code and sort themselves into what a caller can act on:
//! [`QqError::needs_relogin`] (send the person through QQ login again) versus
//! [`QqError::is_upstream_failure`] (QQ is down or talking nonsense: retry later) versus
//! [`QqError::is_config_error`] (our app id, key or callback is wrong: page an engineer).
//!
//! Secrets stay out of logs: the token request goes as a POST form (never in a URL), the other
//! URLs are logged through [`wire::redact_url`], and reqwest errors are stripped of their URL.

use std::fmt;

use url::Url;

use super::wire::{self, BodyError};
use crate::config::{QqSettings, Secret};

/// Bodies larger than this are refused (QQ's largest, `get_user_info`, is under 2 KiB).
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Which QQ endpoint a failure came from (for logs and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QqEndpoint {
    Token,
    Me,
    UserInfo,
}

impl QqEndpoint {
    pub fn path(self) -> &'static str {
        match self {
            Self::Token => "/oauth2.0/token",
            Self::Me => "/oauth2.0/me",
            Self::UserInfo => "/user/get_user_info",
        }
    }
}

impl fmt::Display for QqEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

/// Everything that can go wrong talking to QQ. QQ's own error codes keep their number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QqError {
    /// 100019: the authorization code is unknown or expired (10-minute lifetime).
    #[error("QQ refused the authorization code as invalid or expired (100019)")]
    CodeInvalid,
    /// 100020: the authorization code was already used.
    #[error("QQ refused the authorization code as already used (100020)")]
    CodeReused,
    /// 100010: the redirect_uri is not registered for the app or differs from the authorize one.
    #[error("QQ refused the redirect_uri (100010)")]
    RedirectMismatch,
    /// 100009 (wrong AppKey), 100008 (unknown AppID), 100011 (app not online).
    #[error("QQ refused the app credentials ({code})")]
    BadCredentials { code: i64 },
    /// 100013 illegal, 100014 expired, 100015 revoked, 100016 check failed, 100022 refresh token
    /// refused; `get_user_info`'s -23 "token is invalid" and 1002 "请先登录" too.
    #[error("QQ refused the access or refresh token ({code})")]
    TokenInvalid { code: i64 },
    /// 100048: `unionid=1` but the app has no unionid permission.
    #[error("the QQ app has no unionid permission (100048)")]
    UnionidNotPermitted,
    /// Any other QQ error (missing parameters 10000x, `get_user_info` `ret` codes, …).
    #[error("QQ error {code} on {endpoint}: {message}")]
    Api {
        endpoint: QqEndpoint,
        code: i64,
        message: String,
    },
    /// QQ answered with a non-2xx HTTP status.
    #[error("QQ answered HTTP {status} on {endpoint}")]
    Status { endpoint: QqEndpoint, status: u16 },
    /// No answer within the configured timeout.
    #[error("QQ did not answer {endpoint} in time")]
    Timeout { endpoint: QqEndpoint },
    /// Could not connect or the connection broke (the detail never contains the URL).
    #[error("cannot reach QQ ({endpoint}): {detail}")]
    Unreachable {
        endpoint: QqEndpoint,
        detail: String,
    },
    /// HTTP 200 but not a body QQ sends: HTML, junk, empty or truncated.
    #[error("QQ sent a malformed body on {endpoint}: {reason}")]
    Malformed {
        endpoint: QqEndpoint,
        reason: &'static str,
    },
    /// The HTTP client could not be built (bad settings or TLS setup).
    #[error("cannot build the QQ client: {0}")]
    Setup(String),
}

impl QqError {
    /// Map a QQ error code to its variant.
    pub fn from_code(endpoint: QqEndpoint, code: i64, message: String) -> Self {
        match code {
            100019 => Self::CodeInvalid,
            100020 => Self::CodeReused,
            100010 => Self::RedirectMismatch,
            100008 | 100009 | 100011 => Self::BadCredentials { code },
            100013..=100016 | 100022 => Self::TokenInvalid { code },
            100048 => Self::UnionidNotPermitted,
            // get_user_info's `ret` codes for a bad token / no login.
            -23 | 1002 if endpoint == QqEndpoint::UserInfo => Self::TokenInvalid { code },
            _ => Self::Api {
                endpoint,
                code,
                message,
            },
        }
    }

    /// QQ's numeric code, when QQ sent one.
    pub fn qq_code(&self) -> Option<i64> {
        match self {
            Self::CodeInvalid => Some(100019),
            Self::CodeReused => Some(100020),
            Self::RedirectMismatch => Some(100010),
            Self::UnionidNotPermitted => Some(100048),
            Self::BadCredentials { code }
            | Self::TokenInvalid { code }
            | Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The person must go through QQ login again: the code or token is dead.
    pub fn needs_relogin(&self) -> bool {
        matches!(
            self,
            Self::CodeInvalid | Self::CodeReused | Self::TokenInvalid { .. }
        )
    }

    /// QQ is down, slow or sending nonsense: worth retrying later, not the person's fault.
    pub fn is_upstream_failure(&self) -> bool {
        matches!(
            self,
            Self::Status { .. }
                | Self::Timeout { .. }
                | Self::Unreachable { .. }
                | Self::Malformed { .. }
        )
    }

    /// Our configuration is wrong (app id, key, callback, permissions): retrying will not help.
    pub fn is_config_error(&self) -> bool {
        matches!(
            self,
            Self::RedirectMismatch
                | Self::BadCredentials { .. }
                | Self::UnionidNotPermitted
                | Self::Setup(_)
        )
    }

    fn from_body(endpoint: QqEndpoint, err: BodyError) -> Self {
        match err {
            BodyError::Qq { code, message } => Self::from_code(endpoint, code, message),
            BodyError::Malformed(reason) => Self::Malformed { endpoint, reason },
        }
    }

    fn from_reqwest(endpoint: QqEndpoint, err: reqwest::Error) -> Self {
        if err.is_timeout() {
            return Self::Timeout { endpoint };
        }
        Self::Unreachable {
            endpoint,
            detail: crate::net::transport_detail(err),
        }
    }
}

/// Tokens from the token endpoint. Secrets print as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct QqToken {
    pub access_token: Secret,
    /// Seconds, as QQ sent it (always 7776000 today).
    pub expires_in: u64,
    /// QQ rotates it on every refresh; keep the newest.
    pub refresh_token: Option<Secret>,
    /// Only with `need_openid=1`, which this client does not send.
    pub openid: Option<String>,
}

/// What `/oauth2.0/me` says about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QqOpenId {
    /// The AppID the token belongs to (check it is ours).
    pub client_id: String,
    /// Stable per (app, QQ user).
    pub openid: String,
    /// Stable across the developer's apps; only when asked and permitted.
    pub unionid: Option<String>,
}

/// The profile fields we use, plus the raw parsed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QqUserInfo {
    pub nickname: String,
    pub gender: String,
    /// Best available avatar URL.
    pub avatar: Option<String>,
    pub raw: wire::UserInfoBody,
}

/// Timeouts and pool size; [`Default`] suits production (QQ closes idle connections after 15 s,
/// `Keep-Alive: timeout=15`; the pool lets them go after 10). The same for every provider.
pub type QqClientOptions = crate::oauth::HttpOptions;

/// The QQ Connect client. Cheap to clone (reqwest's pool is shared).
#[derive(Clone)]
pub struct QqClient {
    http: reqwest::Client,
    base_url: Url,
    app_id: String,
    app_key: Secret,
    redirect_uri: Url,
}

impl fmt::Debug for QqClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QqClient")
            .field("base_url", &self.base_url.as_str())
            .field("app_id", &self.app_id)
            .field("redirect_uri", &self.redirect_uri.as_str())
            .finish_non_exhaustive()
    }
}

impl QqClient {
    /// A client with production timeouts.
    pub fn new(settings: &QqSettings) -> Result<Self, QqError> {
        Self::with_options(settings, QqClientOptions::default())
    }

    pub fn with_options(settings: &QqSettings, options: QqClientOptions) -> Result<Self, QqError> {
        // reqwest (rustls-no-provider) panics at build time without a provider; installing it
        // here is idempotent and removes that trap for every caller.
        crate::install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .pool_max_idle_per_host(options.pool_max_idle_per_host)
            .pool_idle_timeout(options.pool_idle_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("renran-passport/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| QqError::Setup(e.without_url().to_string()))?;
        let mut base_url = settings.base_url.clone();
        // `join` below must keep any path prefix of the base URL.
        if !base_url.path().ends_with('/') {
            base_url.set_path(&format!("{}/", base_url.path()));
        }
        Ok(Self {
            http,
            base_url,
            app_id: settings.app_id.clone(),
            app_key: settings.app_key.clone(),
            redirect_uri: settings.redirect_uri.clone(),
        })
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    fn endpoint_url(&self, endpoint: QqEndpoint) -> Url {
        let relative = endpoint.path().trim_start_matches('/');
        // Joining a relative path onto an http(s) URL cannot fail.
        self.base_url
            .join(relative)
            .unwrap_or_else(|_| self.base_url.clone())
    }

    /// Where to send the person's browser: QQ's authorize page for our app, with `state`.
    pub fn authorize_url(&self, state: &str) -> Url {
        let mut url = self
            .base_url
            .join("oauth2.0/authorize")
            .unwrap_or_else(|_| self.base_url.clone());
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.app_id)
            .append_pair("redirect_uri", self.redirect_uri.as_str())
            .append_pair("state", state)
            .append_pair("scope", "get_user_info");
        url
    }

    /// Exchange an authorization code (from the callback) for tokens.
    pub async fn exchange_code(&self, code: &str) -> Result<QqToken, QqError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", self.app_id.as_str()),
            ("client_secret", self.app_key.expose()),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
        ];
        self.token_request(&form).await
    }

    /// Trade a refresh token for new tokens. The old refresh token is dead afterwards.
    pub async fn refresh(&self, refresh_token: &str) -> Result<QqToken, QqError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.app_id.as_str()),
            ("client_secret", self.app_key.expose()),
            ("refresh_token", refresh_token),
        ];
        self.token_request(&form).await
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<QqToken, QqError> {
        let endpoint = QqEndpoint::Token;
        let url = self.endpoint_url(endpoint);
        let request = self.http.post(url.clone()).form(form);
        let body = self.send(endpoint, &url, request).await?;
        let token = wire::parse_token(&body).map_err(|e| self.body_error(endpoint, &body, e))?;
        Ok(QqToken {
            access_token: Secret::new(token.access_token),
            expires_in: token.expires_in,
            refresh_token: token.refresh_token.map(Secret::new),
            openid: token.openid,
        })
    }

    /// The openid (and, if asked and permitted, the unionid) behind an access token.
    pub async fn openid(
        &self,
        access_token: &str,
        with_unionid: bool,
    ) -> Result<QqOpenId, QqError> {
        let endpoint = QqEndpoint::Me;
        let mut url = self.endpoint_url(endpoint);
        url.query_pairs_mut()
            .append_pair("access_token", access_token);
        if with_unionid {
            url.query_pairs_mut().append_pair("unionid", "1");
        }
        let body = self
            .send(endpoint, &url, self.http.get(url.clone()))
            .await?;
        let me = wire::parse_me(&body).map_err(|e| self.body_error(endpoint, &body, e))?;
        Ok(QqOpenId {
            client_id: me.client_id,
            openid: me.openid,
            unionid: me.unionid,
        })
    }

    /// Whose token this is, for a login: `/oauth2.0/me` with the unionid when `with_unionid`
    /// (asked again without it when the app has no unionid permission, which the second value
    /// reports so the caller can stop asking), and only if the token belongs to our app.
    pub async fn token_owner(
        &self,
        access_token: &str,
        with_unionid: bool,
    ) -> Result<(QqOpenId, bool), QqError> {
        let (me, unionid_refused) = match self.openid(access_token, with_unionid).await {
            Err(QqError::UnionidNotPermitted) => (self.openid(access_token, false).await?, true),
            other => (other?, false),
        };
        if me.client_id != self.app_id {
            return Err(QqError::Malformed {
                endpoint: QqEndpoint::Me,
                reason: "the token belongs to another app",
            });
        }
        Ok((me, unionid_refused))
    }

    /// The person's QQ profile (nickname, gender, avatars).
    pub async fn user_info(&self, access_token: &str, openid: &str) -> Result<QqUserInfo, QqError> {
        let endpoint = QqEndpoint::UserInfo;
        let mut url = self.endpoint_url(endpoint);
        url.query_pairs_mut()
            .append_pair("access_token", access_token)
            .append_pair("oauth_consumer_key", &self.app_id)
            .append_pair("openid", openid);
        let body = self
            .send(endpoint, &url, self.http.get(url.clone()))
            .await?;
        let raw = wire::parse_user_info(&body).map_err(|e| self.body_error(endpoint, &body, e))?;
        Ok(QqUserInfo {
            nickname: raw.nickname.clone(),
            gender: raw.gender.clone(),
            avatar: raw.avatar().map(str::to_owned),
            raw,
        })
    }

    /// Send, check the status, and read the body up to [`MAX_BODY_BYTES`].
    async fn send(
        &self,
        endpoint: QqEndpoint,
        url: &Url,
        request: reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, QqError> {
        let started = std::time::Instant::now();
        let result = self.send_inner(endpoint, request).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        match &result {
            Ok(body) => {
                tracing::debug!(url = %wire::redact_url(url), bytes = body.len(), elapsed_ms, "QQ answered")
            }
            Err(e) => {
                tracing::warn!(url = %wire::redact_url(url), elapsed_ms, error = %e, "QQ request failed")
            }
        }
        result
    }

    async fn send_inner(
        &self,
        endpoint: QqEndpoint,
        request: reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, QqError> {
        let mut response = request
            .send()
            .await
            .map_err(|e| QqError::from_reqwest(endpoint, e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(QqError::Status {
                endpoint,
                status: status.as_u16(),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| QqError::from_reqwest(endpoint, e))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(QqError::Malformed {
                    endpoint,
                    reason: "body larger than 64 KiB",
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn body_error(&self, endpoint: QqEndpoint, body: &[u8], err: BodyError) -> QqError {
        let err = QqError::from_body(endpoint, err);
        if matches!(err, QqError::Malformed { .. }) {
            // A short, redacted excerpt helps diagnose what QQ (or a proxy) sent.
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
            tracing::warn!(%endpoint, body = %wire::redact_body(&text), "QQ body not understood");
        }
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_sort_into_variants() {
        let e = |code| QqError::from_code(QqEndpoint::Token, code, String::new());
        assert_eq!(e(100019), QqError::CodeInvalid);
        assert_eq!(e(100020), QqError::CodeReused);
        assert_eq!(e(100010), QqError::RedirectMismatch);
        assert_eq!(e(100009), QqError::BadCredentials { code: 100009 });
        assert_eq!(e(100048), QqError::UnionidNotPermitted);
        for code in [100013, 100014, 100015, 100016, 100022] {
            assert!(e(code).needs_relogin(), "{code}");
            assert_eq!(e(code).qq_code(), Some(code));
        }
        assert!(matches!(e(100005), QqError::Api { code: 100005, .. }));
        assert!(
            matches!(e(-23), QqError::Api { code: -23, .. }),
            "-23 means a bad token only on get_user_info"
        );
        assert_eq!(
            QqError::from_code(QqEndpoint::UserInfo, -23, String::new()),
            QqError::TokenInvalid { code: -23 }
        );
        assert!(e(100009).is_config_error() && !e(100009).needs_relogin());
        assert!(
            QqError::Timeout {
                endpoint: QqEndpoint::Me
            }
            .is_upstream_failure()
        );
    }
}

//! WeChat website login (微信开放平台 网站应用), `docs/wire/wechat.md`: the QR page URL, code →
//! tokens (JSON with `openid` and `unionid`), refresh (no secret; the refresh token lives 30
//! days from the authorization), `/sns/userinfo`, `/sns/auth`. Every answer is HTTP 200, errors
//! included, as `{"errcode": N, "errmsg": "… rid: …"}`: the client switches on `errcode`.

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::{
    HttpOptions, Provider, ProviderError, ProviderFuture, ProviderGrant, ProviderKind,
    ProviderProfile, RefreshedTokens,
};
use crate::config::Secret;

const WECHAT: &str = "WeChat";

/// Where the WeChat app lives and who we are there.
#[derive(Clone, Debug)]
pub struct WechatSettings {
    /// `wx` + 16 hex digits.
    pub app_id: String,
    pub app_secret: Secret,
    pub redirect_uri: Url,
    /// `https://open.weixin.qq.com` (the QR page).
    pub open_base_url: Url,
    /// `https://api.weixin.qq.com`.
    pub api_base_url: Url,
}

/// The token endpoint's answer (code exchange and refresh).
#[derive(Debug, Clone)]
pub struct WechatToken {
    pub access_token: Secret,
    /// 7200 today.
    pub expires_in: u64,
    pub refresh_token: Secret,
    pub openid: String,
    /// Only in the code exchange's answer.
    pub unionid: Option<String>,
}

/// The profile fields we use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WechatProfile {
    pub nickname: String,
    pub headimgurl: String,
    pub unionid: Option<String>,
}

#[derive(Clone)]
pub struct WechatClient {
    http: reqwest::Client,
    settings: WechatSettings,
}

impl std::fmt::Debug for WechatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatClient")
            .field("app_id", &self.settings.app_id)
            .field("api_base_url", &self.settings.api_base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Classify a WeChat `errcode` (wire reference §5).
fn classify(code: i64, message: &str) -> ProviderError {
    // `errmsg` ends in " rid: …", a request id: keep only the text before it.
    let message = message.split(" rid:").next().unwrap_or_default();
    match code {
        40029 | 40163 | 40001 | 40003 | 42001 | 42002 | 40030 => ProviderError::ExpiredLogin {
            provider: WECHAT,
            code,
        },
        40013 | 40125 | 40002 | 41001..=41009 => ProviderError::Misconfigured {
            provider: WECHAT,
            detail: format!("{code} {message}"),
        },
        _ => ProviderError::Unavailable {
            provider: WECHAT,
            detail: format!("{code} {message}"),
        },
    }
}

/// Parse a 200 answer: an `errcode` other than 0 is an error, else `T`.
fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ProviderError> {
    let value: Value =
        serde_json::from_str(body).map_err(|_| super::malformed(WECHAT, "not JSON"))?;
    if let Some(code) = value.get("errcode").and_then(Value::as_i64)
        && code != 0
    {
        let message = value.get("errmsg").and_then(Value::as_str).unwrap_or("");
        return Err(classify(code, message));
    }
    serde_json::from_value(value).map_err(|_| super::malformed(WECHAT, "missing fields"))
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    expires_in: u64,
    refresh_token: String,
    openid: String,
    #[serde(default)]
    unionid: Option<String>,
}

impl From<TokenBody> for WechatToken {
    fn from(b: TokenBody) -> Self {
        Self {
            access_token: Secret::new(b.access_token),
            expires_in: b.expires_in,
            refresh_token: Secret::new(b.refresh_token),
            openid: b.openid,
            unionid: b.unionid.filter(|u| !u.is_empty()),
        }
    }
}

#[derive(Deserialize)]
struct UserinfoBody {
    #[serde(default)]
    nickname: String,
    #[serde(default)]
    headimgurl: String,
    #[serde(default)]
    unionid: Option<String>,
}

impl WechatClient {
    pub fn new(settings: WechatSettings, options: &HttpOptions) -> Result<Self, ProviderError> {
        let http = super::http_client(options).map_err(|e| ProviderError::Misconfigured {
            provider: WECHAT,
            detail: format!("cannot build the HTTP client: {e}"),
        })?;
        Ok(Self { http, settings })
    }

    fn api(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.settings.api_base_url.clone();
        url.set_path(path);
        url.query_pairs_mut().extend_pairs(query);
        url
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: Url) -> Result<T, ProviderError> {
        let (_, body) = super::read_body(WECHAT, self.http.get(url)).await?;
        parse(&body)
    }

    /// `/sns/oauth2/access_token`: a code (single use, 10 minutes) for tokens.
    pub async fn exchange_code(&self, code: &str) -> Result<WechatToken, ProviderError> {
        let url = self.api(
            "/sns/oauth2/access_token",
            &[
                ("appid", &self.settings.app_id),
                ("secret", self.settings.app_secret.expose()),
                ("code", code),
                ("grant_type", "authorization_code"),
            ],
        );
        self.get::<TokenBody>(url).await.map(Into::into)
    }

    /// `/sns/oauth2/refresh_token`: renew the access token (no secret sent).
    pub async fn refresh(&self, refresh_token: &str) -> Result<WechatToken, ProviderError> {
        let url = self.api(
            "/sns/oauth2/refresh_token",
            &[
                ("appid", &self.settings.app_id),
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        );
        self.get::<TokenBody>(url).await.map(Into::into)
    }

    /// `/sns/userinfo`: nickname and avatar (sex and region are no longer sent).
    pub async fn userinfo(
        &self,
        access_token: &str,
        openid: &str,
    ) -> Result<WechatProfile, ProviderError> {
        let url = self.api(
            "/sns/userinfo",
            &[
                ("access_token", access_token),
                ("openid", openid),
                ("lang", "zh_CN"),
            ],
        );
        let body: UserinfoBody = self.get(url).await?;
        Ok(WechatProfile {
            nickname: body.nickname,
            headimgurl: body.headimgurl,
            unionid: body.unionid.filter(|u| !u.is_empty()),
        })
    }

    /// `/sns/auth`: is this access token valid for this openid?
    pub async fn check(&self, access_token: &str, openid: &str) -> Result<(), ProviderError> {
        let url = self.api(
            "/sns/auth",
            &[("access_token", access_token), ("openid", openid)],
        );
        self.get::<Value>(url).await.map(|_| ())
    }
}

impl Provider for WechatClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Wechat
    }

    fn authorize_url(&self, state: &str) -> Url {
        let mut url = self.settings.open_base_url.clone();
        url.set_path("/connect/qrconnect");
        url.query_pairs_mut()
            .append_pair("appid", &self.settings.app_id)
            .append_pair("redirect_uri", self.settings.redirect_uri.as_str())
            .append_pair("response_type", "code")
            .append_pair("scope", "snsapi_login")
            .append_pair("state", state);
        url.set_fragment(Some("wechat_redirect"));
        url
    }

    fn grant<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderGrant> {
        Box::pin(async move {
            let token = self.exchange_code(code).await?;
            Ok(ProviderGrant {
                subject: token.openid,
                unionid: token.unionid,
                access_token: token.access_token,
                expires_in: token.expires_in,
                refresh_token: Some(token.refresh_token),
            })
        })
    }

    fn profile<'a>(
        &'a self,
        access_token: &'a str,
        subject: &'a str,
    ) -> ProviderFuture<'a, ProviderProfile> {
        Box::pin(async move {
            let profile = self.userinfo(access_token, subject).await?;
            Ok(ProviderProfile {
                nickname: profile.nickname,
                avatar: profile.headimgurl,
                unionid: profile.unionid,
            })
        })
    }

    fn refresh<'a>(
        &'a self,
        refresh_token: &'a str,
    ) -> Option<ProviderFuture<'a, RefreshedTokens>> {
        Some(Box::pin(async move {
            let token = WechatClient::refresh(self, refresh_token).await?;
            Ok(RefreshedTokens {
                access_token: token.access_token,
                expires_in: token.expires_in,
                refresh_token: token.refresh_token,
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified_by_errcode_not_by_text() {
        let expired = parse::<Value>(r#"{"errcode":40163,"errmsg":"code been used rid: 1-2-3"}"#);
        assert!(matches!(
            expired,
            Err(ProviderError::ExpiredLogin { code: 40163, .. })
        ));
        let config = parse::<Value>(r#"{"errcode":40125,"errmsg":"invalid appsecret rid: 6-7-8"}"#);
        match config {
            Err(ProviderError::Misconfigured { detail, .. }) => {
                assert_eq!(detail, "40125 invalid appsecret")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse::<Value>(r#"{"errcode":-1,"errmsg":"system error"}"#),
            Err(ProviderError::Unavailable { .. })
        ));
        assert!(matches!(
            parse::<Value>("<html>"),
            Err(ProviderError::Unavailable { .. })
        ));
        assert!(parse::<Value>(r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
    }
}

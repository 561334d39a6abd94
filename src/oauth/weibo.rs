//! Weibo OAuth2 for websites, `docs/wire/weibo.md`: the authorize URL, `POST
//! /oauth2/access_token` (its `uid` a string), `/2/users/show.json`, `/oauth2/get_token_info`.
//! Errors are `{"error", "error_code", "request"}` with a 4xx status. No refresh grant for
//! websites: a binding's token is renewed at the person's next login.

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::{
    HttpOptions, Provider, ProviderError, ProviderFuture, ProviderGrant, ProviderKind,
    ProviderProfile, RefreshedTokens,
};
use crate::config::Secret;

const WEIBO: &str = "Weibo";

/// Where the Weibo app lives and who we are there.
#[derive(Clone, Debug)]
pub struct WeiboSettings {
    /// The App Key.
    pub client_id: String,
    pub client_secret: Secret,
    pub redirect_uri: Url,
    /// `https://api.weibo.com`.
    pub base_url: Url,
}

/// The token endpoint's answer.
#[derive(Debug, Clone)]
pub struct WeiboToken {
    pub access_token: Secret,
    /// About five years for a reviewed app, one day for an unreviewed one.
    pub expires_in: u64,
    pub uid: String,
}

/// `get_token_info`: whose token and how long it has left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeiboTokenInfo {
    pub uid: String,
    pub appkey: String,
    /// Seconds left.
    pub expire_in: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeiboProfile {
    pub screen_name: String,
    pub avatar: String,
}

#[derive(Clone)]
pub struct WeiboClient {
    http: reqwest::Client,
    settings: WeiboSettings,
}

impl std::fmt::Debug for WeiboClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WeiboClient")
            .field("client_id", &self.settings.client_id)
            .field("base_url", &self.settings.base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Classify a Weibo `error_code` (wire reference §5).
fn classify(code: i64, error: &str) -> ProviderError {
    match code {
        21325 | 21330 | 21327 | 21332 => ProviderError::ExpiredLogin {
            provider: WEIBO,
            code,
        },
        21322 | 21323 | 21324 | 21326 | 21328 | 21329 | 21337 | 10006 | 10016 | 10021 => {
            ProviderError::Misconfigured {
                provider: WEIBO,
                detail: format!("{code} {error}"),
            }
        }
        _ => ProviderError::Unavailable {
            provider: WEIBO,
            detail: format!("{code} {error}"),
        },
    }
}

/// A body with `error_code` is an error whatever the status; else `T`.
fn parse<T: serde::de::DeserializeOwned>(status: u16, body: &str) -> Result<T, ProviderError> {
    let value: Value =
        serde_json::from_str(body).map_err(|_| super::malformed(WEIBO, "not JSON"))?;
    if let Some(code) = value.get("error_code").and_then(Value::as_i64) {
        let error = value.get("error").and_then(Value::as_str).unwrap_or("");
        return Err(classify(code, error));
    }
    if status >= 400 {
        return Err(super::malformed(
            WEIBO,
            "an error status without error_code",
        ));
    }
    serde_json::from_value(value).map_err(|_| super::malformed(WEIBO, "missing fields"))
}

/// `uid` is a string in the token answer and a number elsewhere.
fn id_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    expires_in: u64,
    uid: Value,
}

#[derive(Deserialize)]
struct TokenInfoBody {
    uid: Value,
    #[serde(default)]
    appkey: Value,
    expire_in: i64,
}

#[derive(Deserialize)]
struct UserBody {
    #[serde(default)]
    screen_name: String,
    #[serde(default)]
    avatar_large: String,
    #[serde(default)]
    profile_image_url: String,
}

impl WeiboClient {
    pub fn new(settings: WeiboSettings, options: &HttpOptions) -> Result<Self, ProviderError> {
        let http = super::http_client(options).map_err(|e| ProviderError::Misconfigured {
            provider: WEIBO,
            detail: format!("cannot build the HTTP client: {e}"),
        })?;
        Ok(Self { http, settings })
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.settings.base_url.clone();
        url.set_path(path);
        url
    }

    /// `POST /oauth2/access_token`: a code (single use) for a token and the uid.
    pub async fn exchange_code(&self, code: &str) -> Result<WeiboToken, ProviderError> {
        let form = [
            ("client_id", self.settings.client_id.as_str()),
            ("client_secret", self.settings.client_secret.expose()),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.settings.redirect_uri.as_str()),
        ];
        let request = self.http.post(self.url("/oauth2/access_token")).form(&form);
        let (status, body) = super::read_body(WEIBO, request).await?;
        let body: TokenBody = parse(status, &body)?;
        let uid = id_string(&body.uid).ok_or_else(|| super::malformed(WEIBO, "no uid"))?;
        Ok(WeiboToken {
            access_token: Secret::new(body.access_token),
            expires_in: body.expires_in,
            uid,
        })
    }

    /// `POST /oauth2/get_token_info`.
    pub async fn token_info(&self, access_token: &str) -> Result<WeiboTokenInfo, ProviderError> {
        let request = self
            .http
            .post(self.url("/oauth2/get_token_info"))
            .form(&[("access_token", access_token)]);
        let (status, body) = super::read_body(WEIBO, request).await?;
        let body: TokenInfoBody = parse(status, &body)?;
        Ok(WeiboTokenInfo {
            uid: id_string(&body.uid).ok_or_else(|| super::malformed(WEIBO, "no uid"))?,
            appkey: id_string(&body.appkey).unwrap_or_default(),
            expire_in: body.expire_in,
        })
    }

    /// `GET /2/users/show.json`: the screen name and the 180 px avatar.
    pub async fn users_show(
        &self,
        access_token: &str,
        uid: &str,
    ) -> Result<WeiboProfile, ProviderError> {
        let mut url = self.url("/2/users/show.json");
        url.query_pairs_mut()
            .append_pair("access_token", access_token)
            .append_pair("uid", uid);
        let (status, body) = super::read_body(WEIBO, self.http.get(url)).await?;
        let body: UserBody = parse(status, &body)?;
        Ok(WeiboProfile {
            screen_name: body.screen_name,
            avatar: if body.avatar_large.is_empty() {
                body.profile_image_url
            } else {
                body.avatar_large
            },
        })
    }
}

impl Provider for WeiboClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Weibo
    }

    fn authorize_url(&self, state: &str) -> Url {
        let mut url = self.url("/oauth2/authorize");
        url.query_pairs_mut()
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", self.settings.redirect_uri.as_str())
            .append_pair("response_type", "code")
            .append_pair("state", state);
        url
    }

    fn grant<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderGrant> {
        Box::pin(async move {
            let token = self.exchange_code(code).await?;
            Ok(ProviderGrant {
                subject: token.uid,
                unionid: None,
                access_token: token.access_token,
                expires_in: token.expires_in,
                refresh_token: None,
            })
        })
    }

    fn profile<'a>(
        &'a self,
        access_token: &'a str,
        subject: &'a str,
    ) -> ProviderFuture<'a, ProviderProfile> {
        Box::pin(async move {
            let profile = self.users_show(access_token, subject).await?;
            Ok(ProviderProfile {
                nickname: profile.screen_name,
                avatar: profile.avatar,
                unionid: None,
            })
        })
    }

    /// Websites get no refresh grant from Weibo.
    fn refresh<'a>(&'a self, _: &'a str) -> Option<ProviderFuture<'a, RefreshedTokens>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified_by_error_code_whatever_the_status() {
        let body =
            r#"{"error":"invalid_grant","error_code":21325,"request":"/oauth2/access_token"}"#;
        assert!(matches!(
            parse::<Value>(400, body),
            Err(ProviderError::ExpiredLogin { code: 21325, .. })
        ));
        let body =
            r#"{"error":"invalid_client","error_code":21324,"request":"/oauth2/access_token"}"#;
        assert!(matches!(
            parse::<Value>(401, body),
            Err(ProviderError::Misconfigured { .. })
        ));
        assert!(matches!(
            parse::<Value>(403, "{}"),
            Err(ProviderError::Unavailable { .. })
        ));
        assert_eq!(
            id_string(&serde_json::json!("1567896867")).as_deref(),
            Some("1567896867")
        );
        assert_eq!(
            id_string(&serde_json::json!(1073880650)).as_deref(),
            Some("1073880650")
        );
    }
}

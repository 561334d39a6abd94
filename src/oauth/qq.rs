//! QQ Connect behind [`Provider`]: the typed client in `crate::qq` does the wire work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{
    Provider, ProviderError, ProviderFuture, ProviderGrant, ProviderKind, ProviderProfile,
    RefreshedTokens,
};
use crate::qq::client::{QqClient, QqError};

const QQ: &str = "QQ";

impl From<QqError> for ProviderError {
    fn from(e: QqError) -> Self {
        if e.needs_relogin() {
            return Self::ExpiredLogin {
                provider: QQ,
                code: e.qq_code().unwrap_or_default(),
            };
        }
        if e.is_config_error() {
            return Self::Misconfigured {
                provider: QQ,
                detail: e.to_string(),
            };
        }
        Self::Unavailable {
            provider: QQ,
            detail: e.to_string(),
        }
    }
}

/// Token, then `/oauth2.0/me` with the unionid unless `ask_unionid` says the app may not (it is
/// switched off for good when QQ refuses).
async fn qq_grant(
    client: &QqClient,
    code: &str,
    ask_unionid: Option<&AtomicBool>,
) -> Result<ProviderGrant, ProviderError> {
    let token = client.exchange_code(code).await?;
    let access = token.access_token.expose();
    let ask = ask_unionid.is_none_or(|a| a.load(Ordering::Relaxed));
    let (me, unionid_refused) = client.token_owner(access, ask).await?;
    if unionid_refused && let Some(flag) = ask_unionid {
        // This app has no unionid permission: stop asking.
        flag.store(false, Ordering::Relaxed);
    }
    Ok(ProviderGrant {
        subject: me.openid,
        unionid: me.unionid,
        access_token: token.access_token,
        expires_in: token.expires_in,
        refresh_token: token.refresh_token,
    })
}

/// The client alone asks for the unionid at every login (see [`QqProvider`] for the service's).
impl Provider for QqClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Qq
    }

    fn authorize_url(&self, state: &str) -> url::Url {
        QqClient::authorize_url(self, state)
    }

    fn grant<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderGrant> {
        Box::pin(qq_grant(self, code, None))
    }

    fn profile<'a>(
        &'a self,
        access_token: &'a str,
        subject: &'a str,
    ) -> ProviderFuture<'a, ProviderProfile> {
        Box::pin(async move {
            let info = self.user_info(access_token, subject).await?;
            Ok(ProviderProfile {
                nickname: info.nickname,
                avatar: info.avatar.unwrap_or_default(),
                unionid: None,
            })
        })
    }

    fn refresh<'a>(
        &'a self,
        refresh_token: &'a str,
    ) -> Option<ProviderFuture<'a, RefreshedTokens>> {
        Some(Box::pin(async move {
            let token = QqClient::refresh(self, refresh_token).await?;
            Ok(RefreshedTokens {
                access_token: token.access_token,
                expires_in: token.expires_in,
                refresh_token: token
                    .refresh_token
                    .unwrap_or_else(|| crate::config::Secret::new(refresh_token)),
            })
        }))
    }
}

/// QQ as the service signs in with it: the client, and whether to ask QQ for unionids (switched
/// off for good, shared by every login, once QQ says this app may not).
#[derive(Clone, Debug)]
pub struct QqProvider {
    pub client: Arc<QqClient>,
    pub ask_unionid: Arc<AtomicBool>,
}

impl QqProvider {
    pub fn new(client: Arc<QqClient>, ask_unionid: Arc<AtomicBool>) -> Self {
        Self {
            client,
            ask_unionid,
        }
    }
}

impl Provider for QqProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Qq
    }

    fn authorize_url(&self, state: &str) -> url::Url {
        self.client.authorize_url(state)
    }

    fn grant<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderGrant> {
        Box::pin(qq_grant(&self.client, code, Some(&self.ask_unionid)))
    }

    fn profile<'a>(
        &'a self,
        access_token: &'a str,
        subject: &'a str,
    ) -> ProviderFuture<'a, ProviderProfile> {
        self.client.as_ref().profile(access_token, subject)
    }

    fn refresh<'a>(
        &'a self,
        refresh_token: &'a str,
    ) -> Option<ProviderFuture<'a, RefreshedTokens>> {
        Provider::refresh(self.client.as_ref(), refresh_token)
    }
}

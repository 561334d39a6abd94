//! QQ Connect behind [`Provider`]: the typed client in `crate::qq` does the wire work.

use super::{
    Provider, ProviderError, ProviderFuture, ProviderKind, ProviderLogin, RefreshedTokens,
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

impl Provider for QqClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Qq
    }

    fn authorize_url(&self, state: &str) -> url::Url {
        QqClient::authorize_url(self, state)
    }

    fn login<'a>(&'a self, code: &'a str) -> ProviderFuture<'a, ProviderLogin> {
        Box::pin(async move {
            let token = self.exchange_code(code).await?;
            let access = token.access_token.expose();
            let (me, _) = self.token_owner(access, true).await?;
            let info = self.user_info(access, &me.openid).await?;
            Ok(ProviderLogin {
                subject: me.openid,
                unionid: me.unionid,
                access_token: token.access_token,
                expires_in: token.expires_in,
                refresh_token: token.refresh_token,
                nickname: info.nickname,
                avatar: info.avatar.unwrap_or_default(),
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

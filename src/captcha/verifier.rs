//! `DescribeCaptchaResult` (captcha.tencentcloudapi.com, version 2019-07-22): is this ticket a
//! pass for our app, from this address? `CaptchaCode` 1 means yes; every other code is a no
//! (7 randstr mismatch, 8 expired, 9 reused, 15 not a ticket, 16 another app's ticket, 21 risk,
//! 100 app id / secret key / ticket mismatch).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;
use url::Url;

use super::{CaptchaAnswer, CaptchaError};
use crate::accounts::throttle::{self, Limit};
use crate::config::Secret;
use crate::tencent::client::TencentClient;

pub const SERVICE: &str = "captcha";
pub const ACTION: &str = "DescribeCaptchaResult";
pub const VERSION: &str = "2019-07-22";
/// Tencent's only value for web and app captchas.
pub const CAPTCHA_TYPE: u64 = 9;
/// `CaptchaCode` of a pass.
pub const PASSED: i64 = 1;

/// A ticket is marked used for this long (Tencent's tickets live 5 minutes).
const TICKET_MEMORY: Limit = Limit {
    max: 1,
    window: Duration::from_secs(3600),
};

/// Why Tencent said no, or could not say.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// A `CaptchaCode` other than 1.
    #[error("captcha refused: CaptchaCode {code} ({message})")]
    Refused { code: i64, message: String },
    /// An error answer, a transport failure or a body without `CaptchaCode`.
    #[error("{0}")]
    Upstream(String),
}

/// Asks Tencent about tickets for one captcha app.
pub struct CaptchaVerifier {
    client: TencentClient,
    endpoint: Url,
    app_id: u64,
    app_secret_key: Secret,
}

impl CaptchaVerifier {
    pub fn new(client: TencentClient, endpoint: Url, app_id: u64, app_secret_key: Secret) -> Self {
        Self {
            client,
            endpoint,
            app_id,
            app_secret_key,
        }
    }

    /// Verify `answer` once: the ticket is marked used first (in the shared database, so every
    /// instance agrees), then Tencent is asked.
    pub async fn verify<C: ConnectionTrait>(
        &self,
        db: &C,
        answer: &CaptchaAnswer,
        client_ip: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CaptchaError> {
        let key = throttle::key("captcha_ticket", answer.ticket());
        let seen = throttle::hit(db, &key, TICKET_MEMORY, now).await?;
        if seen.exceeds(TICKET_MEMORY) {
            tracing::info!("captcha ticket presented again; refused without asking Tencent");
            return Err(CaptchaError::Failed);
        }
        match self.describe(answer, client_ip).await {
            Ok(()) => Ok(()),
            Err(VerifyError::Refused { code, message }) => {
                if code == 100 {
                    // Also what a wrong PASSPORT_CAPTCHA_APP_SECRET_KEY looks like.
                    tracing::warn!(code, %message, "captcha refused: app id, secret key and ticket do not match");
                } else {
                    tracing::info!(code, %message, "captcha refused");
                }
                Err(CaptchaError::Failed)
            }
            Err(VerifyError::Upstream(cause)) => Err(CaptchaError::Unavailable(cause)),
        }
    }

    /// One `DescribeCaptchaResult` call.
    pub async fn describe(
        &self,
        answer: &CaptchaAnswer,
        client_ip: &str,
    ) -> Result<(), VerifyError> {
        let payload = json!({
            "CaptchaType": CAPTCHA_TYPE,
            "Ticket": answer.ticket(),
            "UserIp": client_ip,
            "Randstr": answer.randstr(),
            "CaptchaAppId": self.app_id,
            "AppSecretKey": self.app_secret_key.expose(),
        });
        let response = self
            .client
            .call(SERVICE, &self.endpoint, ACTION, VERSION, None, &payload)
            .await
            .map_err(|e| VerifyError::Upstream(e.to_string()))?;
        let code = response
            .get("CaptchaCode")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| VerifyError::Upstream("answer without CaptchaCode".into()))?;
        if code == PASSED {
            return Ok(());
        }
        let message = response
            .get("CaptchaMsg")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Err(VerifyError::Refused { code, message })
    }
}

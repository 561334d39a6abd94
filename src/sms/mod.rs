//! Outgoing SMS through a pluggable [`SmsGateway`]: [`TencentSmsGateway`] (Tencent Cloud SMS,
//! or its simulator in dev) or [`OutboxGateway`] (dev only: the text straight into the outbox,
//! `/dev/outbox`). Messages are sent from durable jobs (`jobs::NewJob::sms`).
//!
//! A Chinese SMS provider sends only approved templates, so an [`Sms`] carries the template's
//! parameters ([`SmsMessage`]), not free text; [`SmsMessage::text`] renders what the phone shows.

pub mod job;
mod tencent;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

pub use tencent::TencentSmsGateway;

use crate::mail::{MessageKind, Outbox, OutboxMessage};

/// The signature every SMS starts with (`【荏苒】`), as the carrier prints it.
pub const SIGN_NAME: &str = "荏苒";

/// One templated message to one mobile number (the 11 digits of a mainland mobile, or E.164).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sms {
    pub mobile: String,
    #[serde(flatten)]
    pub message: SmsMessage,
}

/// What passport sends by SMS, each one a template with its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum SmsMessage {
    /// A verification code and how many minutes it stays valid (template parameters `{1}`, `{2}`).
    VerificationCode { code: String, minutes: u32 },
}

impl Sms {
    pub fn verification_code(
        mobile: impl Into<String>,
        code: impl Into<String>,
        minutes: u32,
    ) -> Self {
        Self {
            mobile: mobile.into(),
            message: SmsMessage::VerificationCode {
                code: code.into(),
                minutes,
            },
        }
    }
}

impl SmsMessage {
    /// The template's parameters, in order (`TemplateParamSet`).
    pub fn template_params(&self) -> Vec<String> {
        match self {
            SmsMessage::VerificationCode { code, minutes } => {
                vec![code.clone(), minutes.to_string()]
            }
        }
    }

    /// The text the phone shows: the signature, then the rendered template.
    pub fn text(&self) -> String {
        match self {
            SmsMessage::VerificationCode { code, minutes } => {
                format!("【{SIGN_NAME}】您的验证码是{code}，{minutes}分钟内有效。请勿告诉他人。")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The gateway refused this message for good (bad number, content rejected).
    #[error("the SMS gateway rejected the message: {0}")]
    Rejected(String),
    /// Worth retrying: the gateway is down, slow or rate-limiting us.
    #[error("the SMS gateway is unavailable: {0}")]
    Unavailable(String),
    #[error("cannot write to the outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

impl SmsError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SmsError::Rejected(_))
    }
}

/// The gateway the settings choose (`PASSPORT_SMS_PROVIDER`).
pub fn gateway(
    settings: &crate::config::Settings,
) -> Result<std::sync::Arc<dyn SmsGateway>, crate::tencent::TencentError> {
    Ok(match &settings.sms {
        crate::config::SmsProvider::Outbox => {
            std::sync::Arc::new(OutboxGateway(Outbox::new(settings.mail.outbox_dir.clone())))
        }
        crate::config::SmsProvider::Tencent(tencent) => {
            std::sync::Arc::new(TencentSmsGateway::new(tencent)?)
        }
    })
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

/// An SMS provider. `key` is the job's idempotency key: pass it on where the provider accepts
/// one (many do, as a client message id), so a retried job is not charged or delivered twice.
pub trait SmsGateway: Send + Sync + 'static {
    fn send<'a>(&'a self, sms: &'a Sms, key: &'a str) -> SendFuture<'a>;
}

/// The embedded default: every SMS lands in the outbox.
pub struct OutboxGateway(pub Outbox);

impl SmsGateway for OutboxGateway {
    fn send<'a>(&'a self, sms: &'a Sms, key: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            if !is_plausible_mobile(&sms.mobile) {
                return Err(SmsError::Rejected(format!(
                    "`{}` is not a mobile number",
                    sms.mobile
                )));
            }
            self.0
                .write(
                    key,
                    &OutboxMessage {
                        kind: MessageKind::Sms,
                        to: sms.mobile.clone(),
                        subject: String::new(),
                        body: sms.message.text(),
                        sent_at: chrono::Utc::now(),
                    },
                )
                .await?;
            Ok(())
        })
    }
}

/// Digits with an optional leading `+`, 5 to 20 of them: what any gateway would accept at all.
fn is_plausible_mobile(mobile: &str) -> bool {
    let digits = mobile.strip_prefix('+').unwrap_or(mobile);
    (5..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_outbox_gateway_stores_the_text_and_refuses_garbage_numbers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gateway = OutboxGateway(Outbox::new(dir.path()));
        let sms = Sms::verification_code("13800138000", "123456", 5);
        gateway.send(&sms, "k").await.expect("sent");
        let stored = Outbox::new(dir.path()).read_all().await.expect("read");
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].kind, MessageKind::Sms);
        assert_eq!(
            stored[0].body,
            "【荏苒】您的验证码是123456，5分钟内有效。请勿告诉他人。"
        );
        let bad = Sms::verification_code("call me", "123456", 5);
        assert!(
            gateway
                .send(&bad, "k2")
                .await
                .expect_err("refused")
                .is_permanent()
        );
    }

    #[test]
    fn an_sms_job_payload_names_its_template_and_parameters() {
        let sms = Sms::verification_code("13800138000", "123456", 5);
        let json = serde_json::to_value(&sms).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"mobile":"13800138000","template":"verification_code","code":"123456","minutes":5})
        );
        assert_eq!(serde_json::from_value::<Sms>(json).expect("back"), sms);
        assert_eq!(sms.message.template_params(), ["123456", "5"]);
    }
}

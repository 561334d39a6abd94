//! Outgoing SMS through a pluggable [`SmsGateway`]. The embedded default, [`OutboxGateway`],
//! writes each message to the outbox (`/dev/outbox`); a real provider implements the trait and is
//! handed to the SMS sender actor. Messages are sent from durable jobs (`jobs::NewJob::sms`).

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::mail::{MessageKind, Outbox, OutboxMessage};

/// One text message to one mobile number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sms {
    pub mobile: String,
    pub text: String,
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
                        body: sms.text.clone(),
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
        let sms = Sms {
            mobile: "13800138000".into(),
            text: "验证码 123456".into(),
        };
        gateway.send(&sms, "k").await.expect("sent");
        let stored = Outbox::new(dir.path()).read_all().await.expect("read");
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].kind, MessageKind::Sms);
        assert_eq!(stored[0].body, "验证码 123456");
        let bad = Sms {
            mobile: "call me".into(),
            text: "x".into(),
        };
        assert!(
            gateway
                .send(&bad, "k2")
                .await
                .expect_err("refused")
                .is_permanent()
        );
    }
}

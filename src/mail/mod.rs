//! Outgoing mail: what a mail is ([`Mail`]) and how it leaves ([`Mailer`]): over SMTP when
//! `PASSPORT_SMTP_URL` is set, otherwise into the [`Outbox`] that `/dev/outbox` shows. The mail
//! itself is sent by the mailer actor from a durable job (`jobs::NewJob::mail`), never inline.

pub mod job;
pub mod outbox;
pub mod smtp;

use std::time::Duration;

use lettre::Message;
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use serde::{Deserialize, Serialize};

pub use outbox::{MessageKind, Outbox, OutboxMessage};
pub use smtp::SmtpPool;

use crate::config::MailSettings;

/// One mail to one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// The plain-text body (always present: it is what text-only clients and the outbox show).
    pub text: String,
    /// An optional HTML alternative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

impl Mail {
    pub fn text(
        to: impl Into<String>,
        subject: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self {
            to: to.into(),
            subject: subject.into(),
            text: text.into(),
            html: None,
        }
    }

    pub fn with_html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid mail address `{address}`: {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot connect to the SMTP server: {0}")]
    Connect(std::io::Error),
    #[error("the SMTP server did not answer in time")]
    SmtpTimeout,
    #[error("cannot write to the outbox: {0}")]
    Outbox(#[from] std::io::Error),
    #[error("mail configuration: {0}")]
    Config(String),
}

impl MailError {
    /// Errors that no retry can fix (a malformed address). SMTP failures, even 5xx ones, are
    /// retried: a relay's configuration can be fixed while the job waits.
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::InvalidAddress { .. } | MailError::Build(_))
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        pool: std::sync::Arc<SmtpPool>,
        from: Mailbox,
    },
    Outbox(Outbox),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The URL may hold SMTP credentials: never printed.
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
            Mailer::Outbox(o) => write!(f, "Mailer::Outbox({})", o.dir().display()),
        }
    }
}

impl Mailer {
    /// SMTP from `smtp_url` (`smtp://host:port`, `smtps://…`, `?tls=required`, credentials in
    /// the URL), or the outbox when it is unset. Builds no connection yet.
    ///
    /// The SMTP pool keeps up to `pool_size` connections open between mails (size it like the
    /// job concurrency); each has `TCP_NODELAY` (see [`smtp`]).
    pub fn from_settings(
        settings: &MailSettings,
        timeout: Duration,
        pool_size: u32,
    ) -> Result<Self, MailError> {
        let Some(url) = &settings.smtp_url else {
            return Ok(Mailer::Outbox(Outbox::new(settings.outbox_dir.clone())));
        };
        let from = parse_mailbox(&settings.from)?;
        let pool = SmtpPool::new(url.expose(), timeout, pool_size.max(1) as usize)?;
        Ok(Mailer::Smtp {
            pool: std::sync::Arc::new(pool),
            from,
        })
    }

    /// When SMTP comes back after an outage: the time the outage began (see
    /// [`SmtpPool::recoveries`]). `None` for the outbox, which has no outages.
    pub fn recoveries(
        &self,
    ) -> Option<tokio::sync::watch::Receiver<Option<chrono::DateTime<chrono::Utc>>>> {
        match self {
            Mailer::Smtp { pool, .. } => Some(pool.recoveries()),
            Mailer::Outbox(_) => None,
        }
    }

    /// Send `mail`. `key` (the job's idempotency key) becomes the `Message-ID`, so a mail sent
    /// twice by a retry is recognisably the same message, and names the outbox file.
    pub async fn send(&self, mail: &Mail, key: &str) -> Result<(), MailError> {
        match self {
            Mailer::Smtp { pool, from } => {
                let message = build_message(from.clone(), mail, key)?;
                pool.send(message.envelope(), &message.formatted()).await
            }
            Mailer::Outbox(outbox) => {
                parse_mailbox(&mail.to)?;
                outbox
                    .write(
                        key,
                        &OutboxMessage {
                            kind: MessageKind::Mail,
                            to: mail.to.clone(),
                            subject: mail.subject.clone(),
                            body: mail.text.clone(),
                            sent_at: chrono::Utc::now(),
                        },
                    )
                    .await?;
                Ok(())
            }
        }
    }
}

fn parse_mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse::<Mailbox>()
        .map_err(|e| MailError::InvalidAddress {
            address: address.to_owned(),
            reason: e.to_string(),
        })
}

/// The `Message-ID` for a job's key: `<key@passport.renran>` with the key kept to a safe alphabet.
pub fn message_id(key: &str) -> String {
    format!("<{}@passport.renran>", outbox::safe_file_part(key))
}

pub fn build_message(from: Mailbox, mail: &Mail, key: &str) -> Result<Message, MailError> {
    let builder = Message::builder()
        .from(from)
        .to(parse_mailbox(&mail.to)?)
        .subject(mail.subject.clone())
        .message_id(Some(message_id(key)));
    let message = match &mail.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            html.clone(),
        ))?,
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())?,
    };
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_recipient_subject_body_and_a_stable_message_id() {
        let from: Mailbox = "荏苒 <no-reply@renran.localhost>".parse().expect("from");
        let mail = Mail::text("reader@example.com", "Reset your password", "Open the link");
        let text = String::from_utf8(
            build_message(from, &mail, "abc123")
                .expect("builds")
                .formatted(),
        )
        .expect("utf8");
        assert!(text.contains("To: reader@example.com"), "{text}");
        assert!(text.contains("Subject: Reset your password"), "{text}");
        assert!(
            text.contains("Message-ID: <abc123@passport.renran>"),
            "{text}"
        );
        assert!(text.contains("Open the link"), "{text}");
    }

    #[test]
    fn bad_addresses_are_permanent_errors() {
        let from: Mailbox = "a@b.c".parse().expect("from");
        let err =
            build_message(from, &Mail::text("not an address", "s", "b"), "k").expect_err("refused");
        assert!(err.is_permanent());
    }
}

//! The outbox: where mail and SMS go when no real transport is configured (the dev default),
//! one JSON file per message, shown at `/dev/outbox`. A message is named after its idempotency
//! key, so a job that runs twice overwrites its own file instead of adding a second copy.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Mail,
    Sms,
}

/// One message as the outbox stores it and `/dev/outbox` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub kind: MessageKind,
    /// An email address or a mobile number.
    pub to: String,
    /// Empty for SMS.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    pub sent_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Store `message` under `key` (written to a temporary file, then renamed into place, so a
    /// reader never sees half a message).
    pub async fn write(&self, key: &str, message: &OutboxMessage) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let kind = match message.kind {
            MessageKind::Mail => "mail",
            MessageKind::Sms => "sms",
        };
        let name = format!("{kind}-{}.json", safe_file_part(key));
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let json = serde_json::to_vec_pretty(message).map_err(std::io::Error::other)?;
        tokio::fs::write(&tmp, json).await?;
        tokio::fs::rename(&tmp, self.dir.join(name)).await
    }

    /// Every stored message, newest first. A missing directory is an empty outbox; files that
    /// are not outbox messages are skipped.
    pub async fn read_all(&self) -> std::io::Result<Vec<OutboxMessage>> {
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut messages = Vec::new();
        while let Some(entry) = entries.next_entry().await? {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let Ok(bytes) = tokio::fs::read(&path).await else {
                continue;
            };
            if let Ok(message) = serde_json::from_slice::<OutboxMessage>(&bytes) {
                messages.push(message);
            }
        }
        messages.sort_by_key(|m| std::cmp::Reverse(m.sent_at));
        Ok(messages)
    }
}

/// Keys come from callers; keep file names to a safe alphabet.
pub(crate) fn safe_file_part(key: &str) -> String {
    key.chars()
        .take(128)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn messages_read_back_newest_first_and_rewrites_do_not_duplicate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outbox = Outbox::new(dir.path().join("outbox"));
        assert!(outbox.read_all().await.expect("empty").is_empty());
        let at = |s: i64| DateTime::from_timestamp(1_700_000_000 + s, 0).expect("time");
        let msg = |to: &str, s| OutboxMessage {
            kind: MessageKind::Mail,
            to: to.into(),
            subject: "主题".into(),
            body: "正文".into(),
            sent_at: at(s),
        };
        outbox
            .write("k1", &msg("old@example.com", 1))
            .await
            .expect("write");
        outbox
            .write("../k2", &msg("new@example.com", 2))
            .await
            .expect("write");
        outbox
            .write("k1", &msg("old@example.com", 1))
            .await
            .expect("rewrite");
        let all = outbox.read_all().await.expect("read");
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].to, "new@example.com");
        assert_eq!(all[1].to, "old@example.com");
        assert!(dir.path().join("outbox/mail-___k2.json").exists());
    }
}

//! What the app's jobs left in the dev outbox (`/dev/outbox`), read as a client would.

use super::TestApp;

impl TestApp {
    /// The dev outbox's messages to `to`, newest first.
    pub async fn outbox_messages(&self, kind: &str, to: &str) -> Vec<serde_json::Value> {
        let Ok(response) = self
            .client
            .get(self.url("/dev/outbox"))
            .header("accept", "application/json")
            .send()
            .await
        else {
            return Vec::new();
        };
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        body["messages"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter(|m| m["kind"] == kind && m["to"] == to)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every message in the dev outbox (`/dev/outbox` as JSON), newest first.
    pub async fn outbox_all(&self) -> Vec<serde_json::Value> {
        let resp = self
            .client
            .get(self.url("/dev/outbox"))
            .header("accept", "application/json")
            .send()
            .await
            .expect("GET");
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.expect("json");
        body["messages"].as_array().cloned().expect("messages")
    }

    pub async fn outbox_mails(&self, to: &str) -> Vec<serde_json::Value> {
        self.outbox_messages("mail", to).await
    }

    /// The newest SMS code the dev outbox holds for `mobile`.
    pub async fn outbox_sms_code(&self, mobile: &str) -> Option<String> {
        let body: serde_json::Value = self
            .client
            .get(self.url("/dev/outbox"))
            .header("accept", "application/json")
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        body["messages"].as_array()?.iter().find_map(|m| {
            if m["kind"] != "sms" || m["to"] != mobile {
                return None;
            }
            let text = m["body"].as_str()?;
            let digits: Vec<char> = text.chars().collect();
            digits
                .windows(6)
                .find(|w| w.iter().all(char::is_ascii_digit))
                .map(|w| w.iter().collect())
        })
    }

    /// The mails to `to` once the due jobs ran (at least `count` of them); newest first.
    pub async fn mails_to(&self, to: &str, count: usize) -> Vec<serde_json::Value> {
        self.drain_jobs().await;
        let found = self.outbox_mails(to).await;
        assert!(
            found.len() >= count,
            "{count} mail(s) to {to} expected, {} arrived: {found:?}",
            found.len()
        );
        found
    }

    /// The newest SMS code to `mobile` once the due jobs ran.
    pub async fn sms_code_to(&self, mobile: &str) -> String {
        self.drain_jobs().await;
        self.outbox_sms_code(mobile)
            .await
            .unwrap_or_else(|| panic!("an SMS code to {mobile} in the outbox"))
    }
}

/// The token of the `{path}?token=` link in a mail body.
pub fn link_token(body: &str, path: &str) -> String {
    let start = body
        .find(&format!("{path}?token="))
        .expect("a link in the mail")
        + path.len()
        + 7;
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect()
}

//! No secret reaches the logs: the client's log lines (every level) while it logs in, refreshes
//! and meets a malformed body and a timeout. Its own test binary, because it installs a global
//! subscriber: tracing's per-thread subscribers miss events when other tests race on callsites.

use std::time::Duration;

use passport::config::{DEV_QQ_APP_ID, DEV_QQ_APP_KEY, QqSettings, Secret};
use passport::qq::sim::{Fault, FaultKind, FaultTarget, Simulator};
use passport::qq::{QqClient, QqClientOptions};
use url::Url;

const CALLBACK: &str = "http://127.0.0.1:8000/oauth/qq/callback";

/// Collects everything the client logs (at every level) while a test runs.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_reach_the_logs() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    passport::install_crypto_provider();
    let sim = Simulator::spawn("127.0.0.1:0")
        .await
        .expect("simulator starts");
    let settings = QqSettings {
        app_id: DEV_QQ_APP_ID.into(),
        app_key: Secret::new(DEV_QQ_APP_KEY),
        redirect_uri: Url::parse(CALLBACK).expect("callback"),
        base_url: sim.base_url(),
    };
    let options = QqClientOptions {
        timeout: Duration::from_millis(500),
        ..QqClientOptions::default()
    };
    let client = QqClient::with_options(&settings, options).expect("client");
    let code = sim
        .mint_code(DEV_QQ_APP_ID, CALLBACK, "xiaoming")
        .expect("mint");
    let token = client.exchange_code(&code).await.expect("exchange");
    let access = token.access_token.expose().to_owned();
    let refresh = token.refresh_token.expect("refresh").expose().to_owned();
    let me = client.openid(&access, true).await.expect("me");
    client.user_info(&access, &me.openid).await.expect("info");
    client.refresh(&refresh).await.expect("refresh");
    // A body QQ never sends that echoes secrets: logged (redacted) as malformed.
    sim.add_fault(
        Fault::new(FaultTarget::Me, FaultKind::Junk)
            .body(format!("<html>access_token={access}&code={code}</html>")),
    );
    client.openid(&access, false).await.expect_err("malformed");
    sim.clear_faults();
    sim.add_fault(Fault::new(FaultTarget::Token, FaultKind::Latency).latency_ms(2_000));
    client.refresh(&refresh).await.expect_err("timeout");

    let text =
        String::from_utf8_lossy(&logs.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    assert!(
        text.contains("QQ answered") && text.contains("QQ request failed"),
        "{text}"
    );
    assert!(
        text.contains("QQ body not understood") && text.contains("[REDACTED]"),
        "{text}"
    );
    for secret in [
        access.as_str(),
        refresh.as_str(),
        code.as_str(),
        DEV_QQ_APP_KEY,
    ] {
        assert!(!text.contains(secret), "{secret} leaked into: {text}");
    }
}

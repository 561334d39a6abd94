//! Our own SMTP connections, handed to lettre: every one with `TCP_NODELAY` (lettre writes a
//! message's body and its final `.` in two writes; without it each mail waits out the server's
//! delayed ACK, about 40 ms on Linux) and kept open for the next mail (up to the mail
//! concurrency).
//!
//! A server that advertises `PIPELINING` (RFC 2920; postfix, and every large provider, do) gets
//! `MAIL`, `RCPT` and `DATA` in one write and answers them together: a mail costs two round
//! trips (that group, then the message) instead of lettre's four. A server that does not gets
//! lettre's own conversation, one command at a time.
//!
//! `PASSPORT_SMTP_URL` means what it means to lettre (`smtp://host:port`, `?tls=required` or
//! `?tls=opportunistic` for STARTTLS, `smtps://` for TLS from the first byte, credentials in the
//! URL, a path naming the EHLO host). An `smtps://` connection is opened by lettre itself (its
//! TLS handshake needs lettre's own stream), so it is pooled but keeps Nagle's algorithm; prefer
//! `smtp://…?tls=required` (port 587) for throughput.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Tls, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;

use super::MailError;

/// A pooled connection idle longer than this is closed rather than reused: servers drop idle
/// clients (postfix after 300 s), and a connection they dropped costs a failed attempt.
const MAX_IDLE: Duration = Duration::from_secs(30);

/// While the server is unreachable, one connection attempt this often tells when it is back.
const PROBE_EVERY: Duration = Duration::from_millis(500);

/// Where and how to reach the SMTP server.
struct Target {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
}

/// A small pool of open SMTP connections, which also notices when the server goes away and
/// when it comes back (see [`SmtpPool::recoveries`]).
pub struct SmtpPool {
    inner: Arc<Inner>,
}

/// An open SMTP session, and whether its server takes pipelined commands.
struct Connection {
    smtp: AsyncSmtpConnection,
    pipelining: bool,
}

impl Connection {
    /// One mail on this connection. An error leaves it unusable (its answers may be out of
    /// step with its commands): the caller drops it.
    async fn send(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
    ) -> Result<(), lettre::transport::smtp::Error> {
        let Some(parameters) = self.pipelined_parameters(envelope, message) else {
            return self.smtp.send(envelope, message).await.map(drop);
        };
        let mut group = Mail::new(envelope.from().cloned(), parameters).to_string();
        for to in envelope.to() {
            group.push_str(&Rcpt::new(to.clone(), Vec::new()).to_string());
        }
        group.push_str(&Data.to_string());
        // One write; then `MAIL`'s answer, each `RCPT`'s and `DATA`'s, in order. A refusal
        // (a 5xx for a recipient: permanent) ends the mail with that error.
        self.smtp.command(group).await?;
        for _ in envelope.to() {
            self.smtp.read_response().await?;
        }
        self.smtp.read_response().await?;
        self.smtp.message(message).await.map(drop)
    }

    /// `MAIL`'s parameters for a pipelined send, as lettre's own conversation chooses them;
    /// `None` when the server does not pipeline, or cannot take this mail as it is (lettre's
    /// conversation then says why).
    fn pipelined_parameters(
        &self,
        envelope: &Envelope,
        message: &[u8],
    ) -> Option<Vec<MailParameter>> {
        if !self.pipelining {
            return None;
        }
        let info = self.smtp.server_info();
        let mut parameters = Vec::new();
        let non_ascii = |address: &lettre::Address| !AsRef::<str>::as_ref(address).is_ascii();
        if envelope.from().is_some_and(non_ascii) || envelope.to().iter().any(non_ascii) {
            info.supports_feature(Extension::SmtpUtfEight)
                .then_some(())?;
            parameters.push(MailParameter::SmtpUtfEight);
        }
        if !message.is_ascii() {
            info.supports_feature(Extension::EightBitMime)
                .then_some(())?;
            parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        Some(parameters)
    }
}

struct Inner {
    target: Target,
    idle: Mutex<Vec<(Connection, Instant)>>,
    max_idle: usize,
    /// Since when no new connection could be made (`None`: reachable, as far as we know).
    down_since: Mutex<Option<DateTime<Utc>>>,
    /// The start of the last outage that ended (see [`SmtpPool::recoveries`]).
    recovered: watch::Sender<Option<DateTime<Utc>>>,
}

fn config(reason: impl std::fmt::Display) -> MailError {
    MailError::Config(format!("PASSPORT_SMTP_URL is not usable: {reason}"))
}

impl SmtpPool {
    /// Parse `url` (no connection yet). At most `max_idle` connections are kept open.
    pub fn new(url: &str, timeout: Duration, max_idle: usize) -> Result<Self, MailError> {
        let parsed = url::Url::parse(url).map_err(config)?;
        let host = parsed
            .host_str()
            .ok_or_else(|| config("no host"))?
            .trim_matches(|c| c == '[' || c == ']')
            .to_owned();
        let tls_mode = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = || TlsParameters::new(host.clone()).map_err(config);
        let (tls, default_port) = match (parsed.scheme(), tls_mode.as_deref()) {
            ("smtp", None) => (Tls::None, 25),
            ("smtp", Some("required")) => (Tls::Required(params()?), 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic(params()?), 587),
            ("smtps", _) => (Tls::Wrapper(params()?), 465),
            (scheme, tls) => {
                return Err(config(format!(
                    "unknown scheme `{scheme}` or tls parameter `{}`",
                    tls.unwrap_or_default()
                )));
            }
        };
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(config)
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(
                decode(parsed.username())?,
                decode(password)?,
            )),
            None => None,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                target: Target {
                    port: parsed.port().unwrap_or(default_port),
                    host,
                    tls,
                    credentials,
                    hello,
                    timeout,
                },
                idle: Mutex::new(Vec::new()),
                max_idle: max_idle.max(1),
                down_since: Mutex::new(None),
                recovered: watch::channel(None).0,
            }),
        })
    }

    /// Send one message: on a pooled connection when one is open, else on a new one. A pooled
    /// connection that fails (the server may have closed it) is dropped and the mail tried once
    /// more on a new connection; a mail sent twice that way is the same message (same
    /// `Message-ID`), as with any retry of the at-least-once mail job.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), MailError> {
        self.inner.send(envelope, message).await
    }

    /// Each time the server is reachable again after it was not, the time the outage began.
    /// Mail that failed meanwhile waits out its retry backoff (which grows through a long
    /// outage); the mailer uses this to send it now instead (see `actors::worker`).
    pub fn recoveries(&self) -> watch::Receiver<Option<DateTime<Utc>>> {
        self.inner.recovered.subscribe()
    }

    /// Whether the last attempt to open a connection failed (and none succeeded since).
    pub fn is_down(&self) -> bool {
        self.inner.down_since().is_some()
    }
}

impl Inner {
    async fn send(self: &Arc<Self>, envelope: &Envelope, message: &[u8]) -> Result<(), MailError> {
        let timeout = self.target.timeout;
        if let Some(mut conn) = self.take_idle() {
            match tokio::time::timeout(timeout, conn.send(envelope, message)).await {
                Ok(Ok(_)) => {
                    self.put_back(conn);
                    return Ok(());
                }
                // Dropped, not `abort()`ed: abort sends QUIT and waits for an answer without a
                // time limit, which a hung server never gives (the job would hang with it).
                // lettre already sent QUIT itself after an SMTP error.
                Ok(Err(_)) | Err(_) => drop(conn),
            }
        }
        let mut conn = self.connect_checked().await?;
        tokio::time::timeout(timeout, conn.send(envelope, message))
            .await
            .map_err(|_| timed_out())??;
        self.put_back(conn);
        Ok(())
    }

    fn down_since(&self) -> Option<DateTime<Utc>> {
        *self.down_since.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new connection, keeping track of whether the server is reachable: the first failure
    /// marks it down, drops the idle connections (they went with the server) and starts a probe;
    /// the first success after that announces the recovery.
    async fn connect_checked(self: &Arc<Self>) -> Result<Connection, MailError> {
        match tokio::time::timeout(self.target.timeout, self.connect()).await {
            Ok(Ok(conn)) => {
                self.mark_up();
                Ok(conn)
            }
            Ok(Err(e)) => {
                self.mark_down();
                Err(e)
            }
            Err(_) => {
                self.mark_down();
                Err(timed_out())
            }
        }
    }

    fn mark_down(self: &Arc<Self>) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let mut down = self.down_since.lock().unwrap_or_else(|p| p.into_inner());
        if down.is_some() {
            return;
        }
        *down = Some(Utc::now());
        tracing::warn!("SMTP server unreachable; probing it every {PROBE_EVERY:?}");
        tokio::spawn(probe(Arc::downgrade(self)));
    }

    fn mark_up(&self) {
        let since = self
            .down_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(since) = since {
            tracing::info!(down_since = %since, "SMTP server reachable again");
            self.recovered.send_replace(Some(since));
        }
    }

    fn take_idle(&self) -> Option<Connection> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < MAX_IDLE && !conn.smtp.has_broken() {
                return Some(conn);
            }
            // Dropped without QUIT: the server sees the close.
        }
        None
    }

    fn put_back(&self, conn: Connection) {
        if conn.smtp.has_broken() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.max_idle {
            idle.push((conn, Instant::now()));
        }
    }

    /// A new connection: TCP with `TCP_NODELAY`, EHLO, STARTTLS as the URL asks, AUTH.
    async fn connect(&self) -> Result<Connection, MailError> {
        let target = &self.target;
        let mut conn = match &target.tls {
            Tls::Wrapper(params) => {
                AsyncSmtpConnection::connect_tokio1(
                    (target.host.as_str(), target.port),
                    Some(target.timeout),
                    &target.hello,
                    Some(params.clone()),
                    None,
                )
                .await?
            }
            _ => {
                let tcp = TcpStream::connect((target.host.as_str(), target.port))
                    .await
                    .map_err(MailError::Connect)?;
                tcp.set_nodelay(true).map_err(MailError::Connect)?;
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &target.hello).await?
            }
        };
        match &target.tls {
            Tls::Opportunistic(params) if conn.can_starttls() => {
                conn.starttls(params.clone(), &target.hello).await?;
            }
            Tls::Required(params) => conn.starttls(params.clone(), &target.hello).await?,
            _ => {}
        }
        // lettre keeps only the extensions it uses from its EHLO; this asks again to learn
        // whether the server pipelines (one round trip per connection, which is reused). Before
        // AUTH: a new EHLO resets the session, and some servers forget the login with it.
        let pipelining = conn
            .command(Ehlo::new(target.hello.clone()))
            .await?
            .message()
            .any(|line| line.trim().eq_ignore_ascii_case("PIPELINING"));
        if let Some(credentials) = &target.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(Connection {
            smtp: conn,
            pipelining,
        })
    }
}

/// While the server is marked down, try a connection every [`PROBE_EVERY`]; the first that
/// works goes into the pool and announces the recovery. Ends with the pool, or when a mail's
/// own connection found the server first.
async fn probe(pool: Weak<Inner>) {
    loop {
        tokio::time::sleep(PROBE_EVERY).await;
        let Some(pool) = pool.upgrade() else { return };
        if pool.down_since().is_none() {
            return;
        }
        if let Ok(Ok(conn)) = tokio::time::timeout(pool.target.timeout, pool.connect()).await {
            pool.put_back(conn);
            pool.mark_up();
            return;
        }
    }
}

fn timed_out() -> MailError {
    MailError::SmtpTimeout
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_mean_what_they_mean_to_lettre() {
        let pool = SmtpPool::new("smtp://127.0.0.1:2525", Duration::from_secs(1), 4).expect("ok");
        assert_eq!(
            (pool.inner.target.host.as_str(), pool.inner.target.port),
            ("127.0.0.1", 2525)
        );
        assert!(matches!(pool.inner.target.tls, Tls::None));
        assert!(pool.inner.target.credentials.is_none());
        let pool = SmtpPool::new(
            "smtp://us%40er:p%3Ass@mail.example.com?tls=required",
            Duration::from_secs(1),
            4,
        )
        .expect("ok");
        assert_eq!(pool.inner.target.port, 587);
        assert!(matches!(pool.inner.target.tls, Tls::Required(_)));
        assert!(pool.inner.target.credentials.is_some());
        let pool =
            SmtpPool::new("smtps://mail.example.com", Duration::from_secs(1), 4).expect("ok");
        assert_eq!(pool.inner.target.port, 465);
        assert!(SmtpPool::new("smtp://h?tls=sometimes", Duration::from_secs(1), 4).is_err());
        assert!(SmtpPool::new("http://h", Duration::from_secs(1), 4).is_err());
    }
}

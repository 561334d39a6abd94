//! An SMTP server for tests, in process: speaks just enough SMTP for lettre (EHLO/HELO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT), keeps every message it accepts, and can be started on a fixed
//! port (to come up "later" where the app already points), refuse a recipient with 550, answer
//! DATA slowly, or stall after DATA (a hung server). It advertises `PIPELINING` (RFC 2920) unless
//! told not to, and counts the mails whose `MAIL`, `RCPT` and `DATA` arrived in one write.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed, CRLF line ends).
    pub data: String,
}

impl Received {
    /// A header's value (first occurrence, unfolded), by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_owned());
            }
        }
        value
    }

    pub fn body(&self) -> String {
        self.data
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default()
    }
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<Received>>,
    /// RCPT for an address containing this is refused with 550.
    reject: Mutex<Option<String>>,
    stall_after_data: AtomicBool,
    /// Wait this long before answering the end of DATA (a slow server).
    delay_after_data: Mutex<Option<Duration>>,
    /// Connections accepted so far.
    connections: std::sync::atomic::AtomicUsize,
    /// Not advertising PIPELINING.
    no_pipelining: AtomicBool,
    /// Mails whose `MAIL` came with the rest of its group (`RCPT`, `DATA`) already sent.
    pipelined: std::sync::atomic::AtomicUsize,
}

pub struct SmtpSink {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

/// A port nobody listens on right now (for a sink that comes up later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Bind `port` (retrying briefly: a port just probed may linger).
    pub async fn start_on(port: u16) -> Self {
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(l) => break l,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot bind the SMTP sink on {port}: {e}"),
            }
        };
        let addr = listener.local_addr().expect("sink address");
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn(accept_loop(listener, shared.clone()));
        Self { addr, shared, task }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port())
    }

    pub fn reject_recipients_containing(&self, needle: &str) {
        *self.shared.reject.lock().expect("lock") = Some(needle.to_owned());
    }

    pub fn stall_after_data(&self) {
        self.shared.stall_after_data.store(true, Ordering::SeqCst);
    }

    pub fn delay_after_data(&self, delay: Duration) {
        *self.shared.delay_after_data.lock().expect("lock") = Some(delay);
    }

    /// Stop advertising PIPELINING (to new sessions): a server that takes one command at a time.
    pub fn without_pipelining(&self) {
        self.shared.no_pipelining.store(true, Ordering::SeqCst);
    }

    /// Mails whose `MAIL FROM` arrived with their `RCPT` and `DATA` already in the same read.
    pub fn pipelined(&self) -> usize {
        self.shared.pipelined.load(Ordering::SeqCst)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.shared.messages.lock().expect("lock").clone()
    }

    /// How many connections clients opened so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    pub fn count(&self) -> usize {
        self.shared.messages.lock().expect("lock").len()
    }

    /// How many times each Message-ID arrived.
    pub fn by_message_id(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for m in self.shared.messages.lock().expect("lock").iter() {
            *counts
                .entry(m.header("Message-ID").unwrap_or_default())
                .or_insert(0) += 1;
        }
        counts
    }

    /// Stop listening (an SMTP outage); a new sink can then start on the same port. Dropping
    /// the sink is what stops it (see `Drop`); this names the intent at the call site.
    pub fn stop(self) {}
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Owned here so that aborting this task closes every connection too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    shared.connections.fetch_add(1, Ordering::SeqCst);
                    connections.spawn(serve(stream, shared.clone()));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    let mut replies = Vec::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            if shared.no_pipelining.load(Ordering::SeqCst) {
                b"250-sink.test\r\n250 8BITMIME\r\n"
            } else {
                b"250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
            }
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            // The rest of the group already here: sent with it, before MAIL's answer.
            let rest = String::from_utf8_lossy(lines.buffer()).to_ascii_uppercase();
            if rest.contains("RCPT TO:") && rest.contains("DATA\r\n") {
                shared.pipelined.fetch_add(1, Ordering::SeqCst);
            }
            from = command[10..].trim().to_owned();
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = command[8..].trim().trim_matches(['<', '>']).to_owned();
            let refused = shared
                .reject
                .lock()
                .expect("lock")
                .as_ref()
                .is_some_and(|needle| rcpt.contains(needle.as_str()));
            if refused {
                b"550 5.1.1 mailbox unavailable\r\n"
            } else {
                to.push(rcpt);
                b"250 OK\r\n"
            }
        } else if upper == "DATA" {
            replies.extend_from_slice(b"354 end with <CRLF>.<CRLF>\r\n");
            write.write_all(&replies).await?;
            replies.clear();
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            if shared.stall_after_data.load(Ordering::SeqCst) {
                std::future::pending::<()>().await;
            }
            let delay = *shared.delay_after_data.lock().expect("lock");
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            shared.messages.lock().expect("lock").push(Received {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            b"250 2.0.0 queued\r\n"
        } else if upper.starts_with("QUIT") {
            replies.extend_from_slice(b"221 bye\r\n");
            write.write_all(&replies).await?;
            return Ok(());
        } else {
            b"502 command not implemented\r\n"
        };
        // Answers to pipelined commands go out together once no command is left unread (as
        // postfix does, RFC 2920): one write, not one per answer, each waiting out the client's
        // delayed ACK.
        replies.extend_from_slice(reply);
        if lines.buffer().is_empty() {
            write.write_all(&replies).await?;
            replies.clear();
        }
    }
}

//! The HTTP accept loop. poem's `Server` has no header-read timeout, and its idle timeout counts
//! any byte as activity, so a client dribbling a request head byte by byte (slowloris) held a
//! connection and a task for as long as it liked. This loop serves the same poem endpoint through
//! hyper with:
//! - a **header-read timeout** (HTTP/1): the whole request head must arrive within it, counted
//!   from when the connection starts waiting for a request, so it also closes a keep-alive
//!   connection that never sends its next request;
//! - an **idle timeout**: a connection that moves no byte either way for this long is closed
//!   gracefully (a request in flight still gets its answer).
//!
//! Shutdown is graceful as before: stop accepting, let connections finish their requests for up
//! to the grace period, then drop the rest.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use poem::endpoint::{DynEndpoint, ToDynEndpoint};
use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Endpoint, EndpointExt, IntoEndpoint, Request};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How long clients may take (`PASSPORT_HTTP_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpSettings {
    /// The whole request head must arrive within this. `PASSPORT_HTTP_HEADER_TIMEOUT_MS`,
    /// default 10 s.
    pub header_timeout: Duration,
    /// A connection silent both ways this long is closed. `PASSPORT_HTTP_IDLE_TIMEOUT_MS`,
    /// default 60 s.
    pub idle_timeout: Duration,
    /// After a shutdown signal, keep serving this long while `/readyz` answers 503, so a load
    /// balancer polling it stops sending new requests before the listener closes.
    /// `PASSPORT_SHUTDOWN_DRAIN_MS`, default 0.
    pub drain: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            drain: Duration::ZERO,
        }
    }
}

/// Serve `ep` on `acceptor` until `shutdown` resolves, then give open connections `grace` to
/// finish.
pub async fn serve<A, E>(
    mut acceptor: A,
    ep: E,
    settings: HttpSettings,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> io::Result<()>
where
    A: Acceptor,
    A::Io: Unpin,
    E: IntoEndpoint,
    E::Endpoint: 'static,
{
    let ep: SharedEndpoint = Arc::new(ToDynEndpoint(ep.into_endpoint().map_to_response()));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    for addr in acceptor.local_addr() {
        tracing::info!(addr = %addr, "listening");
    }
    loop {
        // Reap finished connections so the set holds only live ones.
        while connections.try_join_next().is_some() {}
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = acceptor.accept() => match accepted {
                Ok((io, local, remote, scheme)) => {
                    let ep = ep.clone();
                    let stop = stop_rx.clone();
                    connections.spawn(serve_connection(io, ep, (local, remote, scheme), settings, stop));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(acceptor);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "closing connections still open after the grace period"
        );
        connections.shutdown().await;
    }
    Ok(())
}

type SharedEndpoint = Arc<dyn DynEndpoint<Output = poem::Response>>;

async fn serve_connection<Io>(
    io: Io,
    ep: SharedEndpoint,
    (local, remote, scheme): (LocalAddr, RemoteAddr, Scheme),
    settings: HttpSettings,
    mut stop: watch::Receiver<bool>,
) where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| {
        let ep = ep.clone();
        let req = Request::from((req, local.clone(), remote.clone(), scheme.clone()));
        async move {
            let response = ep.get_response(req).await;
            Ok::<_, Infallible>(hyper::Response::from(response))
        }
    });
    let io = Watched::new(io);
    let last_activity = io.last_activity.clone();
    let started = io.started;
    // HTTP/1 only: sniffing for an HTTP/2 preface would read the first bytes with no deadline
    // but the idle timeout, a slowloris's way around the header timeout. (Cleartext HTTP/2 is
    // not something a reverse proxy speaks to its backends anyway.)
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        let idle_deadline = started
            + Duration::from_millis(last_activity.load(Ordering::Relaxed))
            + settings.idle_timeout;
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = stop.changed(), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep_until(idle_deadline), if !closing => {
                let last = started + Duration::from_millis(last_activity.load(Ordering::Relaxed));
                if last + settings.idle_timeout <= Instant::now() {
                    tracing::debug!("closing an idle connection");
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The connection's socket, noting when a byte last moved (milliseconds since `started`).
struct Watched<Io> {
    inner: Io,
    started: Instant,
    last_activity: Arc<AtomicU64>,
}

impl<Io> Watched<Io> {
    fn new(inner: Io) -> Self {
        Self {
            inner,
            started: Instant::now(),
            last_activity: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let ms = self.started.elapsed().as_millis() as u64;
        self.last_activity.store(ms, Ordering::Relaxed);
    }
}

impl<Io: AsyncRead + Unpin> AsyncRead for Watched<Io> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for Watched<Io> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

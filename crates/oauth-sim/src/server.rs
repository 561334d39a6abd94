//! Serving a simulator in the background (port 0 picks a free port), with one log line per
//! request, and a handle that stops it when dropped.

use std::net::SocketAddr;
use std::ops::Deref;
use std::time::Duration;

use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{Endpoint, Server};
use tokio::sync::oneshot;
use url::Url;

/// Serve `app` on `listen` in a background task; `sim` is the handle the result derefs to.
pub async fn start<S, E>(
    listen: &str,
    provider: &'static str,
    app: E,
    sim: S,
) -> std::io::Result<Running<S>>
where
    E: Endpoint + 'static,
{
    let acceptor = TcpListener::bind(listen.to_owned()).into_acceptor().await?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| std::io::Error::other("the listener has no socket address"))?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = Logged {
        inner: app,
        provider,
    };
    let task = tokio::spawn(async move {
        let stop = async move {
            let _ = rx.await;
        };
        Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(app, stop, Some(Duration::from_secs(1)))
            .await
    });
    Ok(Running {
        addr,
        sim,
        stop: Some(tx),
        task: Some(task),
    })
}

/// One log line per request: method, path (never the query: it carries codes and tokens) and
/// status. It adds no header, so answers stay the provider's.
struct Logged<E> {
    inner: E,
    provider: &'static str,
}

impl<E: Endpoint> Endpoint for Logged<E> {
    type Output = poem::Response;

    async fn call(&self, req: poem::Request) -> poem::Result<poem::Response> {
        let (method, path) = (req.method().clone(), req.uri().path().to_owned());
        let response = self.inner.get_response(req).await;
        tracing::info!(target: "oauth_sim", provider = self.provider, %method, %path, status = response.status().as_u16(), "simulator answered");
        Ok(response)
    }
}

/// A simulator serving in the background. Derefs to the simulator; stops when dropped.
pub struct Running<S> {
    addr: SocketAddr,
    sim: S,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl<S> Running<S> {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL to give a client (e.g. passport's `QqSettings::base_url`).
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("http://{}/", self.addr)).expect("a socket address forms a valid URL")
    }

    pub fn sim(&self) -> &S {
        &self.sim
    }

    /// Stop serving and wait (at most a second of grace) for the server task.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => Ok(()),
        }
    }

    /// Serve until `shutdown` resolves.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        shutdown.await;
        self.shutdown().await
    }
}

impl<S> Deref for Running<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.sim
    }
}

impl<S> Drop for Running<S> {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

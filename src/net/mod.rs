//! Who is on the other end of a request. Behind a reverse proxy the TCP peer is the proxy, so
//! the client's address comes from the proxy's forwarding header, and only when the peer is a
//! proxy we trust (`PASSPORT_TRUSTED_PROXIES`): anyone else could write any address there.
//! And, for the upstreams we call (QQ, Tencent Cloud), how a failed call reads in a log.

pub mod client_addr;
pub mod forwarded;

pub use client_addr::{ClientAddr, ForwardedHeader, TrustedProxies};

/// A transport failure of an upstream call as one line, its causes joined with `: ` (the TLS or
/// connection error that says what went wrong is usually a source, not the outer message). The
/// URL is left out: it may carry an access token.
pub fn transport_detail(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut detail = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    detail
}

//! Who is on the other end of a request. Behind a reverse proxy the TCP peer is the proxy, so
//! the client's address comes from the proxy's forwarding header, and only when the peer is a
//! proxy we trust (`PASSPORT_TRUSTED_PROXIES`): anyone else could write any address there.

pub mod client_addr;
pub mod forwarded;

pub use client_addr::{ClientAddr, ForwardedHeader, TrustedProxies};

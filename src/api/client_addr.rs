//! The client address of a request ([`ClientAddr`]) as a poem extractor, resolved once per
//! request by [`resolve`] (which also writes it into the request span).

use std::sync::Arc;

use poem::{Endpoint, FromRequest, Request, RequestBody, Response};

use crate::net::{ClientAddr, TrustedProxies};
use crate::state::AppState;

fn of_request(req: &Request) -> ClientAddr {
    let Some(peer) = req.remote_addr().as_socket_addr().map(|a| a.ip()) else {
        return ClientAddr::unknown();
    };
    match req.data::<AppState>() {
        Some(state) => state.settings.trusted_proxies.client(peer, req.headers()),
        None => TrustedProxies::default().client(peer, req.headers()),
    }
}

/// Middleware (inside `.data(state)`): resolve the client address, keep it for the handlers and
/// record it in the `request` span.
pub async fn resolve<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let client = of_request(&req);
    tracing::Span::current().record("client", tracing::field::display(client));
    req.extensions_mut().insert(client);
    Ok(ep.get_response(req).await)
}

impl<'a> FromRequest<'a> for ClientAddr {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(req
            .extensions()
            .get::<ClientAddr>()
            .copied()
            .unwrap_or_else(|| of_request(req)))
    }
}

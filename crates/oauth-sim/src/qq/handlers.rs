//! The four graph.qq.com paths. Every answer is HTTP 200 `text/html; charset=utf-8` (as QQ's),
//! except the authorize redirect and injected faults.

use std::time::Duration;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, Request, Response, handler};

use super::Simulator;
use super::pages;
use super::state::{Fault, FaultKind, FaultTarget, QqFail};
use crate::qq::wire;

/// Request bodies beyond this are not read (QQ's parameters are short).
const MAX_BODY: usize = 64 * 1024;

/// Query and form body merged (the body wins); empty values count as missing, as on QQ.
pub(super) struct Params(Vec<(String, String)>);

impl Params {
    pub(super) async fn read(req: &Request, body: Body) -> Self {
        let query = req.uri().query().unwrap_or("");
        let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        if let Some(redirect_uri) = rejoin_raw_redirect_uri(query) {
            pairs.push(("redirect_uri".into(), redirect_uri));
        }
        // Whatever the Content-Type says, QQ reads a form.
        if let Ok(bytes) = body.into_bytes_limit(MAX_BODY).await {
            pairs.extend(url::form_urlencoded::parse(&bytes).into_owned());
        }
        Self(pairs)
    }

    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("1")
    }

    fn json(&self) -> bool {
        self.get("fmt") == Some("json")
    }
}

/// Parameters of the authorize and token endpoints (plus the consent form's own).
const KNOWN_PARAMS: [&str; 20] = [
    "response_type",
    "client_id",
    "client_secret",
    "redirect_uri",
    "state",
    "scope",
    "display",
    "g_ut",
    "code_challenge",
    "code_challenge_method",
    "grant_type",
    "code",
    "refresh_token",
    "fmt",
    "need_openid",
    "sim_user",
    "sim_user_new",
    "sim_nickname",
    "action",
    "unionid",
];

/// social-core sends the authorize query un-percent-encoded, so a redirect_uri with a query of
/// its own (`redirect_uri=http://x/cb?next=/a&b=1&state=s`) arrives cut at its `&`. Glue the
/// pieces that follow it back on, up to the next known parameter. `None` when the value is
/// encoded or has no `?` (then the plain parse is right).
fn rejoin_raw_redirect_uri(query: &str) -> Option<String> {
    let mut segments = query.split('&');
    let mut uri = segments
        .by_ref()
        .find_map(|s| s.strip_prefix("redirect_uri="))
        .filter(|v| v.contains('?') && !v.contains('%') && !v.contains('+'))?
        .to_owned();
    for segment in segments {
        let key = segment.split('=').next().unwrap_or_default();
        if KNOWN_PARAMS.contains(&key) {
            break;
        }
        uri.push('&');
        uri.push_str(segment);
    }
    Some(uri)
}

/// QQ's headers: `Server: tws`, `Content-Type: text/html; charset=utf-8`, and on the OAuth
/// endpoints `Cache-Control: no-cache`.
fn qq_body(body: impl Into<Body>, no_cache: bool) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Server", "tws");
    if no_cache {
        builder = builder.header("Cache-Control", "no-cache");
    }
    builder.body(body.into())
}

/// An OAuth error in the requested format: JSONP by default, bare JSON with `fmt=json`.
fn oauth_error(fail: QqFail, json: bool) -> Response {
    let body = wire::write_error(fail.code, fail.description);
    qq_body(if json { body } else { wire::jsonp(&body) }, true)
}

/// Apply a fault that replaces the answer; `None` means "answer normally" (after any latency).
async fn fault_before(fault: &Option<Fault>) -> Option<Response> {
    let fault = fault.as_ref()?;
    match fault.kind {
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(fault.latency_ms.unwrap_or(1000))).await;
            None
        }
        FaultKind::Timeout => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Some(
                Response::builder()
                    .status(StatusCode::GATEWAY_TIMEOUT)
                    .finish(),
            )
        }
        FaultKind::Status => {
            let status = fault.status.unwrap_or(502);
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            Some(
                Response::builder()
                    .status(code)
                    .header("Content-Type", "text/html")
                    .header("Server", "tws")
                    .body(pages::gateway_error(code.as_u16())),
            )
        }
        FaultKind::Junk => Some(qq_body(
            match &fault.body {
                Some(text) => text.clone().into_bytes(),
                None => b"\x00\x9f\xff junk {callback( ;".to_vec(),
            },
            false,
        )),
        FaultKind::Html => Some(qq_body(
            "<!DOCTYPE html><html><head><title>QQ互联</title></head><body>系统繁忙，请稍后再试</body></html>",
            false,
        )),
        FaultKind::Empty => Some(qq_body(Vec::<u8>::new(), false)),
        FaultKind::Truncate => None,
    }
}

/// Apply a fault that mangles the normal answer.
async fn fault_after(fault: &Option<Fault>, response: Response) -> Response {
    match fault {
        Some(f) if f.kind == FaultKind::Truncate => {
            let (parts, body) = response.into_parts();
            let bytes = body.into_vec().await.unwrap_or_default();
            let cut = bytes.len() / 2;
            Response::from_parts(parts, Body::from(bytes[..cut].to_vec()))
        }
        _ => response,
    }
}

/// `answer` is lazy: it runs only if no fault replaces it, after any injected latency.
async fn with_faults(
    sim: &Simulator,
    target: FaultTarget,
    answer: impl Future<Output = Response>,
) -> Response {
    let fault = sim.lock().pick_fault(target);
    if let Some(response) = fault_before(&fault).await {
        return response;
    }
    let response = answer.await;
    fault_after(&fault, response).await
}

/// `GET /oauth2.0/authorize`: QQ's error page, or the consent page.
#[handler]
pub(super) async fn authorize_page(
    req: &Request,
    body: Body,
    Data(sim): Data<&Simulator>,
) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Authorize, async {
        consent_or_error(sim, &params, None)
    })
    .await
}

fn consent_or_error(sim: &Simulator, params: &Params, error: Option<&str>) -> Response {
    let state = sim.lock();
    match state.check_authorize(
        params.get("response_type"),
        params.get("client_id"),
        params.get("redirect_uri"),
    ) {
        Err(fail) => qq_body(pages::error(fail), true),
        Ok(app) => {
            let users: Vec<_> = state.users().collect();
            let passed: Vec<(&str, &str)> = pages::PASSED_ON
                .iter()
                .filter_map(|k| params.get(k).map(|v| (*k, v)))
                .collect();
            qq_body(pages::consent(app, &users, &passed, error), true)
        }
    }
}

/// `POST /oauth2.0/authorize`: the consent form (or a test) approving or cancelling.
#[handler]
pub(super) async fn authorize_submit(
    req: &Request,
    body: Body,
    Data(sim): Data<&Simulator>,
) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Authorize, async { approve(sim, &params) }).await
}

fn redirect(to: String) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("Location", to)
        .header("Server", "tws")
        .finish()
}

fn append_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
        sep = '&';
    }
    out
}

fn approve(sim: &Simulator, params: &Params) -> Response {
    let check = {
        let state = sim.lock();
        state
            .check_authorize(
                params.get("response_type"),
                params.get("client_id"),
                params.get("redirect_uri"),
            )
            .map(|app| app.client_id.clone())
    };
    let client_id = match check {
        Ok(id) => id,
        Err(fail) => return qq_body(pages::error(fail), true),
    };
    let redirect_uri = params.get("redirect_uri").unwrap_or_default();
    let state_param = params.get("state");
    if params.get("action") == Some("cancel") {
        // Only QQ's mobile page goes back to the site on cancel.
        if params.get("display") == Some("mobile") {
            let mut pairs = vec![("usercancel", "1")];
            pairs.extend(state_param.map(|s| ("state", s)));
            return redirect(append_query(redirect_uri, &pairs));
        }
        return qq_body(pages::cancelled(), true);
    }
    let user = params
        .get("sim_user_new")
        .or(params.get("sim_user"))
        .map(str::trim)
        .filter(|u| !u.is_empty() && u.chars().count() <= 64);
    let Some(user) = user else {
        return consent_or_error(
            sim,
            params,
            Some("请选择或输入一个模拟的QQ用户（最多 64 个字符）"),
        );
    };
    let code = {
        let mut state = sim.lock();
        if let Some(nickname) = params.get("sim_nickname") {
            state.ensure_user(user, Some(nickname));
        }
        state.mint_codes(&client_id, redirect_uri, user, 1)
    };
    match code.map(|mut c| c.pop()) {
        Ok(Some(code)) => {
            let mut pairs = vec![("code", code.as_str())];
            pairs.extend(state_param.map(|s| ("state", s)));
            redirect(append_query(redirect_uri, &pairs))
        }
        Ok(None) => qq_body(pages::error(super::state::fails::CODE_INVALID), true),
        Err(fail) => qq_body(pages::error(fail), true),
    }
}

/// `GET|POST /oauth2.0/token`: code exchange and refresh.
#[handler]
pub(super) async fn token(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Token, async {
        let json = params.json();
        let mut state = sim.lock();
        let result = match params.get("grant_type") {
            Some("authorization_code") => state.exchange_code(
                params.get("client_id"),
                params.get("client_secret"),
                params.get("code"),
                params.get("redirect_uri"),
            ),
            Some("refresh_token") => state.refresh(
                params.get("client_id"),
                params.get("client_secret"),
                params.get("refresh_token"),
            ),
            _ => Err(super::state::fails::GRANT_TYPE),
        };
        match result {
            Err(fail) => oauth_error(fail, json),
            Ok(g) if json => {
                let openid = params.flag("need_openid").then_some(g.openid.as_str());
                qq_body(
                    wire::write_token_json(&g.access_token, g.expires_in, &g.refresh_token, openid),
                    true,
                )
            }
            Ok(g) => qq_body(
                wire::write_token(&g.access_token, g.expires_in, &g.refresh_token),
                true,
            ),
        }
    })
    .await
}

/// `GET /oauth2.0/me`: the openid (and unionid) behind a token.
#[handler]
pub(super) async fn me(req: &Request, body: Body, Data(sim): Data<&Simulator>) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::Me, async {
        let json = params.json();
        match sim
            .lock()
            .me(params.get("access_token"), params.flag("unionid"))
        {
            Err(fail) => oauth_error(fail, json),
            Ok((client_id, openid, unionid)) => {
                let body = wire::write_me(&client_id, &openid, unionid.as_deref());
                qq_body(if json { body } else { wire::jsonp(&body) }, true)
            }
        }
    })
    .await
}

/// `GET /user/get_user_info`: the pretty profile, or a compact `ret` error.
#[handler]
pub(super) async fn get_user_info(
    req: &Request,
    body: Body,
    Data(sim): Data<&Simulator>,
) -> Response {
    let params = Params::read(req, body).await;
    with_faults(sim, FaultTarget::GetUserInfo, async {
        let result = sim.lock().user_info(
            params.get("access_token"),
            params.get("oauth_consumer_key"),
            params.get("openid"),
        );
        match result {
            Ok(info) => qq_body(wire::write_user_info(&info), false),
            Err(fail) => qq_body(wire::write_user_info_error(fail.ret, &fail.msg), false),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::rejoin_raw_redirect_uri as rejoin;

    #[test]
    fn raw_redirect_uris_with_a_query_are_glued_back() {
        assert_eq!(
            rejoin("response_type=code&redirect_uri=http://h/cb?next=/a&b=1&state=s&x=2")
                .as_deref(),
            Some("http://h/cb?next=/a&b=1")
        );
        assert_eq!(
            rejoin("redirect_uri=http://h/cb&state=s"),
            None,
            "no query: plain parse"
        );
        assert_eq!(
            rejoin("redirect_uri=http%3A%2F%2Fh%2Fcb%3Fa%3D1&b=2"),
            None,
            "encoded"
        );
        assert_eq!(rejoin("state=s"), None);
    }

    proptest::proptest! {
        #[test]
        fn rejoining_never_panics(query in "\\PC{0,120}") {
            if let Some(uri) = rejoin(&query) {
                proptest::prop_assert!(uri.contains('?'));
            }
        }
    }
}

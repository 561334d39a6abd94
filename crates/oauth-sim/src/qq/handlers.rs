//! The four graph.qq.com paths. Every answer is HTTP 200 `text/html; charset=utf-8` (as QQ's),
//! except the authorize redirect and injected faults.

use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, Request, Response, handler};

use super::Simulator;
use super::pages;
use super::state::{FaultTarget, QqFail};
use super::wire;
use crate::fault::Look;
use crate::ids::append_query;
use crate::params::Params;
use crate::users::Directory;

/// graph.qq.com's headers on a 200, and the page a `html` fault serves.
const LOOK: Look = Look {
    server: "tws",
    content_type: "text/html; charset=utf-8",
    busy_page: "<!DOCTYPE html><html><head><title>QQ互联</title></head><body>系统繁忙，请稍后再试</body></html>",
};

/// QQ's headers: `Server: tws`, `Content-Type: text/html; charset=utf-8`, and on the OAuth
/// endpoints `Cache-Control: no-cache`.
fn qq_body(body: impl Into<Body>, no_cache: bool) -> Response {
    let mut response = LOOK.ok(body);
    if no_cache {
        response.headers_mut().insert(
            "Cache-Control",
            poem::http::HeaderValue::from_static("no-cache"),
        );
    }
    response
}

/// An OAuth error in the requested format: JSONP by default, bare JSON with `fmt=json`.
fn oauth_error(fail: QqFail, json: bool) -> Response {
    let body = wire::write_error(fail.code, fail.description);
    qq_body(if json { body } else { wire::jsonp(&body) }, true)
}

/// `answer` is lazy: it runs only if no fault replaces it, after any injected latency.
async fn with_faults(
    sim: &Simulator,
    target: FaultTarget,
    answer: impl Future<Output = Response>,
) -> Response {
    let fault = sim.lock().pick_fault(target);
    crate::fault::answer(fault, &LOOK, answer).await
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
            let passed = params.pick(&pages::PASSED_ON);
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
    let user = Directory::picked(params.get("sim_user_new"), params.get("sim_user"));
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
        let json = params.get("fmt") == Some("json");
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
        let json = params.get("fmt") == Some("json");
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

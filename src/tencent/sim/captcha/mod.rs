//! The captcha product of the Tencent Cloud simulator (`captcha`, version 2019-07-22):
//! `DescribeCaptchaResult` over the signed API, and what a browser sees of Tencent's captcha:
//!
//! | path | what |
//! |---|---|
//! | `GET /captcha/TCaptcha.js`, `/captcha/TJCaptcha.js` | the stand-in script: `new TencentCaptcha(appId, callback, options).show()` |
//! | `GET /captcha/show?aid=&origin=` | the slider page the script opens in an iframe |
//! | `POST /captcha/verify {aid}` | the slider page's "solved": a ticket for that app |
//! | `POST /_sim/captcha/tickets {app_id, count?}` | `{tickets:[{ticket, randstr, appid}]}` for tests (≤ 100) |
//!
//! The apps: `190000001` (the dev app, key `passport-dev-captcha-secret-key`) and `190000002`
//! (another app, for "ticket of another app"). Tickets live 5 minutes on the simulator's clock
//! (`POST /_sim/clock`); see [`state`] for the `CaptchaCode` of each refusal.

pub mod state;

use std::sync::{Arc, Mutex, MutexGuard};

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{EndpointExt, IntoResponse, Response, Route, get, handler, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

pub use state::{
    CaptchaState, DEV_APP_ID, DEV_APP_SECRET_KEY, MintedTicket, OTHER_APP_ID, OTHER_APP_SECRET_KEY,
    TICKET_LIFETIME_SECS,
};

use super::{ApiError, SimCall, SimFuture, SimService, TencentSim};

pub const SERVICE: &str = "captcha";
pub const VERSION: &str = "2019-07-22";

const SCRIPT: &str = include_str!("TCaptcha.js");
const SHOW_PAGE: &str = include_str!("show.html");

/// The simulated captcha; cheap to clone, clones share the tickets.
#[derive(Clone, Default)]
pub struct CaptchaSim {
    state: Arc<Mutex<CaptchaState>>,
}

impl CaptchaSim {
    fn lock(&self) -> MutexGuard<'_, CaptchaState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Add or replace a captcha app.
    pub fn add_app(&self, app_id: u64, secret_key: impl Into<String>) {
        self.lock().add_app(app_id, secret_key);
    }

    /// A ticket for `app_id` at `now` (the simulator's clock), as if a person solved it.
    pub fn mint(&self, app_id: u64, now: i64) -> Option<MintedTicket> {
        self.lock().mint(app_id, now)
    }
}

impl SimService for CaptchaSim {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn version(&self) -> &'static str {
        VERSION
    }

    fn call<'a>(&'a self, call: SimCall<'a>) -> Option<SimFuture<'a>> {
        match call.action {
            "DescribeCaptchaResult" => Some(Box::pin(async move {
                let params = Value::Object(call.params.clone());
                match self.lock().describe(&params, call.now) {
                    Ok(Value::Object(fields)) => Ok(fields),
                    Ok(_) => Ok(Map::new()),
                    Err(e) => Err(ApiError::new(e.code, e.message)),
                }
            })),
            _ => None,
        }
    }

    fn pages(&self) -> Option<Route> {
        Some(
            Route::new()
                .at("/TCaptcha.js", get(script))
                .at("/TJCaptcha.js", get(script))
                .at("/show", get(show_page))
                .at("/verify", post(solve).data(self.clone())),
        )
    }

    fn control(&self) -> Option<Route> {
        Some(Route::new().at("/tickets", post(mint_tickets).data(self.clone())))
    }

    fn overview(&self) -> Value {
        json!({
            "version": VERSION,
            "apps": self.lock().app_ids(),
            "ticket_lifetime_secs": TICKET_LIFETIME_SECS,
        })
    }

    fn reset(&self) {
        self.lock().forget_tickets();
    }
}

#[handler]
fn script() -> Response {
    SCRIPT
        .with_content_type("text/javascript; charset=utf-8")
        .with_header("cache-control", "no-cache")
        .into_response()
}

#[handler]
fn show_page() -> Response {
    SHOW_PAGE
        .with_content_type("text/html; charset=utf-8")
        .with_header("cache-control", "no-store")
        .into_response()
}

#[derive(Deserialize)]
struct SolveRequest {
    aid: String,
}

/// The slider was dragged to the end: mint a ticket for the app the page was opened for.
#[handler]
fn solve(
    Data(captcha): Data<&CaptchaSim>,
    Data(sim): Data<&TencentSim>,
    body: Json<SolveRequest>,
) -> Response {
    match body
        .aid
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|id| captcha.mint(id, sim.now()))
    {
        Some(ticket) => Json(ticket).into_response(),
        None => Json(
            json!({"error": "unknown_app", "message": "验证码应用不存在（CaptchaAppId 错误）"}),
        )
        .with_status(StatusCode::BAD_REQUEST)
        .into_response(),
    }
}

#[derive(Deserialize)]
struct MintRequest {
    app_id: Value,
    count: Option<usize>,
}

#[handler]
fn mint_tickets(
    Data(captcha): Data<&CaptchaSim>,
    Data(sim): Data<&TencentSim>,
    body: Json<MintRequest>,
) -> Response {
    let app_id = match &body.app_id {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let count = body.count.unwrap_or(1);
    if !(1..=100).contains(&count) {
        return bad_request("count must be 1 to 100");
    }
    let now = sim.now();
    let tickets: Option<Vec<MintedTicket>> = app_id
        .map(|id| (0..count).map(|_| captcha.mint(id, now)).collect())
        .unwrap_or(None);
    match tickets {
        Some(tickets) => Json(json!({ "tickets": tickets })).into_response(),
        None => bad_request("unknown app_id"),
    }
}

fn bad_request(message: &str) -> Response {
    Json(json!({"error": "bad_request", "message": message}))
        .with_status(StatusCode::BAD_REQUEST)
        .into_response()
}

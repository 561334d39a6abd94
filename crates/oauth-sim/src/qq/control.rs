//! `/_sim/*`: JSON control endpoints for tests and load generation (not part of QQ).
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /_sim` | | apps (no secrets), users, clock |
//! | `POST /_sim/codes` | `{client_id, redirect_uri, sim_user, count?}` | `{codes:[…]}` |
//! | `GET /_sim/faults` | | `{faults:[…]}` |
//! | `POST /_sim/faults` | a fault or `{faults:[…]}` | `{faults:[…]}` (all active) |
//! | `DELETE /_sim/faults` | | 204 |
//! | `GET /_sim/clock`, `POST /_sim/clock` | `{advance_secs}` | `{now, offset_secs}` |
//! | `POST /_sim/revoke` | `{token}` (access or refresh) | 204, or 404 if unknown |
//! | `GET /_sim/openid?client_id=&sim_user=` | | `{openid, unionid}` |

use poem::http::StatusCode;
use poem::web::{Data, Json, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use serde_json::json;

use super::Simulator;
use super::state::{Fault, QqFail};

/// Most codes one `POST /_sim/codes` mints.
pub const MAX_MINT: usize = 10_000;

fn bad_request(message: impl Into<String>) -> Response {
    Json(json!({ "error": "bad_request", "message": message.into() }))
        .with_status(StatusCode::BAD_REQUEST)
        .into_response()
}

fn qq_fail(fail: QqFail) -> Response {
    Json(json!({ "error": fail.code, "error_description": fail.description }))
        .with_status(StatusCode::BAD_REQUEST)
        .into_response()
}

#[handler]
pub(super) fn overview(Data(sim): Data<&Simulator>) -> Json<serde_json::Value> {
    let state = sim.lock();
    let apps: Vec<_> = state
        .apps()
        .map(|a| {
            json!({
                "client_id": a.client_id,
                "name": a.name,
                "redirect_uris": a.redirect_uris,
                "unionid": a.unionid,
                "approved": a.approved,
                "developer": a.developer,
            })
        })
        .collect();
    let users: Vec<_> = state.users().collect();
    Json(json!({
        "apps": apps,
        "users": users,
        "now": state.now(),
        "offset_secs": state.clock_offset(),
    }))
}

#[derive(Deserialize)]
pub(super) struct MintRequest {
    client_id: String,
    redirect_uri: String,
    sim_user: String,
    #[serde(default)]
    count: Option<usize>,
}

#[handler]
pub(super) fn mint_codes(Data(sim): Data<&Simulator>, Json(req): Json<MintRequest>) -> Response {
    let count = req.count.unwrap_or(1);
    if count == 0 || count > MAX_MINT {
        return bad_request(format!("count must be 1..={MAX_MINT}"));
    }
    if req.sim_user.trim().is_empty() {
        return bad_request("sim_user is empty");
    }
    match sim.lock().mint_codes(
        &req.client_id,
        &req.redirect_uri,
        req.sim_user.trim(),
        count,
    ) {
        Ok(codes) => Json(json!({ "codes": codes })).into_response(),
        Err(fail) => qq_fail(fail),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum FaultsIn {
    Many { faults: Vec<Fault> },
    One(Fault),
}

fn faults_json(sim: &Simulator) -> Json<serde_json::Value> {
    Json(json!({ "faults": sim.lock().faults() }))
}

#[handler]
pub(super) fn list_faults(Data(sim): Data<&Simulator>) -> Json<serde_json::Value> {
    faults_json(sim)
}

#[handler]
pub(super) fn add_faults(Data(sim): Data<&Simulator>, Json(input): Json<FaultsIn>) -> Response {
    let faults = match input {
        FaultsIn::Many { faults } => faults,
        FaultsIn::One(fault) => vec![fault],
    };
    for f in &faults {
        if !(0.0..=1.0).contains(&f.probability) {
            return bad_request("probability must be within 0.0..=1.0");
        }
        if f.status.is_some_and(|s| !(100..=599).contains(&s)) {
            return bad_request("status must be an HTTP status (100..=599)");
        }
    }
    {
        let mut state = sim.lock();
        for f in faults {
            state.add_fault(f);
        }
    }
    faults_json(sim).into_response()
}

#[handler]
pub(super) fn clear_faults(Data(sim): Data<&Simulator>) -> StatusCode {
    sim.lock().clear_faults();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
pub(super) struct ClockRequest {
    advance_secs: i64,
}

fn clock_json(sim: &Simulator) -> Json<serde_json::Value> {
    let state = sim.lock();
    Json(json!({ "now": state.now(), "offset_secs": state.clock_offset() }))
}

#[handler]
pub(super) fn get_clock(Data(sim): Data<&Simulator>) -> Json<serde_json::Value> {
    clock_json(sim)
}

#[handler]
pub(super) fn advance_clock(
    Data(sim): Data<&Simulator>,
    Json(req): Json<ClockRequest>,
) -> Json<serde_json::Value> {
    sim.lock().advance_clock(req.advance_secs);
    clock_json(sim)
}

#[derive(Deserialize)]
pub(super) struct RevokeRequest {
    token: String,
}

#[handler]
pub(super) fn revoke(Data(sim): Data<&Simulator>, Json(req): Json<RevokeRequest>) -> StatusCode {
    if sim.lock().revoke(&req.token) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

#[derive(Deserialize)]
pub(super) struct OpenidQuery {
    client_id: String,
    sim_user: String,
}

#[handler]
pub(super) fn openid(Data(sim): Data<&Simulator>, Query(q): Query<OpenidQuery>) -> Response {
    if sim.lock().app(&q.client_id).is_none() {
        return bad_request("unknown client_id");
    }
    Json(json!({
        "client_id": q.client_id,
        "sim_user": q.sim_user,
        "openid": sim.openid(&q.client_id, &q.sim_user),
        "unionid": sim.unionid(&q.client_id, &q.sim_user),
    }))
    .into_response()
}

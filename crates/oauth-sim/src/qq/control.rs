//! `/_sim/*`: JSON control endpoints for tests and load generation (not part of QQ).
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /_sim` | | apps (no secrets), users, clock, `stats.refresh_reuses` (used refresh tokens presented again) |
//! | `POST /_sim/codes` | `{client_id, redirect_uri, sim_user, count?}` | `{codes:[…]}` |
//! | `/_sim/faults`, `/_sim/clock` | see [`crate::control`] | |
//! | `POST /_sim/revoke` | `{token}` (access or refresh) | 204, or 404 if unknown |
//! | `GET /_sim/openid?client_id=&sim_user=` | | `{openid, unionid}` |

use poem::http::StatusCode;
use poem::web::{Data, Json, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use serde_json::json;

use super::Simulator;
use super::state::QqFail;
use crate::control::{MintRequest, bad_request};

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
        "stats": { "refresh_reuses": state.refresh_reuses() },
    }))
}

#[handler]
pub(super) fn mint_codes(Data(sim): Data<&Simulator>, Json(req): Json<MintRequest>) -> Response {
    let (count, user) = match req.checked() {
        Ok(checked) => checked,
        Err(why) => return bad_request(why),
    };
    match sim
        .lock()
        .mint_codes(&req.client_id, &req.redirect_uri, user, count)
    {
        Ok(codes) => Json(json!({ "codes": codes })).into_response(),
        Err(fail) => qq_fail(fail),
    }
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

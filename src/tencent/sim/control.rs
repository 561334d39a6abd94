//! `/_sim/*`: JSON control endpoints for tests and load generation (not part of Tencent Cloud).
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /_sim` | | products (no secrets), SecretIds, clock, faults |
//! | `GET /_sim/faults` | | `{faults:[…]}` |
//! | `POST /_sim/faults` | a fault or `{faults:[…]}` | `{faults:[…]}` (all active) |
//! | `DELETE /_sim/faults` | | 204 |
//! | `GET /_sim/clock`, `POST /_sim/clock` | `{advance_secs}` | `{now, offset_secs}` |
//! | `DELETE /_sim/state` | | 204; forgets per-number limits and delivered messages |

use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Fault, TencentSim, lock};

fn bad_request(message: impl Into<String>) -> Response {
    Json(json!({ "error": "bad_request", "message": message.into() }))
        .with_status(StatusCode::BAD_REQUEST)
        .into_response()
}

#[handler]
pub(super) fn overview(Data(sim): Data<&TencentSim>) -> Json<Value> {
    let services: serde_json::Map<String, Value> = sim
        .inner
        .services
        .iter()
        .map(|(name, s)| ((*name).to_owned(), s.overview()))
        .collect();
    let secret_ids: Vec<String> = lock(&sim.inner.keys).keys().cloned().collect();
    Json(json!({
        "services": services,
        "secret_ids": secret_ids,
        "now": sim.now(),
        "offset_secs": sim.clock_offset(),
        "faults": sim.faults(),
    }))
}

#[handler]
pub(super) fn list_faults(Data(sim): Data<&TencentSim>) -> Json<Value> {
    Json(json!({ "faults": sim.faults() }))
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum FaultsRequest {
    Many { faults: Vec<Fault> },
    One(Fault),
}

#[handler]
pub(super) async fn add_faults(Data(sim): Data<&TencentSim>, body: poem::Body) -> Response {
    let Ok(bytes) = body.into_vec().await else {
        return bad_request("cannot read the body");
    };
    let request: FaultsRequest = match serde_json::from_slice(&bytes) {
        Ok(r) => r,
        Err(e) => return bad_request(format!("not a fault: {e}")),
    };
    let faults = match request {
        FaultsRequest::Many { faults } => faults,
        FaultsRequest::One(f) => vec![f],
    };
    for fault in &faults {
        if let Err(reason) = fault.check() {
            return bad_request(reason);
        }
    }
    for fault in faults {
        sim.add_fault(fault);
    }
    Json(json!({ "faults": sim.faults() })).into_response()
}

#[handler]
pub(super) fn clear_faults(Data(sim): Data<&TencentSim>) -> StatusCode {
    sim.clear_faults();
    StatusCode::NO_CONTENT
}

#[handler]
pub(super) fn get_clock(Data(sim): Data<&TencentSim>) -> Json<Value> {
    Json(json!({ "now": sim.now(), "offset_secs": sim.clock_offset() }))
}

#[derive(Deserialize)]
pub(super) struct ClockRequest {
    advance_secs: u64,
}

#[handler]
pub(super) fn advance_clock(
    Data(sim): Data<&TencentSim>,
    Json(req): Json<ClockRequest>,
) -> Json<Value> {
    sim.advance_clock(Duration::from_secs(req.advance_secs));
    Json(json!({ "now": sim.now(), "offset_secs": sim.clock_offset() }))
}

#[handler]
pub(super) fn reset(Data(sim): Data<&TencentSim>) -> StatusCode {
    for service in sim.inner.services.values() {
        service.reset();
    }
    StatusCode::NO_CONTENT
}

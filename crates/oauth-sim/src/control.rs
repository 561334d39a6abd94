//! `/_sim/faults` and `/_sim/clock`, the control endpoints every simulator has (JSON; not part
//! of any provider's API), plus helpers for the provider-specific ones (`/_sim/codes`, …).
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /_sim/faults` | | `{faults:[…]}` |
//! | `POST /_sim/faults` | a fault or `{faults:[…]}` | `{faults:[…]}` (all active) |
//! | `DELETE /_sim/faults` | | 204 |
//! | `GET /_sim/clock`, `POST /_sim/clock` | `{advance_secs}` | `{now, offset_secs}` |

use poem::endpoint::make;
use poem::http::StatusCode;
use poem::web::Json;
use poem::{IntoResponse, Request, Response, Route};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::clock::Clock;
use crate::fault::{Fault, Faults, Target};

/// Most codes one `POST /_sim/codes` mints.
pub const MAX_MINT: usize = 10_000;

/// What the shared control endpoints need from a simulator handle.
pub trait Controlled: Clone + Send + Sync + 'static {
    type Target: Target + DeserializeOwned;
    fn with_faults<R>(&self, f: impl FnOnce(&mut Faults<Self::Target>) -> R) -> R;
    fn with_clock<R>(&self, f: impl FnOnce(&mut Clock) -> R) -> R;
}

pub fn bad_request(message: impl Into<String>) -> Response {
    Json(json!({ "error": "bad_request", "message": message.into() }))
        .with_status(StatusCode::BAD_REQUEST)
        .into_response()
}

/// The JSON body of a control request, or the 400 to answer.
pub async fn json_body<T: DeserializeOwned>(req: Request) -> Result<T, Response> {
    let bytes = req
        .into_body()
        .into_bytes_limit(1024 * 1024)
        .await
        .map_err(|_| bad_request("the body is unreadable or too large"))?;
    serde_json::from_slice(&bytes).map_err(|e| bad_request(format!("invalid JSON body: {e}")))
}

/// The body of `POST /_sim/codes`, shared by the three simulators.
#[derive(Deserialize)]
pub struct MintRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub sim_user: String,
    #[serde(default)]
    pub count: Option<usize>,
}

impl MintRequest {
    /// The count (default 1) and the trimmed user, or why the request is bad (answer it with
    /// [`bad_request`]).
    pub fn checked(&self) -> Result<(usize, &str), String> {
        let count = self.count.unwrap_or(1);
        if count == 0 || count > MAX_MINT {
            return Err(format!("count must be 1..={MAX_MINT}"));
        }
        let user = self.sim_user.trim();
        if user.is_empty() {
            return Err("sim_user is empty".into());
        }
        Ok((count, user))
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FaultsIn<T> {
    Many { faults: Vec<Fault<T>> },
    One(Fault<T>),
}

#[derive(Deserialize)]
struct ClockRequest {
    advance_secs: i64,
}

fn faults_json<S: Controlled>(sim: &S) -> Response {
    sim.with_faults(|f| Json(json!({ "faults": f.list() })).into_response())
}

fn clock_json<S: Controlled>(sim: &S) -> Response {
    sim.with_clock(|c| Json(json!({ "now": c.now(), "offset_secs": c.offset() })).into_response())
}

/// `route` plus `/_sim/faults` and `/_sim/clock` for `sim`.
pub fn routes<S: Controlled>(route: Route, sim: &S) -> Route {
    let (list, add, clear) = (sim.clone(), sim.clone(), sim.clone());
    let (get_clock, set_clock) = (sim.clone(), sim.clone());
    route
        .at(
            "/_sim/faults",
            poem::get(make(move |_: Request| {
                let sim = list.clone();
                async move { faults_json(&sim) }
            }))
            .post(make(move |req: Request| {
                let sim = add.clone();
                async move {
                    let faults = match json_body::<FaultsIn<S::Target>>(req).await {
                        Ok(FaultsIn::Many { faults }) => faults,
                        Ok(FaultsIn::One(fault)) => vec![fault],
                        Err(response) => return response,
                    };
                    if let Some(why) = faults.iter().find_map(Fault::invalid) {
                        return bad_request(why);
                    }
                    sim.with_faults(|f| faults.into_iter().for_each(|fault| f.add(fault)));
                    faults_json(&sim)
                }
            }))
            .delete(make(move |_: Request| {
                let sim = clear.clone();
                async move {
                    sim.with_faults(Faults::clear);
                    StatusCode::NO_CONTENT
                }
            })),
        )
        .at(
            "/_sim/clock",
            poem::get(make(move |_: Request| {
                let sim = get_clock.clone();
                async move { clock_json(&sim) }
            }))
            .post(make(move |req: Request| {
                let sim = set_clock.clone();
                async move {
                    match json_body::<ClockRequest>(req).await {
                        Ok(r) => {
                            sim.with_clock(|c| c.advance(r.advance_secs));
                            clock_json(&sim)
                        }
                        Err(response) => response,
                    }
                }
            })),
        )
}

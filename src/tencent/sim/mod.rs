//! A Tencent Cloud API 3.0 simulator, for offline development (`passport dev`,
//! `passport tencent-sim`) and tests (embedded on port 0), the way `qq::sim` answers like QQ.
//!
//! One `POST /` serves every hosted product: it reads `X-TC-Action`, verifies the TC3 signature
//! exactly as Tencent Cloud does (with [`super::tc3`], the code that signs), and answers in the
//! real envelope, `{"Response": {…, "RequestId": "…"}}`, HTTP 200 even for errors:
//!
//! | check | error code |
//! |---|---|
//! | `X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp` or `Authorization` missing | `MissingParameter` |
//! | `Authorization` not `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` | `AuthFailure.InvalidAuthorization` |
//! | timestamp off the simulator's clock by more than 300 s | `AuthFailure.SignatureExpire` |
//! | unknown SecretId | `AuthFailure.SecretIdNotFound` |
//! | any byte of the signed headers or body changed, wrong key, wrong date or service in the scope, `content-type`/`host` not signed | `AuthFailure.SignatureFailure` |
//! | body not a JSON object | `InvalidParameter` |
//! | product or action not hosted | `InvalidAction` |
//! | version other than the product's | `NoSuchVersion` |
//!
//! Products are [`SimService`]s, chosen by the credential scope's service (`sms`, `captcha`);
//! each may also serve pages under `/{service}/` (the captcha's `TCaptcha.js`) and control
//! endpoints under `/_sim/{service}/` (`/_sim/captcha/tickets`). Adding one is
//! one line in [`TencentSim::standard`]. Control endpoints live under `/_sim` (see `control`).

pub mod captcha;
mod control;
pub mod faults;
pub mod sms;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route, handler};
use serde_json::{Value, json};

pub use faults::{Fault, FaultKind};
pub use sms::{SmsSim, SmsSimConfig};

use super::tc3;
use crate::config::Secret;

/// The dev key pair: public, fine on localhost, refused in production.
pub const DEV_SECRET_ID: &str = "AKIDpassportDEVsimulator0000000000000";
pub const DEV_SECRET_KEY: &str = "passport-dev-tencent-secret-key0";

/// An API error as it goes into `Response.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }

    fn missing(name: &str) -> Self {
        Self::new(
            "MissingParameter",
            format!("The request is missing a required parameter `{name}`."),
        )
    }

    fn signature_failure() -> Self {
        Self::new(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        )
    }

    /// `InvalidParameter` for a parameter of the wrong type or shape.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameter", message)
    }

    /// `MissingParameter` for a missing business parameter.
    pub fn missing_parameter(name: &str) -> Self {
        Self::missing(name)
    }
}

/// One verified call, as a product's handler sees it.
pub struct SimCall<'a> {
    pub action: &'a str,
    /// The JSON body (an object).
    pub params: &'a serde_json::Map<String, Value>,
    pub region: Option<&'a str>,
    pub secret_id: &'a str,
    /// The simulator's clock (Unix seconds).
    pub now: i64,
    /// A `send_status` fault that fired for this call (SendSms: every number gets this code).
    pub forced_status: Option<ApiError>,
}

/// The answer's fields without `RequestId` (added by the simulator), or an error.
pub type SimFuture<'a> =
    Pin<Box<dyn Future<Output = Result<serde_json::Map<String, Value>, ApiError>> + Send + 'a>>;

/// One simulated product (SMS, captcha).
pub trait SimService: Send + Sync + 'static {
    /// The service name of the credential scope and the host (`sms` for sms.tencentcloudapi.com).
    fn service(&self) -> &'static str;
    /// The only API version answered (others get `NoSuchVersion`).
    fn version(&self) -> &'static str;
    /// Answer `call.action`; `None` when the product has no such action (`InvalidAction`).
    fn call<'a>(&'a self, call: SimCall<'a>) -> Option<SimFuture<'a>>;
    /// Pages and scripts served under `/{service}/` (e.g. the captcha's `TCaptcha.js`).
    fn pages(&self) -> Option<Route> {
        None
    }
    /// Control endpoints served under `/_sim/{service}/` (e.g. `/_sim/captcha/tickets`).
    fn control(&self) -> Option<Route> {
        None
    }
    /// What `GET /_sim` shows of this product (no secrets).
    fn overview(&self) -> Value {
        Value::Null
    }
    /// Forget per-number limits and other remembered traffic (`DELETE /_sim/state`).
    fn reset(&self) {}
}

struct Inner {
    keys: Mutex<BTreeMap<String, Secret>>,
    services: HashMap<&'static str, Arc<dyn SimService>>,
    faults: Mutex<faults::Faults>,
    /// Added to the real clock (tests move time).
    clock_offset: AtomicI64,
}

/// The simulator: cheap to clone, all clones share one state.
#[derive(Clone)]
pub struct TencentSim {
    inner: Arc<Inner>,
}

/// Builds a [`TencentSim`]: key pairs and products.
#[derive(Default)]
pub struct TencentSimBuilder {
    keys: BTreeMap<String, Secret>,
    services: Vec<Arc<dyn SimService>>,
}

impl TencentSimBuilder {
    /// Accept requests signed with this key pair.
    pub fn key(mut self, secret_id: impl Into<String>, secret_key: Secret) -> Self {
        self.keys.insert(secret_id.into(), secret_key);
        self
    }

    /// Host a product.
    pub fn service(mut self, service: impl SimService) -> Self {
        self.services.push(Arc::new(service));
        self
    }

    pub fn build(self) -> TencentSim {
        TencentSim {
            inner: Arc::new(Inner {
                keys: Mutex::new(self.keys),
                services: self
                    .services
                    .into_iter()
                    .map(|s| (s.service(), s))
                    .collect(),
                faults: Mutex::new(faults::Faults::default()),
                clock_offset: AtomicI64::new(0),
            }),
        }
    }
}

/// What `passport dev`, `passport tencent-sim` and the tests run: the key pair and every
/// simulated product.
#[derive(Clone, Debug)]
pub struct TencentSimConfig {
    pub secret_id: String,
    pub secret_key: Secret,
    pub sms: SmsSimConfig,
}

impl Default for TencentSimConfig {
    fn default() -> Self {
        Self {
            secret_id: DEV_SECRET_ID.to_owned(),
            secret_key: Secret::new(DEV_SECRET_KEY),
            sms: SmsSimConfig::default(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves nothing half-updated that matters to a simulator.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn real_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A random UUID v4 in its usual text form (the RequestId).
pub fn request_id() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl TencentSim {
    pub fn builder() -> TencentSimBuilder {
        TencentSimBuilder::default()
    }

    /// The key pair of `config` and every simulated product. Add a product here.
    pub fn standard(config: &TencentSimConfig) -> Self {
        Self::builder()
            .key(config.secret_id.clone(), config.secret_key.clone())
            .service(SmsSim::new(config.sms.clone()))
            .service(captcha::CaptchaSim::default())
            .build()
    }

    /// The dev key pair and products, SMS written to `outbox_dir`.
    pub fn dev(outbox_dir: impl Into<PathBuf>) -> Self {
        let mut config = TencentSimConfig::default();
        config.sms.outbox_dir = Some(outbox_dir.into());
        Self::standard(&config)
    }

    /// Accept another key pair (or replace one's key).
    pub fn add_key(&self, secret_id: impl Into<String>, secret_key: Secret) {
        lock(&self.inner.keys).insert(secret_id.into(), secret_key);
    }

    /// The simulator's clock, Unix seconds.
    pub fn now(&self) -> i64 {
        real_now() + self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// Move the simulated clock (per-number windows, lifetimes). Signatures are still checked
    /// against the real clock.
    pub fn advance_clock(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.inner.clock_offset.fetch_add(secs, Ordering::Relaxed);
    }

    pub fn clock_offset(&self) -> i64 {
        self.inner.clock_offset.load(Ordering::Relaxed)
    }

    pub fn add_fault(&self, fault: Fault) {
        lock(&self.inner.faults).add(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    pub fn faults(&self) -> Vec<Fault> {
        lock(&self.inner.faults).list().to_vec()
    }

    fn pick_fault(&self, action: &str, gateway: bool) -> Option<Fault> {
        lock(&self.inner.faults).pick(action, gateway)
    }

    /// A hosted product by service name, to reach its own methods in tests.
    pub fn service(&self, name: &str) -> Option<Arc<dyn SimService>> {
        self.inner.services.get(name).cloned()
    }

    /// `POST /` (the API), `/{service}/…` (products' pages) and `/_sim/*` (control).
    pub fn routes(&self) -> impl Endpoint + 'static {
        self.route()
    }

    fn route(&self) -> poem::middleware::AddDataEndpoint<Route, TencentSim> {
        let mut route = Route::new()
            .at("/", poem::post(api))
            .at("/_sim", poem::get(control::overview))
            .at(
                "/_sim/faults",
                poem::get(control::list_faults)
                    .post(control::add_faults)
                    .delete(control::clear_faults),
            )
            .at(
                "/_sim/clock",
                poem::get(control::get_clock).post(control::advance_clock),
            )
            .at("/_sim/state", poem::delete(control::reset));
        for (name, service) in &self.inner.services {
            if let Some(pages) = service.pages() {
                route = route.nest(format!("/{name}"), pages);
            }
            if let Some(control) = service.control() {
                route = route.nest(format!("/_sim/{name}"), control);
            }
        }
        route.data(self.clone())
    }

    /// Serve on `listen` (port 0 picks a free port) in a background task, with the QQ
    /// simulator's server (one log line per request).
    pub async fn start(&self, listen: &str) -> std::io::Result<RunningTencentSim> {
        let app = self.route().around(log_action);
        oauth_sim::server::start(listen, "tencent_cloud", app, self.clone()).await
    }

    /// Verify and answer one API request: the envelope's inner object.
    async fn answer(&self, req: &Request, body: &[u8]) -> serde_json::Map<String, Value> {
        let request_id = request_id();
        let mut out = match self.verified_call(req, body).await {
            Ok(fields) => fields,
            Err(e) => {
                let mut m = serde_json::Map::new();
                m.insert(
                    "Error".into(),
                    json!({ "Code": e.code, "Message": e.message }),
                );
                m
            }
        };
        out.insert("RequestId".into(), Value::String(request_id));
        out
    }

    async fn verified_call(
        &self,
        req: &Request,
        body: &[u8],
    ) -> Result<serde_json::Map<String, Value>, ApiError> {
        let header = |name: &str| req.header(name).map(str::trim).filter(|v| !v.is_empty());
        let action = header("x-tc-action").ok_or_else(|| ApiError::missing("Action"))?;
        let version = header("x-tc-version").ok_or_else(|| ApiError::missing("Version"))?;
        let timestamp = header("x-tc-timestamp").ok_or_else(|| ApiError::missing("Timestamp"))?;
        let authorization =
            header("authorization").ok_or_else(|| ApiError::missing("Authorization"))?;
        let timestamp: i64 = timestamp.parse().map_err(|_| {
            ApiError::invalid_parameter(format!(
                "The value `{timestamp}` of parameter `Timestamp` is not an integer."
            ))
        })?;
        let auth = tc3::parse_authorization(authorization).ok_or_else(|| {
            ApiError::new(
                "AuthFailure.InvalidAuthorization",
                "The Authorization header does not follow the TC3-HMAC-SHA256 format.",
            )
        })?;
        // Signatures are checked against the real clock: moving the simulated clock (to expire
        // limits and tickets) must not make every client's signature stale.
        let real = real_now();
        if (real - timestamp).abs() > tc3::MAX_CLOCK_SKEW_SECS {
            return Err(ApiError::new(
                "AuthFailure.SignatureExpire",
                format!(
                    "Signature expired. Timestamp {timestamp} differs from the server time {real} by more than {} seconds.",
                    tc3::MAX_CLOCK_SKEW_SECS
                ),
            ));
        }
        let secret_key = lock(&self.inner.keys)
            .get(&auth.secret_id)
            .cloned()
            .ok_or_else(|| {
                ApiError::new(
                    "AuthFailure.SecretIdNotFound",
                    "The SecretId is not found, please ensure that your SecretId is correct.",
                )
            })?;
        verify_signature(req, body, &auth, &secret_key, timestamp)?;
        let now = self.now();

        let mut forced_status = None;
        if let Some(fault) = self.pick_fault(action, false) {
            let code = fault.code.unwrap_or_else(|| "InternalError".into());
            let message = fault
                .message
                .unwrap_or_else(|| format!("simulated fault: {code}"));
            match fault.kind {
                FaultKind::SendStatus => forced_status = Some(ApiError::new(code, message)),
                _ => return Err(ApiError::new(code, message)),
            }
        }
        self.dispatch(&auth, action, version, req, body, now, forced_status)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn dispatch(
        &self,
        auth: &tc3::ParsedAuthorization,
        action: &str,
        version: &str,
        req: &Request,
        body: &[u8],
        now: i64,
        forced_status: Option<ApiError>,
    ) -> Result<serde_json::Map<String, Value>, ApiError> {
        let invalid_action = || {
            ApiError::new(
                "InvalidAction",
                format!(
                    "The action `{action}` is not supported by `{}`.",
                    auth.service
                ),
            )
        };
        let service = self
            .inner
            .services
            .get(auth.service.as_str())
            .ok_or_else(invalid_action)?;
        if version != service.version() {
            return Err(ApiError::new(
                "NoSuchVersion",
                format!(
                    "The version `{version}` of `{}` does not exist.",
                    auth.service
                ),
            ));
        }
        let params: Value = serde_json::from_slice(body).map_err(|_| {
            ApiError::invalid_parameter("The request body is not a valid JSON object.")
        })?;
        let Value::Object(params) = params else {
            return Err(ApiError::invalid_parameter(
                "The request body is not a valid JSON object.",
            ));
        };
        let call = SimCall {
            action,
            params: &params,
            region: req
                .header("x-tc-region")
                .map(str::trim)
                .filter(|r| !r.is_empty()),
            secret_id: &auth.secret_id,
            now,
            forced_status,
        };
        match service.call(call) {
            Some(fut) => fut.await,
            None => Err(invalid_action()),
        }
    }
}

/// Recompute the signature from the request as received, exactly as Tencent Cloud does.
fn verify_signature(
    req: &Request,
    body: &[u8],
    auth: &tc3::ParsedAuthorization,
    secret_key: &Secret,
    timestamp: i64,
) -> Result<(), ApiError> {
    // content-type and host must be signed; every signed header must be present.
    if !auth.signed_headers.iter().any(|h| h == "content-type")
        || !auth.signed_headers.iter().any(|h| h == "host")
    {
        return Err(ApiError::signature_failure());
    }
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = req
            .header(name.as_str())
            .ok_or_else(ApiError::signature_failure)?;
        headers.push((name.as_str(), value));
    }
    // The scope's date must be the timestamp's UTC date; on the real service the host also
    // names the product, which a simulator on 127.0.0.1 cannot check.
    if auth.date != tc3::utc_date(timestamp) {
        return Err(ApiError::signature_failure());
    }
    if let Some(host) = req.header("host")
        && let Some(product) = host.strip_suffix(".tencentcloudapi.com")
        && product.split('.').next() != Some(auth.service.as_str())
    {
        return Err(ApiError::signature_failure());
    }
    let query = req.uri().query().unwrap_or_default();
    let canonical = tc3::canonical_request(
        req.method().as_str(),
        req.uri().path(),
        query,
        &headers,
        body,
    );
    let scope = tc3::credential_scope(&auth.date, &auth.service);
    let to_sign = tc3::string_to_sign(timestamp, &scope, &canonical);
    let key = tc3::derive_signing_key(secret_key, &auth.date, &auth.service);
    let expected = tc3::signature(&key.secret_signing, &to_sign);
    if tc3::signatures_match(&expected, &auth.signature) {
        Ok(())
    } else {
        Err(ApiError::signature_failure())
    }
}

#[handler]
async fn api(req: &Request, body: Body, Data(sim): Data<&TencentSim>) -> Response {
    let action = req.header("x-tc-action").unwrap_or("*").to_owned();
    if let Some(fault) = sim.pick_fault(&action, true) {
        match fault.kind {
            FaultKind::Latency => {
                tokio::time::sleep(Duration::from_millis(fault.latency_ms.unwrap_or(1000))).await;
            }
            FaultKind::Timeout => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return StatusCode::GATEWAY_TIMEOUT.into_response();
            }
            _ => {
                let status = StatusCode::from_u16(fault.status.unwrap_or(502))
                    .unwrap_or(StatusCode::BAD_GATEWAY);
                return poem::web::Html(format!(
                    "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center><hr><center>stgw</center></body></html>"
                ))
                .with_status(status)
                .into_response();
            }
        }
    }
    let bytes = match body.into_bytes().await {
        Ok(b) => b,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let inner = sim.answer(req, &bytes).await;
    poem::web::Json(json!({ "Response": inner })).into_response()
}

/// Which API action a request called (`X-TC-Action`), at debug level beside the server's line
/// per request (never another header: they carry signatures).
async fn log_action<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let action = req.header("x-tc-action").unwrap_or_default().to_owned();
    let response = ep.get_response(req).await.into_response();
    tracing::debug!(target: "tencent_sim", %action, status = response.status().as_u16(), "Tencent Cloud simulator action");
    Ok(response)
}

/// A simulator serving in the background (the QQ simulator's server handle): derefs to
/// [`TencentSim`], stops when dropped; `base_url()` is the endpoint to give a client in place of
/// `https://{service}.tencentcloudapi.com`.
pub type RunningTencentSim = oauth_sim::Running<TencentSim>;

impl TencentSimConfig {
    /// What `passport dev` embeds: the service's own Tencent key and SMS app, signature and
    /// template id (so both ends agree), delivering into the service's outbox.
    pub fn for_settings(settings: &crate::config::Settings) -> Self {
        let mut config = Self::default();
        if let crate::config::SmsProvider::Tencent(t) = &settings.sms {
            config.secret_id = t.secret_id.clone();
            config.secret_key = t.secret_key.clone();
            config.sms.app_id = t.app_id.clone();
            config.sms.sign_name = t.sign_name.clone();
            if t.template_id != sms::DEV_SMS_TEMPLATE_ID {
                config
                    .sms
                    .templates
                    .insert(t.template_id.clone(), sms::DEV_SMS_TEMPLATE.to_owned());
            }
        }
        config.sms.outbox_dir = Some(settings.mail.outbox_dir.clone());
        config
    }
}

/// `passport tencent-sim` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct TencentSimArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "PASSPORT_TENCENT_SIM_LISTEN",
        default_value = "127.0.0.1:8002"
    )]
    pub listen: String,
    /// The SecretId clients sign with.
    #[arg(long, env = "PASSPORT_TENCENT_SECRET_ID", default_value = DEV_SECRET_ID)]
    pub secret_id: String,
    /// The SecretKey clients sign with (prefer the environment variable: flags show in `ps`).
    #[arg(long, env = "PASSPORT_TENCENT_SECRET_KEY", default_value = DEV_SECRET_KEY, hide_env_values = true, hide_default_value = true)]
    pub secret_key: String,
    /// The SMS SdkAppId SendSms accepts.
    #[arg(long, env = "PASSPORT_SMS_APP_ID", default_value = sms::DEV_SMS_APP_ID)]
    pub sms_app_id: String,
    /// The approved SMS signature.
    #[arg(long, env = "PASSPORT_SMS_SIGN_NAME", default_value = sms::DEV_SMS_SIGN_NAME)]
    pub sms_sign_name: String,
    /// The approved verification-code template id (`{1}` the code, `{2}` its minutes).
    #[arg(long, env = "PASSPORT_SMS_TEMPLATE_ID", default_value = sms::DEV_SMS_TEMPLATE_ID)]
    pub sms_template_id: String,
    /// Where delivered SMS are written (what passport's `/dev/outbox` shows).
    #[arg(long, env = "PASSPORT_OUTBOX_DIR", default_value = "var/outbox")]
    pub outbox_dir: PathBuf,
}

impl TencentSimArgs {
    pub fn config(&self) -> TencentSimConfig {
        let mut config = TencentSimConfig {
            secret_id: self.secret_id.clone(),
            secret_key: Secret::new(self.secret_key.clone()),
            ..TencentSimConfig::default()
        };
        config.sms.app_id = self.sms_app_id.clone();
        config.sms.sign_name = self.sms_sign_name.clone();
        config.sms.templates.insert(
            self.sms_template_id.clone(),
            sms::DEV_SMS_TEMPLATE.to_owned(),
        );
        config.sms.outbox_dir = Some(self.outbox_dir.clone());
        config
    }
}

/// `passport tencent-sim`: serve until `shutdown`, after printing where and with which key.
pub async fn run_standalone(
    args: TencentSimArgs,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let config = args.config();
    let running = TencentSim::standard(&config)
        .start(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("{}", banner(&running, &config));
    tracing::info!(url = %running.url(), "Tencent Cloud simulator is serving");
    running.run_until(shutdown).await?;
    Ok(())
}

/// What `passport tencent-sim` prints: the URL, the key pair (dev values only: a key given by
/// the operator is not echoed), the SMS app and where SMS land.
pub fn banner(running: &RunningTencentSim, config: &TencentSimConfig) -> String {
    let url = running.url();
    let key = if config.secret_key.expose() == DEV_SECRET_KEY {
        DEV_SECRET_KEY.to_owned()
    } else {
        "(the one you set)".to_owned()
    };
    let templates: Vec<String> = config
        .sms
        .templates
        .iter()
        .map(|(id, text)| format!("{id} 「{text}」"))
        .collect();
    format!(
        "\n  Tencent Cloud simulator  {url}   (API 3.0, TC3-HMAC-SHA256)\n\
         \n  SecretId   {}\n  SecretKey  {key}\n\
         \n  SMS (sms, {})  SmsSdkAppId {}  SignName {}\n  templates  {}\n  outbox     {}\n\
         \n  passport:  PASSPORT_TENCENT_SMS_ENDPOINT={url} PASSPORT_TENCENT_SECRET_ID=… PASSPORT_TENCENT_SECRET_KEY=…\n\
         \x20 control:   {url}/_sim (faults, clock, state)\n",
        config.secret_id,
        sms::VERSION,
        config.sms.app_id,
        config.sms.sign_name,
        templates.join(", "),
        config
            .sms
            .outbox_dir
            .as_ref()
            .map_or_else(|| "(none)".to_owned(), |d| d.display().to_string()),
    )
}

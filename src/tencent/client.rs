//! The generic Tencent Cloud API 3.0 client: one signed JSON POST per call, the answer's
//! `Response` object back, or a [`TencentError`] that says whether retrying can help.
//!
//! Every API 3.0 answer is HTTP 200 with `{"Response": {…, "RequestId": "…"}}`; a failure has
//! `Response.Error: {Code, Message}` instead of the result fields.

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::tc3::{self, Credentials};

/// Bodies larger than this are refused (SendSms answers for 200 numbers stay far below).
const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TencentError {
    /// No answer within the client's timeout.
    #[error("Tencent Cloud did not answer {action} in time")]
    Timeout { action: String },
    /// Could not connect, or the connection broke (never contains the URL or a secret).
    #[error("cannot reach Tencent Cloud ({action}): {detail}")]
    Transport { action: String, detail: String },
    /// A non-2xx HTTP status (a gateway in front of the API is failing).
    #[error("Tencent Cloud answered HTTP {status} to {action}")]
    Http { action: String, status: u16 },
    /// `Response.Error`: the API refused the call.
    #[error("Tencent Cloud refused {action}: {code} ({message}), RequestId {request_id}")]
    Api {
        action: String,
        code: String,
        message: String,
        request_id: String,
    },
    /// HTTP 200 but not an API 3.0 envelope.
    #[error("Tencent Cloud sent a malformed answer to {action}: {reason}")]
    Malformed { action: String, reason: String },
    /// The HTTP client could not be built.
    #[error("cannot build the Tencent Cloud client: {0}")]
    Setup(String),
}

impl TencentError {
    /// The API error code (`AuthFailure.SignatureFailure`, `LimitExceeded…`), when there is one.
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Worth trying again later: the network, the gateway, a server-side fault or a rate limit
    /// on calls (not a business limit such as one number's daily quota).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } | Self::Malformed { .. } => true,
            Self::Http { status, .. } => *status >= 500 || *status == 429,
            Self::Api { code, .. } => is_transient_code(code),
            Self::Setup(_) => false,
        }
    }
}

/// API error codes that mean "try again later": server faults and call-rate limits.
pub fn is_transient_code(code: &str) -> bool {
    code == "InternalError"
        || code.starts_with("InternalError.")
        || code == "RequestLimitExceeded"
        || code.starts_with("RequestLimitExceeded.")
        || code == "ResourceUnavailable"
}

/// Timeouts; [`Default`] suits production.
#[derive(Debug, Clone)]
pub struct TencentClientOptions {
    pub connect_timeout: Duration,
    /// The whole request, body included.
    pub timeout: Duration,
}

impl Default for TencentClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(3),
            timeout: Duration::from_secs(10),
        }
    }
}

/// A signed API 3.0 client for one key pair. Cheap to clone (reqwest's pool is shared).
#[derive(Clone)]
pub struct TencentClient {
    http: reqwest::Client,
    creds: Credentials,
}

impl fmt::Debug for TencentClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentClient")
            .field("secret_id", &self.creds.secret_id)
            .finish_non_exhaustive()
    }
}

impl TencentClient {
    pub fn new(creds: Credentials, options: TencentClientOptions) -> Result<Self, TencentError> {
        crate::install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("renran-passport/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TencentError::Setup(e.without_url().to_string()))?;
        Ok(Self { http, creds })
    }

    pub fn secret_id(&self) -> &str {
        &self.creds.secret_id
    }

    /// Call `action` of `service` (`sms`, `captcha`) at `endpoint` (`https://sms.tencentcloudapi.com`
    /// or a simulator) and return the inner `Response` object (with its `RequestId`).
    pub async fn call(
        &self,
        service: &str,
        endpoint: &Url,
        action: &str,
        version: &str,
        region: Option<&str>,
        payload: &Value,
    ) -> Result<Value, TencentError> {
        let timestamp = chrono::Utc::now().timestamp();
        self.call_at(
            service, endpoint, action, version, region, payload, timestamp,
        )
        .await
    }

    /// [`call`](Self::call) with a given timestamp (tests of clock skew).
    #[allow(clippy::too_many_arguments)]
    pub async fn call_at(
        &self,
        service: &str,
        endpoint: &Url,
        action: &str,
        version: &str,
        region: Option<&str>,
        payload: &Value,
        timestamp: i64,
    ) -> Result<Value, TencentError> {
        let body = serde_json::to_vec(payload).map_err(|e| TencentError::Malformed {
            action: action.to_owned(),
            reason: format!("cannot encode the payload: {e}"),
        })?;
        let host = host_header(endpoint);
        let signed = tc3::sign(
            &self.creds,
            service,
            &host,
            action,
            version,
            region,
            timestamp,
            &body,
        );
        let mut request = self.http.post(endpoint.clone()).body(body);
        for (name, value) in signed.pairs() {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| from_reqwest(action, e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(TencentError::Http {
                action: action.to_owned(),
                status: status.as_u16(),
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| from_reqwest(action, e))?;
        parse_envelope(action, &bytes)
    }
}

/// The `Host` header reqwest sends for `url` (port only when not the scheme's default), which is
/// the one that must be signed.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// `{"Response": {...}}` → the inner object, or its `Error` as [`TencentError::Api`].
pub fn parse_envelope(action: &str, bytes: &[u8]) -> Result<Value, TencentError> {
    let malformed = |reason: &str| TencentError::Malformed {
        action: action.to_owned(),
        reason: reason.to_owned(),
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(malformed("the body is too large"));
    }
    let body: Value = serde_json::from_slice(bytes).map_err(|_| malformed("not JSON"))?;
    let Some(response) = body.get("Response").filter(|r| r.is_object()) else {
        return Err(malformed("no Response object"));
    };
    let request_id = response
        .get("RequestId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(error) = response.get("Error") {
        let code = error.get("Code").and_then(Value::as_str);
        let message = error.get("Message").and_then(Value::as_str);
        let Some(code) = code else {
            return Err(malformed("an Error without a Code"));
        };
        return Err(TencentError::Api {
            action: action.to_owned(),
            code: code.to_owned(),
            message: message.unwrap_or_default().to_owned(),
            request_id,
        });
    }
    if request_id.is_empty() {
        return Err(malformed("no RequestId"));
    }
    Ok(response.clone())
}

fn from_reqwest(action: &str, err: reqwest::Error) -> TencentError {
    if err.is_timeout() {
        return TencentError::Timeout {
            action: action.to_owned(),
        };
    }
    TencentError::Transport {
        action: action.to_owned(),
        detail: crate::net::transport_detail(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_gives_the_inner_response_or_its_error() {
        let ok = parse_envelope(
            "SendSms",
            br#"{"Response":{"SendStatusSet":[],"RequestId":"r-1"}}"#,
        )
        .expect("ok");
        assert_eq!(ok["RequestId"], "r-1");
        let err = parse_envelope(
            "SendSms",
            br#"{"Response":{"Error":{"Code":"InternalError.Timeout","Message":"slow"},"RequestId":"r-2"}}"#,
        )
        .expect_err("api error");
        assert_eq!(
            err,
            TencentError::Api {
                action: "SendSms".into(),
                code: "InternalError.Timeout".into(),
                message: "slow".into(),
                request_id: "r-2".into()
            }
        );
        assert!(err.is_transient());
        let limit = parse_envelope(
            "SendSms",
            br#"{"Response":{"Error":{"Code":"LimitExceeded.PhoneNumberDailyLimit","Message":"x"},"RequestId":"r"}}"#,
        )
        .expect_err("limit");
        assert!(!limit.is_transient());
        for junk in [
            &b"<html>"[..],
            b"{}",
            br#"{"Response":1}"#,
            br#"{"Response":{}}"#,
        ] {
            assert!(matches!(
                parse_envelope("SendSms", junk),
                Err(TencentError::Malformed { .. })
            ));
        }
    }

    #[test]
    fn the_signed_host_carries_the_port_only_when_it_is_not_the_default() {
        let url = |s: &str| Url::parse(s).expect("url");
        assert_eq!(
            host_header(&url("https://sms.tencentcloudapi.com")),
            "sms.tencentcloudapi.com"
        );
        assert_eq!(
            host_header(&url("http://127.0.0.1:8002/")),
            "127.0.0.1:8002"
        );
        assert_eq!(host_header(&url("http://localhost:80/")), "localhost");
    }

    #[test]
    fn call_rate_limits_and_server_faults_are_transient_but_business_limits_are_not() {
        for code in [
            "InternalError",
            "InternalError.Timeout",
            "RequestLimitExceeded",
            "RequestLimitExceeded.UinLimitExceeded",
        ] {
            assert!(is_transient_code(code), "{code}");
        }
        for code in [
            "LimitExceeded.PhoneNumberDailyLimit",
            "InvalidParameterValue.IncorrectPhoneNumber",
            "AuthFailure.SignatureFailure",
        ] {
            assert!(!is_transient_code(code), "{code}");
        }
    }
}

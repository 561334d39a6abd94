//! Tencent Cloud SMS (`sms.tencentcloudapi.com`, `SendSms`, version 2021-01-11), one number per
//! call, through the signed [`TencentClient`].
//!
//! How each answer ends the job (`SmsError::is_permanent` → discarded, else retried with
//! backoff):
//!
//! | answer | job |
//! |---|---|
//! | `SendStatusSet[].Code` `Ok` for our number | completed |
//! | a per-number code such as `LimitExceeded.PhoneNumberDailyLimit`, `InvalidParameterValue.IncorrectPhoneNumber` | discarded, the code as the reason |
//! | `Response.Error` with a permanent code (`AuthFailure.*`, `FailedOperation.*`, `InvalidParameter*`, `LimitExceeded.*`, …) | discarded, the code as the reason |
//! | HTTP 5xx, a timeout, a broken connection, a malformed answer, `InternalError*`, `RequestLimitExceeded*` (either level) | retried |

use serde_json::{Value, json};
use url::Url;

use super::{SendFuture, Sms, SmsError, SmsGateway};
use crate::config::TencentSmsSettings;
use crate::tencent::client::is_transient_code;
use crate::tencent::{Credentials, TencentClient, TencentClientOptions, TencentError};

pub const SERVICE: &str = "sms";
pub const VERSION: &str = "2021-01-11";
pub const ACTION: &str = "SendSms";

pub struct TencentSmsGateway {
    client: TencentClient,
    endpoint: Url,
    region: String,
    app_id: String,
    sign_name: String,
    template_id: String,
}

impl TencentSmsGateway {
    pub fn new(settings: &TencentSmsSettings) -> Result<Self, TencentError> {
        let client = TencentClient::new(
            Credentials::new(settings.secret_id.clone(), settings.secret_key.clone()),
            TencentClientOptions {
                timeout: settings.timeout,
                ..TencentClientOptions::default()
            },
        )?;
        Ok(Self {
            client,
            endpoint: settings.endpoint.clone(),
            region: settings.region.clone(),
            app_id: settings.app_id.clone(),
            sign_name: settings.sign_name.clone(),
            template_id: settings.template_id.clone(),
        })
    }

    /// The `SendSms` parameters for one message. `key` (the job's idempotency key) goes in
    /// `SessionContext`, which Tencent echoes in the answer and in delivery receipts.
    pub fn payload(&self, sms: &Sms, key: &str) -> Value {
        json!({
            "PhoneNumberSet": [e164(&sms.mobile)],
            "SmsSdkAppId": self.app_id,
            "SignName": self.sign_name,
            "TemplateId": self.template_id,
            "TemplateParamSet": sms.message.template_params(),
            "SessionContext": key,
        })
    }
}

/// `+86` + the 11 digits of a mainland mobile; a number that already has `+` as it is.
pub fn e164(mobile: &str) -> String {
    if mobile.starts_with('+') {
        mobile.to_owned()
    } else {
        format!("+86{mobile}")
    }
}

impl SmsGateway for TencentSmsGateway {
    fn send<'a>(&'a self, sms: &'a Sms, key: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            let response = self
                .client
                .call(
                    SERVICE,
                    &self.endpoint,
                    ACTION,
                    VERSION,
                    Some(&self.region),
                    &self.payload(sms, key),
                )
                .await
                .map_err(|e| match &e {
                    TencentError::Api { code, message, .. } if !e.is_transient() => {
                        SmsError::Rejected(format!("{code}: {message}"))
                    }
                    _ => SmsError::Unavailable(e.to_string()),
                })?;
            outcome(&response, &e164(&sms.mobile))
        })
    }
}

/// Our number's entry in `SendStatusSet`: `Ok`, a permanent refusal, or something to retry.
fn outcome(response: &Value, phone: &str) -> Result<(), SmsError> {
    let request_id = response["RequestId"].as_str().unwrap_or_default();
    let Some(status) = response["SendStatusSet"].as_array().and_then(|set| {
        set.iter()
            .find(|s| s["PhoneNumber"] == phone)
            .or(set.first())
    }) else {
        return Err(SmsError::Unavailable(format!(
            "SendSms answered without a SendStatusSet (RequestId {request_id})"
        )));
    };
    let code = status["Code"].as_str().unwrap_or_default();
    let message = status["Message"].as_str().unwrap_or_default();
    match code {
        "Ok" => Ok(()),
        "" => Err(SmsError::Unavailable(format!(
            "SendSms answered a status without a Code (RequestId {request_id})"
        ))),
        code if is_transient_code(code) => Err(SmsError::Unavailable(format!(
            "{code}: {message} (RequestId {request_id})"
        ))),
        code => Err(SmsError::Rejected(format!(
            "{code}: {message} (RequestId {request_id})"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(code: &str) -> Value {
        json!({
            "SendStatusSet": [{
                "SerialNo": "", "PhoneNumber": "+8613800138000", "Fee": 0,
                "SessionContext": "", "Code": code, "Message": "m", "IsoCode": "CN"
            }],
            "RequestId": "r"
        })
    }

    #[test]
    fn each_per_number_code_completes_discards_or_retries() {
        assert!(outcome(&answer("Ok"), "+8613800138000").is_ok());
        for code in [
            "LimitExceeded.PhoneNumberDailyLimit",
            "LimitExceeded.PhoneNumberThirtySecondLimit",
            "InvalidParameterValue.IncorrectPhoneNumber",
            "FailedOperation.PhoneNumberInBlacklist",
        ] {
            let err = outcome(&answer(code), "+8613800138000").expect_err(code);
            assert!(err.is_permanent(), "{code}");
            assert!(err.to_string().contains(code), "{err}");
        }
        for code in ["InternalError.Timeout", "RequestLimitExceeded"] {
            assert!(
                !outcome(&answer(code), "+8613800138000")
                    .expect_err(code)
                    .is_permanent()
            );
        }
        assert!(
            !outcome(&json!({"RequestId": "r"}), "+8613800138000")
                .expect_err("no set")
                .is_permanent()
        );
    }

    #[test]
    fn mainland_numbers_go_out_in_e164() {
        assert_eq!(e164("13800138000"), "+8613800138000");
        assert_eq!(e164("+85261234567"), "+85261234567");
    }
}

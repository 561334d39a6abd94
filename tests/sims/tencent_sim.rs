//! The Tencent Cloud simulator on the wire: signature checks as Tencent Cloud makes them, the
//! API 3.0 envelope, SendSms and its per-number limits, and the `/_sim` control endpoints.
//! Requests are signed with `passport::tencent::tc3` and sent with plain reqwest, so a test can
//! change any byte after signing.

use std::time::Duration;

use passport::config::Secret;
use passport::tencent::sim::sms::{DEV_SMS_APP_ID, DEV_SMS_SIGN_NAME, DEV_SMS_TEMPLATE_ID};
use passport::tencent::sim::{
    DEV_SECRET_ID, DEV_SECRET_KEY, Fault, FaultKind, RunningTencentSim, TencentSim,
};
use passport::tencent::{Credentials, TencentClient, TencentClientOptions, TencentError, tc3};
use serde_json::{Value, json};

use crate::get_json;

async fn start() -> (RunningTencentSim, tempfile::TempDir) {
    passport::install_crypto_provider();
    let outbox = tempfile::tempdir().expect("tempdir");
    let sim = TencentSim::dev(outbox.path())
        .start("127.0.0.1:0")
        .await
        .expect("simulator starts");
    (sim, outbox)
}

fn dev_creds() -> Credentials {
    Credentials::new(DEV_SECRET_ID, Secret::new(DEV_SECRET_KEY))
}

fn send_sms_body(phone: &str) -> Value {
    json!({
        "PhoneNumberSet": [phone],
        "SmsSdkAppId": DEV_SMS_APP_ID,
        "SignName": DEV_SMS_SIGN_NAME,
        "TemplateId": DEV_SMS_TEMPLATE_ID,
        "TemplateParamSet": ["123456", "5"],
    })
}

/// Sign `body` for SendSms at `timestamp` with `creds`, let `tamper` change the request, send it,
/// return the envelope.
async fn raw_call(
    sim: &RunningTencentSim,
    creds: &Credentials,
    body: &[u8],
    timestamp: i64,
    tamper: impl FnOnce(&mut Vec<(String, String)>, &mut Vec<u8>),
) -> Value {
    let host = sim.addr().to_string();
    let signed = tc3::sign(
        creds,
        "sms",
        &host,
        "SendSms",
        "2021-01-11",
        Some("ap-guangzhou"),
        timestamp,
        body,
    );
    let mut headers: Vec<(String, String)> = signed
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut body = body.to_vec();
    tamper(&mut headers, &mut body);
    let mut req = reqwest::Client::new().post(sim.url()).body(body);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.expect("request");
    assert_eq!(resp.status(), 200, "API 3.0 answers errors with HTTP 200");
    resp.json().await.expect("JSON envelope")
}

fn error_code(envelope: &Value) -> &str {
    envelope["Response"]["Error"]["Code"].as_str().unwrap_or("")
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_correctly_signed_send_sms_answers_the_documented_send_status_set() {
    let (sim, outbox) = start().await;
    let body = serde_json::to_vec(&send_sms_body("+8613800138000")).expect("json");
    let envelope = raw_call(&sim, &dev_creds(), &body, now(), |_, _| {}).await;
    let response = &envelope["Response"];
    assert!(response.get("Error").is_none(), "{envelope}");
    assert!(is_uuid(response["RequestId"].as_str().expect("RequestId")));
    let status = &response["SendStatusSet"][0];
    assert_eq!(status["Code"], "Ok");
    assert_eq!(status["Message"], "send success");
    assert_eq!(status["PhoneNumber"], "+8613800138000");
    assert_eq!(status["Fee"], 1);
    assert_eq!(status["IsoCode"], "CN");
    assert_eq!(status["SessionContext"], "");
    assert!(status["SerialNo"].as_str().is_some_and(|s| !s.is_empty()));
    // Delivered into the outbox in the text form /dev/outbox has always shown.
    let stored = passport::mail::Outbox::new(outbox.path())
        .read_all()
        .await
        .expect("outbox");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].to, "13800138000");
    assert_eq!(
        stored[0].body,
        "【荏苒】您的验证码是123456，5分钟内有效。请勿告诉他人。"
    );
}

#[tokio::test]
async fn a_request_with_one_byte_changed_after_signing_is_refused_with_signature_failure() {
    let (sim, _outbox) = start().await;
    let body = serde_json::to_vec(&send_sms_body("+8613800138000")).expect("json");
    // One byte of the body: 138 → 139.
    let envelope = raw_call(&sim, &dev_creds(), &body, now(), |_, body| {
        let at = body
            .windows(3)
            .position(|w| w == b"138")
            .expect("the number is in the body");
        body[at + 2] = b'9';
    })
    .await;
    assert_eq!(
        error_code(&envelope),
        "AuthFailure.SignatureFailure",
        "{envelope}"
    );
    assert!(is_uuid(
        envelope["Response"]["RequestId"].as_str().unwrap_or("")
    ));
    assert!(envelope["Response"].get("SendStatusSet").is_none());
    // One byte of a signed header.
    let envelope = raw_call(&sim, &dev_creds(), &body, now(), |headers, _| {
        for (k, v) in headers.iter_mut() {
            if k == "Content-Type" {
                *v = "application/json; charset=utf-9".into();
            }
        }
    })
    .await;
    assert_eq!(error_code(&envelope), "AuthFailure.SignatureFailure");
    // One byte of the signature itself.
    let envelope = raw_call(&sim, &dev_creds(), &body, now(), |headers, _| {
        for (k, v) in headers.iter_mut() {
            if k == "Authorization" {
                let last = v.pop().expect("non-empty");
                v.push(if last == '0' { '1' } else { '0' });
            }
        }
    })
    .await;
    assert_eq!(error_code(&envelope), "AuthFailure.SignatureFailure");
    // The wrong key for a known SecretId.
    let wrong = Credentials::new(DEV_SECRET_ID, Secret::new("not-the-key"));
    let envelope = raw_call(&sim, &wrong, &body, now(), |_, _| {}).await;
    assert_eq!(error_code(&envelope), "AuthFailure.SignatureFailure");
    // Nothing was sent by any of them.
    let sms = sim.service("sms").expect("sms");
    assert_eq!(sms.overview()["delivered"], 0);
}

#[tokio::test]
async fn timestamps_more_than_five_minutes_off_expire_and_unknown_keys_are_not_found() {
    let (sim, _outbox) = start().await;
    let body = serde_json::to_vec(&send_sms_body("+8613800138000")).expect("json");
    // 30 s beyond the limit on either side: a loaded machine may take seconds to deliver the call.
    for skew in [-330, 330] {
        let envelope = raw_call(&sim, &dev_creds(), &body, now() + skew, |_, _| {}).await;
        assert_eq!(
            error_code(&envelope),
            "AuthFailure.SignatureExpire",
            "{skew}"
        );
    }
    // Within five minutes is fine (the first of two sends to different numbers).
    let envelope = raw_call(&sim, &dev_creds(), &body, now() - 270, |_, _| {}).await;
    assert!(envelope["Response"].get("Error").is_none(), "{envelope}");
    // Moving the simulated clock (for limits) leaves signatures checked against real time.
    sim.advance_clock(Duration::from_secs(600));
    let other = serde_json::to_vec(&send_sms_body("+8613900139000")).expect("json");
    let envelope = raw_call(&sim, &dev_creds(), &other, now(), |_, _| {}).await;
    assert!(envelope["Response"].get("Error").is_none(), "{envelope}");

    let stranger = Credentials::new("AKIDunknown", Secret::new(DEV_SECRET_KEY));
    let envelope = raw_call(&sim, &stranger, &body, now(), |_, _| {}).await;
    assert_eq!(error_code(&envelope), "AuthFailure.SecretIdNotFound");
}

#[tokio::test]
async fn missing_headers_unknown_actions_and_bad_parameters_get_tencents_codes() {
    let (sim, _outbox) = start().await;
    let body = serde_json::to_vec(&send_sms_body("+8613800138000")).expect("json");
    let envelope = raw_call(&sim, &dev_creds(), &body, now(), |headers, _| {
        headers.retain(|(k, _)| k != "X-TC-Timestamp");
    })
    .await;
    assert_eq!(error_code(&envelope), "MissingParameter");
    let envelope = raw_call(&sim, &dev_creds(), &body, now(), |headers, _| {
        headers.retain(|(k, _)| k != "Authorization");
        headers.push(("Authorization".into(), "Bearer nope".into()));
    })
    .await;
    assert_eq!(error_code(&envelope), "AuthFailure.InvalidAuthorization");

    let client = TencentClient::new(dev_creds(), TencentClientOptions::default()).expect("client");
    let call = |action: &'static str, version: &'static str, payload: Value| {
        let client = client.clone();
        let endpoint = sim.base_url();
        async move {
            client
                .call("sms", &endpoint, action, version, None, &payload)
                .await
        }
    };
    let code = |r: Result<Value, TencentError>| {
        r.expect_err("refused")
            .api_code()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        code(call("SendEmail", "2021-01-11", json!({})).await),
        "InvalidAction"
    );
    assert_eq!(
        code(call("SendSms", "2019-07-11", send_sms_body("+8613800138000")).await),
        "NoSuchVersion"
    );
    let mut no_app = send_sms_body("+8613800138000");
    no_app
        .as_object_mut()
        .expect("object")
        .remove("SmsSdkAppId");
    assert_eq!(
        code(call("SendSms", "2021-01-11", no_app).await),
        "MissingParameter"
    );
    let mut other_app = send_sms_body("+8613800138000");
    other_app["SmsSdkAppId"] = json!("1400999999");
    assert_eq!(
        code(call("SendSms", "2021-01-11", other_app).await),
        "InvalidParameterValue.SdkAppIdNotExist"
    );
    let mut other_sign = send_sms_body("+8613800138000");
    other_sign["SignName"] = json!("别人");
    assert_eq!(
        code(call("SendSms", "2021-01-11", other_sign).await),
        "FailedOperation.SignatureIncorrectOrUnapproved"
    );
    let mut other_template = send_sms_body("+8613800138000");
    other_template["TemplateId"] = json!("1");
    assert_eq!(
        code(call("SendSms", "2021-01-11", other_template).await),
        "FailedOperation.TemplateIncorrectOrUnapproved"
    );
    let mut bad_type = send_sms_body("+8613800138000");
    bad_type["PhoneNumberSet"] = json!("+8613800138000");
    assert_eq!(
        code(call("SendSms", "2021-01-11", bad_type).await),
        "InvalidParameter"
    );
}

#[tokio::test]
async fn per_number_limits_and_bad_numbers_come_back_in_the_send_status_set() {
    let (sim, _outbox) = start().await;
    let client = TencentClient::new(dev_creds(), TencentClientOptions::default()).expect("client");
    let send = |phones: Vec<&str>| {
        let client = client.clone();
        let endpoint = sim.base_url();
        let mut body = send_sms_body("");
        body["PhoneNumberSet"] = json!(phones);
        async move {
            let r = client
                .call("sms", &endpoint, "SendSms", "2021-01-11", None, &body)
                .await
                .expect("the call succeeds; statuses are per number");
            r["SendStatusSet"]
                .as_array()
                .expect("set")
                .iter()
                .map(|s| s["Code"].as_str().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        send(vec!["+8613800138000", "+86123"]).await,
        ["Ok", "InvalidParameterValue.IncorrectPhoneNumber"]
    );
    assert_eq!(
        send(vec!["+8613800138000", "+8613900139000"]).await,
        ["LimitExceeded.PhoneNumberThirtySecondLimit", "Ok"]
    );
    // 5 an hour, then the hourly limit.
    for _ in 0..4 {
        sim.advance_clock(Duration::from_secs(31));
        assert_eq!(send(vec!["+8613800138000"]).await, ["Ok"]);
    }
    sim.advance_clock(Duration::from_secs(31));
    assert_eq!(
        send(vec!["+8613800138000"]).await,
        ["LimitExceeded.PhoneNumberOneHourLimit"]
    );
    // 10 a day, then the daily limit.
    for _ in 0..5 {
        sim.advance_clock(Duration::from_secs(3601));
        assert_eq!(send(vec!["+8613800138000"]).await, ["Ok"]);
    }
    sim.advance_clock(Duration::from_secs(3601));
    assert_eq!(
        send(vec!["+8613800138000"]).await,
        ["LimitExceeded.PhoneNumberDailyLimit"]
    );
    sim.advance_clock(Duration::from_secs(86_400));
    assert_eq!(send(vec!["+8613800138000"]).await, ["Ok"]);
}

#[tokio::test]
async fn faults_answer_5xx_time_out_or_return_an_error_code_for_an_action() {
    let (sim, _outbox) = start().await;
    let http = reqwest::Client::new();
    let fault = |f: Value| {
        let http = http.clone();
        let url = format!("{}/_sim/faults", sim.url());
        async move { http.post(url).json(&f).send().await.expect("control") }
    };
    let client = TencentClient::new(
        dev_creds(),
        TencentClientOptions {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_millis(500),
        },
    )
    .expect("client");
    let send = || {
        let client = client.clone();
        let endpoint = sim.base_url();
        async move {
            client
                .call(
                    "sms",
                    &endpoint,
                    "SendSms",
                    "2021-01-11",
                    None,
                    &send_sms_body("+8613800138000"),
                )
                .await
        }
    };

    assert_eq!(
        fault(json!({"action": "SendSms", "kind": "status", "status": 503, "times": 1}))
            .await
            .status(),
        200
    );
    let err = send().await.expect_err("503");
    assert!(
        matches!(err, TencentError::Http { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());

    fault(json!({"action": "SendSms", "kind": "timeout", "times": 1})).await;
    let err = send().await.expect_err("timeout");
    assert!(matches!(err, TencentError::Timeout { .. }), "{err:?}");

    fault(
        json!({"action": "SendSms", "kind": "error", "code": "RequestLimitExceeded", "times": 1}),
    )
    .await;
    let err = send().await.expect_err("rate limited");
    assert_eq!(err.api_code(), Some("RequestLimitExceeded"));
    assert!(err.is_transient());

    fault(json!({"kind": "send_status", "action": "SendSms", "code": "LimitExceeded.PhoneNumberDailyLimit", "times": 1})).await;
    let ok = send().await.expect("the call succeeds");
    assert_eq!(
        ok["SendStatusSet"][0]["Code"],
        "LimitExceeded.PhoneNumberDailyLimit"
    );

    // Spent faults are gone; a bad fault is refused; DELETE clears.
    let listed = get_json(&http, format!("{}/_sim/faults", sim.url())).await;
    assert_eq!(listed["faults"], json!([]));
    assert_eq!(fault(json!({"kind": "error"})).await.status(), 400);
    sim.add_fault(Fault::new("*", FaultKind::Status));
    assert_eq!(
        http.delete(format!("{}/_sim/faults", sim.url()))
            .send()
            .await
            .expect("delete")
            .status(),
        204
    );
    assert!(sim.faults().is_empty());
    assert_eq!(send().await.expect("ok")["SendStatusSet"][0]["Code"], "Ok");
}

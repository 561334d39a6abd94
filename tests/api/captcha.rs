//! The captcha in front of password login, QQ bind and SMS codes, over real HTTP against the
//! Tencent Cloud simulator (tickets minted by `/_sim/captcha/tickets`), on SQLite and PostgreSQL:
//! required / failed / reused / another app's ticket / expired / Tencent down / policy off.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_error, json_of};
use crate::qq_login::{PASSWORD, bind_ticket, existing_user};

pub(crate) const DEV_APP: u64 = passport::config::DEV_CAPTCHA_APP_ID;
const OTHER_APP: u64 = passport::tencent::sim::captcha::OTHER_APP_ID;

/// The app with the QQ simulator and the Tencent simulator, under captcha `policy`.
pub(crate) async fn spawn(backend: Backend, policy: &'static str) -> Option<(TestApp, String)> {
    let tencent = crate::helpers::spawn_tencent_simulator().await;
    let endpoint = tencent.clone();
    let app = TestApp::spawn_with_sim_and(backend, move |env| {
        env.insert("PASSPORT_CAPTCHA".into(), policy.into());
        env.insert("PASSPORT_TENCENT_CAPTCHA_ENDPOINT".into(), endpoint);
    })
    .await?;
    Some((app, tencent))
}

/// A ticket as if a person had solved the captcha of `app_id`.
pub(crate) async fn ticket(app: &TestApp, tencent: &str, app_id: u64) -> Value {
    let response = app
        .client
        .post(format!("{tencent}/_sim/captcha/tickets"))
        .json(&json!({"app_id": app_id}))
        .send()
        .await
        .expect("mint a ticket");
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    let t = &body["tickets"][0];
    json!({"ticket": t["ticket"], "randstr": t["randstr"]})
}

async fn login(
    app: &TestApp,
    account: &str,
    password: &str,
    captcha: Option<Value>,
) -> (StatusCode, Value) {
    let mut body = json!({"account": account, "password": password});
    if let Some(c) = captcha {
        body["captcha"] = c;
    }
    app.post("/api/users/login", &body).await
}

/// An SMS code request for the registration of `bind_ticket`.
async fn sms(
    app: &TestApp,
    bind_ticket: &str,
    mobile: &str,
    captcha: Option<Value>,
) -> (StatusCode, Value) {
    let mut body = json!({"mobile": mobile, "bind_ticket": bind_ticket});
    if let Some(c) = captcha {
        body["captcha"] = c;
    }
    app.post("/api/sms/codes", &body).await
}

async fn sms_jobs(app: &TestApp) -> u64 {
    passport::entities::jobs::Entity::find()
        .count(&app.db)
        .await
        .expect("count jobs")
}

/// Failed sign-ins counted for every account and client (the throttle's counters).
async fn failures_counted(app: &TestApp) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COALESCE(SUM(hits), 0) AS n FROM rate_limits \
             WHERE key LIKE 'login_fail:account:%' OR key LIKE 'login_fail:user:%'",
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get::<i64>("", "n")
        .or_else(|_| row.try_get::<i32>("", "n").map(i64::from))
        .expect("sum")
}

async fn risk_asks_after_the_first_failure_and_before_the_password(backend: Backend) {
    let Some((app, tencent)) = spawn(backend, "risk").await else {
        return;
    };
    existing_user(&app, "laozhang", "13900000001").await;

    // No failure yet: no captcha needed.
    let first = login(&app, "laozhang", "wrong-horse-1", None).await;
    assert_error(&first, 400, "invalid_credentials");
    assert_eq!(failures_counted(&app).await, 1);

    // After one failure, even the right password needs a captcha, and no password is tried.
    assert_error(
        &login(&app, "laozhang", PASSWORD, None).await,
        400,
        "captcha_required",
    );
    assert_error(
        &login(&app, "laozhang", "wrong-horse-2", None).await,
        400,
        "captcha_required",
    );
    assert_eq!(failures_counted(&app).await, 1, "no password was verified");

    // A failed captcha (wrong randstr) is refused the same way, before the password.
    let mut forged = ticket(&app, &tencent, DEV_APP).await;
    forged["randstr"] = json!("@wrong1");
    assert_error(
        &login(&app, "laozhang", PASSWORD, Some(forged)).await,
        400,
        "captcha_failed",
    );
    assert_eq!(failures_counted(&app).await, 1);

    let solved = ticket(&app, &tencent, DEV_APP).await;
    let ok = login(&app, "laozhang", PASSWORD, Some(solved)).await;
    assert_eq!(ok.0, 200, "{}", ok.1);
    assert!(ok.1["token"].is_string());

    // Another client address is the same client here (127.0.0.1), so a fresh account also asks.
    existing_user(&app, "laoli", "13900000002").await;
    assert_error(
        &login(&app, "laoli", PASSWORD, None).await,
        400,
        "captcha_required",
    );
}

async fn sms_codes_need_a_captcha_under_risk_and_each_ticket_works_once(backend: Backend) {
    let Some((app, tencent)) = spawn(backend, "risk").await else {
        return;
    };
    let qq = bind_ticket(&app, "xiaoming").await;
    let before = sms_jobs(&app).await;
    assert_error(
        &sms(&app, &qq, "13800000001", None).await,
        400,
        "captcha_required",
    );
    assert_eq!(
        sms_jobs(&app).await,
        before,
        "nothing queued without a captcha"
    );

    let solved = ticket(&app, &tencent, DEV_APP).await;
    let sent = sms(&app, &qq, "13800000001", Some(solved.clone())).await;
    assert_eq!(sent.0, 202, "{}", sent.1);
    assert_eq!(sms_jobs(&app).await, before + 1);

    // The same ticket again, for another number: refused, nothing queued.
    assert_error(
        &sms(&app, &qq, "13800000002", Some(solved)).await,
        400,
        "captcha_failed",
    );
    assert_eq!(sms_jobs(&app).await, before + 1);

    // A ticket of another captcha app is refused.
    let foreign = ticket(&app, &tencent, OTHER_APP).await;
    assert_error(
        &sms(&app, &qq, "13800000002", Some(foreign)).await,
        400,
        "captcha_failed",
    );
    // One that was never issued, too.
    let bogus = json!({"ticket": "tr03NotIssuedByTencent", "randstr": "@abc123"});
    assert_error(
        &sms(&app, &qq, "13800000002", Some(bogus)).await,
        400,
        "captcha_failed",
    );
    // And a malformed one never reaches Tencent.
    let malformed = json!({"ticket": "", "randstr": "@abc123"});
    assert_error(
        &sms(&app, &qq, "13800000002", Some(malformed)).await,
        400,
        "captcha_failed",
    );
    assert_eq!(sms_jobs(&app).await, before + 1);
}

async fn always_demands_a_captcha_on_login_and_bind(backend: Backend) {
    let Some((app, tencent)) = spawn(backend, "always").await else {
        return;
    };
    existing_user(&app, "laowang", "13900000003").await;
    assert_error(
        &login(&app, "laowang", PASSWORD, None).await,
        400,
        "captcha_required",
    );

    let ticket_for_bind = bind_ticket(&app, "xiaohong").await;
    let bind = |captcha: Option<Value>| {
        let mut body =
            json!({"bind_ticket": ticket_for_bind, "account": "laowang", "password": PASSWORD});
        if let Some(c) = captcha {
            body["captcha"] = c;
        }
        body
    };
    let refused = app.post("/api/oauth/qq/bind", &bind(None)).await;
    assert_error(&refused, 400, "captcha_required");
    let solved = ticket(&app, &tencent, DEV_APP).await;
    let bound = app.post("/api/oauth/qq/bind", &bind(Some(solved))).await;
    assert_eq!(bound.0, 200, "{}", bound.1);
    assert_eq!(bound.1["status"], "logged_in", "{}", bound.1);
}

async fn an_expired_ticket_is_refused(backend: Backend) {
    let Some((app, tencent)) = spawn(backend, "always").await else {
        return;
    };
    let qq = bind_ticket(&app, "xiaoming").await;
    let old = ticket(&app, &tencent, DEV_APP).await;
    let response = app
        .client
        .post(format!("{tencent}/_sim/clock"))
        .json(&json!({"advance_secs": 301}))
        .send()
        .await
        .expect("clock");
    assert!(response.status().is_success(), "{}", response.status());
    assert_error(
        &sms(&app, &qq, "13800000005", Some(old)).await,
        400,
        "captcha_failed",
    );
}

async fn tencent_down_answers_502_and_tries_no_password(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        env.insert("PASSPORT_CAPTCHA".into(), "always".into());
        // A port nothing listens on.
        env.insert(
            "PASSPORT_TENCENT_CAPTCHA_ENDPOINT".into(),
            "http://127.0.0.1:9".into(),
        );
    })
    .await
    else {
        return;
    };
    existing_user(&app, "laosun", "13900000006").await;
    let answer = json!({"ticket": "tr03Something", "randstr": "@abc123"});
    let refused = login(&app, "laosun", "wrong-horse-1", Some(answer)).await;
    assert_error(&refused, 502, "captcha_unavailable");
    assert_eq!(failures_counted(&app).await, 0, "no password was tried");
}

async fn policy_off_asks_for_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "laozhao", "13900000007").await;
    assert_error(
        &login(&app, "laozhao", "wrong-horse-1", None).await,
        400,
        "invalid_credentials",
    );
    let ok = login(&app, "laozhao", PASSWORD, None).await;
    assert_eq!(ok.0, 200, "{}", ok.1);
    let qq = bind_ticket(&app, "xiaoming").await;
    assert_eq!(sms(&app, &qq, "13800000007", None).await.0, 202);

    let (status, config) = json_of(app.get("/api/captcha/config").await).await;
    assert_eq!(status, 200);
    assert_eq!(config, json!({"policy": "off"}));
}

async fn the_config_and_the_csp_name_the_captcha_script(backend: Backend) {
    let Some((app, tencent)) = spawn(backend, "risk").await else {
        return;
    };
    let (status, config) = json_of(app.get("/api/captcha/config").await).await;
    assert_eq!(status, 200);
    assert_eq!(config["policy"], "risk");
    assert_eq!(config["app_id"], DEV_APP.to_string());
    assert_eq!(
        config["script_url"],
        format!("{tencent}/captcha/TCaptcha.js")
    );

    let page = app.get("/login").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(
        csp.contains(&format!("script-src 'self' {tencent};")),
        "{csp}"
    );
    assert!(csp.contains(&format!("frame-src {tencent};")), "{csp}");
    // The mail-link pages never load it.
    let reset = app.get("/reset-password").await;
    let csp = reset.headers()["content-security-policy"]
        .to_str()
        .expect("csp");
    assert!(!csp.contains(&tencent), "{csp}");

    // The stand-in script is there, with Tencent's API.
    let js = app
        .client
        .get(format!("{tencent}/captcha/TCaptcha.js"))
        .send()
        .await
        .expect("script");
    assert_eq!(js.status(), 200);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .contains("javascript")
    );
    assert!(
        js.text()
            .await
            .expect("text")
            .contains("window.TencentCaptcha")
    );
}

on_both_backends!(
    risk_asks_after_the_first_failure_and_before_the_password,
    sms_codes_need_a_captcha_under_risk_and_each_ticket_works_once,
    always_demands_a_captcha_on_login_and_bind,
    an_expired_ticket_is_refused,
    tencent_down_answers_502_and_tries_no_password,
    policy_off_asks_for_nothing,
    the_config_and_the_csp_name_the_captcha_script,
);

/// `DescribeCaptchaResult` on the wire: signed by our client, answered in Tencent's envelope with
/// the documented `CaptchaCode`s.
#[tokio::test]
async fn the_simulator_judges_tickets_like_tencent() {
    use passport::config::Secret;
    use passport::tencent::sim::captcha::{DEV_APP_SECRET_KEY, OTHER_APP_SECRET_KEY};
    use passport::tencent::sim::{DEV_SECRET_ID, DEV_SECRET_KEY, TencentSim};
    use passport::tencent::{Credentials, TencentClient, TencentClientOptions, TencentError};

    passport::install_crypto_provider();
    let outbox = tempfile::tempdir().expect("tempdir");
    let sim = TencentSim::dev(outbox.path())
        .start("127.0.0.1:0")
        .await
        .expect("simulator");
    let client = TencentClient::new(
        Credentials::new(DEV_SECRET_ID, Secret::new(DEV_SECRET_KEY)),
        TencentClientOptions::default(),
    )
    .expect("client");
    let http = reqwest::Client::new();
    let mint = |app: u64| {
        let http = http.clone();
        let url = format!("{}/_sim/captcha/tickets", sim.url());
        async move {
            let body: Value = http
                .post(url)
                .json(&json!({"app_id": app}))
                .send()
                .await
                .expect("mint")
                .json()
                .await
                .expect("json");
            body["tickets"][0].clone()
        }
    };
    let describe = |t: &Value, app: u64, key: &str| {
        json!({
            "CaptchaType": 9, "Ticket": t["ticket"], "Randstr": t["randstr"],
            "UserIp": "203.0.113.7", "CaptchaAppId": app, "AppSecretKey": key,
        })
    };
    let ask = |payload: Value| {
        let client = client.clone();
        let endpoint = sim.base_url();
        async move {
            client
                .call(
                    "captcha",
                    &endpoint,
                    "DescribeCaptchaResult",
                    "2019-07-22",
                    None,
                    &payload,
                )
                .await
        }
    };
    let code = |answer: &Value| answer["CaptchaCode"].as_i64().expect("CaptchaCode");

    let t = mint(DEV_APP).await;
    let pass = ask(describe(&t, DEV_APP, DEV_APP_SECRET_KEY))
        .await
        .expect("answer");
    assert_eq!((code(&pass), pass["CaptchaMsg"].as_str()), (1, Some("OK")));
    assert!(pass["RequestId"].is_string());
    let again = ask(describe(&t, DEV_APP, DEV_APP_SECRET_KEY))
        .await
        .expect("answer");
    assert_eq!(code(&again), 9, "reused: {again}");

    let other = mint(OTHER_APP).await;
    let foreign = ask(describe(&other, DEV_APP, DEV_APP_SECRET_KEY))
        .await
        .expect("answer");
    assert_eq!(code(&foreign), 16, "another app's ticket: {foreign}");
    let wrong_key = ask(describe(&other, OTHER_APP, "not-the-key"))
        .await
        .expect("answer");
    assert_eq!(code(&wrong_key), 100, "{wrong_key}");
    let own = ask(describe(&other, OTHER_APP, OTHER_APP_SECRET_KEY))
        .await
        .expect("answer");
    assert_eq!(code(&own), 1, "{own}");

    let mut missing = describe(&mint(DEV_APP).await, DEV_APP, DEV_APP_SECRET_KEY);
    missing.as_object_mut().expect("object").remove("UserIp");
    match ask(missing).await {
        Err(TencentError::Api { code, .. }) => assert_eq!(code, "MissingParameter"),
        other => panic!("expected MissingParameter, got {other:?}"),
    }
    match client
        .call(
            "captcha",
            &sim.base_url(),
            "DescribeCaptchaResult",
            "2018-01-01",
            None,
            &json!({}),
        )
        .await
    {
        Err(TencentError::Api { code, .. }) => assert_eq!(code, "NoSuchVersion"),
        other => panic!("expected NoSuchVersion, got {other:?}"),
    }
}

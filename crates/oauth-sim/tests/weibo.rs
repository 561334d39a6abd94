//! The Weibo simulator's wire behaviour through HTTP: authorize page, code rules, the token
//! endpoint (POST only, no refresh grant), token lifetimes, users/show, get_token_info, errors.

use std::time::Duration;

use oauth_sim::weibo::{DEV_APP_KEY, DEV_APP_SECRET, Simulator, TEST_APP_KEY, TEST_APP_SECRET};
use poem::http::StatusCode;
use poem::test::TestClient;
use serde_json::{Value, json};

const CB: &str = "http://127.0.0.1:8000/oauth/weibo/callback";

async fn token(
    cli: &TestClient<impl poem::Endpoint>,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let resp = cli.post("/oauth2/access_token").form(&form).send().await;
    let status = resp.0.status();
    let v = resp.0.into_body().into_json().await.expect("JSON");
    (status, v)
}

fn exchange<'a>(key: &'a str, secret: &'a str, code: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("client_id", key),
        ("client_secret", secret),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CB),
    ]
}

#[tokio::test]
async fn consent_redirects_with_a_code_that_yields_a_token_uid_and_profile() {
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let page = cli
        .get(format!("/oauth2/authorize?client_id={DEV_APP_KEY}&redirect_uri={CB}&response_type=code&state=w1"))
        .send()
        .await;
    page.assert_status_is_ok();
    assert!(
        page.0
            .into_body()
            .into_string()
            .await
            .expect("page")
            .contains("wenqing")
    );
    let resp = cli
        .post("/oauth2/authorize")
        .form(&[
            ("client_id", DEV_APP_KEY),
            ("redirect_uri", CB),
            ("state", "w1"),
            ("sim_user", "wenqing"),
            ("action", "approve"),
        ])
        .send()
        .await;
    resp.assert_status(StatusCode::FOUND);
    let location = resp.0.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let q: std::collections::HashMap<_, _> = url::Url::parse(&location)
        .expect("url")
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(q["state"], "w1");
    let code = q["code"].clone();
    assert_eq!(code.len(), 32);

    let (status, v) = token(&cli, &exchange(DEV_APP_KEY, DEV_APP_SECRET, &code)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["expires_in"], 157_679_999);
    assert_eq!(v["remind_in"], "157679999");
    let uid = sim.uid("wenqing");
    assert_eq!(v["uid"], uid.to_string(), "uid is a string here");
    let access = v["access_token"].as_str().expect("token").to_owned();
    assert!(access.starts_with("2.00"));

    let (status, again) = token(&cli, &exchange(DEV_APP_KEY, DEV_APP_SECRET, &code)).await;
    assert_eq!(
        (status, again["error_code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(21325))
    );
    assert_eq!(again["error"], "invalid_grant");
    assert_eq!(again["request"], "/oauth2/access_token");

    let resp = cli
        .get(format!(
            "/2/users/show.json?access_token={access}&uid={uid}"
        ))
        .send()
        .await;
    resp.assert_status_is_ok();
    let user: Value = resp.0.into_body().into_json().await.expect("user");
    assert_eq!(user["id"], uid, "a number in the user object");
    assert_eq!(user["idstr"], uid.to_string());
    assert_eq!(user["screen_name"], "文青🌙");
    assert_eq!(user["gender"], "f");

    let resp = cli
        .post("/oauth2/get_token_info")
        .form(&[("access_token", access.as_str())])
        .send()
        .await;
    let info: Value = resp.0.into_body().into_json().await.expect("info");
    assert_eq!(info["uid"], uid);
    assert_eq!(info["appkey"], DEV_APP_KEY);
    assert_eq!(info["expire_in"], 157_679_999);

    // One token per app and user: authorising again while it lives returns the same token.
    let code = sim.mint_code(DEV_APP_KEY, CB, "wenqing").expect("mint");
    let (_, v) = token(&cli, &exchange(DEV_APP_KEY, DEV_APP_SECRET, &code)).await;
    assert_eq!(v["access_token"], access.as_str());
}

#[tokio::test]
async fn cancel_redirects_with_access_denied_and_bad_requests_have_their_codes() {
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let resp = cli
        .post("/oauth2/authorize")
        .form(&[
            ("client_id", DEV_APP_KEY),
            ("redirect_uri", CB),
            ("state", "w2"),
            ("action", "cancel"),
        ])
        .send()
        .await;
    resp.assert_status(StatusCode::FOUND);
    let location = resp.0.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(location.contains("error=access_denied") && location.contains("error_code=21330"));
    assert!(location.ends_with("state=w2"));

    let page = cli
        .get("/oauth2/authorize?client_id=3000000001&redirect_uri=https://evil.example/cb")
        .send()
        .await;
    assert!(
        page.0
            .into_body()
            .into_string()
            .await
            .expect("page")
            .contains("21322")
    );

    let code = sim.mint_code(DEV_APP_KEY, CB, "xiaoming").expect("mint");
    let mut other_cb = exchange(DEV_APP_KEY, DEV_APP_SECRET, &code);
    other_cb[4] = ("redirect_uri", "http://127.0.0.1:8000/elsewhere");
    assert_eq!(token(&cli, &other_cb).await.1["error_code"], 21322);
    assert_eq!(
        token(&cli, &exchange(TEST_APP_KEY, TEST_APP_SECRET, &code))
            .await
            .1["error_code"],
        21325,
        "another app's code"
    );
    assert_eq!(
        token(&cli, &exchange(DEV_APP_KEY, "nope", &code)).await.1["error_code"],
        21324
    );
    let mut refresh = exchange(DEV_APP_KEY, DEV_APP_SECRET, &code);
    refresh[2] = ("grant_type", "refresh_token");
    assert_eq!(
        token(&cli, &refresh).await.1["error_code"],
        21328,
        "no refresh grant for websites"
    );
    assert_eq!(
        token(&cli, &[("client_id", DEV_APP_KEY)]).await.1["error_code"],
        21323
    );
    let (status, v) = token(&cli, &exchange(DEV_APP_KEY, DEV_APP_SECRET, &code)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "failed attempts do not spend the code: {v}"
    );

    let resp = cli.get("/oauth2/access_token").send().await;
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(v["error_code"], 10021, "the token endpoint is POST only");

    let stale = sim.mint_code(DEV_APP_KEY, CB, "xiaoming").expect("mint");
    sim.advance_clock(Duration::from_secs(600));
    assert_eq!(
        token(&cli, &exchange(DEV_APP_KEY, DEV_APP_SECRET, &stale))
            .await
            .1["error_code"],
        21325
    );
}

#[tokio::test]
async fn a_test_apps_token_expires_after_a_day_and_then_answers_21327() {
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let code = sim.mint_code(TEST_APP_KEY, CB, "laowang").expect("mint");
    let (_, v) = token(&cli, &exchange(TEST_APP_KEY, TEST_APP_SECRET, &code)).await;
    assert_eq!(v["expires_in"], 86_400);
    let access = v["access_token"].as_str().expect("token").to_owned();
    let uid = sim.uid("laowang");
    let show = format!("/2/users/show.json?access_token={access}&uid={uid}");
    cli.get(&show).send().await.assert_status_is_ok();
    let resp = cli
        .get(format!("/2/users/show.json?access_token={access}"))
        .send()
        .await;
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(v["error_code"], 10016);
    let resp = cli
        .get(format!("/2/users/show.json?access_token={access}&uid=1"))
        .send()
        .await;
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(v["error_code"], 20003);

    sim.advance_clock(Duration::from_secs(86_400));
    let resp = cli.get(&show).send().await;
    resp.assert_status(StatusCode::UNAUTHORIZED);
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(
        v,
        json!({"error": "expired_token", "error_code": 21327, "request": "/2/users/show.json"})
    );
    let resp = cli
        .get("/2/users/show.json?access_token=2.00nope&uid=1")
        .send()
        .await;
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(v["error_code"], 21332);

    // A new login after expiry gets a new token (that is how passport refreshes Weibo).
    let code = sim.mint_code(TEST_APP_KEY, CB, "laowang").expect("mint");
    let (_, v) = token(&cli, &exchange(TEST_APP_KEY, TEST_APP_SECRET, &code)).await;
    assert_ne!(v["access_token"], access.as_str());
}

#[tokio::test]
async fn revoked_tokens_are_invalid_and_faults_apply() {
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let code = sim.mint_code(DEV_APP_KEY, CB, "xiaoming").expect("mint");
    let (_, v) = token(&cli, &exchange(DEV_APP_KEY, DEV_APP_SECRET, &code)).await;
    let access = v["access_token"].as_str().expect("token").to_owned();
    let resp = cli
        .post("/oauth2/revokeoauth2")
        .form(&[("access_token", access.as_str())])
        .send()
        .await;
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(v, json!({"result": "true"}));
    let resp = cli
        .post("/oauth2/get_token_info")
        .form(&[("access_token", access.as_str())])
        .send()
        .await;
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(v["error_code"], 21332);

    let resp = cli
        .post("/_sim/faults")
        .body_json(&json!({"endpoint": "users_show", "kind": "truncate"}))
        .send()
        .await;
    resp.assert_status_is_ok();
    let resp = cli
        .get("/2/users/show.json?access_token=x&uid=1")
        .send()
        .await;
    let body = resp.0.into_body().into_string().await.expect("body");
    assert!(
        serde_json::from_str::<Value>(&body).is_err(),
        "cut in half: {body}"
    );
    let resp = cli
        .post("/_sim/faults")
        .body_json(&json!({"endpoint": "*", "kind": "junk", "probability": 2.0}))
        .send()
        .await;
    resp.assert_status(StatusCode::BAD_REQUEST);
}

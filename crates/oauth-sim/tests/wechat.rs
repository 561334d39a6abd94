//! The WeChat simulator's wire behaviour through HTTP (poem's test client on its routes):
//! the QR page, code rules, token lifetimes and rotation, errcodes, faults, the clock.

use std::time::Duration;

use oauth_sim::fault::FaultKind;
use oauth_sim::wechat::config::{SIBLING_APP_ID, SIBLING_APP_SECRET, STRANGER_APP_ID};
use oauth_sim::wechat::{DEV_APP_ID, DEV_APP_SECRET, Fault, FaultTarget, Simulator};
use poem::test::TestClient;
use serde_json::{Value, json};

const CB: &str = "http://127.0.0.1:8000/oauth/wechat/callback";

async fn get_json(cli: &TestClient<impl poem::Endpoint>, uri: &str) -> Value {
    let resp = cli.get(uri).send().await;
    resp.assert_status_is_ok();
    resp.assert_header("content-type", "application/json; encoding=utf-8");
    let text = resp.0.into_body().into_string().await.expect("body");
    serde_json::from_str(&text).expect("JSON")
}

fn token_uri(appid: &str, secret: &str, code: &str) -> String {
    format!(
        "/sns/oauth2/access_token?appid={appid}&secret={secret}&code={code}&grant_type=authorization_code"
    )
}

/// errcode, and errmsg without WeChat's ` rid: …` suffix.
fn err(v: &Value) -> (i64, String) {
    let msg = v["errmsg"].as_str().unwrap_or_default();
    let (text, rid) = msg.split_once(" rid: ").expect("errmsg carries a rid");
    assert_eq!(rid.len(), 26, "rid looks like xxxxxxxx-xxxxxxxx-xxxxxxxx");
    (v["errcode"].as_i64().unwrap_or_default(), text.to_owned())
}

#[tokio::test]
async fn qr_page_confirm_redirects_with_a_single_use_code_that_yields_tokens_and_unionid() {
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let page = cli
        .get(format!(
            "/connect/qrconnect?appid={DEV_APP_ID}&redirect_uri={}&response_type=code&scope=snsapi_login&state=s1",
            urlencode(CB)
        ))
        .send()
        .await;
    page.assert_status_is_ok();
    let html = page.0.into_body().into_string().await.expect("page");
    assert!(html.contains("扫码确认") && html.contains("xiaoming"));

    let resp = cli
        .post("/connect/qrconnect")
        .form(&[
            ("appid", DEV_APP_ID),
            ("redirect_uri", CB),
            ("response_type", "code"),
            ("scope", "snsapi_login"),
            ("state", "s1"),
            ("sim_user", "xiaohong"),
            ("action", "confirm"),
        ])
        .send()
        .await;
    resp.assert_status(poem::http::StatusCode::FOUND);
    let location = resp.0.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let url = url::Url::parse(&location).expect("url");
    assert!(location.starts_with(CB));
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "s1");
    let code = q["code"].clone();

    let v = get_json(&cli, &token_uri(DEV_APP_ID, DEV_APP_SECRET, &code)).await;
    assert_eq!(v["expires_in"], 7200);
    assert_eq!(v["scope"], "snsapi_login");
    assert_eq!(v["openid"], sim.openid(DEV_APP_ID, "xiaohong"));
    assert_eq!(v["unionid"], json!(sim.unionid(DEV_APP_ID, "xiaohong")));
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 6);

    let again = get_json(&cli, &token_uri(DEV_APP_ID, DEV_APP_SECRET, &code)).await;
    assert_eq!(err(&again), (40163, "code been used".into()));

    let info = get_json(
        &cli,
        &format!(
            "/sns/userinfo?access_token={}&openid={}",
            v["access_token"].as_str().expect("token"),
            v["openid"].as_str().expect("openid")
        ),
    )
    .await;
    assert_eq!(info["nickname"], "小红");
    assert_eq!(info["unionid"], v["unionid"]);
    assert_eq!(info["sex"], 0, "WeChat stopped reporting sex in 2021");
    assert_eq!(info["privilege"], json!([]));
}

#[tokio::test]
async fn deny_redirects_with_state_only_and_bad_parameters_show_the_error_page() {
    let cli = TestClient::new(Simulator::dev().routes());
    let resp = cli
        .post("/connect/qrconnect")
        .form(&[
            ("appid", DEV_APP_ID),
            ("redirect_uri", CB),
            ("response_type", "code"),
            ("scope", "snsapi_login"),
            ("state", "s2"),
            ("action", "deny"),
        ])
        .send()
        .await;
    resp.assert_status(poem::http::StatusCode::FOUND);
    resp.assert_header("location", format!("{CB}?state=s2"));

    for (query, complaint) in [
        (
            format!("appid=wxnope&redirect_uri={CB}&response_type=code&scope=snsapi_login"),
            "invalid appid",
        ),
        (
            format!(
                "appid={DEV_APP_ID}&redirect_uri=https://evil.example/cb&response_type=code&scope=snsapi_login"
            ),
            "redirect_uri 参数错误",
        ),
        (
            format!(
                "appid={DEV_APP_ID}&redirect_uri={CB}&response_type=code&scope=snsapi_userinfo"
            ),
            "Scope 参数错误",
        ),
    ] {
        let resp = cli.get(format!("/connect/qrconnect?{query}")).send().await;
        resp.assert_status_is_ok();
        let html = resp.0.into_body().into_string().await.expect("page");
        assert!(html.contains(complaint), "{query}: {html}");
        assert!(!html.contains("扫码确认"));
    }
}

#[tokio::test]
async fn codes_are_bound_to_the_app_expire_after_ten_minutes_and_missing_parameters_have_their_errcodes()
 {
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let code = sim.mint_code(DEV_APP_ID, CB, "xiaoming").expect("mint");
    let other = get_json(&cli, &token_uri(SIBLING_APP_ID, SIBLING_APP_SECRET, &code)).await;
    assert_eq!(err(&other).0, 40029, "another app's code is invalid");
    let wrong = get_json(&cli, &token_uri(DEV_APP_ID, "nope", &code)).await;
    assert_eq!(err(&wrong).0, 40125);
    let v = get_json(&cli, &token_uri(DEV_APP_ID, DEV_APP_SECRET, &code)).await;
    assert!(
        v["access_token"].is_string(),
        "failed attempts do not spend the code"
    );

    let stale = sim.mint_code(DEV_APP_ID, CB, "xiaoming").expect("mint");
    sim.advance_clock(Duration::from_secs(600));
    let v = get_json(&cli, &token_uri(DEV_APP_ID, DEV_APP_SECRET, &stale)).await;
    assert_eq!(err(&v), (40029, "invalid code".into()));

    for (uri, code) in [
        (
            "/sns/oauth2/access_token?secret=s&code=c&grant_type=authorization_code".to_owned(),
            41002,
        ),
        (
            format!(
                "/sns/oauth2/access_token?appid={DEV_APP_ID}&code=c&grant_type=authorization_code"
            ),
            41004,
        ),
        (
            format!(
                "/sns/oauth2/access_token?appid={DEV_APP_ID}&secret=s&grant_type=authorization_code"
            ),
            41008,
        ),
        (
            format!(
                "/sns/oauth2/access_token?appid={DEV_APP_ID}&secret=s&code=c&grant_type=client_credential"
            ),
            40002,
        ),
        (
            "/sns/oauth2/access_token?appid=wxnope&secret=s&code=c&grant_type=authorization_code"
                .to_owned(),
            40013,
        ),
        (
            format!("/sns/oauth2/refresh_token?appid={DEV_APP_ID}&grant_type=refresh_token"),
            41003,
        ),
        (
            format!(
                "/sns/oauth2/refresh_token?appid={DEV_APP_ID}&grant_type=refresh_token&refresh_token=nope"
            ),
            40030,
        ),
        ("/sns/userinfo?openid=o".to_owned(), 41001),
        ("/sns/userinfo?access_token=t".to_owned(), 41009),
        ("/sns/auth?access_token=nope&openid=o".to_owned(), 40001),
    ] {
        assert_eq!(err(&get_json(&cli, &uri).await).0, code, "{uri}");
    }
}

#[tokio::test]
async fn access_tokens_live_two_hours_refresh_renews_them_and_refresh_tokens_die_after_thirty_days()
{
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let code = sim.mint_code(DEV_APP_ID, CB, "laowang").expect("mint");
    let g = get_json(&cli, &token_uri(DEV_APP_ID, DEV_APP_SECRET, &code)).await;
    let (access, refresh, openid) = (
        g["access_token"].as_str().expect("a").to_owned(),
        g["refresh_token"].as_str().expect("r").to_owned(),
        g["openid"].as_str().expect("o").to_owned(),
    );
    let auth = |token: &str| format!("/sns/auth?access_token={token}&openid={openid}");
    assert_eq!(
        get_json(&cli, &auth(&access)).await,
        json!({"errcode": 0, "errmsg": "ok"})
    );
    let wrong_openid = get_json(
        &cli,
        &format!("/sns/auth?access_token={access}&openid=oXYZ"),
    )
    .await;
    assert_eq!(err(&wrong_openid).0, 40003);

    sim.advance_clock(Duration::from_secs(7200));
    assert_eq!(
        err(&get_json(&cli, &auth(&access)).await),
        (42001, "access_token expired".into())
    );
    let refresh_uri = format!(
        "/sns/oauth2/refresh_token?appid={DEV_APP_ID}&grant_type=refresh_token&refresh_token={refresh}"
    );
    let r = get_json(&cli, &refresh_uri).await;
    assert_eq!(r["expires_in"], 7200);
    assert_eq!(
        r["refresh_token"],
        refresh.as_str(),
        "the refresh token is not rotated"
    );
    assert_eq!(r["openid"], openid.as_str());
    assert!(
        r.get("unionid").is_none(),
        "refresh answers carry no unionid"
    );
    let fresh = r["access_token"].as_str().expect("a").to_owned();
    assert_ne!(fresh, access, "an expired access token is replaced");
    assert_eq!(get_json(&cli, &auth(&fresh)).await["errcode"], 0);
    let again = get_json(&cli, &refresh_uri).await;
    assert_eq!(
        again["access_token"],
        fresh.as_str(),
        "a live one is renewed in place"
    );

    sim.advance_clock(Duration::from_secs(30 * 24 * 3600));
    assert_eq!(err(&get_json(&cli, &refresh_uri).await).0, 42002);
}

#[tokio::test]
async fn unionids_are_shared_by_one_accounts_apps_only() {
    let sim = Simulator::dev();
    assert_eq!(
        sim.unionid(DEV_APP_ID, "xiaoming"),
        sim.unionid(SIBLING_APP_ID, "xiaoming")
    );
    assert_ne!(
        sim.unionid(DEV_APP_ID, "xiaoming"),
        sim.unionid(STRANGER_APP_ID, "xiaoming")
    );
    assert_ne!(
        sim.openid(DEV_APP_ID, "xiaoming"),
        sim.openid(SIBLING_APP_ID, "xiaoming")
    );
}

#[tokio::test]
async fn faults_codes_clock_and_revoke_over_the_control_endpoints() {
    let sim = Simulator::dev();
    let cli = TestClient::new(sim.routes());
    let resp = cli
        .post("/_sim/codes")
        .body_json(
            &json!({"client_id": DEV_APP_ID, "redirect_uri": CB, "sim_user": "load-1", "count": 3}),
        )
        .send()
        .await;
    resp.assert_status_is_ok();
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    let codes: Vec<String> = serde_json::from_value(v["codes"].clone()).expect("codes");
    assert_eq!(codes.len(), 3);

    let resp = cli
        .post("/_sim/faults")
        .body_json(
            &json!({"endpoint": "access_token", "kind": "status", "status": 503, "times": 1}),
        )
        .send()
        .await;
    resp.assert_status_is_ok();
    let resp = cli
        .get(token_uri(DEV_APP_ID, DEV_APP_SECRET, &codes[0]))
        .send()
        .await;
    resp.assert_status(poem::http::StatusCode::SERVICE_UNAVAILABLE);
    let v = get_json(&cli, &token_uri(DEV_APP_ID, DEV_APP_SECRET, &codes[0])).await;
    assert!(
        v["access_token"].is_string(),
        "the fault fired once and the code survived it"
    );

    sim.add_fault(Fault::new(FaultTarget::Userinfo, FaultKind::Empty));
    let resp = cli
        .get("/sns/userinfo?access_token=x&openid=y")
        .send()
        .await;
    resp.assert_status_is_ok();
    assert!(
        resp.0
            .into_body()
            .into_vec()
            .await
            .expect("body")
            .is_empty()
    );
    let resp = cli.delete("/_sim/faults").send().await;
    resp.assert_status(poem::http::StatusCode::NO_CONTENT);

    let resp = cli
        .post("/_sim/clock")
        .body_json(&json!({"advance_secs": 601}))
        .send()
        .await;
    let v: Value = resp.0.into_body().into_json().await.expect("json");
    assert_eq!(v["offset_secs"], 601);
    let v = get_json(&cli, &token_uri(DEV_APP_ID, DEV_APP_SECRET, &codes[1])).await;
    assert_eq!(err(&v).0, 40029);

    let resp = cli
        .post("/_sim/revoke")
        .body_json(&json!({"token": "nope"}))
        .send()
        .await;
    resp.assert_status(poem::http::StatusCode::NOT_FOUND);
    let overview: Value = cli
        .get("/_sim")
        .send()
        .await
        .0
        .into_body()
        .into_json()
        .await
        .expect("json");
    assert!(
        !overview.to_string().contains(DEV_APP_SECRET),
        "no secrets in the overview"
    );
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

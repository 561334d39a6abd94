//! The simulator on the wire: bytes, headers and key orders of qq-connect.md, the authorize and
//! consent pages, and the `/_sim` control endpoints. Plain reqwest, no passport client.

use std::collections::HashMap;
use std::time::Duration;

use passport::config::{DEV_QQ_APP_ID, DEV_QQ_APP_KEY};
use passport::qq::sim::config::{SIM_NO_UNIONID_APP_ID, SIM_UNAPPROVED_APP_ID};
use passport::qq::sim::{RunningSim, Simulator};
use passport::qq::wire;
use serde_json::{Value, json};

use crate::get_json;

const CALLBACK: &str = "http://127.0.0.1:8000/oauth/qq/callback";

async fn start() -> (RunningSim, reqwest::Client) {
    passport::install_crypto_provider();
    let sim = Simulator::spawn("127.0.0.1:0")
        .await
        .expect("simulator starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client");
    (sim, http)
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

/// Status, the headers QQ sends, and the exact body bytes.
async fn qq_answer(resp: reqwest::Response) -> String {
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(resp.headers()["server"], "tws");
    assert!(
        resp.headers().get("x-request-id").is_none(),
        "no headers QQ does not send"
    );
    resp.text().await.expect("body")
}

async fn get(http: &reqwest::Client, url: String) -> String {
    qq_answer(http.get(url).send().await.expect("request")).await
}

/// A fresh access token of `sim_user` for the dev app, through a minted code and the token
/// endpoint on the wire.
async fn token_of(sim: &RunningSim, http: &reqwest::Client, sim_user: &str) -> wire::TokenBody {
    let code = sim
        .mint_code(DEV_QQ_APP_ID, CALLBACK, sim_user)
        .expect("mint");
    wire::parse_token(get(http, token_url(sim, &code)).await.as_bytes()).expect("token")
}

fn token_url(sim: &RunningSim, code: &str) -> String {
    format!(
        "{}/oauth2.0/token?grant_type=authorization_code&client_id={DEV_QQ_APP_ID}&client_secret={DEV_QQ_APP_KEY}&code={code}&redirect_uri={CALLBACK}",
        sim.url()
    )
}

#[tokio::test]
async fn token_body_is_111_bytes_without_newline() {
    let (sim, http) = start().await;
    let code = sim
        .mint_code(DEV_QQ_APP_ID, CALLBACK, "xiaoming")
        .expect("mint");
    let resp = http
        .get(token_url(&sim, &code))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.headers()["cache-control"], "no-cache");
    let body = qq_answer(resp).await;
    assert_eq!(body.len(), 111, "{body:?}");
    let (access, rest) = body
        .strip_prefix("access_token=")
        .and_then(|b| b.split_once("&expires_in=7776000&refresh_token="))
        .expect("key order");
    assert!(is_hex32(access) && is_hex32(rest), "{body}");
    assert_eq!(body, wire::write_token(access, 7_776_000, rest));
}

#[tokio::test]
async fn token_accepts_post_form_mixed_with_query_and_fmt_json() {
    let (sim, http) = start().await;
    let code = sim
        .mint_code(DEV_QQ_APP_ID, CALLBACK, "xiaoming")
        .expect("mint");
    let body = qq_answer(
        http.post(format!(
            "{}/oauth2.0/token?fmt=json&need_openid=1",
            sim.url()
        ))
        .header("accept", "application/json")
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", DEV_QQ_APP_ID),
            ("client_secret", DEV_QQ_APP_KEY),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_challenge", "ignored-pkce"),
        ])
        .send()
        .await
        .expect("request"),
    )
    .await;
    let v: Value = serde_json::from_str(&body).expect("json");
    let openid = sim.openid(DEV_QQ_APP_ID, "xiaoming");
    let expected = wire::write_token_json(
        v["access_token"].as_str().expect("access"),
        7_776_000,
        v["refresh_token"].as_str().expect("refresh"),
        Some(&openid),
    );
    assert_eq!(body, expected);
    assert!(body.contains("\"expires_in\":\"7776000\""));

    // Refresh by GET with fmt=json: same shape, no openid without need_openid.
    let refresh = v["refresh_token"].as_str().expect("refresh");
    let body = get(
        &http,
        format!(
            "{}/oauth2.0/token?grant_type=refresh_token&client_id={DEV_QQ_APP_ID}&client_secret={DEV_QQ_APP_KEY}&refresh_token={refresh}&fmt=json&redirect_uri=ignored",
            sim.url()
        ),
    )
    .await;
    let v: Value = serde_json::from_str(&body).expect("json");
    assert!(
        v.get("openid").is_none() && v["refresh_token"] != refresh,
        "{body}"
    );
}

#[tokio::test]
async fn token_errors_are_jsonp_with_qq_texts() {
    let (sim, http) = start().await;
    let base = format!("{}/oauth2.0/token", sim.url());
    let code = sim
        .mint_code(DEV_QQ_APP_ID, CALLBACK, "xiaoming")
        .expect("mint");
    let cases: Vec<(String, &str)> = vec![
        (
            format!("{base}?client_id=1"),
            r#"{"error":100004,"error_description":"param grant_type is wrong or lost "}"#,
        ),
        (
            format!("{base}?grant_type=authorization_code"),
            r#"{"error":100001,"error_description":"param client_id is wrong or lost "}"#,
        ),
        (
            format!("{base}?grant_type=authorization_code&client_id={DEV_QQ_APP_ID}"),
            r#"{"error":100002,"error_description":"param client_secret is wrong or lost "}"#,
        ),
        (
            format!(
                "{base}?grant_type=authorization_code&client_id={DEV_QQ_APP_ID}&client_secret=x"
            ),
            r#"{"error":100009,"error_description":"client secret is illegal"}"#,
        ),
        (
            format!(
                "{base}?grant_type=authorization_code&client_id={DEV_QQ_APP_ID}&client_secret={DEV_QQ_APP_KEY}"
            ),
            r#"{"error":100005,"error_description":"param code is wrong or lost "}"#,
        ),
        (
            format!(
                "{base}?grant_type=refresh_token&client_id={DEV_QQ_APP_ID}&client_secret={DEV_QQ_APP_KEY}"
            ),
            r#"{"error":100006,"error_description":"param refresh token is wrong or lost "}"#,
        ),
        (
            token_url(&sim, &code).replace(CALLBACK, "http://127.0.0.1:8000/other"),
            r#"{"error":100010,"error_description":"redirect uri is illegal"}"#,
        ),
        (
            token_url(&sim, "ABC"),
            r#"{"error":100019,"error_description":"code to access token error"}"#,
        ),
    ];
    for (url, json) in cases {
        assert_eq!(
            get(&http, url.clone()).await,
            format!("callback( {json} );\n"),
            "{url}"
        );
    }
    get(&http, token_url(&sim, &code)).await;
    assert_eq!(
        get(&http, token_url(&sim, &code)).await,
        "callback( {\"error\":100020,\"error_description\":\"code is reused error\"} );\n"
    );
    assert_eq!(
        get(&http, format!("{}&fmt=json", token_url(&sim, &code))).await,
        r#"{"error":100020,"error_description":"code is reused error"}"#
    );
}

#[tokio::test]
async fn me_body_is_83_bytes_and_unionid_follows_the_permission() {
    let (sim, http) = start().await;
    let token = token_of(&sim, &http, "xiaoming").await;
    let openid = sim.openid(DEV_QQ_APP_ID, "xiaoming");
    let me = format!(
        "{}/oauth2.0/me?access_token={}",
        sim.url(),
        token.access_token
    );

    let resp = http.get(&me).send().await.expect("request");
    assert_eq!(resp.headers()["cache-control"], "no-cache");
    let body = qq_answer(resp).await;
    assert_eq!(body.len(), 83);
    assert_eq!(
        body,
        format!("callback( {{\"client_id\":\"{DEV_QQ_APP_ID}\",\"openid\":\"{openid}\"}} );\n")
    );
    assert!(is_hex32(&openid));

    assert_eq!(
        get(&http, format!("{me}&unionid=0")).await,
        body,
        "unionid=0 is off"
    );
    let unionid = sim.unionid(DEV_QQ_APP_ID, "xiaoming").expect("permitted");
    assert_eq!(
        get(&http, format!("{me}&unionid=1")).await,
        format!(
            "callback( {{\"client_id\":\"{DEV_QQ_APP_ID}\",\"openid\":\"{openid}\",\"unionid\":\"{unionid}\"}} );\n"
        )
    );
    assert_eq!(
        get(&http, format!("{me}&fmt=json")).await,
        format!("{{\"client_id\":\"{DEV_QQ_APP_ID}\",\"openid\":\"{openid}\"}}")
    );
    assert_eq!(
        get(&http, format!("{}/oauth2.0/me", sim.url())).await,
        "callback( {\"error\":100007,\"error_description\":\"param access token is wrong or lost \"} );\n"
    );
    assert_eq!(
        get(
            &http,
            format!("{}/oauth2.0/me?access_token=NOPE", sim.url())
        )
        .await,
        "callback( {\"error\":100013,\"error_description\":\"access token is illegal\"} );\n"
    );

    // The second app has no unionid permission: 100048.
    let code = sim
        .mint_code(SIM_NO_UNIONID_APP_ID, CALLBACK, "xiaoming")
        .expect("mint");
    let other = format!(
        "{}/oauth2.0/token?grant_type=authorization_code&client_id={SIM_NO_UNIONID_APP_ID}&client_secret={}&code={code}&redirect_uri={CALLBACK}",
        sim.url(),
        passport::qq::sim::config::SIM_NO_UNIONID_APP_KEY
    );
    let token = wire::parse_token(get(&http, other).await.as_bytes()).expect("token");
    assert_eq!(
        get(
            &http,
            format!(
                "{}/oauth2.0/me?access_token={}&unionid=1",
                sim.url(),
                token.access_token
            )
        )
        .await,
        "callback( {\"error\":100048,\"error_description\":\"companyid not set\"} );\n"
    );
}

#[tokio::test]
async fn get_user_info_has_qqs_pretty_layout() {
    let (sim, http) = start().await;
    let token = token_of(&sim, &http, "xiaohong").await;
    let openid = sim.openid(DEV_QQ_APP_ID, "xiaohong");
    let url = format!(
        "{}/user/get_user_info?access_token={}&oauth_consumer_key={DEV_QQ_APP_ID}&openid={openid}",
        sim.url(),
        token.access_token
    );
    let body = get(&http, url.clone()).await;
    let lines: Vec<&str> = body.split('\n').collect();
    assert_eq!(
        &lines[..5],
        [
            "{",
            "    \"ret\": 0,",
            "    \"msg\": \"\",",
            "    \"is_lost\":0,",
            "    \"nickname\": \"小红\","
        ]
    );
    assert_eq!(
        &lines[lines.len() - 3..],
        ["    \"is_yellow_year_vip\": \"0\"", "}", ""]
    );
    let keys: Vec<&str> = lines[1..lines.len() - 2]
        .iter()
        .map(|l| l.trim_start().split('"').nth(1).expect("key"))
        .collect();
    assert_eq!(
        keys,
        [
            "ret",
            "msg",
            "is_lost",
            "nickname",
            "gender",
            "gender_type",
            "province",
            "city",
            "year",
            "constellation",
            "figureurl",
            "figureurl_1",
            "figureurl_2",
            "figureurl_qq_1",
            "figureurl_qq_2",
            "figureurl_qq",
            "figureurl_type",
            "is_yellow_vip",
            "vip",
            "yellow_vip_level",
            "level",
            "is_yellow_year_vip"
        ]
    );
    assert!(body.contains(&format!(
        "    \"figureurl\": \"http:\\/\\/qzapp.qlogo.cn\\/qzapp\\/{DEV_QQ_APP_ID}\\/{openid}\\/30\",\n"
    )));
    assert!(body.contains("    \"gender\": \"女\",\n    \"gender_type\": 2,\n"));
    assert!(body.contains("\"figureurl_qq_1\": \"http://thirdqq.qlogo.cn/g?b=oidb&k="));
    // The body is exactly what the writer produces from the parsed values.
    let parsed = wire::parse_user_info(body.as_bytes()).expect("parses");
    assert_eq!(body, wire::write_user_info(&parsed));

    assert_eq!(
        get(
            &http,
            url.replace(&openid, "0123456789ABCDEF0123456789ABCDEF")
        )
        .await,
        r#"{"ret":-1,"msg":"client request's parameters are invalid, invalid openid"}"#
    );
    assert_eq!(
        get(&http, url.replace(&token.access_token, "NOPE")).await,
        r#"{"ret":-23,"msg":"token is invalid"}"#
    );
}

fn authorize_url(sim: &RunningSim, client_id: &str, redirect: &str) -> String {
    format!(
        "{}/oauth2.0/authorize?response_type=code&client_id={client_id}&redirect_uri={redirect}&state=xyz&scope=get_user_info",
        sim.url()
    )
}

#[tokio::test]
async fn authorize_errors_show_qqs_error_page() {
    let (sim, http) = start().await;
    for (url, expected) in [
        (authorize_url(&sim, "424242", CALLBACK), "(100008)"),
        (
            authorize_url(&sim, SIM_UNAPPROVED_APP_ID, CALLBACK),
            "(100011)",
        ),
        (
            authorize_url(&sim, DEV_QQ_APP_ID, "https://evil.example/cb"),
            "redirect uri is illegal(100010)",
        ),
        (
            format!("{}/oauth2.0/authorize?client_id={DEV_QQ_APP_ID}", sim.url()),
            "(100000)",
        ),
        (format!("{}/oauth2.0/authorize", sim.url()), "(100001)"),
    ] {
        let page = get(&http, url.clone()).await;
        assert!(
            page.contains(expected) && !page.contains("<form"),
            "{url}: {page}"
        );
    }
}

#[tokio::test]
async fn consent_page_accepts_an_unencoded_redirect_uri_and_posts_back() {
    let (sim, http) = start().await;
    // social-core sends the query un-percent-encoded.
    let raw = authorize_url(&sim, DEV_QQ_APP_ID, "http://127.0.0.1:8000/complete/qq/");
    let page = get(&http, raw).await;
    assert!(page.contains("<form method=\"post\" action=\"/oauth2.0/authorize\">"));
    assert!(page.contains("value=\"http://127.0.0.1:8000/complete/qq/\""));
    for user in ["xiaoming", "xiaohong", "laowang"] {
        assert!(
            page.contains(&format!("name=\"sim_user\" value=\"{user}\"")),
            "{user}"
        );
    }
    assert!(page.contains("name=\"action\" value=\"cancel\""));

    let resp = http
        .post(format!("{}/oauth2.0/authorize", sim.url()))
        .form(&[
            ("response_type", "code"),
            ("client_id", DEV_QQ_APP_ID),
            ("redirect_uri", "http://127.0.0.1:8000/complete/qq/"),
            ("state", "a b&c"),
            ("sim_user", "xiaoming"),
        ])
        .send()
        .await
        .expect("submit");
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let (head, query) = location.split_once('?').expect("query");
    assert_eq!(head, "http://127.0.0.1:8000/complete/qq/");
    let q: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert!(is_hex32(&q["code"]));
    assert_eq!(q["state"], "a b&c");
    assert!(
        query.starts_with("code="),
        "code first, then state: {query}"
    );

    // No user picked: the consent page again, with a message.
    let resp = http
        .post(format!("{}/oauth2.0/authorize", sim.url()))
        .form(&[
            ("response_type", "code"),
            ("client_id", DEV_QQ_APP_ID),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .expect("submit");
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.expect("text").contains("class=\"error\""));
}

#[tokio::test]
async fn a_raw_redirect_uri_with_its_own_query_survives() {
    let (sim, http) = start().await;
    let raw = format!(
        "{}/oauth2.0/authorize?response_type=code&client_id={DEV_QQ_APP_ID}&redirect_uri=http://127.0.0.1:8000/cb?next=/a&b=1&state=xyz",
        sim.url()
    );
    let page = get(&http, raw.clone()).await;
    assert!(
        page.contains("value=\"http://127.0.0.1:8000/cb?next=/a&amp;b=1\""),
        "{page}"
    );
    let resp = http
        .post(raw)
        .form(&[("sim_user", "xiaoming")])
        .send()
        .await
        .expect("submit");
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:8000/cb?next=/a&b=1&code="),
        "{location}"
    );
    assert!(location.ends_with("&state=xyz"), "{location}");
}

#[tokio::test]
async fn cancel_closes_on_pc_and_redirects_on_mobile() {
    let (sim, http) = start().await;
    let form = |display: &'static str| {
        vec![
            ("response_type", "code"),
            ("client_id", DEV_QQ_APP_ID),
            ("redirect_uri", CALLBACK),
            ("state", "s1"),
            ("display", display),
            ("sim_user", "xiaoming"),
            ("action", "cancel"),
        ]
    };
    let url = format!("{}/oauth2.0/authorize", sim.url());
    let resp = http
        .post(&url)
        .form(&form("pc"))
        .send()
        .await
        .expect("cancel");
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.expect("text").contains("已取消"));
    let resp = http
        .post(&url)
        .form(&form("mobile"))
        .send()
        .await
        .expect("cancel");
    assert_eq!(resp.status(), 302);
    assert_eq!(
        resp.headers()["location"],
        format!("{CALLBACK}?usercancel=1&state=s1")
    );
}

async fn post_json(http: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let resp = http.post(url).json(&body).send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn control_endpoints_mint_codes_move_the_clock_and_revoke() {
    let (sim, http) = start().await;
    let (status, v) = post_json(
        &http,
        format!("{}/_sim/codes", sim.url()),
        json!({"client_id": DEV_QQ_APP_ID, "redirect_uri": CALLBACK, "sim_user": "loadtest-1", "count": 50}),
    )
    .await;
    assert_eq!(status, 200);
    let codes: Vec<String> = serde_json::from_value(v["codes"].clone()).expect("codes");
    assert_eq!(codes.len(), 50);
    assert!(codes.iter().all(|c| is_hex32(c)));
    assert_eq!(
        codes.iter().collect::<std::collections::HashSet<_>>().len(),
        50
    );

    let (status, v) = post_json(
        &http,
        format!("{}/_sim/codes", sim.url()),
        json!({"client_id": "424242", "redirect_uri": CALLBACK, "sim_user": "x"}),
    )
    .await;
    assert_eq!((status, v["error"].as_i64()), (400, Some(100008)));
    let (status, _) = post_json(
        &http,
        format!("{}/_sim/codes", sim.url()),
        json!({"client_id": DEV_QQ_APP_ID, "redirect_uri": CALLBACK, "sim_user": "x", "count": 100000}),
    )
    .await;
    assert_eq!(status, 400);

    let (status, v) = post_json(
        &http,
        format!("{}/_sim/clock", sim.url()),
        json!({"advance_secs": 601}),
    )
    .await;
    assert_eq!((status, v["offset_secs"].as_i64()), (200, Some(601)));
    assert_eq!(
        get(&http, token_url(&sim, &codes[0])).await,
        "callback( {\"error\":100019,\"error_description\":\"code to access token error\"} );\n"
    );

    let token = token_of(&sim, &http, "xiaoming").await;
    let (status, _) = post_json(
        &http,
        format!("{}/_sim/revoke", sim.url()),
        json!({"token": token.access_token}),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = post_json(
        &http,
        format!("{}/_sim/revoke", sim.url()),
        json!({"token": "nope"}),
    )
    .await;
    assert_eq!(status, 404);

    let v = get_json(
        &http,
        format!(
            "{}/_sim/openid?client_id={DEV_QQ_APP_ID}&sim_user=xiaoming",
            sim.url()
        ),
    )
    .await;
    assert_eq!(v["openid"], sim.openid(DEV_QQ_APP_ID, "xiaoming"));
    let overview = get_json(&http, format!("{}/_sim", sim.url())).await;
    assert!(overview["apps"].as_array().is_some_and(|a| a.len() == 3));
    assert!(
        !overview.to_string().contains(DEV_QQ_APP_KEY),
        "no secrets in the overview"
    );
}

#[tokio::test]
async fn faults_are_added_listed_and_cleared_over_http() {
    let (sim, http) = start().await;
    let (status, v) = post_json(
        &http,
        format!("{}/_sim/faults", sim.url()),
        json!({"faults": [
            {"endpoint": "token", "kind": "status", "status": 500, "probability": 1.0},
            {"endpoint": "get_user_info", "kind": "latency", "latency_ms": 10}
        ]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["faults"].as_array().map(Vec::len), Some(2));
    let resp = http
        .get(token_url(&sim, "X"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 500);

    let (status, _) = post_json(
        &http,
        format!("{}/_sim/faults", sim.url()),
        json!({"endpoint": "*", "kind": "junk", "probability": 2.0}),
    )
    .await;
    assert_eq!(status, 400);

    let resp = http
        .delete(format!("{}/_sim/faults", sim.url()))
        .send()
        .await
        .expect("delete");
    assert_eq!(resp.status(), 204);
    let v = get_json(&http, format!("{}/_sim/faults", sim.url())).await;
    assert_eq!(v["faults"], json!([]));
    assert!(get(&http, token_url(&sim, "X")).await.contains("100019"));
}

#[tokio::test]
async fn openids_are_stable_across_restarts_and_differ_across_apps() {
    let a = Simulator::dev();
    let b = Simulator::dev();
    assert_eq!(
        a.openid(DEV_QQ_APP_ID, "xiaoming"),
        b.openid(DEV_QQ_APP_ID, "xiaoming")
    );
    assert_ne!(
        a.openid(DEV_QQ_APP_ID, "xiaoming"),
        a.openid(SIM_NO_UNIONID_APP_ID, "xiaoming")
    );
    assert_ne!(
        a.openid(DEV_QQ_APP_ID, "xiaoming"),
        a.openid(DEV_QQ_APP_ID, "xiaohong")
    );
    assert_eq!(a.unionid(SIM_NO_UNIONID_APP_ID, "xiaoming"), None);
}

/// `passport qq-sim` runs alone and prints the URL it serves on.
#[tokio::test]
async fn the_qq_sim_command_prints_its_url_and_serves() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    passport::install_crypto_provider();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("sim.toml");
    std::fs::write(
        &config,
        "[[apps]]\nclient_id = \"102999\"\nclient_secret = \"file-key\"\n",
    )
    .expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_passport"))
        .args(["qq-sim", "--user", "laoli:老李", "--sim-config"])
        .arg(&config)
        .env("PASSPORT_SIM_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("passport runs");
    let stdout = child.stdout.take().expect("stdout");
    // Stop the child even when an assertion below fails.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _child = KillOnDrop(child);
    let url = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.trim()
                    .strip_prefix("QQ Connect simulator")
                    .map(|u| u.trim().to_owned())
            })
    })
    .await
    .expect("reader");
    let url = url.expect("the banner names the URL");
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let overview: Value = reqwest::get(format!("{url}/_sim"))
        .await
        .expect("serves")
        .json()
        .await
        .expect("json");
    let text = overview.to_string();
    assert!(text.contains("102999") && text.contains("老李"), "{text}");
}

//! The typed QQ client against the simulator over real HTTP: every success path, every QQ error
//! code the client distinguishes, and injected faults.

use std::time::Duration;

use passport::config::{DEV_QQ_APP_ID, DEV_QQ_APP_KEY, QqSettings, Secret};
use passport::qq::sim::config::{SIM_NO_UNIONID_APP_ID, SIM_NO_UNIONID_APP_KEY};
use passport::qq::sim::{Fault, FaultKind, FaultTarget, RunningSim, Simulator};
use passport::qq::{QqClient, QqClientOptions, QqEndpoint, QqError};
use url::Url;

const CALLBACK: &str = "http://127.0.0.1:8000/oauth/qq/callback";

fn settings(base_url: Url, app_id: &str, app_key: &str) -> QqSettings {
    QqSettings {
        app_id: app_id.into(),
        app_key: Secret::new(app_key),
        redirect_uri: Url::parse(CALLBACK).expect("callback URL"),
        base_url,
    }
}

fn fast() -> QqClientOptions {
    QqClientOptions {
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_millis(700),
        ..QqClientOptions::default()
    }
}

struct Setup {
    sim: RunningSim,
    client: QqClient,
}

async fn setup() -> Setup {
    passport::install_crypto_provider();
    let sim = Simulator::spawn("127.0.0.1:0")
        .await
        .expect("simulator starts");
    let client = QqClient::with_options(
        &settings(sim.base_url(), DEV_QQ_APP_ID, DEV_QQ_APP_KEY),
        fast(),
    )
    .expect("client builds");
    Setup { sim, client }
}

impl Setup {
    fn code(&self, user: &str) -> String {
        self.sim
            .mint_code(DEV_QQ_APP_ID, CALLBACK, user)
            .expect("mint")
    }

    fn client_for(&self, app_id: &str, app_key: &str) -> QqClient {
        QqClient::with_options(&settings(self.sim.base_url(), app_id, app_key), fast())
            .expect("client builds")
    }

    async fn tokens(&self, user: &str) -> (String, String) {
        let t = self
            .client
            .exchange_code(&self.code(user))
            .await
            .expect("exchange");
        let refresh = t.refresh_token.expect("refresh token");
        (
            t.access_token.expose().to_owned(),
            refresh.expose().to_owned(),
        )
    }
}

#[tokio::test]
async fn login_flow_code_to_profile() {
    let s = setup().await;
    let token = s
        .client
        .exchange_code(&s.code("xiaoming"))
        .await
        .expect("exchange");
    assert_eq!(token.expires_in, 7_776_000);
    assert_eq!(token.access_token.expose().len(), 32);
    assert!(token.refresh_token.is_some());
    assert!(
        !format!("{token:?}").contains(token.access_token.expose()),
        "tokens never print"
    );

    let me = s
        .client
        .openid(token.access_token.expose(), true)
        .await
        .expect("openid");
    assert_eq!(me.client_id, DEV_QQ_APP_ID);
    assert_eq!(me.openid, s.sim.openid(DEV_QQ_APP_ID, "xiaoming"));
    assert_eq!(me.unionid, s.sim.unionid(DEV_QQ_APP_ID, "xiaoming"));
    assert!(me.unionid.as_deref().is_some_and(|u| u.starts_with("UID_")));

    let info = s
        .client
        .user_info(token.access_token.expose(), &me.openid)
        .await
        .expect("profile");
    assert_eq!(info.nickname, "小明");
    assert_eq!(info.gender, "男");
    assert!(
        info.avatar
            .as_deref()
            .is_some_and(|a| a.starts_with("http://thirdqq.qlogo.cn/"))
    );
}

#[tokio::test]
async fn consent_form_redirects_with_a_code_the_client_can_exchange() {
    let s = setup().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let authorize = s.client.authorize_url("st-1");
    assert!(authorize.as_str().starts_with(&s.sim.url()));
    let page = http.get(authorize.clone()).send().await.expect("page");
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("text")
            .contains("name=\"sim_user\"")
    );

    let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    form.push(("sim_user".into(), "新用户".into()));
    form.push(("sim_nickname".into(), "新来的".into()));
    let resp = http
        .post(format!("{}/oauth2.0/authorize", s.sim.url()))
        .form(&form)
        .send()
        .await
        .expect("submit");
    assert_eq!(resp.status(), 302);
    let location = Url::parse(resp.headers()["location"].to_str().expect("ascii")).expect("url");
    assert!(location.as_str().starts_with(CALLBACK));
    let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "st-1");
    let token = s.client.exchange_code(&q["code"]).await.expect("exchange");
    let me = s
        .client
        .openid(token.access_token.expose(), false)
        .await
        .expect("me");
    assert_eq!(me.openid, s.sim.openid(DEV_QQ_APP_ID, "新用户"));
    assert_eq!(me.unionid, None);
    let info = s
        .client
        .user_info(token.access_token.expose(), &me.openid)
        .await
        .expect("info");
    assert_eq!(info.nickname, "新来的");
}

#[tokio::test]
async fn a_used_code_is_refused_as_reused() {
    let s = setup().await;
    let code = s.code("xiaohong");
    s.client.exchange_code(&code).await.expect("first");
    let err = s.client.exchange_code(&code).await.expect_err("second");
    assert_eq!(err, QqError::CodeReused);
    assert!(err.needs_relogin() && !err.is_upstream_failure());
    assert_eq!(err.qq_code(), Some(100020));
}

#[tokio::test]
async fn an_expired_or_unknown_code_is_invalid() {
    let s = setup().await;
    let code = s.code("xiaohong");
    s.sim.advance_clock(Duration::from_secs(601));
    assert_eq!(
        s.client.exchange_code(&code).await.expect_err("expired"),
        QqError::CodeInvalid
    );
    let err = s
        .client
        .exchange_code("0123456789ABCDEF0123456789ABCDEF")
        .await
        .expect_err("unknown");
    assert_eq!(err, QqError::CodeInvalid);
    assert!(err.needs_relogin());
}

#[tokio::test]
async fn a_code_minted_for_another_callback_is_a_redirect_mismatch() {
    let s = setup().await;
    let code = s
        .sim
        .mint_code(DEV_QQ_APP_ID, "http://127.0.0.1:8000/elsewhere", "xiaoming")
        .expect("mint");
    let err = s.client.exchange_code(&code).await.expect_err("mismatch");
    assert_eq!(err, QqError::RedirectMismatch);
    assert!(err.is_config_error() && !err.needs_relogin());
}

#[tokio::test]
async fn wrong_secret_and_unknown_app_are_bad_credentials() {
    let s = setup().await;
    let code = s.code("xiaoming");
    let err = s
        .client_for(DEV_QQ_APP_ID, "not-the-key")
        .exchange_code(&code)
        .await
        .expect_err("bad secret");
    assert_eq!(err, QqError::BadCredentials { code: 100009 });
    assert!(err.is_config_error());
    let err = s
        .client_for("999", "x")
        .exchange_code(&code)
        .await
        .expect_err("unknown app");
    assert_eq!(err, QqError::BadCredentials { code: 100008 });
    // The code survived both failures.
    s.client.exchange_code(&code).await.expect("still valid");
}

#[tokio::test]
async fn missing_parameters_keep_their_codes() {
    let s = setup().await;
    let code_of = |e: QqError| e.qq_code();
    assert_eq!(
        code_of(s.client.exchange_code("").await.expect_err("no code")),
        Some(100005)
    );
    assert_eq!(
        code_of(s.client.refresh("").await.expect_err("no refresh")),
        Some(100006)
    );
    assert_eq!(
        code_of(s.client.openid("", false).await.expect_err("no token")),
        Some(100007)
    );
    let (access, _) = s.tokens("xiaoming").await;
    let err = s
        .client
        .user_info(&access, "")
        .await
        .expect_err("no openid");
    assert!(
        matches!(err, QqError::Api { endpoint: QqEndpoint::UserInfo, code: -1, ref message } if message.contains("openid")),
        "{err:?}"
    );
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let s = setup().await;
    let (access, refresh) = s.tokens("laowang").await;
    let next = s.client.refresh(&refresh).await.expect("refresh");
    let next_refresh = next.refresh_token.expect("rotated").expose().to_owned();
    assert_ne!(next_refresh, refresh);
    assert_ne!(next.access_token.expose(), access);
    let me = s
        .client
        .openid(next.access_token.expose(), false)
        .await
        .expect("new token works");
    assert_eq!(me.openid, s.sim.openid(DEV_QQ_APP_ID, "laowang"));

    let err = s
        .client
        .refresh(&refresh)
        .await
        .expect_err("old refresh token is dead");
    assert_eq!(err, QqError::TokenInvalid { code: 100015 });
    assert!(err.needs_relogin());

    assert!(s.sim.revoke(&next_refresh));
    assert_eq!(
        s.client.refresh(&next_refresh).await.expect_err("revoked"),
        QqError::TokenInvalid { code: 100015 }
    );
}

#[tokio::test]
async fn refresh_tokens_belong_to_their_app() {
    let s = setup().await;
    let (_, refresh) = s.tokens("laowang").await;
    let other = s.client_for(SIM_NO_UNIONID_APP_ID, SIM_NO_UNIONID_APP_KEY);
    assert!(
        other
            .refresh(&refresh)
            .await
            .expect_err("other app")
            .needs_relogin()
    );
}

#[tokio::test]
async fn invalid_expired_and_revoked_access_tokens() {
    let s = setup().await;
    let err = s
        .client
        .openid("0123456789ABCDEF0123456789ABCDEF", false)
        .await
        .expect_err("unknown");
    assert_eq!(err, QqError::TokenInvalid { code: 100013 });

    let (access, _) = s.tokens("xiaoming").await;
    let openid = s.sim.openid(DEV_QQ_APP_ID, "xiaoming");
    let (revoked, _) = s.tokens("xiaoming").await;
    assert!(s.sim.revoke(&revoked));
    assert_eq!(
        s.client.openid(&revoked, false).await.expect_err("revoked"),
        QqError::TokenInvalid { code: 100015 }
    );

    s.sim.advance_clock(Duration::from_secs(7_776_000));
    assert_eq!(
        s.client.openid(&access, false).await.expect_err("expired"),
        QqError::TokenInvalid { code: 100016 }
    );
    let err = s
        .client
        .user_info(&access, &openid)
        .await
        .expect_err("expired");
    assert_eq!(err, QqError::TokenInvalid { code: -23 });
    assert!(err.needs_relogin());
}

#[tokio::test]
async fn unionid_needs_the_permission_and_openids_differ_per_app() {
    let s = setup().await;
    let other = s.client_for(SIM_NO_UNIONID_APP_ID, SIM_NO_UNIONID_APP_KEY);
    let code = s
        .sim
        .mint_code(SIM_NO_UNIONID_APP_ID, CALLBACK, "xiaoming")
        .expect("mint");
    let token = other.exchange_code(&code).await.expect("exchange");
    let err = other
        .openid(token.access_token.expose(), true)
        .await
        .expect_err("no permission");
    assert_eq!(err, QqError::UnionidNotPermitted);
    assert!(err.is_config_error());
    let me = other
        .openid(token.access_token.expose(), false)
        .await
        .expect("openid alone works");
    assert_eq!(me.client_id, SIM_NO_UNIONID_APP_ID);
    assert_ne!(me.openid, s.sim.openid(DEV_QQ_APP_ID, "xiaoming"));
    assert_eq!(me.openid, s.sim.openid(SIM_NO_UNIONID_APP_ID, "xiaoming"));
}

#[tokio::test]
async fn user_info_checks_the_openid() {
    let s = setup().await;
    let (access, _) = s.tokens("xiaoming").await;
    let err = s
        .client
        .user_info(&access, &s.sim.openid(DEV_QQ_APP_ID, "xiaohong"))
        .await
        .expect_err("someone else's openid");
    assert!(matches!(err, QqError::Api { code: -1, .. }), "{err:?}");
}

fn fault(endpoint: FaultTarget, kind: FaultKind) -> Fault {
    Fault::new(endpoint, kind)
}

#[tokio::test]
async fn http_5xx_is_an_upstream_failure() {
    let s = setup().await;
    let mut f = fault(FaultTarget::Token, FaultKind::Status);
    f.status = Some(503);
    f.times = Some(1);
    s.sim.add_fault(f);
    let code = s.code("xiaoming");
    let err = s.client.exchange_code(&code).await.expect_err("503");
    assert_eq!(
        err,
        QqError::Status {
            endpoint: QqEndpoint::Token,
            status: 503
        }
    );
    assert!(err.is_upstream_failure() && !err.needs_relogin());
    // The fault fired once; the code was not spent by the failed attempt.
    s.client.exchange_code(&code).await.expect("fault is gone");
}

#[tokio::test]
async fn junk_html_empty_and_truncated_bodies_are_malformed() {
    let s = setup().await;
    let (access, _) = s.tokens("xiaoming").await;
    let openid = s.sim.openid(DEV_QQ_APP_ID, "xiaoming");
    for kind in [
        FaultKind::Junk,
        FaultKind::Html,
        FaultKind::Empty,
        FaultKind::Truncate,
    ] {
        s.sim.clear_faults();
        s.sim.add_fault(fault(FaultTarget::Any, kind));
        let err = s.client.openid(&access, false).await.expect_err("me");
        assert!(
            matches!(
                err,
                QqError::Malformed {
                    endpoint: QqEndpoint::Me,
                    ..
                }
            ),
            "{kind:?}: {err:?}"
        );
        assert!(err.is_upstream_failure());
        let err = s
            .client
            .user_info(&access, &openid)
            .await
            .expect_err("user info");
        assert!(
            matches!(err, QqError::Malformed { .. }),
            "{kind:?}: {err:?}"
        );
        let err = s
            .client
            .exchange_code(&s.code("xiaoming"))
            .await
            .expect_err("token");
        assert!(
            matches!(err, QqError::Malformed { .. }),
            "{kind:?}: {err:?}"
        );
    }
    let mut custom = fault(FaultTarget::Token, FaultKind::Junk);
    custom.body = Some("access_token=&expires_in=".into());
    s.sim.clear_faults();
    s.sim.add_fault(custom);
    assert!(matches!(
        s.client.exchange_code(&s.code("xiaoming")).await,
        Err(QqError::Malformed { .. })
    ));
}

#[tokio::test]
async fn latency_beyond_the_timeout_and_hangs_time_out() {
    let s = setup().await;
    let (access, _) = s.tokens("xiaoming").await;

    let mut slow = fault(FaultTarget::Me, FaultKind::Latency);
    slow.latency_ms = Some(100);
    s.sim.add_fault(slow);
    s.client
        .openid(&access, false)
        .await
        .expect("within the timeout");

    s.sim.clear_faults();
    let mut slower = fault(FaultTarget::Me, FaultKind::Latency);
    slower.latency_ms = Some(2_000);
    s.sim.add_fault(slower);
    let started = std::time::Instant::now();
    let err = s.client.openid(&access, false).await.expect_err("too slow");
    assert_eq!(
        err,
        QqError::Timeout {
            endpoint: QqEndpoint::Me
        }
    );
    assert!(started.elapsed() < Duration::from_millis(1_500));
    assert!(err.is_upstream_failure());

    s.sim.clear_faults();
    s.sim
        .add_fault(fault(FaultTarget::Token, FaultKind::Timeout));
    let err = s
        .client
        .refresh("0123456789ABCDEF0123456789ABCDEF")
        .await
        .expect_err("hang");
    assert_eq!(
        err,
        QqError::Timeout {
            endpoint: QqEndpoint::Token
        }
    );
}

#[tokio::test]
async fn probability_zero_never_fires() {
    let s = setup().await;
    let mut never = fault(FaultTarget::Any, FaultKind::Status);
    never.probability = 0.0;
    s.sim.add_fault(never);
    let (access, _) = s.tokens("xiaoming").await;
    s.client.openid(&access, false).await.expect("no fault");
}

#[tokio::test]
async fn an_unreachable_qq_is_an_upstream_failure_without_secrets_in_the_error() {
    passport::install_crypto_provider();
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let base = Url::parse(&format!("http://127.0.0.1:{port}/")).expect("url");
    let client = QqClient::with_options(&settings(base, DEV_QQ_APP_ID, DEV_QQ_APP_KEY), fast())
        .expect("client");
    let err = client
        .openid("SECRETTOKEN0123456789ABCDEF01234", false)
        .await
        .expect_err("nobody listens");
    assert!(matches!(err, QqError::Unreachable { .. }), "{err:?}");
    assert!(err.is_upstream_failure());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRETTOKEN"), "{shown}");
    let err = client
        .exchange_code("SECRETCODE")
        .await
        .expect_err("nobody listens");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("SECRETCODE") && !shown.contains(DEV_QQ_APP_KEY),
        "{shown}"
    );
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept() {
    passport::install_crypto_provider();
    let sim = Simulator::spawn("127.0.0.1:0").await.expect("sim");
    // No trailing slash on the base: the client must still reach /oauth2.0/token under it.
    let base = Url::parse(&sim.url()).expect("url");
    let client = QqClient::new(&settings(base, DEV_QQ_APP_ID, DEV_QQ_APP_KEY)).expect("client");
    let code = sim
        .mint_code(DEV_QQ_APP_ID, CALLBACK, "wenqing")
        .expect("mint");
    client.exchange_code(&code).await.expect("exchange");
}

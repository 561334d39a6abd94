//! The WeChat and Weibo clients behind the `Provider` trait, against their simulators over
//! real HTTP: logins, each provider's error codes as classified (expired login / unavailable /
//! misconfigured), token lifetimes, WeChat's refresh window, and injected faults.

use std::time::Duration;

use oauth_sim::fault::FaultKind;
use passport::config::Secret;
use passport::oauth::wechat::{WechatClient, WechatSettings};
use passport::oauth::weibo::{WeiboClient, WeiboSettings};
use passport::oauth::{HttpOptions, Provider, ProviderError, ProviderKind};
use url::Url;

const WECHAT_CALLBACK: &str = "http://127.0.0.1:8000/oauth/wechat/callback";
const WEIBO_CALLBACK: &str = "http://127.0.0.1:8000/oauth/weibo/callback";

fn fast() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_millis(700),
        ..HttpOptions::default()
    }
}

fn url(s: &str) -> Url {
    Url::parse(s).expect("URL")
}

async fn wechat() -> (oauth_sim::wechat::RunningSim, WechatClient) {
    passport::install_crypto_provider();
    let sim = oauth_sim::wechat::Simulator::dev()
        .start("127.0.0.1:0")
        .await
        .expect("simulator");
    let client = wechat_client(&sim, oauth_sim::wechat::DEV_APP_SECRET);
    (sim, client)
}

fn wechat_client(sim: &oauth_sim::wechat::RunningSim, secret: &str) -> WechatClient {
    WechatClient::new(
        WechatSettings {
            app_id: oauth_sim::wechat::DEV_APP_ID.into(),
            app_secret: Secret::new(secret),
            redirect_uri: url(WECHAT_CALLBACK),
            open_base_url: sim.base_url(),
            api_base_url: sim.base_url(),
        },
        &fast(),
    )
    .expect("client")
}

fn wechat_code(sim: &oauth_sim::wechat::RunningSim, user: &str) -> String {
    sim.mint_code(oauth_sim::wechat::DEV_APP_ID, WECHAT_CALLBACK, user)
        .expect("mint")
}

#[tokio::test]
async fn a_wechat_login_yields_openid_unionid_profile_and_a_two_hour_token() {
    let (sim, client) = wechat().await;
    assert_eq!(client.kind(), ProviderKind::Wechat);
    let login = client
        .login(&wechat_code(&sim, "xiaoming"))
        .await
        .expect("login");
    assert_eq!(
        login.subject,
        sim.openid(oauth_sim::wechat::DEV_APP_ID, "xiaoming")
    );
    assert_eq!(
        login.unionid,
        sim.unionid(oauth_sim::wechat::DEV_APP_ID, "xiaoming")
    );
    assert!(login.unionid.is_some());
    assert_eq!(login.expires_in, 7200);
    assert!(login.refresh_token.is_some());
    assert!(!login.nickname.is_empty());
    client
        .check(login.access_token.expose(), &login.subject)
        .await
        .expect("the token is valid for its openid");
}

#[tokio::test]
async fn a_wechat_code_is_single_use_and_a_wrong_secret_is_misconfiguration() {
    let (sim, client) = wechat().await;
    let code = wechat_code(&sim, "xiaoming");
    client.login(&code).await.expect("first use");
    match client.login(&code).await {
        Err(ProviderError::ExpiredLogin { code: 40163, .. }) => {}
        other => panic!("a used code: {other:?}"),
    }
    match client.login("no-such-code").await {
        Err(ProviderError::ExpiredLogin { code: 40029, .. }) => {}
        other => panic!("an unknown code: {other:?}"),
    }
    let wrong = wechat_client(&sim, "not-the-secret");
    assert!(matches!(
        wrong.login(&wechat_code(&sim, "xiaoming")).await,
        Err(ProviderError::Misconfigured { .. })
    ));
}

#[tokio::test]
async fn wechat_tokens_live_two_hours_and_refresh_for_thirty_days() {
    let (sim, client) = wechat().await;
    let login = client
        .login(&wechat_code(&sim, "xiaoming"))
        .await
        .expect("login");
    let refresh_token = login.refresh_token.expect("refresh token");
    sim.advance_clock(Duration::from_secs(7200));
    match client
        .check(login.access_token.expose(), &login.subject)
        .await
    {
        Err(ProviderError::ExpiredLogin { code: 42001, .. }) => {}
        other => panic!("an expired access token: {other:?}"),
    }
    let refreshed = Provider::refresh(&client, refresh_token.expose())
        .expect("WeChat has a refresh grant")
        .await
        .expect("refresh");
    assert_eq!(refreshed.expires_in, 7200);
    client
        .check(refreshed.access_token.expose(), &login.subject)
        .await
        .expect("the refreshed token is valid");
    sim.advance_clock(Duration::from_secs(30 * 24 * 3600));
    match Provider::refresh(&client, refreshed.refresh_token.expose())
        .expect("grant")
        .await
    {
        Err(ProviderError::ExpiredLogin { code, .. }) => {
            assert!(code == 42002 || code == 40030, "{code}")
        }
        other => panic!("a refresh token past 30 days: {other:?}"),
    }
}

#[tokio::test]
async fn wechat_faults_are_unavailability() {
    let (sim, client) = wechat().await;
    sim.add_fault(oauth_sim::wechat::Fault::new(
        oauth_sim::wechat::FaultTarget::AccessToken,
        FaultKind::Status,
    ));
    assert!(matches!(
        client.login(&wechat_code(&sim, "xiaoming")).await,
        Err(ProviderError::Unavailable { .. })
    ));
    sim.clear_faults();
    sim.add_fault(oauth_sim::wechat::Fault::new(
        oauth_sim::wechat::FaultTarget::Userinfo,
        FaultKind::Timeout,
    ));
    assert!(matches!(
        client.login(&wechat_code(&sim, "xiaoming")).await,
        Err(ProviderError::Unavailable { .. })
    ));
    sim.clear_faults();
    sim.add_fault(oauth_sim::wechat::Fault::new(
        oauth_sim::wechat::FaultTarget::AccessToken,
        FaultKind::Html,
    ));
    assert!(matches!(
        client.login(&wechat_code(&sim, "xiaoming")).await,
        Err(ProviderError::Unavailable { .. })
    ));
}

#[tokio::test]
async fn the_wechat_authorize_url_opens_the_qr_page() {
    let (_sim, client) = wechat().await;
    let authorize = client.authorize_url("s1gned-state");
    assert_eq!(authorize.path(), "/connect/qrconnect");
    assert_eq!(authorize.fragment(), Some("wechat_redirect"));
    let query: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    for (k, v) in [
        ("appid", oauth_sim::wechat::DEV_APP_ID),
        ("redirect_uri", WECHAT_CALLBACK),
        ("response_type", "code"),
        ("scope", "snsapi_login"),
        ("state", "s1gned-state"),
    ] {
        assert!(
            query.contains(&(k.to_owned(), v.to_owned())),
            "{k}: {query:?}"
        );
    }
    let page = reqwest::get(authorize).await.expect("QR page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("扫码确认"));
}

async fn weibo(app: &str, secret: &str) -> (oauth_sim::weibo::RunningSim, WeiboClient) {
    passport::install_crypto_provider();
    let sim = oauth_sim::weibo::Simulator::dev()
        .start("127.0.0.1:0")
        .await
        .expect("simulator");
    let client = weibo_client(&sim, app, secret);
    (sim, client)
}

fn weibo_client(sim: &oauth_sim::weibo::RunningSim, app: &str, secret: &str) -> WeiboClient {
    WeiboClient::new(
        WeiboSettings {
            client_id: app.into(),
            client_secret: Secret::new(secret),
            redirect_uri: url(WEIBO_CALLBACK),
            base_url: sim.base_url(),
        },
        &fast(),
    )
    .expect("client")
}

fn weibo_code(sim: &oauth_sim::weibo::RunningSim, app: &str, user: &str) -> String {
    sim.mint_code(app, WEIBO_CALLBACK, user).expect("mint")
}

#[tokio::test]
async fn a_weibo_login_yields_the_uid_and_profile_and_no_refresh_grant() {
    let (app, secret) = (
        oauth_sim::weibo::DEV_APP_KEY,
        oauth_sim::weibo::DEV_APP_SECRET,
    );
    let (sim, client) = weibo(app, secret).await;
    assert_eq!(client.kind(), ProviderKind::Weibo);
    let login = client
        .login(&weibo_code(&sim, app, "xiaoming"))
        .await
        .expect("login");
    assert_eq!(login.subject, sim.uid("xiaoming").to_string());
    assert_eq!(login.unionid, None);
    assert!(
        login.refresh_token.is_none(),
        "websites get no refresh token"
    );
    assert_eq!(login.expires_in, 157_679_999);
    assert!(!login.nickname.is_empty() && !login.avatar.is_empty());
    assert!(Provider::refresh(&client, "anything").is_none());
    let info = client
        .token_info(login.access_token.expose())
        .await
        .expect("token info");
    assert_eq!(info.uid, login.subject);
    assert_eq!(info.appkey, app);
    assert!(info.expire_in > 0);
    let authorize = client.authorize_url("st");
    assert_eq!(authorize.path(), "/oauth2/authorize");
    assert_eq!(reqwest::get(authorize).await.expect("page").status(), 200);
}

#[tokio::test]
async fn weibo_errors_are_classified() {
    let (app, secret) = (
        oauth_sim::weibo::DEV_APP_KEY,
        oauth_sim::weibo::DEV_APP_SECRET,
    );
    let (sim, client) = weibo(app, secret).await;
    let code = weibo_code(&sim, app, "xiaoming");
    let login = client.login(&code).await.expect("login");
    match client.login(&code).await {
        Err(ProviderError::ExpiredLogin { code: 21325, .. }) => {}
        other => panic!("a used code: {other:?}"),
    }
    let wrong = weibo_client(&sim, app, "wrong-secret");
    assert!(matches!(
        wrong.login(&weibo_code(&sim, app, "xiaoming")).await,
        Err(ProviderError::Misconfigured { .. })
    ));
    assert!(sim.revoke(login.access_token.expose()));
    match client
        .users_show(login.access_token.expose(), &login.subject)
        .await
    {
        Err(ProviderError::ExpiredLogin { code: 21332, .. }) => {}
        other => panic!("a revoked token: {other:?}"),
    }
    sim.add_fault(oauth_sim::weibo::Fault::new(
        oauth_sim::weibo::FaultTarget::AccessToken,
        FaultKind::Status,
    ));
    assert!(matches!(
        client.login(&weibo_code(&sim, app, "xiaoming")).await,
        Err(ProviderError::Unavailable { .. })
    ));
}

#[tokio::test]
async fn an_unreviewed_weibo_apps_token_lives_one_day() {
    let (app, secret) = (
        oauth_sim::weibo::TEST_APP_KEY,
        oauth_sim::weibo::TEST_APP_SECRET,
    );
    let (sim, client) = weibo(app, secret).await;
    let login = client
        .login(&weibo_code(&sim, app, "xiaoming"))
        .await
        .expect("login");
    assert_eq!(login.expires_in, 86_400);
    sim.advance_clock(Duration::from_secs(86_400));
    match client.token_info(login.access_token.expose()).await {
        Err(ProviderError::ExpiredLogin { code: 21327, .. }) => {}
        other => panic!("an expired token: {other:?}"),
    }
}

#[tokio::test]
async fn qq_behind_the_same_trait() {
    passport::install_crypto_provider();
    let sim = passport::qq::sim::Simulator::spawn("127.0.0.1:0")
        .await
        .expect("simulator");
    let callback = "http://127.0.0.1:8000/oauth/qq/callback";
    let client = passport::qq::QqClient::new(&passport::config::QqSettings {
        app_id: passport::config::DEV_QQ_APP_ID.into(),
        app_key: Secret::new(passport::config::DEV_QQ_APP_KEY),
        redirect_uri: url(callback),
        base_url: sim.base_url(),
    })
    .expect("client");
    let provider: &dyn Provider = &client;
    assert_eq!(provider.kind(), ProviderKind::Qq);
    let code = sim
        .mint_code(passport::config::DEV_QQ_APP_ID, callback, "xiaoming")
        .expect("mint");
    let login = provider.login(&code).await.expect("login");
    assert_eq!(
        login.subject,
        sim.openid(passport::config::DEV_QQ_APP_ID, "xiaoming")
    );
    assert!(login.unionid.is_some() && login.refresh_token.is_some());
    match provider.login(&code).await {
        Err(ProviderError::ExpiredLogin { code: 100020, .. }) => {}
        other => panic!("a used QQ code: {other:?}"),
    }
    let refreshed = provider
        .refresh(login.refresh_token.as_ref().expect("rt").expose())
        .expect("QQ has a refresh grant")
        .await
        .expect("refresh");
    assert_ne!(
        refreshed.refresh_token.expose(),
        login.refresh_token.as_ref().expect("rt").expose(),
        "QQ rotates it"
    );
}

//! The web app's pages and assets as the `passport` binary serves them: history-API fallback to
//! `index.html`, the security headers of the account pages, flat hashed assets, and a clear note
//! before `make ui` has built the app.

use crate::helpers::{Backend, TestApp, WEB_INDEX};

async fn app_with_dist() -> (TestApp, tempfile::TempDir) {
    TestApp::spawn_with_web_dist(&[("assets/app-1.js", "console.log(1)"), ("secret.txt", "no")])
        .await
}

#[tokio::test]
async fn every_app_path_serves_the_index_page_with_the_page_headers() {
    let (app, _dist) = app_with_dist().await;
    for path in [
        "/login",
        "/register",
        "/oauth/qq/callback?code=c&state=s",
        "/oauth/wechat/callback?code=c&state=s",
        "/oauth/weibo/callback?code=c&state=s",
        "/account",
        "/admin",
        "/admin/bindings",
        "/admin/jobs/failed",
        "/forgot-password",
        "/reset-password?token=t",
        "/verify-email?token=t",
        "/dev/outbox",
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 200, "{path}");
        let headers = resp.headers().clone();
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        let csp = headers["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        if ["/forgot-password", "/reset-password", "/verify-email"]
            .iter()
            .any(|p| path.starts_with(p))
        {
            assert!(csp.contains("img-src 'self' data:;"), "{path}: {csp}");
            assert!(!csp.contains("qlogo"), "{path}: {csp}");
        }
        assert_eq!(resp.text().await.expect("body"), WEB_INDEX, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn assets_are_served_by_flat_name_only() {
    let (app, _dist) = app_with_dist().await;
    let resp = app.get("/assets/app-1.js").await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/javascript")
    );
    assert!(
        resp.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .contains("immutable")
    );
    assert_eq!(resp.text().await.expect("body"), "console.log(1)");
    for path in [
        "/assets/missing-2.js",
        "/assets/..%2Fsecret.txt",
        "/assets/%2E%2E%2Findex.html",
        "/assets/secret.txt",
        "/assets/.hidden.js",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_outbox_still_answers_json_to_scripts() {
    let (app, _dist) = app_with_dist().await;
    // 200 with a `messages` array, or the helper fails the test.
    app.outbox_all().await;
    app.stop().await;
}

#[tokio::test]
async fn before_make_ui_the_pages_say_how_to_build_them() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    for path in ["/login", "/admin/bindings", "/reset-password?token=t"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["referrer-policy"], "no-referrer");
        let html = resp.text().await.expect("body");
        assert!(html.contains("make ui"), "{path}: {html}");
    }
    assert_eq!(app.get("/assets/app-1.js").await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn the_app_calls_the_api_from_its_own_origin_while_other_origins_stay_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let post = |origin: String| {
        app.client
            .post(app.url("/api/password-resets"))
            .header("origin", origin)
            .json(&serde_json::json!({"email": "reader@example.com"}))
            .send()
    };
    let own = app.url("").trim_end_matches('/').to_string();
    assert_eq!(post(own).await.expect("POST").status(), 202);
    assert_eq!(
        post("http://evil.example".into())
            .await
            .expect("POST")
            .status(),
        403
    );
    app.stop().await;
}

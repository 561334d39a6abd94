//! Where a person or a script lands when they type a bare address: `/` goes to the login page,
//! an unknown page gets the app's own 404 page (status 404), an unknown API path the JSON error
//! shape, and `/api` an index pointing at the docs and the spec. No data is involved, so SQLite
//! alone.

use crate::helpers::{Backend, TestApp, WEB_INDEX, assert_error, assert_error_in, json_of};

async fn app_with_dist() -> (TestApp, tempfile::TempDir) {
    TestApp::spawn_with_web_dist(&[]).await
}

#[tokio::test]
async fn the_root_sends_people_to_the_login_page() {
    let (app, _dist) = app_with_dist().await;
    for (path, location) in [
        ("/", "/login"),
        ("/?next=%2Fbooks%2F1", "/login?next=%2Fbooks%2F1"),
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 302, "{path}");
        assert_eq!(resp.headers()["location"], location, "{path}");
        assert_eq!(resp.headers()["cache-control"], "no-store", "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn unknown_pages_get_the_apps_own_404_page() {
    let (app, _dist) = app_with_dist().await;
    for path in ["/nope", "/books/1/chapters", "/login/extra", "/favicon.ico"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 404, "{path}");
        let headers = resp.headers().clone();
        assert!(
            headers["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        let csp = headers["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        // The app's shell: its router shows the not-found view for a path it does not know.
        assert_eq!(resp.text().await.expect("body"), WEB_INDEX, "{path}");
    }
    let resp = app
        .client
        .post(app.url("/nope"))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn before_make_ui_an_unknown_page_says_so_in_chinese() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let resp = app.get("/nope").await;
    assert_eq!(resp.status(), 404);
    let html = resp.text().await.expect("body");
    assert!(html.contains("页面不存在"), "{html}");
    assert!(html.contains("href=\"/\""), "{html}");
    // The root still leads to the login page (which then says to run `make ui`).
    assert_eq!(app.get("/").await.headers()["location"], "/login");
    app.stop().await;
}

#[tokio::test]
async fn unknown_api_paths_answer_the_json_error_shape() {
    let (app, _dist) = app_with_dist().await;
    for path in ["/api/nope", "/api/users/nope", "/api/oauth/qq"] {
        let (status, body) = json_of(app.get(path).await).await;
        assert_error_in((status, &body), 404, "not_found", path);
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}: {body}"
        );
    }
    let resp = app
        .client
        .post(app.url("/api/nope"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("POST");
    assert_error(json_of(resp).await, 404, "not_found");
    app.stop().await;
}

#[tokio::test]
async fn the_api_root_is_an_index_of_the_docs_and_the_spec() {
    let (app, _dist) = app_with_dist().await;
    for path in ["/api", "/api/"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 200, "{path}");
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["name"], "passport", "{body}");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"), "{body}");
        assert_eq!(body["links"]["docs"], "/docs", "{body}");
        assert_eq!(body["links"]["openapi"], "/openapi.json", "{body}");
    }
    // The links lead somewhere.
    let body: serde_json::Value = app.get("/api").await.json().await.expect("json");
    for key in ["docs", "openapi", "version"] {
        let link = body["links"][key].as_str().expect("link");
        let resp = app.get(link).await;
        assert!(
            resp.status().is_success() || resp.status().is_redirection(),
            "{key} → {link}: {}",
            resp.status()
        );
    }
    let spec: serde_json::Value = app.get("/openapi.json").await.json().await.expect("spec");
    assert!(
        spec["paths"]["/"]["get"].is_object(),
        "the index is in the spec"
    );
    app.stop().await;
}

//! Rolling releases and what operators read (issue 14): on a shutdown signal `/readyz` answers 503
//! while the instance still serves for its drain delay, then the listener closes; `/metrics`
//! carries request latency by route and status, the job queue by kind and the database pool.

use std::time::{Duration, Instant};

use crate::helpers::{
    Backend, TestApp, assert_error, assert_error_in, json_of, postgres_cut_off, postgres_restore,
};

async fn readyz_says_503_while_draining_and_requests_still_succeed(backend: Backend) {
    let Some(mut app) = TestApp::spawn_with(backend, |env| {
        env.insert("PASSPORT_SHUTDOWN_DRAIN_MS".into(), "1500".into());
    })
    .await
    else {
        return;
    };
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);

    let signalled = Instant::now();
    app.signal_shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ready = app.get("/readyz").await;
    assert_error(json_of(ready).await, 503, "shutting_down");
    // Still serving everything else while draining.
    let version = app.get("/api/version").await;
    assert_eq!(version.status(), 200);
    assert!(signalled.elapsed() < Duration::from_millis(1500));

    // After the drain delay the listener is closed.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let fresh = reqwest::Client::new();
    assert!(
        fresh.get(app.url("/readyz")).send().await.is_err(),
        "the listener must be closed after the drain delay"
    );
}

async fn metrics_have_latency_by_route_queue_by_kind_and_the_pool(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for _ in 0..3 {
        let r = app.get("/api/version").await;
        assert_eq!(r.status(), 200);
    }
    // A reset request queues a job: the queue shows it by kind.
    let r = app
        .client
        .post(app.url("/api/password-resets"))
        .json(&serde_json::json!({"email": "nobody@example.com"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 202);
    let text = app.get("/metrics").await.text().await.expect("text");
    let version = "method=\"GET\",route=\"/api/version\",status=\"200\"";
    assert!(
        text.contains(&format!(
            "passport_http_request_duration_seconds_count{{{version}}} 3\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "passport_http_request_duration_seconds_bucket{{{version},le=\"+Inf\"}} 3\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("passport_jobs_queued{kind=\"mail\",state=\"available\"}"),
        "{text}"
    );
    assert!(
        text.contains("passport_jobs_oldest_age_seconds{kind=\"password_reset_request\""),
        "{text}"
    );
    assert!(
        text.contains("passport_db_pool_connections{state=\"max\"}"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE passport_qq_refreshes_total counter"),
        "{text}"
    );
}

async fn requests_while_the_database_is_gone_answer_database_unavailable(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let user = crate::qq_login::existing_user(&app, "staffer", "13700137000").await;
    let mut active: passport::entities::users::ActiveModel = user.into();
    active.is_staff = sea_orm::ActiveValue::Set(true);
    let user = sea_orm::ActiveModelTrait::update(active, &app.db)
        .await
        .expect("make staff");
    let token = passport::api::users::issue_token(&app.state, &user).expect("token");

    // The app's own pool closed: every query fails at once, as with PostgreSQL gone.
    app.state.db.close_by_ref().await.expect("close the pool");
    let login = app
        .client
        .post(app.url("/api/users/login"))
        .json(&serde_json::json!({"account": "staffer", "password": crate::qq_login::PASSWORD}))
        .send()
        .await
        .expect("POST");
    let admin = app
        .client
        .get(app.url("/api/admin/bindings"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    for (what, answer) in [("login", login), ("admin list", admin)] {
        assert_error_in(json_of(answer).await, 503, "database_unavailable", what);
    }
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
}

/// PostgreSQL dropping its connections and refusing new ones (what a restart does) answers 503
/// like a closed pool, quickly. (A statement whose connection breaks mid-way is classified the
/// same; `fault::tests` covers that, the API offers no statement slow enough to break.)
#[tokio::test]
async fn requests_while_postgres_drops_its_connections_answer_database_unavailable() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    crate::qq_login::existing_user(&app, "staffer", "13700137000").await;
    let name = app
        .test_db
        .postgres_name()
        .expect("a PostgreSQL database")
        .to_owned();
    postgres_cut_off(&name).await;
    let asked = Instant::now();
    let answer = app.login("staffer", crate::qq_login::PASSWORD).await;
    postgres_restore(&name).await;
    assert_error_in(answer, 503, "database_unavailable", "login");
    assert!(
        asked.elapsed() < Duration::from_secs(8),
        "answered within the pool's acquire timeout: {:?}",
        asked.elapsed()
    );
}

on_both_backends!(
    requests_while_the_database_is_gone_answer_database_unavailable,
    readyz_says_503_while_draining_and_requests_still_succeed,
    metrics_have_latency_by_route_queue_by_kind_and_the_pool,
);

//! Robustness (issue 10): paging that cannot overflow, panics that answer 500 and leave the
//! server serving, slow clients cut off, pruning of short-lived rows, and the headers every
//! answer of a kind carries.

use std::time::{Duration, Instant};

use chrono::Utc;
use passport::entities::{pending_identities, users};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Backend, TestApp, assert_error, assert_error_in, eventually, json_of};
use crate::qq_login::{PASSWORD, bind_ticket, existing_user};

async fn staff_token(app: &TestApp) -> String {
    crate::qq_login::staff_token(app, "staffer", "13700137000").await
}

async fn paging_overflow_is_a_400_not_a_panic(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = staff_token(&app).await;
    for path in [
        "/api/admin/jobs?page=4611686018427387905",
        "/api/admin/jobs?page=4611686018427387905&per_page=200",
        "/api/admin/bindings?page=4611686018427387905",
        "/api/admin/jobs?page=1000001",
        "/api/admin/jobs?page=0",
    ] {
        let (status, body) = app.get_as(path, &token).await;
        assert_error_in((status, &body), 400, "invalid_page", path);
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains("页码")),
            "{body}"
        );
    }
    // Still paging where it should.
    let (status, body) = json_of(
        app.client
            .get(app.url("/api/admin/jobs?page=1000000&per_page=200"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"], json!([]));
}

/// One raw HTTP/1.1 exchange on `stream`: the status line and the body (Content-Length framed).
async fn exchange(stream: &mut TcpStream, path: &str) -> (String, String) {
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(n > 0, "the server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(head_end) = text.find("\r\n\r\n") {
            let head = &text[..head_end];
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("content-length");
            if buf.len() >= head_end + 4 + length {
                let status = head.lines().next().unwrap_or_default().to_owned();
                let body = String::from_utf8_lossy(&buf[head_end + 4..head_end + 4 + length]);
                return (status, body.into_owned());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_500_json_and_the_connection_carries_on() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let (status, body) = exchange(&mut stream, "/dev/panic").await;
    assert!(status.contains(" 500 "), "{status}");
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["code"], "internal_error", "{body}");
    assert!(
        !body.to_string().contains("deliberate"),
        "no panic text leaks"
    );
    // The same connection, then the server as a whole, go on serving.
    let (status, _) = exchange(&mut stream, "/healthz").await;
    assert!(status.contains(" 200 "), "{status}");
    let (status, _) = exchange(&mut stream, "/dev/panic").await;
    assert!(status.contains(" 500 "), "{status}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// Reads until the server closes (`Ok(elapsed)`) or `within` passes (`Err`). Every `drip` it
/// sends a little more of a request head that never ends: `prefix` one byte at a time, then one
/// header line at a time, so the connection is never idle.
async fn drip_until_closed(
    stream: &mut TcpStream,
    prefix: &[u8],
    drip: Duration,
    within: Duration,
) -> Result<Duration, ()> {
    let started = Instant::now();
    let mut chunk = [0u8; 1024];
    let mut sent = 0usize;
    while started.elapsed() < within {
        match tokio::time::timeout(drip, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(started.elapsed()),
            // An answer (a 408 or similar) is fine too: then the close follows.
            Ok(Ok(_)) => {}
            Err(_) => {
                let next = match prefix.get(sent) {
                    Some(byte) => vec![*byte],
                    None => format!("X-Slow-{sent}: a\r\n").into_bytes(),
                };
                sent += 1;
                if stream.write_all(&next).await.is_err() {
                    return Ok(started.elapsed());
                }
            }
        }
    }
    Err(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_connection_is_closed_while_others_are_served() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |env| {
        env.insert("PASSPORT_HTTP_HEADER_TIMEOUT_MS".into(), "1500".into());
        env.insert("PASSPORT_HTTP_IDLE_TIMEOUT_MS".into(), "60000".into());
    })
    .await
    else {
        return;
    };
    let mut slow = TcpStream::connect(app.addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("write");
    let served = async {
        // Meanwhile, normal requests are answered at once.
        for _ in 0..10 {
            let started = Instant::now();
            assert_eq!(app.get("/healthz").await.status(), 200);
            assert!(started.elapsed() < Duration::from_secs(1));
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    };
    let (closed, ()) = tokio::join!(
        drip_until_closed(
            &mut slow,
            b"",
            Duration::from_millis(200),
            Duration::from_secs(10)
        ),
        served
    );
    let closed = closed.expect("the slow connection is closed");
    assert!(
        closed >= Duration::from_millis(1000) && closed < Duration::from_secs(4),
        "closed after {closed:?} (header timeout 1.5 s)"
    );

    // Dripping from the very first byte gets no more time.
    let mut slow = TcpStream::connect(app.addr).await.expect("connect");
    let closed = drip_until_closed(
        &mut slow,
        b"GET /healthz HTTP/1.1\r\n",
        Duration::from_millis(200),
        Duration::from_secs(10),
    )
    .await
    .expect("closed");
    assert!(closed < Duration::from_secs(4), "closed after {closed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |env| {
        env.insert("PASSPORT_HTTP_HEADER_TIMEOUT_MS".into(), "60000".into());
        env.insert("PASSPORT_HTTP_IDLE_TIMEOUT_MS".into(), "1000".into());
    })
    .await
    else {
        return;
    };
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let (status, _) = exchange(&mut stream, "/healthz").await;
    assert!(status.contains(" 200 "), "{status}");
    let started = Instant::now();
    let mut chunk = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
        .await
        .expect("closed within 10 s");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(800) && elapsed < Duration::from_secs(4),
        "{elapsed:?}"
    );

    // So is a connection that never sends anything.
    let mut silent = TcpStream::connect(app.addr).await.expect("connect");
    let started = Instant::now();
    let read = tokio::time::timeout(Duration::from_secs(10), silent.read(&mut chunk))
        .await
        .expect("closed within 10 s");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

async fn every_api_answer_is_no_store_and_cors_refusals_are_json(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "zhangsan", "13600136000").await;
    let login = app
        .post_json(
            "/api/users/login",
            &json!({"account": "zhangsan", "password": PASSWORD}),
        )
        .await;
    let ticket = bind_ticket(&app, "lisi").await;
    let answers = [
        ("login", login),
        (
            "authorize-url",
            app.get("/api/oauth/qq/authorize-url?next=/").await,
        ),
        (
            "bad bind",
            app.post_json(
                "/api/oauth/qq/bind",
                &json!({"bind_ticket": ticket, "account": "zhangsan", "password": "wrong-horse-1"}),
            )
            .await,
        ),
        ("unknown path", app.get("/api/no/such/thing").await),
        ("not signed in", app.get("/api/users/me").await),
    ];
    for (what, response) in answers {
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{what}: {}",
            response.status()
        );
    }

    // A browser on a foreign page: refused in the API's error shape.
    for request in [
        app.client
            .get(app.url("/api/oauth/qq/authorize-url?next=/"))
            .header("origin", "https://evil.example"),
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/users/login"))
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "POST"),
    ] {
        let response = request.send().await.expect("send");
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store")
        );
        let (status, body) = json_of(response).await;
        assert_error((status, &body), 403, "cors_not_allowed");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_ascii()),
            "{body}"
        );
    }
    // An allowed origin still gets its CORS headers.
    let allowed = app
        .client
        .get(app.url("/api/oauth/qq/authorize-url?next=/"))
        .header("origin", "http://localhost:8080")
        .send()
        .await
        .expect("send");
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("http://localhost:8080")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_carries_a_csp_that_allows_only_its_own_inline_code() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let response = app.get("/docs").await;
    assert_eq!(response.status(), 200);
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a CSP on /docs")
        .to_owned();
    let page = response.text().await.expect("page");
    assert!(csp.starts_with("default-src 'none'; "), "{csp}");
    assert!(!csp.contains("http"), "nothing remote: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    let script_src = script_src(&csp);
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    // One hash per inline script of the page (Swagger UI's bundle and the code that starts it),
    // nothing else.
    assert_eq!(script_src.split_whitespace().count(), 2, "{script_src}");
    assert!(
        script_src
            .split_whitespace()
            .all(|s| s.starts_with("'sha256-"))
    );
    let start = page.rfind("<script>").expect("the start-up script") + "<script>".len();
    let end = start + page[start..].find("</script>").expect("its end");
    let digest = ring::digest::digest(&ring::digest::SHA256, &page.as_bytes()[start..end]);
    let hash = format!(
        "'sha256-{}'",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest.as_ref())
    );
    assert!(script_src.contains(&hash), "{hash} not in {script_src}");
    // Stable across requests (built once).
    let again = app.get("/docs").await;
    assert_eq!(
        again
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok()),
        Some(csp.as_str())
    );
}

/// The sources a CSP's `script-src` allows.
fn script_src(csp: &str) -> &str {
    csp.split(';')
        .find_map(|d| d.trim().strip_prefix("script-src "))
        .expect("script-src")
}

/// A `HEAD` first (a monitor, a link checker) must not leave `/docs` with a policy made from no
/// page: the next `GET` still allows the page's own scripts.
#[tokio::test]
async fn the_docs_page_keeps_its_scripts_after_a_head_request() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let head = app
        .client
        .head(app.url("/docs"))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(head.status(), 200);
    let csp = |response: &reqwest::Response| {
        response
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let page = app.get("/docs").await;
    assert_eq!(page.status(), 200);
    let policy = csp(&page).expect("a CSP on /docs");
    assert_eq!(
        script_src(&policy).split_whitespace().count(),
        2,
        "the bundle's and the start-up script's hashes: {policy}"
    );
    assert_eq!(csp(&head).as_deref(), Some(policy.as_str()), "HEAD too");
}

async fn rows_past_retention_are_pruned_and_recent_ones_stay(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_PRUNE_INTERVAL_SECS".into(), "1".into());
    })
    .await
    else {
        return;
    };
    // A real bind consumes its pending identity: its tokens are gone at once.
    existing_user(&app, "wangwu", "13500135000").await;
    let ticket = bind_ticket(&app, "zhaoliu").await;
    let (status, body) = app
        .post(
            "/api/oauth/qq/bind",
            &json!({"bind_ticket": ticket, "account": "wangwu", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let consumed = pending_identities::Entity::find()
        .all(&app.db)
        .await
        .expect("query");
    assert_eq!(consumed.len(), 1);
    assert!(consumed[0].consumed_at.is_some());
    assert_eq!(consumed[0].access_token_enc, "");
    assert_eq!(consumed[0].refresh_token_enc, None);

    let now = Utc::now();
    let old = now - chrono::Duration::days(60);
    let recent = now - chrono::Duration::minutes(5);
    let user_id: i64 = users::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("a user")
        .id;
    let backend_of = app.db.get_database_backend();
    let run = |sql: &str, values: Vec<sea_orm::Value>| {
        let db = app.db.clone();
        let statement = Statement::from_sql_and_values(backend_of, sql, values);
        async move { db.execute_raw(statement).await.expect("insert") }
    };
    for (key, at) in [("old", old), ("recent", now)] {
        run(
            "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)",
            vec![format!("test:{key}").into(), at.timestamp().into()],
        )
        .await;
        run(
            "INSERT INTO sms_codes (mobile, code_hash, expires_at, attempts, consumed_at, created_at) \
             VALUES ($1, 'h', $2, 0, NULL, $2)",
            vec![format!("1380000{key}").into(), at.into()],
        )
        .await;
        run(
            "INSERT INTO password_resets (user_id, nonce_hash, expires_at, used_at, voided_at, created_at) \
             VALUES ($1, $2, $3, NULL, NULL, $3)",
            vec![user_id.into(), format!("nonce-{key}").into(), at.into()],
        )
        .await;
        run(
            "INSERT INTO jobs (kind, payload, state, attempt, max_attempts, run_at, created_at, updated_at, finished_at, unique_key) \
             VALUES ('mail', '{}', 'discarded', 5, 5, $1, $1, $1, $1, NULL)",
            vec![at.into()],
        )
        .await;
    }
    // Pending identities: one long expired, one just expired (tokens still there), one live.
    for (id, expires) in [
        ("p-old", old),
        ("p-expired", recent),
        ("p-live", now + chrono::Duration::minutes(10)),
    ] {
        run(
            "INSERT INTO pending_identities (id, provider, subject, unionid, nickname, avatar, \
             access_token_enc, refresh_token_enc, token_expires_at, expires_at, consumed_at, created_at) \
             VALUES ($1, 'qq', $2, NULL, 'n', '', 'SEALED-ACCESS', 'SEALED-REFRESH', $3, $3, NULL, $3)",
            vec![id.into(), format!("openid-{id}").into(), expires.into()],
        )
        .await;
    }
    // Spent login states and replay entries go once expired; live ones stay.
    for (key, expires) in [
        ("expired", recent),
        ("live", now + chrono::Duration::minutes(10)),
    ] {
        run(
            "INSERT INTO used_login_states (nonce_hash, expires_at) VALUES ($1, $2)",
            vec![format!("state-{key}").into(), expires.into()],
        )
        .await;
        run(
            "INSERT INTO callback_replays (nonce_hash, code_hash, created_at, expires_at) \
             VALUES ($1, 'c', $2, $2)",
            vec![format!("replay-{key}").into(), expires.into()],
        )
        .await;
    }
    // A job still waiting for its retry (not due for a day) stays whatever its age.
    run(
        "INSERT INTO jobs (kind, payload, state, attempt, max_attempts, run_at, created_at, updated_at, finished_at, unique_key) \
         VALUES ('mail', '{}', 'retryable', 1, 5, $1, $2, $2, NULL, NULL)",
        vec![(now + chrono::Duration::days(1)).into(), old.into()],
    )
    .await;

    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .expect("count")
                .expect("a row");
            row.try_get_by_index::<i64>(0).expect("n")
        }
    };
    eventually(Duration::from_secs(15), "the pruner ran", || async {
        count("SELECT COUNT(*) FROM rate_limits WHERE key = 'test:old'").await == 0
            && count("SELECT COUNT(*) FROM pending_identities WHERE id = 'p-old'").await == 0
            && count("SELECT COUNT(*) FROM jobs WHERE state = 'discarded'").await == 1
            && count("SELECT COUNT(*) FROM sms_codes").await == 1
            && count("SELECT COUNT(*) FROM password_resets").await == 1
            && count("SELECT COUNT(*) FROM used_login_states WHERE nonce_hash LIKE 'state-%'").await
                == 1
            && count("SELECT COUNT(*) FROM callback_replays WHERE nonce_hash LIKE 'replay-%'").await
                == 1
            && count(
                "SELECT COUNT(*) FROM pending_identities WHERE id = 'p-expired' \
                 AND access_token_enc = '' AND refresh_token_enc IS NULL",
            )
            .await
                == 1
    })
    .await;
    assert_eq!(
        count("SELECT COUNT(*) FROM rate_limits WHERE key = 'test:recent'").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM sms_codes WHERE mobile = '1380000recent'").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM password_resets WHERE nonce_hash = 'nonce-recent'").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM used_login_states WHERE nonce_hash = 'state-live'").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM callback_replays WHERE nonce_hash = 'replay-live'").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM jobs WHERE state = 'retryable'").await,
        1,
        "live jobs stay"
    );
    // The live pending identity keeps its tokens (a bind may still need them).
    let live = pending_identities::Entity::find_by_id("p-live".to_string())
        .one(&app.db)
        .await
        .expect("query")
        .expect("still there");
    assert_eq!(live.access_token_enc, "SEALED-ACCESS");
    assert_eq!(live.refresh_token_enc.as_deref(), Some("SEALED-REFRESH"));
    // The consumed one (recent) stays as a row, without tokens.
    assert_eq!(
        pending_identities::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        3
    );
}

/// Several instances prune the same database at once: batches interleave, nothing fails, every
/// row past retention goes exactly once.
async fn two_instances_prune_at_once_in_batches(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        env.insert("PASSPORT_PRUNE_INTERVAL_SECS".into(), "3600".into());
    })
    .await
    else {
        return;
    };
    const ROWS: u64 = 1234;
    // The rows expire now and the two passes below run 30 days ahead: the app's own pruner
    // passes on the real clock (one at start-up, racing these inserts) and must leave them.
    let old = Utc::now();
    let backend_of = app.db.get_database_backend();
    for chunk in 0..ROWS.div_ceil(100) {
        let rows: Vec<String> = (chunk * 100..((chunk + 1) * 100).min(ROWS))
            .map(|i| format!("('1390000{i:04}', 'h', $1, 0, NULL, $1)"))
            .collect();
        let sql = format!(
            "INSERT INTO sms_codes (mobile, code_hash, expires_at, attempts, consumed_at, created_at) VALUES {}",
            rows.join(", ")
        );
        app.db
            .execute_raw(Statement::from_sql_and_values(
                backend_of,
                &sql,
                [old.into()],
            ))
            .await
            .expect("insert");
    }
    let settings = app.settings.retention.clone();
    let other = app.test_db.connect().await;
    let now = Utc::now() + chrono::Duration::days(30);
    let (a, b) = tokio::join!(
        passport::retention::prune(&app.db, &settings, now),
        passport::retention::prune(&other, &settings, now),
    );
    let (a, b) = (a.expect("first instance"), b.expect("second instance"));
    assert_eq!(a.sms_codes + b.sms_codes, ROWS, "{a:?} {b:?}");
    assert!(
        a.sms_codes.max(b.sms_codes) > passport::retention::BATCH,
        "in several batches"
    );
    let left = app
        .db
        .query_one_raw(Statement::from_string(
            backend_of,
            "SELECT COUNT(*) FROM sms_codes",
        ))
        .await
        .expect("count")
        .expect("row")
        .try_get_by_index::<i64>(0)
        .expect("n");
    assert_eq!(left, 0);
}

on_both_backends!(
    two_instances_prune_at_once_in_batches,
    paging_overflow_is_a_400_not_a_panic,
    every_api_answer_is_no_store_and_cors_refusals_are_json,
    rows_past_retention_are_pruned_and_recent_ones_stay,
);

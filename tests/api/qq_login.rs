//! The QQ login journeys over real HTTP against the QQ Connect simulator, on SQLite and
//! PostgreSQL: returning user, bind an existing account, register and bind; and every bad input
//! answering its status and code while changing nothing.

use std::time::Duration;

use passport::config::DEV_SECRET_KEY;
use passport::crypto::{Purpose, TimedSerializer};
use passport::entities::{audit_log, pending_identities, social_bindings, users};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestApp, UserBuilder, assert_error, assert_error_in, eventually, json_of, user,
};

pub(crate) const PASSWORD: &str = "correct-horse-9";

pub(crate) use crate::helpers::LoginStart;

/// Start a QQ login in a new browser (no cookie yet).
pub(crate) async fn start_login(app: &TestApp, next: &str) -> LoginStart {
    start_login_in(app, next, None).await
}

/// Start a QQ login in a browser that may already hold a login cookie.
pub(crate) async fn start_login_in(app: &TestApp, next: &str, cookie: Option<&str>) -> LoginStart {
    LoginStart::begin(&app.client, &app.base_url, next, cookie).await
}

pub(crate) async fn callback(app: &TestApp, sim_user: &str) -> (StatusCode, Value) {
    let login = start_login(app, "/books/1").await;
    let code = app.sim_code(sim_user).await;
    login.finish(app, &code).await
}

/// A bind ticket for a QQ user that has no binding yet.
pub(crate) async fn bind_ticket(app: &TestApp, sim_user: &str) -> String {
    let (status, body) = callback(app, sim_user).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "bind_required", "{body}");
    body["bind_ticket"].as_str().expect("ticket").to_owned()
}

/// Bind `sim_user`'s QQ identity to the existing account `username` (password [`PASSWORD`]);
/// the successful answer's body.
pub(crate) async fn bind_existing(app: &TestApp, username: &str, sim_user: &str) -> Value {
    let ticket = bind_ticket(app, sim_user).await;
    let (status, body) = app
        .post(
            "/api/oauth/qq/bind",
            &json!({"bind_ticket": ticket, "account": username, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// An existing Renran account with a password.
pub(crate) async fn existing_user(app: &TestApp, username: &str, mobile: &str) -> users::Model {
    existing(username, mobile).create(app).await
}

/// An existing account (as [`existing_user`]) with staff rights; its session token.
pub(crate) async fn staff_token(app: &TestApp, username: &str, mobile: &str) -> String {
    let staff = existing(username, mobile).staff(true).create(app).await;
    app.token_for(&staff)
}

fn existing(username: &str, mobile: &str) -> UserBuilder {
    user(username)
        .nickname(format!("老用户{username}"))
        .mobile(Some(mobile))
        .email(Some(&format!("{username}@example.com")))
        .password(PASSWORD)
}

/// Ask for an SMS code (for the registration of `ticket`) and read it from the dev outbox once
/// the job delivered it.
pub(crate) async fn sms_code(app: &TestApp, ticket: &str, mobile: &str) -> String {
    let (status, body) = app.ask_bind_sms_code(ticket, mobile).await;
    assert_eq!(status, 202, "{body}");
    app.sms_code_to(mobile).await
}

pub(crate) async fn register(
    app: &TestApp,
    ticket: &str,
    nickname: &str,
    mobile: &str,
    code: &str,
) -> (StatusCode, Value) {
    app.qq_register(ticket, nickname, mobile, code, PASSWORD)
        .await
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    (
        users::Entity::find().count(&app.db).await.expect("count"),
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        pending_identities::Entity::find()
            .filter(pending_identities::Column::ConsumedAt.is_not_null())
            .count(&app.db)
            .await
            .expect("count"),
    )
}

// --- The three seed journeys -------------------------------------------------------------

async fn a_new_qq_user_registers_and_binds_then_logs_in_again(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let (status, body) = callback(&app, "xiaoming").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "bind_required");
    assert_eq!(body["next"], "/books/1");
    assert!(
        !body["profile"]["nickname"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{body}"
    );
    assert!(body.get("access_token").is_none() && !body.to_string().contains("access_token"));
    let ticket = body["bind_ticket"].as_str().expect("ticket").to_owned();

    let code = sms_code(&app, &ticket, "13800138001").await;
    let (status, body) = register(&app, &ticket, "小明同学", "13800138001", &code).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "logged_in");
    assert_eq!(body["user"]["nickname"], "小明同学");
    assert_eq!(body["next"], "/books/1");
    let token = body["token"].as_str().expect("token");

    let (status, me) = app.me(token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["mobile"], "13800138001");
    assert!(me["bindings"]["qq"].is_object(), "{me}");

    // Tokens are stored encrypted, never as QQ sent them.
    let binding = social_bindings::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("binding");
    let (key_id, sealed) = binding
        .access_token_enc
        .split_once(':')
        .expect("prefixed with the key id");
    assert_eq!(
        key_id,
        passport::crypto::token_cipher::token_key_id(&app.settings.token_key)
    );
    assert_eq!(sealed.len() % 4, 0, "base64");
    assert!(
        !binding
            .access_token_enc
            .chars()
            .all(|c| c.is_ascii_hexdigit()),
        "not a bare QQ token"
    );

    // The returning user: straight to logged_in, with fresh tokens stored.
    let (status, body) = callback(&app, "xiaoming").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "logged_in", "{body}");
    assert_eq!(body["user"]["id"], me["id"]);
    let again = social_bindings::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("binding");
    assert_ne!(
        again.access_token_enc, binding.access_token_enc,
        "fresh tokens stored"
    );
    assert_eq!(counts(&app).await.0, 1, "no second user");
}

async fn a_new_qq_user_binds_an_existing_account(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let user = existing_user(&app, "laowang", "13900139000").await;
    let ticket = bind_ticket(&app, "wangwu").await;
    for account in ["laowang", "13900139000", "LAOWANG@example.com"] {
        // Each identifier finds the same account; only the first bind succeeds.
        let (status, body) = app
            .post(
                "/api/oauth/qq/bind",
                &json!({"bind_ticket": ticket, "account": account, "password": PASSWORD}),
            )
            .await;
        if account == "laowang" {
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["status"], "logged_in");
            assert_eq!(body["user"]["id"], user.id);
            let (_, me) = app.me(body["token"].as_str().expect("token")).await;
            assert!(me["bindings"]["qq"].is_object(), "{me}");
        } else {
            assert_error((status, &body), 401, "bind_ticket_used");
        }
    }
    let (status, body) = callback(&app, "wangwu").await;
    assert_eq!(
        (status, body["status"].clone()),
        (StatusCode::OK, json!("logged_in"))
    );
}

async fn password_login_works_by_username_mobile_and_email(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let user = existing_user(&app, "zhangsan", "13700137000").await;
    for account in [
        "zhangsan",
        "13700137000",
        "+86 137 0013 7000",
        " ZhangSan@Example.com ",
    ] {
        let (status, body) = app.login(account, PASSWORD).await;
        assert_eq!(status, 200, "{account}: {body}");
        assert_eq!(body["user"]["id"], user.id);
        assert_eq!(body["user"]["username"], "zhangsan");
    }
}

// --- Bad input: status, code, nothing changed --------------------------------------------

async fn tampered_and_expired_states_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let login = start_login(&app, "/").await;
    let code = app.sim_code("lisi").await;
    let mut tampered = login.state.clone();
    tampered.insert(
        2,
        if tampered.as_bytes()[2] == b'A' {
            'B'
        } else {
            'A'
        },
    );
    let signer = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::State);
    let now = chrono::Utc::now().timestamp() as u64;
    let expired = signer
        .dumps_at(&json!({"next": "/", "nonce": "x", "b": "x"}), now - 11 * 60)
        .expect("dumps");
    let wrong_purpose = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::BindTicket)
        .dumps(&json!({"next": "/", "nonce": "x", "b": "x"}))
        .expect("dumps");
    for (state, expected) in [
        (tampered.as_str(), "state_invalid"),
        ("", "state_invalid"),
        ("not.a.token", "state_invalid"),
        (wrong_purpose.as_str(), "state_invalid"),
        (expired.as_str(), "state_expired"),
    ] {
        let forged = LoginStart {
            state: state.to_owned(),
            cookie: login.cookie.clone(),
        };
        let (status, body) = forged.finish(&app, &code).await;
        assert_error((status, &body), 400, expected);
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(
        pending_identities::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    // The code was never spent, nor the state: both still work together.
    let (status, body) = login.finish(&app, &code).await;
    assert_eq!(status, 200, "{body}");
}

async fn a_reused_code_asks_for_a_new_qq_login(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let code = app.sim_code("zhaoliu").await;
    let first = start_login(&app, "/").await.finish(&app, &code).await;
    assert_eq!(first.0, 200, "{}", first.1);
    // Each try with a fresh state, so only the code is the problem.
    let (status, body) = start_login(&app, "/").await.finish(&app, &code).await;
    assert_error((status, &body), 401, "qq_login_expired");
    let (status, body) = start_login(&app, "/")
        .await
        .finish(&app, "ABCDEF0123456789ABCDEF0123456789")
        .await;
    assert_error_in((status, &body), 401, "qq_login_expired", "unknown code");
    let (status, body) = start_login(&app, "/").await.finish(&app, "<script>").await;
    assert_error((status, &body), 400, "invalid_code");
    assert_eq!(
        pending_identities::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1,
        "only the first"
    );
    let metrics = app.get("/metrics").await.text().await.expect("text");
    assert!(
        metrics.contains("outcome=\"bind_required\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("qq_code=\"100020\"} 1"), "{metrics}");
}

async fn qq_faults_answer_502(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let code = app.sim_code("sunqi").await;
    app.sim_fault(
        json!({"endpoint": "token", "kind": "status", "status": 503, "probability": 1.0}),
    )
    .await;
    let (status, body) = start_login(&app, "/").await.finish(&app, &code).await;
    assert_error((status, &body), 502, "qq_unavailable");
    app.sim_clear_faults().await;
    app.sim_fault(json!({"endpoint": "me", "kind": "junk", "probability": 1.0}))
        .await;
    let code = app.sim_code("sunqi").await;
    let (status, body) = start_login(&app, "/").await.finish(&app, &code).await;
    assert_error((status, &body), 502, "qq_unavailable");
    app.sim_clear_faults().await;
    assert_eq!(counts(&app).await, (0, 0, 0));
    assert_eq!(
        pending_identities::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
}

async fn bad_tickets_are_refused_and_burn_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "qianba", "13600136000").await;
    let ticket = bind_ticket(&app, "qianba_qq").await;
    let signer = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::BindTicket);
    let payload: Value = signer
        .loads(&ticket, Duration::from_secs(600))
        .expect("loads");
    let now = chrono::Utc::now().timestamp() as u64;
    let expired = signer.dumps_at(&payload, now - 11 * 60).expect("dumps");
    let mut other = payload.clone();
    other["o"] = json!("ANOTHEROPENID0000000000000000000");
    let other_openid = signer.dumps(&other).expect("dumps");
    let as_state = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::State)
        .dumps(&payload)
        .expect("dumps");
    for (ticket, expected) in [
        (format!("{ticket}x"), "bind_ticket_invalid"),
        (as_state, "bind_ticket_invalid"),
        (other_openid, "bind_ticket_invalid"),
        (expired, "bind_ticket_expired"),
    ] {
        let (status, body) = app
            .post(
                "/api/oauth/qq/bind",
                &json!({"bind_ticket": ticket, "account": "qianba", "password": PASSWORD}),
            )
            .await;
        assert_error((status, &body), 401, expected);
    }
    assert_eq!(
        counts(&app).await,
        (1, 0, 0),
        "nothing bound, nothing consumed"
    );
}

async fn wrong_passwords_and_unknown_accounts_look_alike_and_are_throttled(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "zhoujiu", "13500135000").await;
    let ticket = bind_ticket(&app, "zhoujiu_qq").await;
    let attempt = |account: &'static str, password: &'static str| {
        let ticket = ticket.clone();
        let app = &app;
        async move {
            app.post(
                "/api/oauth/qq/bind",
                &json!({"bind_ticket": ticket, "account": account, "password": password}),
            )
            .await
        }
    };
    let wrong = attempt("zhoujiu", "wrong-password-1").await;
    let unknown = attempt("nobody_here", PASSWORD).await;
    assert_error(&wrong, 400, "invalid_credentials");
    assert_eq!(wrong.1, unknown.1, "the same answer for both");
    for _ in 0..4 {
        assert_error(
            attempt("zhoujiu", "wrong-password-1").await,
            400,
            "invalid_credentials",
        );
    }
    // Five failures for this account: the right password is refused too, for now.
    let (status, body) = attempt("zhoujiu", PASSWORD).await;
    assert_error((status, &body), 429, "too_many_attempts");
    assert!(
        body["retry_after"].as_u64().is_some_and(|s| s > 0),
        "{body}"
    );
    assert_eq!(counts(&app).await, (1, 0, 0), "nothing bound");
}

async fn taken_nicknames_and_mobiles_conflict_and_leave_the_ticket_usable(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let taken = existing_user(&app, "wuyi", "13400134000").await;
    let ticket = bind_ticket(&app, "wuyi_qq").await;
    let code = sms_code(&app, &ticket, "13400134001").await;
    let (status, body) = register(&app, &ticket, &taken.nickname, "13400134001", &code).await;
    assert_error((status, &body), 409, "nickname_taken");
    assert_eq!(counts(&app).await, (1, 0, 0));

    // The mobile is taken between the code and the registration (a code request for a taken
    // mobile is refused at once: see `accounts.rs`).
    let code2 = sms_code_for_taken_mobile(&app, &ticket).await;
    let (status, body) = register(&app, &ticket, "新昵称", "13400134009", &code2).await;
    assert_error((status, &body), 409, "mobile_taken");
    assert_eq!(
        counts(&app).await,
        (2, 0, 0),
        "no orphan user, ticket not consumed"
    );

    let (status, body) = register(&app, &ticket, "新昵称", "13400134001", &code).await;
    assert_eq!(status, 201, "the same ticket and code still work: {body}");
    assert_eq!(counts(&app).await, (3, 1, 1));
}

async fn sms_code_for_taken_mobile(app: &TestApp, ticket: &str) -> String {
    let code = sms_code(app, ticket, "13400134009").await;
    existing_user(app, "wuyi_late", "13400134009").await;
    code
}

async fn wrong_expired_and_over_tried_sms_codes_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let ticket = bind_ticket(&app, "zhengshi").await;
    let code = sms_code(&app, &ticket, "13300133000").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, body) = register(&app, &ticket, "郑十", "13300133000", "12ab56").await;
    assert_error((status, &body), 400, "sms_code_invalid");
    let (status, body) = register(&app, &ticket, "郑十", "13300133999", &code).await;
    assert_error_in((status, &body), 400, "sms_code_invalid", "another mobile");
    for _ in 0..5 {
        let (status, body) = register(&app, &ticket, "郑十", "13300133000", wrong).await;
        assert_error((status, &body), 400, "sms_code_invalid");
    }
    let (status, body) = register(&app, &ticket, "郑十", "13300133000", &code).await;
    assert_error_in(
        (status, &body),
        400,
        "sms_code_too_many_attempts",
        "five wrong tries spend the code",
    );
    assert_eq!(counts(&app).await, (0, 0, 0));

    // Expired: age the stored code.
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DELETE FROM sms_codes")
        .await
        .expect("reset");
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DELETE FROM rate_limits")
        .await
        .expect("reset");
    let code = sms_code(&app, &ticket, "13300133000").await;
    let past = chrono::Utc::now() - chrono::Duration::minutes(6);
    passport::entities::sms_codes::Entity::update_many()
        .col_expr(
            passport::entities::sms_codes::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(past),
        )
        .exec(&app.db)
        .await
        .expect("age");
    let (status, body) = register(&app, &ticket, "郑十", "13300133000", &code).await;
    assert_error((status, &body), 400, "sms_code_expired");
    assert_eq!(counts(&app).await, (0, 0, 0));
}

async fn sms_codes_are_limited_to_one_a_minute_and_need_a_valid_mobile(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let ticket = bind_ticket(&app, "sms_limits").await;
    let (status, body) = app.ask_bind_sms_code(&ticket, "12345").await;
    assert_error((status, &body), 400, "invalid_mobile");
    let (status, _) = app.ask_bind_sms_code(&ticket, "13200132000").await;
    assert_eq!(status, 202);
    let (status, body) = app.ask_bind_sms_code(&ticket, "13200132000").await;
    assert_error((status, &body), 429, "sms_too_frequent");
    assert!(
        body["retry_after"]
            .as_u64()
            .is_some_and(|s| s > 0 && s <= 60),
        "{body}"
    );
    let stored = passport::entities::sms_codes::Entity::find()
        .all(&app.db)
        .await
        .expect("codes");
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].code_hash.chars().all(|c| c.is_ascii_digit()),
        "stored hashed"
    );
}

async fn open_redirects_malformed_and_oversized_bodies_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    for next in [
        "//evil.com",
        "https://evil.com",
        "/%5Cevil.com",
        "javascript:alert(1)",
        "/%09/evil.com",
    ] {
        let (status, body) = json_of(
            app.get(&format!("/api/oauth/qq/authorize-url?next={next}"))
                .await,
        )
        .await;
        assert_error_in((status, &body), 400, "invalid_next", format_args!("{next}"));
    }
    let (status, body) = json_of(app.get("/api/oauth/qq/authorize-url").await).await;
    assert_eq!(status, 200);
    let url = url::Url::parse(body["url"].as_str().expect("url")).expect("a URL");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(url.path(), "/oauth2.0/authorize");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], passport::config::DEV_QQ_APP_ID);
    assert_eq!(query["scope"], "get_user_info");
    assert_eq!(query["state"], body["state"].as_str().expect("state"));

    let malformed = app
        .client
        .post(app.url("/api/oauth/qq/callback"))
        .header("content-type", "application/json")
        .body("{\"code\": ")
        .send()
        .await
        .expect("POST");
    let (status, body) = json_of(malformed).await;
    assert_error((status, &body), 400, "invalid_request");
    let (status, body) = app
        .post("/api/oauth/qq/bind", &json!({"bind_ticket": "x"}))
        .await;
    assert_error_in((status, &body), 400, "invalid_request", "missing fields");
    let huge = json!({"code": "A".repeat(100_000), "state": "x"});
    let (status, body) = app.post("/api/oauth/qq/callback", &huge).await;
    assert_error((status, &body), 413, "payload_too_large");
    assert_eq!(
        pending_identities::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
}

// --- Races, supervision, overload ----------------------------------------------------------

async fn two_concurrent_binds_of_one_qq_identity_make_exactly_one_binding(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "alpha", "13100131000").await;
    existing_user(&app, "bravo", "13100131001").await;
    // Two logins of the same QQ user: two tickets for one openid.
    let first = bind_ticket(&app, "racer").await;
    let second = bind_ticket(&app, "racer").await;
    let bind = |ticket: String, account: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/api/oauth/qq/bind",
                &json!({"bind_ticket": ticket, "account": account, "password": PASSWORD}),
            )
            .await
        }
    };
    let (a, b) = tokio::join!(bind(first, "alpha"), bind(second, "bravo"));
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let loser = if a.0 == 409 { &a.1 } else { &b.1 };
    assert_eq!(loser["code"], "qq_already_bound");
    assert_eq!(
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1
    );

    // Binding QQ to an account that already has one is refused too.
    let third = bind_ticket(&app, "another_qq").await;
    let winner = if a.0 == 200 { "alpha" } else { "bravo" };
    let (status, body) = bind(third, winner).await;
    assert_error((status, &body), 409, "account_already_bound");
}

async fn a_panicking_exchange_worker_is_restarted_and_logins_go_on(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let exchange = app.state.exchange.clone();
    for worker in 0..2 {
        let before = exchange.worker_ids();
        let dead = exchange.inject_panic(worker).expect("worker running");
        eventually(
            Duration::from_secs(5),
            "the supervisor replaces the worker",
            || {
                let exchange = exchange.clone();
                let before = before.clone();
                async move {
                    let now = exchange.worker_ids();
                    now.iter().all(Option::is_some)
                        && now[worker] != Some(dead)
                        && now.len() == before.len()
                }
            },
        )
        .await;
    }
    for _ in 0..4 {
        let (status, body) = callback(&app, "phoenix").await;
        assert_eq!(status, 200, "{body}");
    }
}

async fn a_login_waits_for_a_busy_exchange_pool_up_to_the_wait_then_gets_503(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_QQ_EXCHANGE_WORKERS".into(), "1".into());
        env.insert("PASSPORT_QQ_EXCHANGE_WAIT_MS".into(), "2500".into());
    })
    .await
    else {
        return;
    };
    app.sim_fault(
        json!({"endpoint": "token", "kind": "latency", "latency_ms": 1500, "probability": 1.0}),
    )
    .await;
    // Behind one slow login (1.5 s of QQ), a second one waits for the worker and succeeds.
    let slow = callback(&app, "slowpoke");
    let patient = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        callback(&app, "patient").await
    };
    let ((slow_status, slow_body), (status, body)) = tokio::join!(slow, patient);
    assert_eq!(slow_status, 200, "{slow_body}");
    assert_eq!(status, 200, "queued, not refused: {body}");
    assert_eq!(app.state.exchange.idle_workers(), 1, "the worker is back");
}

async fn an_exchange_wait_past_its_deadline_answers_503_with_retry_after(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_QQ_EXCHANGE_WORKERS".into(), "1".into());
        env.insert("PASSPORT_QQ_EXCHANGE_WAIT_MS".into(), "400".into());
    })
    .await
    else {
        return;
    };
    app.sim_fault(
        json!({"endpoint": "token", "kind": "latency", "latency_ms": 2000, "probability": 1.0}),
    )
    .await;
    let slow = callback(&app, "slowpoke");
    let impatient = async {
        let start = start_login(&app, "/").await;
        let code = app.sim_code("impatient").await;
        // Only once the slow login holds the one worker (not after a fixed head start, which a
        // loaded machine can eat up).
        eventually(
            Duration::from_secs(10),
            "the slow login holds the worker",
            || async { app.state.exchange.idle_workers() == 0 },
        )
        .await;
        let started = std::time::Instant::now();
        let response = app
            .client
            .post(app.url("/api/oauth/qq/callback"))
            .json(&json!({"code": code, "state": start.state}))
            .header("cookie", &start.cookie)
            .send()
            .await
            .expect("POST");
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (json_of(response).await, retry_after, started.elapsed())
    };
    let ((slow_status, slow_body), ((status, body), retry_after, waited)) =
        tokio::join!(slow, impatient);
    assert_eq!(slow_status, 200, "{slow_body}");
    assert_error((status, &body), 503, "overloaded");
    assert_eq!(retry_after.as_deref(), Some("1"), "{body}");
    assert_eq!(body["retry_after"], 1, "{body}");
    assert!(
        waited >= Duration::from_millis(380) && waited < Duration::from_millis(1500),
        "waited the configured 400 ms, then refused: {waited:?}"
    );
}

async fn a_caller_that_goes_away_frees_its_exchange_worker(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_QQ_EXCHANGE_WORKERS".into(), "1".into());
    })
    .await
    else {
        return;
    };
    app.sim_fault(
        json!({"endpoint": "token", "kind": "latency", "latency_ms": 800, "probability": 1.0}),
    )
    .await;
    // Callers dropped mid-wait and mid-exchange, as a request whose client hung up is.
    let exchange = app.state.exchange.clone();
    let sim_code = app.sim_code("quitter").await;
    let inflight = exchange.exchange(sim_code);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), inflight)
            .await
            .is_err(),
        "still at QQ"
    );
    let waiting = exchange.exchange("0123456789ABCDEF0123456789ABCDEF".into());
    assert!(
        tokio::time::timeout(Duration::from_millis(100), waiting)
            .await
            .is_err(),
        "still waiting"
    );
    // The worker comes back when it has finished, and the next login gets it.
    eventually(Duration::from_secs(5), "the worker is idle again", || {
        let exchange = exchange.clone();
        async move { exchange.idle_workers() == 1 }
    })
    .await;
    let (status, body) = callback(&app, "stayer").await;
    assert_eq!(status, 200, "{body}");
}

async fn a_register_whose_caller_timed_out_never_commits(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let ticket = bind_ticket(&app, "slowdb").await;
    let code = sms_code(&app, &ticket, "13800138077").await;
    let users_before = users::Entity::find().count(&app.db).await.expect("count");
    // A database slower than the caller's deadline: every binder is busy for 1.5 s while the
    // register may take 300 ms.
    app.state.binder.set_deadline(Duration::from_millis(300));
    app.state.binder.stall(Duration::from_millis(1500));
    let (status, body) = register(&app, &ticket, "慢数据库", "13800138077", &code).await;
    assert_error((status, &body), 503, "overloaded");
    // Long after the binders woke up, nothing was written for the refused register.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        users::Entity::find().count(&app.db).await.expect("count"),
        users_before,
        "no account created after the caller was told it failed"
    );
    assert_eq!(
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    // The ticket and the code are still good: the retry succeeds.
    app.state.binder.set_deadline(Duration::from_secs(10));
    let (status, body) = register(&app, &ticket, "慢数据库", "13800138077", &code).await;
    assert_eq!(status, 201, "{body}");
}

/// A bound user (made through the real flow) and their binding.
async fn bound_user(
    app: &TestApp,
    username: &str,
    mobile: &str,
    sim_user: &str,
) -> social_bindings::Model {
    crate::refresher::bound(app, username, mobile, sim_user).await
}

async fn login_events(app: &TestApp, binding_id: i64) -> u64 {
    use passport::entities::binding_token_events;
    binding_token_events::Entity::find()
        .filter(binding_token_events::Column::BindingId.eq(binding_id))
        .filter(binding_token_events::Column::Kind.eq("login"))
        .count(&app.db)
        .await
        .expect("count")
}

async fn bound_users_logging_in_together_share_one_commit(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let binding = bound_user(&app, "qunzu", "13800138050", "qunzu_qq").await;
    // Sixteen logins of that user, each with its own state and code, reach the login writer
    // while it is busy: they wait together and commit together.
    let mut logins = Vec::new();
    for _ in 0..16 {
        let start = start_login(&app, "/").await;
        let code = app.sim_code("qunzu_qq").await;
        logins.push((start, code));
    }
    let (batches_before, written_before) = app.state.binder.login_commits();
    app.state.binder.stall(Duration::from_millis(1000));
    let answers =
        futures_util::future::join_all(logins.iter().map(|(start, code)| start.finish(&app, code)))
            .await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["status"], "logged_in", "{body}");
    }
    let (batches, written) = app.state.binder.login_commits();
    let (batches, written) = (batches - batches_before, written - written_before);
    assert_eq!(written, 16, "each login written once");
    assert!(
        batches <= 4,
        "16 logins that arrived together took {batches} commits"
    );
    // Each login did its own write: the version moved once per login, one event each.
    let after = crate::refresher::reload(&app, binding.id).await;
    assert_eq!(after.token_version, binding.token_version + 16);
    assert_eq!(login_events(&app, binding.id).await, 16);
}

async fn a_bound_login_whose_caller_timed_out_is_never_written(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let binding = bound_user(&app, "manman", "13800138051", "manman_qq").await;
    // The login writer is busy for 1.5 s while the login may take 300 ms.
    app.state.binder.set_deadline(Duration::from_millis(300));
    app.state.binder.stall(Duration::from_millis(1500));
    let (status, body) = callback(&app, "manman_qq").await;
    assert_error((status, &body), 503, "overloaded");
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let after = crate::refresher::reload(&app, binding.id).await;
    assert_eq!(
        after.token_version, binding.token_version,
        "no tokens stored for a login the caller was told failed"
    );
    assert_eq!(login_events(&app, binding.id).await, 0);
    app.state.binder.set_deadline(Duration::from_secs(10));
    let (status, body) = callback(&app, "manman_qq").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(login_events(&app, binding.id).await, 1);
}

async fn a_stale_profile_never_delays_a_bound_login(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let binding = bound_user(&app, "jiuyou", "13800138052", "jiuyou_qq").await;
    // The stored profile is two days old, and QQ takes 1.5 s to answer get_user_info.
    let two_days_ago = chrono::Utc::now() - chrono::Duration::days(2);
    let mut stale: social_bindings::ActiveModel = binding.clone().into();
    stale.profile_fetched_at = Set(Some(two_days_ago));
    stale.nickname = Set("旧昵称".into());
    stale.update(&app.db).await.expect("age the profile");
    app.sim_fault(json!({"endpoint": "get_user_info", "kind": "latency", "latency_ms": 1500, "probability": 1.0}))
        .await;
    let login = start_login(&app, "/").await;
    let code = app.sim_code("jiuyou_qq").await;
    let started = std::time::Instant::now();
    let (status, body) = login.finish(&app, &code).await;
    let took = started.elapsed();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "logged_in", "{body}");
    assert!(
        took < Duration::from_millis(1200),
        "the login waited for the profile: {took:?}"
    );
    // The new profile arrives in the background.
    eventually(
        Duration::from_secs(10),
        "the profile is fetched again",
        || {
            let app = &app;
            async move {
                let now = crate::refresher::reload(app, binding.id).await;
                now.profile_fetched_at.is_some_and(|at| at > two_days_ago)
            }
        },
    )
    .await;
    let after = crate::refresher::reload(&app, binding.id).await;
    assert_ne!(after.nickname, "旧昵称", "QQ's nickname stored");
}

// --- The signed-in user's own account -----------------------------------------------------

async fn unbinding_needs_a_password_and_is_audited(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let user = existing_user(&app, "chenyi", "13000130000").await;
    let ticket = bind_ticket(&app, "chenyi_qq").await;
    let (status, body) = app
        .post(
            "/api/oauth/qq/bind",
            &json!({"bind_ticket": ticket, "account": "chenyi", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().expect("token").to_owned();
    let unbind = || {
        app.client
            .delete(app.url("/api/users/me/bindings/qq"))
            .bearer_auth(&token)
            .send()
    };

    // Without a password, QQ is the last way in.
    let mut no_password: users::ActiveModel = user.clone().into();
    no_password.password_hash = Set(None);
    no_password.update(&app.db).await.expect("update");
    let (status, body) = json_of(unbind().await.expect("DELETE")).await;
    assert_error((status, &body), 409, "last_login_method");
    assert_eq!(
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1
    );

    let mut with_password: users::ActiveModel = user.clone().into();
    with_password.password_hash = Set(user.password_hash.clone());
    with_password.update(&app.db).await.expect("update");
    assert_eq!(unbind().await.expect("DELETE").status(), 204);
    assert_eq!(
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    let audit = audit_log::Entity::find().all(&app.db).await.expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "qq_binding.unbind");
    assert_eq!(audit[0].actor_user_id, Some(user.id));
    let (status, body) = json_of(unbind().await.expect("DELETE")).await;
    assert_error((status, &body), 404, "qq_not_bound");
}

async fn stale_missing_and_forged_tokens_are_401(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let user = existing_user(&app, "tokenman", "13000130001").await;
    let (_, body) = app.login("tokenman", PASSWORD).await;
    let token = body["token"].as_str().expect("token").to_owned();
    assert_eq!(app.me(&token).await.0, 200);

    let (status, body) = json_of(app.get("/api/users/me").await).await;
    assert_error((status, &body), 401, "unauthorized");
    let (status, _) = app.me(&format!("{token}x")).await;
    assert_eq!(status, 401);

    // A password change bumps the token version: the old token dies.
    let mut bumped: users::ActiveModel = user.into();
    bumped.token_version = Set(1);
    bumped.update(&app.db).await.expect("bump");
    let (status, body) = app.me(&token).await;
    assert_error((status, &body), 401, "token_revoked");
}

on_both_backends!(
    a_new_qq_user_registers_and_binds_then_logs_in_again,
    a_new_qq_user_binds_an_existing_account,
    password_login_works_by_username_mobile_and_email,
    tampered_and_expired_states_are_refused,
    a_reused_code_asks_for_a_new_qq_login,
    qq_faults_answer_502,
    bad_tickets_are_refused_and_burn_nothing,
    wrong_passwords_and_unknown_accounts_look_alike_and_are_throttled,
    taken_nicknames_and_mobiles_conflict_and_leave_the_ticket_usable,
    wrong_expired_and_over_tried_sms_codes_are_refused,
    sms_codes_are_limited_to_one_a_minute_and_need_a_valid_mobile,
    open_redirects_malformed_and_oversized_bodies_are_refused,
    two_concurrent_binds_of_one_qq_identity_make_exactly_one_binding,
    a_panicking_exchange_worker_is_restarted_and_logins_go_on,
    a_login_waits_for_a_busy_exchange_pool_up_to_the_wait_then_gets_503,
    an_exchange_wait_past_its_deadline_answers_503_with_retry_after,
    a_caller_that_goes_away_frees_its_exchange_worker,
    a_register_whose_caller_timed_out_never_commits,
    bound_users_logging_in_together_share_one_commit,
    a_bound_login_whose_caller_timed_out_is_never_written,
    a_stale_profile_never_delays_a_bound_login,
    unbinding_needs_a_password_and_is_audited,
    stale_missing_and_forged_tokens_are_401,
);

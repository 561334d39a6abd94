//! Throttles that hold (issue 10): sign-in attempts counted before the password is checked, one
//! counter per account however it is spelled, client addresses behind trusted proxies (and only
//! them), and SMS quotas that stop pumping. On SQLite and PostgreSQL.

use std::time::Duration;

use passport::config::DEV_SECRET_KEY;
use passport::crypto::{Purpose, TimedSerializer};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_error, assert_error_in};
use crate::qq_login::{PASSWORD, bind_ticket, existing_user};

async fn login(
    app: &TestApp,
    account: &str,
    password: &str,
    xff: Option<&str>,
) -> (StatusCode, Value) {
    app.post_from(
        "/api/users/login",
        &json!({"account": account, "password": password}),
        xff,
    )
    .await
}

fn tally(answers: &[(StatusCode, Value)]) -> (usize, usize) {
    let mut wrong = 0;
    let mut throttled = 0;
    for (status, body) in answers {
        match (*status, body["code"].as_str()) {
            (StatusCode::BAD_REQUEST, Some("invalid_credentials")) => wrong += 1,
            (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")) => {
                assert!(
                    body["retry_after"].as_u64().is_some_and(|s| s > 0),
                    "{body}"
                );
                throttled += 1;
            }
            other => panic!("unexpected answer {other:?}: {body}"),
        }
    }
    (wrong, throttled)
}

// --- The race ----------------------------------------------------------------------------

async fn parallel_wrong_passwords_cannot_outrun_the_login_limit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "bingfa", "13700137000").await;
    let answers = futures_util::future::join_all((0..40).map(|i| {
        let app = &app;
        async move { login(app, "bingfa", &format!("wrong-password-{i}"), None).await }
    }))
    .await;
    let (wrong, throttled) = tally(&answers);
    assert!(wrong <= 5, "{wrong} wrong passwords were checked (limit 5)");
    assert_eq!(wrong + throttled, 40);
    // The right password waits too.
    let (status, body) = login(&app, "bingfa", PASSWORD, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

async fn parallel_wrong_passwords_cannot_outrun_the_bind_limit(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "bingfa2", "13700137001").await;
    let ticket = bind_ticket(&app, "bingfa2_qq").await;
    let answers = futures_util::future::join_all((0..40).map(|i| {
        let (app, ticket) = (&app, ticket.clone());
        async move {
            app.post("/api/oauth/qq/bind",
                    &json!({"bind_ticket": ticket, "account": "bingfa2", "password": format!("wrong-{i}")})).await
        }
    }))
    .await;
    let (wrong, throttled) = tally(&answers);
    assert!(wrong <= 5, "{wrong} wrong passwords were checked (limit 5)");
    assert_eq!(wrong + throttled, 40);
    let bindings = passport::entities::social_bindings::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(bindings, 0);
}

async fn a_success_starts_the_account_afresh(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "chonglai", "13700137002").await;
    for _ in 0..4 {
        assert_eq!(login(&app, "chonglai", "wrong-pass-1", None).await.0, 400);
    }
    assert_eq!(login(&app, "chonglai", PASSWORD, None).await.0, 200);
    for _ in 0..5 {
        assert_eq!(login(&app, "chonglai", "wrong-pass-1", None).await.0, 400);
    }
    assert_eq!(
        login(&app, "chonglai", PASSWORD, None).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn a_failure_is_visible_without_counting_another(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "buduan", "13700137003").await;
    let limits = passport::accounts::login_attempts::LoginLimits::from(&app.settings.limits);
    let here = passport::net::ClientAddr::new("127.0.0.1".parse().expect("ip"));
    let elsewhere = passport::net::ClientAddr::new("198.51.100.1".parse().expect("ip"));
    let failed = |account: Option<&'static str>, client: passport::net::ClientAddr| {
        let db = app.db.clone();
        async move {
            passport::accounts::login_attempts::has_failed_before(
                &db,
                account,
                &client,
                limits,
                chrono::Utc::now(),
            )
            .await
            .expect("peek")
        }
    };
    assert!(!failed(Some("buduan"), here).await);
    assert!(!failed(None, here).await);
    assert_eq!(
        login(&app, "+86 137 0013 7003", "wrong-pass-1", None)
            .await
            .0,
        400
    );
    assert!(failed(None, here).await, "this client failed");
    assert!(
        failed(Some("buduan"), elsewhere).await,
        "this account failed, under any name"
    );
    assert!(failed(Some("13700137003"), elsewhere).await);
    assert!(!failed(Some("someone_else"), elsewhere).await);
    // Asking counted nothing: four more failures are still allowed.
    for _ in 0..4 {
        assert_eq!(login(&app, "buduan", "wrong-pass-1", None).await.0, 400);
    }
    assert_eq!(
        login(&app, "buduan", "wrong-pass-1", None).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

// --- The key -----------------------------------------------------------------------------

async fn every_spelling_of_an_account_shares_one_counter(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "duoxie", "13800138000").await; // email duoxie@example.com
    for spelling in [
        "+8613800138000",
        "0086 13800138000",
        "138 0013 8000",
        "ＤＵＯＸＩＥ＠ｅｘａｍｐｌｅ．ｃｏｍ",
        "DuoXie@Example.com",
    ] {
        let (status, body) = login(&app, spelling, "wrong-pass-1", None).await;
        assert_error_in(
            (status, &body),
            400,
            "invalid_credentials",
            format_args!("{spelling}"),
        );
    }
    // Locked under every name, with the right password too.
    for spelling in [
        "13800138000",
        "+86 138 0013 8000",
        "duoxie",
        "duoxie@example.com",
        "ｄｕｏｘｉｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    ] {
        let (status, body) = login(&app, spelling, PASSWORD, None).await;
        assert_error_in(
            (status, &body),
            429,
            "too_many_attempts",
            format_args!("{spelling}"),
        );
    }

    // An identifier that names nobody is counted under its normalised form.
    for spelling in [
        "+8613900139000",
        "0086 13900139000",
        "139 0013 9000",
        "13900139000",
        "+86 139 0013 9000",
    ] {
        assert_eq!(login(&app, spelling, "wrong-pass-1", None).await.0, 400);
    }
    assert_eq!(
        login(&app, "008613900139000", "wrong-pass-1", None).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

// --- The client address ------------------------------------------------------------------

async fn behind_a_trusted_proxy_each_client_has_its_own_counter(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        env.insert(
            "PASSPORT_TRUSTED_PROXIES".into(),
            "127.0.0.1/32, ::1".into(),
        );
        env.insert("PASSPORT_LOGIN_FAILURES_PER_CLIENT".into(), "3".into());
    })
    .await
    else {
        return;
    };
    // Client A spends its three failures, on three accounts.
    for n in 0..3 {
        let (status, body) = login(&app, &format!("nobody{n}"), "x1", Some("198.51.100.1")).await;
        assert_eq!(status, 400, "{body}");
    }
    let (status, body) = login(&app, "nobody9", "x1", Some("198.51.100.1")).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "A is throttled: {body}"
    );
    // A value A prepends itself changes nothing: the proxy appended A's address.
    let (status, _) = login(&app, "nobody9", "x1", Some("203.0.113.50, 198.51.100.1")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Client B, behind the same proxy, is not.
    let (status, body) = login(&app, "nobody9", "x1", Some("198.51.100.2")).await;
    assert_eq!(status, 400, "B has its own counter: {body}");

    // IPv6 clients count per /64.
    for n in 0..3 {
        let (status, _) = login(
            &app,
            &format!("ghost{n}"),
            "x1",
            Some(&format!("2001:db8:1:2::{n}")),
        )
        .await;
        assert_eq!(status, 400);
    }
    let (status, _) = login(&app, "ghost9", "x1", Some("2001:db8:1:2:ffff::1")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "same /64");
    let (status, _) = login(&app, "ghost9", "x1", Some("2001:db8:1:3::1")).await;
    assert_eq!(status, 400, "another /64");
}

async fn an_untrusted_peer_cannot_pick_its_address(backend: Backend) {
    // A proxy list that does not include the test client's address (127.0.0.1).
    let Some(app) = TestApp::spawn_with(backend, |env| {
        env.insert("PASSPORT_TRUSTED_PROXIES".into(), "10.0.0.0/8".into());
        env.insert("PASSPORT_LOGIN_FAILURES_PER_CLIENT".into(), "3".into());
    })
    .await
    else {
        return;
    };
    for n in 0..3 {
        let xff = format!("198.51.100.{n}");
        assert_eq!(
            login(&app, &format!("nobody{n}"), "x1", Some(&xff)).await.0,
            400
        );
    }
    for xff in ["198.51.100.77", "10.0.0.5", "2001:db8::1"] {
        let (status, body) = login(&app, "nobody9", "x1", Some(xff)).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "X-Forwarded-For {xff} from an untrusted peer is ignored: {body}"
        );
    }
    let forwarded = app
        .client
        .post(app.url("/api/users/login"))
        .header("forwarded", "for=198.51.100.78")
        .json(&json!({"account": "nobody9", "password": "x1"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(forwarded.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn reset_requests_are_counted_per_forwarded_client(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        env.insert("PASSPORT_TRUSTED_PROXIES".into(), "127.0.0.1".into());
    })
    .await
    else {
        return;
    };
    let ask = |n: usize, xff: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/password-resets"))
                .header("x-forwarded-for", xff)
                .json(&json!({"email": format!("reader{n}@example.com")}))
                .send()
                .await
                .expect("POST")
                .status()
        }
    };
    // Client A asks 25 times (20 an hour are allowed), for 25 addresses.
    for n in 0..25 {
        assert_eq!(ask(n, "198.51.100.1").await, 202);
    }
    let queued = || async {
        passport::entities::jobs::Entity::find()
            .filter(passport::entities::jobs::Column::Kind.eq("password_reset_request"))
            .count(&app.db)
            .await
            .expect("count")
    };
    assert_eq!(queued().await, 20, "A's requests beyond 20 queue nothing");
    // Client B's request still goes out.
    assert_eq!(ask(100, "198.51.100.2").await, 202);
    assert_eq!(queued().await, 21, "B is not silenced by A");
}

// --- SMS pumping -------------------------------------------------------------------------

async fn sms_post(app: &TestApp, body: Value, xff: Option<&str>) -> (StatusCode, Value) {
    app.post_from("/api/sms/codes", &body, xff).await
}

async fn sms_codes_need_a_live_bind_ticket(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let ticket = bind_ticket(&app, "sms_ticket").await;
    let signer = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::BindTicket);
    let payload: Value = signer
        .loads(&ticket, Duration::from_secs(600))
        .expect("loads");
    let now = chrono::Utc::now().timestamp() as u64;
    let expired = signer.dumps_at(&payload, now - 11 * 60).expect("dumps");

    let (status, body) = sms_post(&app, json!({"mobile": "13100131000"}), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no ticket: {body}");
    for (bad, code) in [
        (String::new(), "bind_ticket_invalid"),
        (format!("{ticket}x"), "bind_ticket_invalid"),
        (expired, "bind_ticket_expired"),
    ] {
        let (status, body) = sms_post(
            &app,
            json!({"mobile": "13100131000", "bind_ticket": bad}),
            None,
        )
        .await;
        assert_error((status, &body), 401, code);
    }
    let sent = passport::entities::sms_codes::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(sent, 0, "nothing was sent without a live ticket");

    // A live one works; once the registration used it, it no longer does.
    let code = crate::qq_login::sms_code(&app, &ticket, "13100131000").await;
    let (status, body) = app
        .qq_register(&ticket, "短信用户", "13100131000", &code, PASSWORD)
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = sms_post(
        &app,
        json!({"mobile": "13100131001", "bind_ticket": ticket}),
        None,
    )
    .await;
    assert_error((status, &body), 401, "bind_ticket_used");
}

async fn one_client_gets_only_its_quota_of_sms(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let ticket = bind_ticket(&app, "sms_pump").await;
    let mut accepted = 0;
    let mut refused = 0;
    for n in 0..30 {
        let (status, body) = sms_post(
            &app,
            json!({"mobile": format!("1500015{n:04}"), "bind_ticket": ticket}),
            None,
        )
        .await;
        match status {
            StatusCode::ACCEPTED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(body["code"], "sms_too_frequent", "{body}");
                assert!(
                    body["retry_after"]
                        .as_u64()
                        .is_some_and(|s| s > 0 && s <= 3600),
                    "{body}"
                );
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((accepted, refused), (10, 20), "10 an hour per client");
    let stored = passport::entities::sms_codes::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(stored, 10, "refused requests store and send nothing");
}

async fn the_daily_sms_ceiling_holds_for_every_client(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_TRUSTED_PROXIES".into(), "127.0.0.1".into());
        env.insert("PASSPORT_SMS_DAILY_LIMIT".into(), "3".into());
    })
    .await
    else {
        return;
    };
    let ticket = bind_ticket(&app, "sms_ceiling").await;
    for n in 0..3 {
        let (status, body) = sms_post(
            &app,
            json!({"mobile": format!("1510015{n:04}"), "bind_ticket": ticket}),
            Some(&format!("198.51.100.{n}")),
        )
        .await;
        assert_eq!(status, 202, "{body}");
    }
    let (status, body) = sms_post(
        &app,
        json!({"mobile": "15100159999", "bind_ticket": ticket}),
        Some("198.51.100.200"),
    )
    .await;
    assert_error((status, &body), 429, "sms_daily_limit");
    assert!(
        body["retry_after"]
            .as_u64()
            .is_some_and(|s| s > 0 && s <= 86_400),
        "{body}"
    );
}

async fn one_mobile_gets_only_its_daily_quota_of_sms(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        env.insert("PASSPORT_SMS_PER_MOBILE_DAILY".into(), "2".into());
    })
    .await
    else {
        return;
    };
    let ticket = bind_ticket(&app, "sms_mobile_day").await;
    for attempt in 0..3 {
        // Step past the one-a-minute rule (its counter and the last code's time).
        for sql in [
            "DELETE FROM sms_codes",
            "DELETE FROM rate_limits WHERE key LIKE 'sms_send:%'",
        ] {
            sea_orm::ConnectionTrait::execute_unprepared(&app.db, sql)
                .await
                .expect("reset");
        }
        let (status, body) = sms_post(
            &app,
            json!({"mobile": "15200152000", "bind_ticket": ticket}),
            None,
        )
        .await;
        if attempt < 2 {
            assert_eq!(status, 202, "{body}");
        } else {
            assert_error((status, &body), 429, "sms_daily_limit");
        }
    }
}

on_both_backends!(
    parallel_wrong_passwords_cannot_outrun_the_login_limit,
    parallel_wrong_passwords_cannot_outrun_the_bind_limit,
    a_success_starts_the_account_afresh,
    a_failure_is_visible_without_counting_another,
    every_spelling_of_an_account_shares_one_counter,
    behind_a_trusted_proxy_each_client_has_its_own_counter,
    an_untrusted_peer_cannot_pick_its_address,
    reset_requests_are_counted_per_forwarded_client,
    sms_codes_need_a_live_bind_ticket,
    one_client_gets_only_its_quota_of_sms,
    the_daily_sms_ceiling_holds_for_every_client,
    one_mobile_gets_only_its_daily_quota_of_sms,
);

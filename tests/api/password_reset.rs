//! Password reset by email (journey 7) and setting a verified email, through the real mail path
//! (jobs → mailer → outbox or SMTP) on SQLite and PostgreSQL.

use std::time::Duration;

use passport::config::DEV_SECRET_KEY;
use passport::crypto::{Purpose, TimedSerializer};
use passport::entities::{password_resets, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_error, json_of, link_token, on_public_https, user};

const OLD_PASSWORD: &str = "old-password-1";
const NEW_PASSWORD: &str = "brand-new-pass-2";

async fn user_with_email(app: &TestApp, username: &str, email: Option<&str>) -> users::Model {
    user(username)
        .nickname(format!("读者{username}"))
        .email(email)
        .password(OLD_PASSWORD)
        .create(app)
        .await
}

async fn the_whole_reset_journey(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, on_public_https).await else {
        return;
    };
    user_with_email(&app, "reader1", Some("reader1@example.com")).await;
    let (_, body) = app.login("reader1", OLD_PASSWORD).await;
    let old_jwt = body["token"].as_str().expect("token").to_owned();

    // A forged Host header never reaches the mail.
    let response = app
        .client
        .post(app.url("/api/password-resets"))
        .header("host", "evil.example")
        .json(&json!({"email": " Reader1@Example.com "}))
        .send()
        .await
        .expect("POST");
    let (status, accepted) = json_of(response).await;
    assert_eq!(status, 202, "{accepted}");

    let mail = app.mails_to("reader1@example.com", 1).await.remove(0);
    assert_eq!(mail["kind"], "mail");
    assert_eq!(mail["subject"], "【荏苒】重置密码");
    let text = mail["body"].as_str().expect("body");
    assert!(
        text.contains("https://passport.renran.test/reset-password?token="),
        "{text}"
    );
    assert!(!text.contains("evil.example"));
    assert!(
        text.contains("30 分钟") && text.contains("如果这不是你本人的操作"),
        "{text}"
    );
    let token = link_token(text, "/reset-password");

    // Opening the link (as a mail scanner would) consumes nothing and leaks nothing.
    let page = app.get(&format!("/reset-password?token={token}")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.expect("html");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no third-party resources"
    );
    let record = password_resets::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("record");
    assert!(record.used_at.is_none(), "GET consumed nothing");

    let (status, body) = app.confirm_reset(&token, NEW_PASSWORD).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(app.login("reader1", NEW_PASSWORD).await.0, 200);
    assert_eq!(app.login("reader1", OLD_PASSWORD).await.0, 400);
    let (status, body) = json_of(
        app.client
            .get(app.url("/api/users/me"))
            .bearer_auth(&old_jwt)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_error((status, &body), 401, "token_revoked");

    let notices = app.mails_to("reader1@example.com", 2).await;
    assert_eq!(notices[0]["subject"], "【荏苒】你的密码已修改");

    // Used twice: refused, password unchanged.
    let (status, body) = app.confirm_reset(&token, "yet-another-pass-3").await;
    assert_error((status, &body), 401, "reset_token_used");
    assert_eq!(app.login("reader1", NEW_PASSWORD).await.0, 200);
}

async fn tokens_are_compatible_with_python_itsdangerous(backend: Backend) {
    if !crate::python_signer::helper_available() {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user_with_email(&app, "pyreader", Some("py@example.com")).await;
    assert_eq!(app.request_reset("py@example.com").await.0, 202);
    let mail = app.mails_to("py@example.com", 1).await.remove(0);
    let token = link_token(mail["body"].as_str().expect("body"), "/reset-password");

    let loaded = crate::python_signer::run_helper(
        &[
            "loads",
            "--secret",
            DEV_SECRET_KEY,
            "--salt",
            "password-reset",
            "--max-age",
            "1800",
        ],
        &token,
    );
    assert_eq!(loaded["ok"], true, "Python loads our token: {loaded}");
    let payload = loaded["payload"].clone();
    assert!(
        payload["u"].is_i64() && payload["n"].is_string() && payload["f"].is_string(),
        "{payload}"
    );

    // The same payload signed by Python is accepted by the confirm endpoint.
    let python_token = crate::python_signer::run_helper(
        &[
            "dumps",
            "--secret",
            DEV_SECRET_KEY,
            "--salt",
            "password-reset",
        ],
        &payload.to_string(),
    )["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_ne!(python_token, token);
    let (status, body) = app.confirm_reset(&python_token, NEW_PASSWORD).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(app.login("pyreader", NEW_PASSWORD).await.0, 200);
}

async fn bad_reset_links_are_refused_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user_with_email(&app, "reader2", Some("reader2@example.com")).await;
    assert_eq!(app.request_reset("reader2@example.com").await.0, 202);
    let first = link_token(
        app.mails_to("reader2@example.com", 1).await[0]["body"]
            .as_str()
            .expect("body"),
        "/reset-password",
    );

    // Tampered, another purpose, weak password.
    let mut tampered = first.clone();
    tampered.insert(
        3,
        if tampered.as_bytes()[3] == b'A' {
            'B'
        } else {
            'A'
        },
    );
    let (status, body) = app.confirm_reset(&tampered, NEW_PASSWORD).await;
    assert_error((status, &body), 401, "reset_token_invalid");
    let signer = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::PasswordReset);
    let payload: Value = signer
        .loads(&first, Duration::from_secs(1800))
        .expect("loads");
    let as_ticket = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::BindTicket)
        .dumps(&payload)
        .expect("dumps");
    let (status, body) = app.confirm_reset(&as_ticket, NEW_PASSWORD).await;
    assert_error((status, &body), 401, "reset_token_invalid");
    let (status, body) = app.confirm_reset(&first, "short").await;
    assert_error((status, &body), 400, "invalid_password");

    // Expired: the same payload, signed 31 minutes ago.
    let now = chrono::Utc::now().timestamp() as u64;
    let expired = signer.dumps_at(&payload, now - 31 * 60).expect("dumps");
    let (status, body) = app.confirm_reset(&expired, NEW_PASSWORD).await;
    assert_error((status, &body), 401, "reset_token_expired");

    // A newer link voids the older one.
    assert_eq!(app.request_reset("reader2@example.com").await.0, 202);
    let second = link_token(
        app.mails_to("reader2@example.com", 2).await[0]["body"]
            .as_str()
            .expect("body"),
        "/reset-password",
    );
    assert_ne!(first, second);
    let (status, body) = app.confirm_reset(&first, NEW_PASSWORD).await;
    assert_error((status, &body), 401, "reset_token_superseded");
    assert_eq!(
        app.login("reader2", OLD_PASSWORD).await.0,
        200,
        "nothing changed so far"
    );

    // The password changes another way: the link dies with the old password.
    let user = users::Entity::find()
        .filter(users::Column::Username.eq("reader2"))
        .one(&app.db)
        .await
        .expect("q")
        .expect("user");
    let other = passport::crypto::PasswordHasher::owasp()
        .hash(&passport::domain::Password::parse("changed-elsewhere-4").expect("pw"))
        .await
        .expect("hash");
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(Some(other));
    active.update(&app.db).await.expect("update");
    let (status, body) = app.confirm_reset(&second, NEW_PASSWORD).await;
    assert_error((status, &body), 401, "reset_token_invalid");
    assert_eq!(app.login("reader2", "changed-elsewhere-4").await.0, 200);
    assert_eq!(
        password_resets::Entity::find()
            .filter(password_resets::Column::UsedAt.is_not_null())
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
}

async fn unknown_and_throttled_addresses_get_202_and_no_mail(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user_with_email(&app, "reader3", Some("reader3@example.com")).await;
    let (status, unknown) = app.request_reset("nobody@example.com").await;
    assert_eq!(status, 202);
    let (status, known) = app.request_reset("reader3@example.com").await;
    assert_eq!(status, 202);
    assert_eq!(
        unknown, known,
        "the same body whether or not the account exists"
    );
    let (status, body) = app.request_reset("not-an-email").await;
    assert_error((status, &body), 400, "invalid_email");

    // Three per address per hour: the fourth is accepted and dropped.
    for _ in 0..3 {
        assert_eq!(app.request_reset("reader3@example.com").await.0, 202);
    }
    app.mails_to("reader3@example.com", 3).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.outbox_mails("reader3@example.com").await.len(),
        3,
        "no mail beyond the limit"
    );
    assert!(
        app.outbox_mails("nobody@example.com").await.is_empty(),
        "no mail for an unknown address"
    );
    assert_eq!(
        password_resets::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        3,
        "no record for an unknown or throttled request"
    );
}

/// Requests that arrive together are written together (one transaction per batch), yet each is
/// counted and judged as if they had come one after the other: of 8 at once for one address, 3
/// queue a lookup; one client's limit (20 an hour) holds across addresses as well.
async fn concurrent_requests_are_counted_one_by_one(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user_with_email(&app, "reader9", Some("reader9@example.com")).await;
    let same_address =
        futures_util::future::join_all((0..8).map(|_| app.request_reset("reader9@example.com")))
            .await;
    assert!(same_address.iter().all(|(status, _)| *status == 202));
    // The same client (this test) asks for 25 unknown addresses: 8 of its 20 are spent.
    let addresses: Vec<String> = (0..25).map(|i| format!("nobody{i}@example.com")).collect();
    let others =
        futures_util::future::join_all(addresses.iter().map(|a| app.request_reset(a))).await;
    assert!(others.iter().all(|(status, _)| *status == 202));

    let lookups = passport::entities::jobs::Entity::find()
        .filter(passport::entities::jobs::Column::Kind.eq("password_reset_request"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(
        lookups,
        3 + 12,
        "3 for the address, then the client's 20 less its 8"
    );
    app.mails_to("reader9@example.com", 3).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        app.outbox_mails("reader9@example.com").await.len(),
        3,
        "no mail beyond the address's limit"
    );
}

async fn a_qq_account_sets_a_verified_email_and_can_then_reset(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let owner = user_with_email(&app, "owner", Some("taken@example.com")).await;
    let user = user_with_email(&app, "qquser", None).await;
    let (_, body) = app.login("qquser", OLD_PASSWORD).await;
    let jwt = body["token"].as_str().expect("token").to_owned();
    let put = |email: &'static str| {
        app.client
            .put(app.url("/api/users/me/email"))
            .bearer_auth(&jwt)
            .json(&json!({"email": email, "current_password": OLD_PASSWORD}))
            .send()
    };

    // A taken address: the same answer, and a notice to its owner instead of a link.
    let (status, taken) = json_of(put("Taken@Example.com").await.expect("PUT")).await;
    assert_eq!(status, 202, "{taken}");
    let notice = app.mails_to("taken@example.com", 1).await.remove(0);
    assert_eq!(notice["subject"], "【荏苒】有人尝试使用你的邮箱");
    assert!(
        !notice["body"]
            .as_str()
            .unwrap_or_default()
            .contains("verify-email")
    );

    let (status, free) = json_of(put("new@example.com").await.expect("PUT")).await;
    assert_eq!(status, 202);
    assert_eq!(taken, free, "taken and free addresses answer alike");
    assert_eq!(app.request_reset("new@example.com").await.0, 202);
    let verify = app.mails_to("new@example.com", 1).await;
    assert_eq!(verify.len(), 1, "no reset link to an unverified address");
    let token = link_token(verify[0]["body"].as_str().expect("body"), "/verify-email");
    let page = app.get(&format!("/verify-email?token={token}")).await;
    assert_eq!(page.status(), 200);
    let stored = users::Entity::find_by_id(user.id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("user");
    assert_eq!(stored.email, None, "opening the link changes nothing");

    let (status, body) = app
        .post("/api/email-verifications", &json!({"token": token}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "new@example.com");
    let (status, body) = app
        .post(
            "/api/email-verifications",
            &json!({"token": format!("{token}x")}),
        )
        .await;
    assert_error((status, &body), 401, "email_token_invalid");

    assert_eq!(app.request_reset("new@example.com").await.0, 202);
    let mails = app.mails_to("new@example.com", 2).await;
    assert_eq!(mails[0]["subject"], "【荏苒】重置密码");
    let owner_now = users::Entity::find_by_id(owner.id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("owner");
    assert_eq!(owner_now.email.as_deref(), Some("taken@example.com"));
}

/// A reset lookup completes itself: its delivery record and completion are written in the
/// transaction of the link and mail it produced (for an unknown address, on their own), and
/// no lookup runs twice.
async fn each_lookup_is_completed_once_with_its_work(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user_with_email(&app, "reader9", Some("reader9@example.com")).await;
    assert_eq!(app.request_reset("reader9@example.com").await.0, 202);
    assert_eq!(app.request_reset("nobody9@example.com").await.0, 202);
    app.mails_to("reader9@example.com", 1).await;
    app.drain_jobs().await;
    let lookups = passport::entities::jobs::Entity::find()
        .filter(passport::entities::jobs::Column::Kind.eq("password_reset_request"))
        .all(&app.db)
        .await
        .expect("lookups");
    assert_eq!(lookups.len(), 2);
    for job in &lookups {
        assert_eq!(job.state, "completed", "{job:?}");
        assert_eq!(job.attempt, 1, "run once: {job:?}");
        let key = job.idempotency_key.clone().expect("a key");
        assert!(
            passport::jobs::is_delivered(&app.db, &key)
                .await
                .expect("check"),
            "its delivery is recorded: {job:?}"
        );
    }
    assert_eq!(app.outbox_mails("reader9@example.com").await.len(), 1);
    assert!(app.outbox_mails("nobody9@example.com").await.is_empty());
    assert_eq!(
        password_resets::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1
    );
}

/// The `UPDATE` that voids older links (every batch of reset lookups runs it) reads an index
/// even where the planner has no statistics yet (a new deployment, before autovacuum): without
/// the live links' partial index PostgreSQL scanned every stored link for it.
async fn voiding_older_links_reads_an_index_without_statistics(backend: Backend) {
    use passport::accounts::links::void_live_all_statement;

    let Some(test_db) = crate::helpers::TestDb::fresh(backend).await else {
        return;
    };
    let db = test_db.connect().await;
    passport::db::migrate_up(&db).await.expect("migrate");
    let now = chrono::Utc::now();
    let ids = crate::helpers::insert_users_with_email(&db, 3000, "void_", "void").await;
    for chunk in ids.chunks(500) {
        password_resets::Entity::insert_many(chunk.iter().map(|&user_id| {
            password_resets::ActiveModel {
                user_id: Set(user_id),
                nonce_hash: Set(format!("{user_id:064x}")),
                expires_at: Set(now),
                used_at: Set(None),
                voided_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
        }))
        .exec_without_returning(&db)
        .await
        .expect("links");
    }
    let statement = void_live_all_statement::<password_resets::Entity>(
        db.get_database_backend(),
        &ids[..16],
        now,
    );
    let plan = crate::helpers::query_plan(&db, &statement).await;
    assert!(
        plan.contains("Index Scan") || plan.contains("USING INDEX"),
        "the voiding reads an index:\n{plan}"
    );
    assert!(
        !plan.contains("Seq Scan") && !plan.contains("SCAN password_resets"),
        "no scan of every link:\n{plan}"
    );
}

on_both_backends!(
    voiding_older_links_reads_an_index_without_statistics,
    the_whole_reset_journey,
    each_lookup_is_completed_once_with_its_work,
    tokens_are_compatible_with_python_itsdangerous,
    bad_reset_links_are_refused_and_change_nothing,
    unknown_and_throttled_addresses_get_202_and_no_mail,
    concurrent_requests_are_counted_one_by_one,
    a_qq_account_sets_a_verified_email_and_can_then_reset,
);

// --- Through a real SMTP conversation ----------------------------------------------------

/// The text/plain part of a MIME message, transfer-decoded.
pub(crate) fn plain_text(data: &str) -> String {
    use base64::Engine as _;
    let mut out = String::new();
    for part in data.split("\r\n\r\n").collect::<Vec<_>>().windows(2) {
        let (head, body) = (part[0].to_ascii_lowercase(), part[1]);
        if !head.contains("text/plain") {
            continue;
        }
        let body = body.split("\r\n--").next().unwrap_or_default();
        if head.contains("base64") {
            let joined: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap_or_default();
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else if head.contains("quoted-printable") {
            let joined = body.replace("=\r\n", "");
            let mut bytes = Vec::new();
            let raw = joined.as_bytes();
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'='
                    && i + 2 < raw.len()
                    && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
                {
                    bytes.push(b);
                    i += 3;
                    continue;
                }
                bytes.push(raw[i]);
                i += 1;
            }
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else {
            out.push_str(body);
        }
    }
    out
}

/// An RFC 2047 subject (`=?utf-8?b?…?=`), decoded.
fn subject(raw: &str) -> String {
    use base64::Engine as _;
    raw.split_whitespace()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(&word[10..word.len() - 2])
                    .unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                word.to_owned()
            }
        })
        .collect()
}

async fn the_reset_journey_through_real_smtp(backend: Backend) {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let smtp = sink.url();
    let Some(app) = TestApp::spawn_with(backend, move |env| {
        env.insert("PASSPORT_SMTP_URL".into(), smtp);
        on_public_https(env);
    })
    .await
    else {
        return;
    };
    user_with_email(&app, "smtpreader", Some("smtp.reader@example.com")).await;
    assert_eq!(app.request_reset("smtp.reader@example.com").await.0, 202);
    app.drain_jobs().await;
    let mail = sink
        .messages()
        .into_iter()
        .next()
        .expect("the reset mail reaches the SMTP sink");
    assert_eq!(mail.to, vec!["smtp.reader@example.com".to_string()]);
    assert_eq!(
        subject(&mail.header("subject").expect("subject")),
        "【荏苒】重置密码"
    );
    assert!(
        mail.data.to_ascii_lowercase().contains("text/html"),
        "an HTML part too"
    );
    let text = plain_text(&mail.data);
    assert!(
        text.contains("https://passport.renran.test/reset-password?token="),
        "{text}"
    );
    assert!(text.contains("如果这不是你本人的操作"), "{text}");
    let token = link_token(&text, "/reset-password");

    let (status, body) = app.confirm_reset(&token, NEW_PASSWORD).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(app.login("smtpreader", NEW_PASSWORD).await.0, 200);
    app.drain_jobs().await;
    let notice = sink
        .messages()
        .get(1)
        .cloned()
        .expect("the notice reaches the SMTP sink");
    assert_eq!(
        subject(&notice.header("subject").expect("subject")),
        "【荏苒】你的密码已修改"
    );
    assert!(
        app.outbox_mails("smtp.reader@example.com").await.is_empty(),
        "SMTP, not the outbox"
    );
}

on_both_backends!(the_reset_journey_through_real_smtp);

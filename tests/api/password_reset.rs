//! Password reset by email (journey 7) and setting a verified email, through the real mail path
//! (jobs → mailer → outbox or SMTP) on SQLite and PostgreSQL.

use std::time::Duration;

use passport::config::DEV_SECRET_KEY;
use passport::crypto::{Purpose, TimedSerializer};
use passport::entities::{password_resets, users};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, eventually_some};

const OLD_PASSWORD: &str = "old-password-1";
const NEW_PASSWORD: &str = "brand-new-pass-2";

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (
        status,
        response.json::<Value>().await.unwrap_or(Value::Null),
    )
}

async fn user_with_email(app: &TestApp, username: &str, email: Option<&str>) -> users::Model {
    let password = passport::domain::Password::parse(OLD_PASSWORD).expect("password");
    let hash = passport::crypto::PasswordHasher::owasp()
        .hash(&password)
        .await
        .expect("hash");
    let now = chrono::Utc::now();
    users::ActiveModel {
        username: Set(username.to_owned()),
        nickname: Set(format!("读者{username}")),
        email: Set(email.map(str::to_owned)),
        avatar: Set(String::new()),
        password_hash: Set(Some(hash)),
        token_version: Set(0),
        is_staff: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert user")
}

async fn ask_reset(app: &TestApp, email: &str) -> (StatusCode, Value) {
    json_of(
        app.post_json("/api/password-resets", &json!({"email": email}))
            .await,
    )
    .await
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> (StatusCode, Value) {
    json_of(
        app.post_json(
            "/api/password-resets/confirm",
            &json!({"token": token, "new_password": password}),
        )
        .await,
    )
    .await
}

async fn login(app: &TestApp, account: &str, password: &str) -> (StatusCode, Value) {
    json_of(
        app.post_json(
            "/api/users/login",
            &json!({"account": account, "password": password}),
        )
        .await,
    )
    .await
}

/// Wait until `count` mails to `to` sit in the outbox; newest first.
async fn mails_to(app: &TestApp, to: &str, count: usize) -> Vec<Value> {
    eventually_some(
        Duration::from_secs(10),
        &format!("{count} mail(s) to {to} arrive"),
        || async {
            let found = app.outbox_mails(to).await;
            (found.len() >= count).then_some(found)
        },
    )
    .await
}

/// The token of the `/{path}?token=` link in a mail body.
fn link_token(body: &str, path: &str) -> String {
    let start = body
        .find(&format!("{path}?token="))
        .expect("a link in the mail")
        + path.len()
        + 7;
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect()
}

async fn the_whole_reset_journey(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        env.insert(
            "PASSPORT_PUBLIC_BASE_URL".into(),
            "https://passport.renran.test".into(),
        );
    })
    .await
    else {
        return;
    };
    user_with_email(&app, "reader1", Some("reader1@example.com")).await;
    let (_, body) = login(&app, "reader1", OLD_PASSWORD).await;
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

    let mail = mails_to(&app, "reader1@example.com", 1).await.remove(0);
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

    let (status, body) = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(login(&app, "reader1", NEW_PASSWORD).await.0, 200);
    assert_eq!(login(&app, "reader1", OLD_PASSWORD).await.0, 400);
    let (status, body) = json_of(
        app.client
            .get(app.url("/api/users/me"))
            .bearer_auth(&old_jwt)
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_revoked")),
        "{body}"
    );

    let notices = mails_to(&app, "reader1@example.com", 2).await;
    assert_eq!(notices[0]["subject"], "【荏苒】你的密码已修改");

    // Used twice: refused, password unchanged.
    let (status, body) = confirm(&app, &token, "yet-another-pass-3").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("reset_token_used")),
        "{body}"
    );
    assert_eq!(login(&app, "reader1", NEW_PASSWORD).await.0, 200);
}

async fn tokens_are_compatible_with_python_itsdangerous(backend: Backend) {
    if !crate::itsdangerous::helper_available() {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user_with_email(&app, "pyreader", Some("py@example.com")).await;
    assert_eq!(ask_reset(&app, "py@example.com").await.0, 202);
    let mail = mails_to(&app, "py@example.com", 1).await.remove(0);
    let token = link_token(mail["body"].as_str().expect("body"), "/reset-password");

    let loaded = crate::itsdangerous::run_helper(
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
    let python_token = crate::itsdangerous::run_helper(
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
    let (status, body) = confirm(&app, &python_token, NEW_PASSWORD).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(login(&app, "pyreader", NEW_PASSWORD).await.0, 200);
}

async fn bad_reset_links_are_refused_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    user_with_email(&app, "reader2", Some("reader2@example.com")).await;
    assert_eq!(ask_reset(&app, "reader2@example.com").await.0, 202);
    let first = link_token(
        mails_to(&app, "reader2@example.com", 1).await[0]["body"]
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
    let (status, body) = confirm(&app, &tampered, NEW_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("reset_token_invalid")),
        "{body}"
    );
    let signer = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::PasswordReset);
    let payload: Value = signer
        .loads(&first, Duration::from_secs(1800))
        .expect("loads");
    let as_ticket = TimedSerializer::for_purpose(DEV_SECRET_KEY, Purpose::BindTicket)
        .dumps(&payload)
        .expect("dumps");
    let (status, body) = confirm(&app, &as_ticket, NEW_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("reset_token_invalid")),
        "{body}"
    );
    let (status, body) = confirm(&app, &first, "short").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_password")),
        "{body}"
    );

    // Expired: the same payload, signed 31 minutes ago.
    let now = chrono::Utc::now().timestamp() as u64;
    let expired = signer.dumps_at(&payload, now - 31 * 60).expect("dumps");
    let (status, body) = confirm(&app, &expired, NEW_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("reset_token_expired")),
        "{body}"
    );

    // A newer link voids the older one.
    assert_eq!(ask_reset(&app, "reader2@example.com").await.0, 202);
    let second = link_token(
        mails_to(&app, "reader2@example.com", 2).await[0]["body"]
            .as_str()
            .expect("body"),
        "/reset-password",
    );
    assert_ne!(first, second);
    let (status, body) = confirm(&app, &first, NEW_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("reset_token_superseded")),
        "{body}"
    );
    assert_eq!(
        login(&app, "reader2", OLD_PASSWORD).await.0,
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
    let (status, body) = confirm(&app, &second, NEW_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("reset_token_invalid")),
        "{body}"
    );
    assert_eq!(login(&app, "reader2", "changed-elsewhere-4").await.0, 200);
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
    let (status, unknown) = ask_reset(&app, "nobody@example.com").await;
    assert_eq!(status, 202);
    let (status, known) = ask_reset(&app, "reader3@example.com").await;
    assert_eq!(status, 202);
    assert_eq!(
        unknown, known,
        "the same body whether or not the account exists"
    );
    let (status, body) = ask_reset(&app, "not-an-email").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_email")),
        "{body}"
    );

    // Three per address per hour: the fourth is accepted and dropped.
    for _ in 0..3 {
        assert_eq!(ask_reset(&app, "reader3@example.com").await.0, 202);
    }
    mails_to(&app, "reader3@example.com", 3).await;
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

async fn a_qq_account_sets_a_verified_email_and_can_then_reset(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let owner = user_with_email(&app, "owner", Some("taken@example.com")).await;
    let user = user_with_email(&app, "qquser", None).await;
    let (_, body) = login(&app, "qquser", OLD_PASSWORD).await;
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
    let notice = mails_to(&app, "taken@example.com", 1).await.remove(0);
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
    assert_eq!(ask_reset(&app, "new@example.com").await.0, 202);
    let verify = mails_to(&app, "new@example.com", 1).await;
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

    let (status, body) = json_of(
        app.post_json("/api/email-verifications", &json!({"token": token}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "new@example.com");
    let (status, body) = json_of(
        app.post_json(
            "/api/email-verifications",
            &json!({"token": format!("{token}x")}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("email_token_invalid")),
        "{body}"
    );

    assert_eq!(ask_reset(&app, "new@example.com").await.0, 202);
    let mails = mails_to(&app, "new@example.com", 2).await;
    assert_eq!(mails[0]["subject"], "【荏苒】重置密码");
    let owner_now = users::Entity::find_by_id(owner.id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("owner");
    assert_eq!(owner_now.email.as_deref(), Some("taken@example.com"));
}

on_both_backends!(
    the_whole_reset_journey,
    tokens_are_compatible_with_python_itsdangerous,
    bad_reset_links_are_refused_and_change_nothing,
    unknown_and_throttled_addresses_get_202_and_no_mail,
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
        env.insert(
            "PASSPORT_PUBLIC_BASE_URL".into(),
            "https://passport.renran.test".into(),
        );
    })
    .await
    else {
        return;
    };
    user_with_email(&app, "smtpreader", Some("smtp.reader@example.com")).await;
    assert_eq!(ask_reset(&app, "smtp.reader@example.com").await.0, 202);
    let mail = eventually_some(
        Duration::from_secs(10),
        "the reset mail reaches the SMTP sink",
        || async { sink.messages().into_iter().next() },
    )
    .await;
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

    let (status, body) = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(login(&app, "smtpreader", NEW_PASSWORD).await.0, 200);
    let notice = eventually_some(
        Duration::from_secs(10),
        "the notice reaches the SMTP sink",
        || async {
            let messages = sink.messages();
            (messages.len() >= 2).then(|| messages[1].clone())
        },
    )
    .await;
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

//! Changing an account's email (issue 10, "Email verification"): one live link per user, the
//! current password (or a fresh QQ login) to ask, and the old address told, on both backends.

use std::time::Duration;

use passport::entities::{email_verifications, users};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;

use crate::helpers::{
    Backend, TestApp, assert_error, assert_error_in, link_token, on_public_https, user,
};
use crate::qq_login::{PASSWORD, bind_ticket, register, sms_code};

/// A user with a password and, optionally, a verified email; and their JWT.
pub(crate) async fn reader(
    app: &TestApp,
    username: &str,
    email: Option<&str>,
) -> (users::Model, String) {
    let reader = user(username)
        .nickname(format!("读者{username}"))
        .email(email)
        .password(PASSWORD)
        .create(app)
        .await;
    let token = app.token_for(&reader);
    (reader, token)
}

async fn email_of(app: &TestApp, id: i64) -> Option<String> {
    users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("user")
        .email
}

/// The audit's exact attack: ask for a stranger's address, then for one's own, then open the
/// stranger's old link. Today's `main` made the stranger's address the account's.
async fn a_superseded_link_to_a_strangers_address_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (user, jwt) = reader(&app, "mallory", Some("mallory@example.com")).await;
    let with_password = |email: &str| json!({"email": email, "current_password": PASSWORD});

    let (status, body) = app
        .change_email(&jwt, &with_password("stranger@example.com"))
        .await;
    assert_eq!(status, 202, "{body}");
    let stranger_mail = app.mails_to("stranger@example.com", 1).await.remove(0);
    let stranger_token = link_token(
        stranger_mail["body"].as_str().expect("body"),
        "/verify-email",
    );

    let (status, body) = app
        .change_email(&jwt, &with_password("me@example.com"))
        .await;
    assert_eq!(status, 202, "{body}");

    let (status, body) = app.verify_email(&stranger_token).await;
    assert_error((status, &body), 401, "email_token_superseded");
    assert_eq!(
        email_of(&app, user.id).await.as_deref(),
        Some("mallory@example.com"),
        "the stranger's address never becomes the account's"
    );

    // The newest link works once; then it is used.
    let mine = app.mails_to("me@example.com", 1).await.remove(0);
    let my_token = link_token(mine["body"].as_str().expect("body"), "/verify-email");
    assert!(
        mine["body"].as_str().expect("body").contains(&format!(
            "/verify-email?token={my_token}&email=me%40example.com"
        )),
        "the link names the address it confirms, for the page to show: {mine}"
    );
    let (status, body) = app.verify_email(&my_token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "me@example.com");
    let (status, body) = app.verify_email(&my_token).await;
    assert_error((status, &body), 401, "email_token_used");
    // And the stranger's link stays dead after the verified change too.
    let (status, body) = app.verify_email(&stranger_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(
        email_of(&app, user.id).await.as_deref(),
        Some("me@example.com")
    );
    // A reset asked for the stranger's address sends nothing there.
    let (status, _) = app.request_reset("stranger@example.com").await;
    assert_eq!(status, 202);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.outbox_mails("stranger@example.com").await.len(),
        1,
        "only the dead verification link ever went to the stranger"
    );
}

async fn the_change_needs_the_current_password_throttled_like_logins(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (user, jwt) = reader(&app, "careful", None).await;

    let (status, body) = app
        .change_email(&jwt, &json!({"email": "new@example.com"}))
        .await;
    assert_error((status, &body), 400, "current_password_required");
    let wrong = json!({"email": "new@example.com", "current_password": "not-my-password"});
    let (status, body) = app.change_email(&jwt, &wrong).await;
    assert_error((status, &body), 400, "wrong_password");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("密码"),
        "{body}"
    );
    // Nothing was asked for: no link record, no mail.
    let records = email_verifications::Entity::find()
        .filter(email_verifications::Column::UserId.eq(user.id))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(records, 0);

    // Five checks per account per window, counted before the (slow) check, as logins are.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.change_email(&jwt, &wrong).await.0);
    }
    let (status, body) = app
        .change_email(
            &jwt,
            &json!({"email": "new@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_error_in(
        (status, &body),
        429,
        "too_many_attempts",
        format_args!("after {statuses:?}"),
    );
    assert!(body["retry_after"].as_u64().unwrap_or(0) > 0, "{body}");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(app.outbox_mails("new@example.com").await.is_empty());
    assert_eq!(email_of(&app, user.id).await, None);
}

async fn the_right_password_sends_the_link(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (user, jwt) = reader(&app, "honest", None).await;
    let (status, body) = app
        .change_email(
            &jwt,
            &json!({"email": "honest@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let mail = app.mails_to("honest@example.com", 1).await.remove(0);
    let token = link_token(mail["body"].as_str().expect("body"), "/verify-email");
    assert_eq!(app.verify_email(&token).await.0, 200);
    assert_eq!(
        email_of(&app, user.id).await.as_deref(),
        Some("honest@example.com")
    );
}

async fn an_expired_link_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (user, jwt) = reader(&app, "late", None).await;
    let (status, _) = app
        .change_email(
            &jwt,
            &json!({"email": "late@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 202);
    let mail = app.mails_to("late@example.com", 1).await.remove(0);
    let token = link_token(mail["body"].as_str().expect("body"), "/verify-email");
    // A day later (the record's own expiry; the signature would still be fresh).
    let record = email_verifications::Entity::find()
        .filter(email_verifications::Column::UserId.eq(user.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("record");
    let mut expired: email_verifications::ActiveModel = record.into();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    expired.update(&app.db).await.expect("update");
    let (status, body) = app.verify_email(&token).await;
    assert_error((status, &body), 401, "email_token_expired");
    assert_eq!(email_of(&app, user.id).await, None);
}

/// An account without a password (made through QQ) proves itself by a QQ login within the last
/// 10 minutes: the session's token must be that fresh.
async fn an_account_without_a_password_needs_a_fresh_qq_login(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let ticket = bind_ticket(&app, "qq_only_reader").await;
    let code = sms_code(&app, &ticket, "13800138111").await;
    let (status, body) = register(&app, &ticket, "只用QQ的读者", "13800138111", &code).await;
    assert_eq!(status, 201, "{body}");
    let fresh = body["token"].as_str().expect("token").to_owned();
    let user = users::Entity::find()
        .filter(users::Column::Mobile.eq("13800138111"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("user");
    let mut no_password: users::ActiveModel = user.clone().into();
    no_password.password_hash = Set(None);
    let user = no_password.update(&app.db).await.expect("update");

    // A token from a QQ login 11 minutes ago.
    let eleven_minutes_ago = chrono::Utc::now().timestamp() as u64 - 11 * 60;
    let stale = app
        .state
        .security
        .jwt
        .issue_at(
            passport::crypto::Subject {
                user_id: user.id,
                username: &user.username,
                token_version: user.token_version,
                staff: false,
            },
            eleven_minutes_ago,
        )
        .expect("token");
    let (status, body) = app
        .change_email(&stale, &json!({"email": "qq@example.com"}))
        .await;
    assert_error((status, &body), 400, "recent_qq_login_required");
    // A password does not stand in for it: the account has none.
    let (status, _) = app
        .change_email(
            &stale,
            &json!({"email": "qq@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = app
        .change_email(&fresh, &json!({"email": "qq@example.com"}))
        .await;
    assert_eq!(status, 202, "{body}");
    let mail = app.mails_to("qq@example.com", 1).await.remove(0);
    let token = link_token(mail["body"].as_str().expect("body"), "/verify-email");
    assert_eq!(app.verify_email(&token).await.0, 200);
}

/// A verified change tells the old address (when, from where, what to do), and reset links
/// that went to the old address die.
async fn a_verified_change_tells_the_old_address(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, on_public_https).await else {
        return;
    };
    let (user, jwt) = reader(&app, "mover", Some("old.home@example.com")).await;
    // A reset link to the old address, still unused when the email changes.
    app.request_reset("old.home@example.com").await;
    let reset = app.mails_to("old.home@example.com", 1).await.remove(0);
    let reset_token = link_token(reset["body"].as_str().expect("body"), "/reset-password");

    let (status, body) = app
        .change_email(
            &jwt,
            &json!({"email": "new.home@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.outbox_mails("old.home@example.com").await.len(),
        1,
        "asking is not yet a change: nothing to the old address"
    );
    let mail = app.mails_to("new.home@example.com", 1).await.remove(0);
    let token = link_token(mail["body"].as_str().expect("body"), "/verify-email");
    assert_eq!(app.verify_email(&token).await.0, 200);

    let notice = app.mails_to("old.home@example.com", 2).await.remove(0);
    assert_eq!(notice["subject"], "【荏苒】你的账号邮箱已更换");
    let text = notice["body"].as_str().expect("body");
    assert!(text.contains("北京时间"), "{text}");
    assert!(text.contains("来源 IP：127.0.0.1"), "{text}");
    assert!(
        text.contains("n***@example.com"),
        "the new address, masked: {text}"
    );
    assert!(!text.contains("new.home@example.com"), "{text}");
    assert!(text.contains("如果这不是你本人的操作"), "{text}");
    assert!(
        text.contains("https://passport.renran.test/account"),
        "{text}"
    );
    assert_eq!(
        app.outbox_mails("new.home@example.com").await.len(),
        1,
        "the new address gets only its link"
    );
    assert_eq!(
        email_of(&app, user.id).await.as_deref(),
        Some("new.home@example.com")
    );

    let (status, body) = app
        .post(
            "/api/password-resets/confirm",
            &json!({"token": reset_token, "new_password": "a-new-password-7"}),
        )
        .await;
    assert_error_in(
        (status, &body),
        401,
        "reset_token_superseded",
        "a reset link mailed to the old address dies with the change",
    );
}

on_both_backends!(
    a_superseded_link_to_a_strangers_address_is_refused,
    the_change_needs_the_current_password_throttled_like_logins,
    the_right_password_sends_the_link,
    an_expired_link_is_refused,
    an_account_without_a_password_needs_a_fresh_qq_login,
    a_verified_change_tells_the_old_address,
);

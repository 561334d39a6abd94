//! The admin users page's API (issue 16) on SQLite and PostgreSQL: search, detail, lock (every
//! sign-in path refused, sessions ended) and unlock, forced password reset, and the audit log's
//! filters finding each action.

use serde_json::{Value, json};

use crate::accounts::{code_for, next_minute};
use crate::helpers::{Backend, TestApp, assert_error, assert_error_in};
use crate::qq_login::{PASSWORD, bind_ticket, callback, existing_user, register, sms_code};

async fn staff(app: &TestApp) -> String {
    crate::qq_login::staff_token(app, "guanliyuan", "13900139000").await
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["id"].as_i64().expect("id"))
        .collect()
}

async fn staff_find_users_by_prefix(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = staff(&app).await;
    let a = existing_user(&app, "zhangsan", "13600136000").await;
    let b = existing_user(&app, "zhangsi", "13600137000").await;
    let (status, all) = app.get_as("/api/admin/users", &token).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total"], 3);
    assert_eq!(ids(&all)[0], b.id, "newest first");
    assert_eq!(all["items"][0]["mobile_masked"], "136****7000");
    for (q, expected) in [
        ("zhang", vec![b.id, a.id]),
        ("zhangsa", vec![a.id]),
        ("13600136", vec![a.id]),
        ("ZHANGSI%40EXAMPLE", vec![b.id]),
        ("%E8%80%81%E7%94%A8%E6%88%B7zhangsi", vec![b.id]),
        ("hangsan", vec![]),
    ] {
        let (status, page) = app.get_as(&format!("/api/admin/users?q={q}"), &token).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(ids(&page), expected, "q={q}: {page}");
    }
    let (status, page) = app
        .get_as("/api/admin/users?per_page=1&page=2", &token)
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page), vec![a.id]);
    assert_error(
        app.get_as("/api/admin/users?per_page=101", &token).await,
        400,
        "invalid_per_page",
    );

    let (status, detail) = app
        .get_as(&format!("/api/admin/users/{}", a.id), &token)
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["mobile"], "13600136000");
    assert!(detail["qq"].is_null());
    assert_error(
        app.get_as("/api/admin/users/999999", &token).await,
        404,
        "user_not_found",
    );

    // Not staff: 403; nobody: 401.
    let plain = passport::api::users::issue_token(&app.state, &a).expect("token");
    assert_eq!(app.get_as("/api/admin/users", &plain).await.0, 403);
    assert_eq!(app.get("/api/admin/users").await.status(), 401);
}

async fn a_locked_account_is_refused_on_every_sign_in_path(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let token = staff(&app).await;
    // A QQ-registered account (it has a password and a mobile too).
    let ticket = bind_ticket(&app, "suoding").await;
    let code = sms_code(&app, &ticket, "13600136100").await;
    let (status, body) = register(&app, &ticket, "被锁的人", "13600136100", &code).await;
    assert_eq!(status, 201, "{body}");
    let session = body["token"].as_str().expect("token").to_owned();
    let user_id = body["user"]["id"].as_i64().expect("id");
    let username = body["user"]["username"]
        .as_str()
        .expect("username")
        .to_owned();
    // A sign-in code asked for before the lock (a minute after the registration's).
    next_minute(&app).await;
    let login_code = code_for(&app, "13600136100", "login").await;

    assert_error(
        app.post_as(
            &format!("/api/admin/users/{user_id}/lock"),
            &token,
            &json!({"reason": " "}),
        )
        .await,
        400,
        "reason_required",
    );
    let (status, body) = app
        .post_as(
            &format!("/api/admin/users/{user_id}/lock"),
            &token,
            &json!({"reason": "疑似被盗号"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["locked"], true);
    assert_eq!(body["user"]["locked_reason"], "疑似被盗号");

    let (status, body) = app.me(&session).await;
    assert_error((status, &body), 401, "token_revoked");
    for (path, answer) in [
        ("password", app.login(&username, PASSWORD).await),
        (
            "sms",
            app.post(
                "/api/users/login/sms",
                &json!({"mobile": "13600136100", "sms_code": login_code}),
            )
            .await,
        ),
        ("qq", callback(&app, "suoding").await),
    ] {
        assert_error_in(&answer, 403, "account_locked", format_args!("{path}"));
        assert!(
            answer.1["message"].as_str().unwrap_or("").contains("锁定"),
            "a clear Chinese message: {}",
            answer.1
        );
    }
    // A wrong password on a locked account says only that it is wrong (no lock oracle).
    let (status, body) = app.login(&username, "wrong-password-1").await;
    assert_error((status, &body), 400, "invalid_credentials");

    let (status, body) = app
        .post_as(
            &format!("/api/admin/users/{user_id}/unlock"),
            &token,
            &json!({"reason": "核实为本人"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["locked"], false);
    assert_eq!(app.login(&username, PASSWORD).await.0, 200);
    let (status, body) = callback(&app, "suoding").await;
    assert_eq!(
        (status.as_u16(), body["status"].as_str()),
        (200, Some("logged_in")),
        "{body}"
    );
    assert_eq!(body["user"]["id"], user_id);

    // Both actions are in the audit log, found by each filter.
    let (_, detail) = app
        .get_as(&format!("/api/admin/users/{user_id}"), &token)
        .await;
    let actions: Vec<&str> = detail["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["user.unlock", "user.lock"], "{detail}");
    assert!(detail["qq"]["qq_nickname"].is_string(), "{detail}");
    for (query, expected) in [
        (format!("target_type=user&target_id={user_id}"), 2),
        ("actor=guanliyuan".to_owned(), 2),
        ("action=user.lock".to_owned(), 1),
        ("actor=nobody".to_owned(), 0),
        (
            "from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z".to_owned(),
            0,
        ),
        ("from=2000-01-01T00:00:00Z&action=user.unlock".to_owned(), 1),
    ] {
        let (status, page) = app
            .get_as(&format!("/api/admin/audit?{query}"), &token)
            .await;
        assert_eq!(status, 200, "{query}: {page}");
        assert_eq!(page["total"], expected, "{query}: {page}");
        assert_eq!(
            page["items"].as_array().map(Vec::len),
            Some(expected as usize)
        );
    }
    let (_, page) = app
        .get_as("/api/admin/audit?action=user.lock", &token)
        .await;
    assert_eq!(page["items"][0]["reason"], "疑似被盗号");
    assert_eq!(page["items"][0]["actor"]["username"], "guanliyuan");
}

async fn staff_force_a_password_reset(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = staff(&app).await;
    let user = existing_user(&app, "qiangzhi", "13600136200").await;
    let session = passport::api::users::issue_token(&app.state, &user).expect("token");
    let (status, body) = app
        .post_as(
            &format!("/api/admin/users/{}/force-password-reset", user.id),
            &token,
            &json!({"reason": "密码疑似泄露"}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_error(app.me(&session).await, 401, "token_revoked");
    app.drain_jobs().await;
    assert!(
        app.outbox_mails("qiangzhi@example.com")
            .await
            .iter()
            .any(|m| {
                m["body"]
                    .as_str()
                    .unwrap_or("")
                    .contains("/reset-password?token=")
            }),
        "the reset mail"
    );

    // No verified email: 409, nothing changes.
    let no_mail = existing_user(&app, "meiyouyouxiang", "13600136201").await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!("UPDATE users SET email = NULL WHERE id = {}", no_mail.id),
    )
    .await
    .expect("no email");
    let session = passport::api::users::issue_token(&app.state, &no_mail).expect("token");
    let (status, body) = app
        .post_as(
            &format!("/api/admin/users/{}/force-password-reset", no_mail.id),
            &token,
            &json!({"reason": "密码疑似泄露"}),
        )
        .await;
    assert_error((status, &body), 409, "no_verified_email");
    assert_eq!(app.me(&session).await.0, 200, "sessions untouched");
    let (_, page) = app
        .get_as("/api/admin/audit?action=user.force_password_reset", &token)
        .await;
    assert_eq!(page["total"], 1, "{page}");
}

async fn jobs_say_what_they_are_for_without_secrets(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let token = staff(&app).await;
    existing_user(&app, "renwu", "13600136300").await;
    let (status, _) = app.request_reset("renwu@example.com").await;
    assert_eq!(status, 202);
    let code = code_for(&app, "13600136300", "login").await;
    // The reset mail too.
    app.drain_jobs().await;
    assert!(
        !app.outbox_mails("renwu@example.com").await.is_empty(),
        "the reset mail"
    );
    let (status, page) = app.get_as("/api/admin/jobs?per_page=50", &token).await;
    assert_eq!(status, 200, "{page}");
    let subjects: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|j| j["subject"].as_str().unwrap_or_default().to_owned())
        .collect();
    let all = subjects.join(" | ");
    assert!(all.contains("密码重置申请"), "{all}");
    assert!(all.contains("登录验证码申请：136****6300"), "{all}");
    assert!(all.contains("短信验证码"), "{all}");
    assert!(!all.contains("renwu@example.com"), "emails masked: {all}");
    assert!(!all.contains("13600136300"), "mobiles masked: {all}");
    assert!(!all.contains(&code), "never the code: {all}");
    assert!(!all.contains("token="), "never a link: {all}");
}

on_both_backends!(
    jobs_say_what_they_are_for_without_secrets,
    staff_find_users_by_prefix,
    a_locked_account_is_refused_on_every_sign_in_path,
    staff_force_a_password_reset,
);

//! Security notices (issue 10): the owner hears, at the verified address, of every change to
//! how the account can be entered, with when (Beijing time), from which client address, and
//! what to do if it was not them. On both backends, through the real mail path.

use std::time::Duration;

use passport::entities::{social_bindings, users};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{Backend, TestApp, link_token};
use crate::qq_login::{bind_existing, bind_ticket, existing_user, register, sms_code};

fn assert_when_where_what(text: &str) {
    assert!(text.contains("北京时间 UTC+8"), "when, zone named: {text}");
    assert!(text.contains("来源 IP：127.0.0.1"), "from where: {text}");
    assert!(
        text.contains("如果这不是你本人的操作"),
        "what to do: {text}"
    );
}

/// Bind `username`'s account to the simulator's `sim_user`; the session token.
async fn bind(app: &TestApp, username: &str, sim_user: &str) -> String {
    let body = bind_existing(app, username, sim_user).await;
    body["token"].as_str().expect("token").to_owned()
}

async fn mail_jobs(app: &TestApp) -> usize {
    use sea_orm::ConnectionTrait;
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'mail'",
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n") as usize
}

async fn binding_a_qq_identity_tells_the_owner(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "zhaoliu", "13000130001").await;
    bind(&app, "zhaoliu", "zhaoliu_qq").await;
    let notice = app.mails_to("zhaoliu@example.com", 1).await.remove(0);
    assert_eq!(notice["subject"], "【荏苒】你的账号绑定了 QQ");
    let text = notice["body"].as_str().expect("body");
    assert_when_where_what(text);
    assert!(text.contains("zhaoliu_qq"), "which QQ: {text}");
    assert!(text.contains("/forgot-password"), "{text}");
}

/// Registration through QQ makes an account without an email: nothing to send to.
async fn registering_through_qq_sends_no_notice(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let ticket = bind_ticket(&app, "newcomer_qq").await;
    let code = sms_code(&app, &ticket, "13800138222").await;
    let (status, body) = register(&app, &ticket, "新来的", "13800138222", &code).await;
    assert_eq!(status, 201, "{body}");
    let user = users::Entity::find()
        .filter(users::Column::Mobile.eq("13800138222"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("user");
    assert_eq!(user.email, None);
    assert_eq!(
        mail_jobs(&app).await,
        0,
        "no mail queued without an address"
    );
}

async fn unbinding_by_the_owner_tells_the_owner(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "sunqi", "13000130002").await;
    let token = bind(&app, "sunqi", "sunqi_qq").await;
    app.mails_to("sunqi@example.com", 1).await;
    let response = app
        .client
        .delete(app.url("/api/users/me/bindings/qq"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let notice = app.mails_to("sunqi@example.com", 2).await.remove(0);
    assert_eq!(notice["subject"], "【荏苒】你的账号解除了 QQ 绑定");
    let text = notice["body"].as_str().expect("body");
    assert_when_where_what(text);
    assert!(text.contains("sunqi_qq"), "{text}");
}

async fn unbinding_by_staff_tells_the_owner_the_reason(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let owner = existing_user(&app, "zhouba", "13000130003").await;
    bind(&app, "zhouba", "zhouba_qq").await;
    app.mails_to("zhouba@example.com", 1).await;
    let binding = social_bindings::Entity::find()
        .filter(social_bindings::Column::UserId.eq(owner.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("binding");
    let staff = existing_user(&app, "staffer", "13000130004").await;
    let mut promote: users::ActiveModel = staff.into();
    promote.is_staff = Set(true);
    let staff = promote.update(&app.db).await.expect("promote");
    let staff_token = passport::api::users::issue_token(&app.state, &staff).expect("token");

    let response = app
        .client
        .delete(app.url(&format!(
            "/api/admin/bindings/{}?reason={}",
            binding.id, "用户来电说QQ被盗"
        )))
        .bearer_auth(&staff_token)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let notice = app.mails_to("zhouba@example.com", 2).await.remove(0);
    assert_eq!(notice["subject"], "【荏苒】工作人员解除了你的 QQ 绑定");
    let text = notice["body"].as_str().expect("body");
    assert!(
        text.contains("原因：用户来电说QQ被盗"),
        "the reason: {text}"
    );
    assert!(text.contains("北京时间 UTC+8"), "{text}");
    assert!(text.contains("荏苒工作人员"), "{text}");
    assert!(
        !text.contains("来源 IP"),
        "the staff's address is not the user's business: {text}"
    );
    assert!(text.contains("zhouba_qq"), "{text}");
    assert!(
        app.outbox_mails("staffer@example.com").await.is_empty(),
        "the notice goes to the owner only"
    );
}

async fn a_password_change_notice_says_when_and_from_where(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "wujiu", "13000130005").await;
    let (status, _) = app.request_reset("wujiu@example.com").await;
    assert_eq!(status, 202);
    let mail = app.mails_to("wujiu@example.com", 1).await.remove(0);
    let token = link_token(mail["body"].as_str().expect("body"), "/reset-password");
    let (status, body) = app
        .post(
            "/api/password-resets/confirm",
            &json!({"token": token, "new_password": "another-pass-8"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let notice = app.mails_to("wujiu@example.com", 2).await.remove(0);
    assert_eq!(notice["subject"], "【荏苒】你的密码已修改");
    assert_when_where_what(notice["body"].as_str().expect("body"));
}

/// An account without a verified email: a bind commits, and no notice is queued.
async fn no_verified_email_no_notice(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let user = existing_user(&app, "zhengshi", "13000130006").await;
    let mut no_email: users::ActiveModel = user.into();
    no_email.email = Set(None);
    no_email.update(&app.db).await.expect("update");
    bind(&app, "zhengshi", "zhengshi_qq").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mail_jobs(&app).await, 0);
}

on_both_backends!(
    binding_a_qq_identity_tells_the_owner,
    registering_through_qq_sends_no_notice,
    unbinding_by_the_owner_tells_the_owner,
    unbinding_by_staff_tells_the_owner_the_reason,
    a_password_change_notice_says_when_and_from_where,
    no_verified_email_no_notice,
);

//! `GET /api/admin/audit`: staff read the audit log of one target, also after an unbind deleted
//! the binding; everyone else is refused.

use passport::domain::{Email, Password, Username};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

const PASSWORD: &str = "Admin-pass-2026";

async fn token(app: &TestApp, account: &str) -> String {
    let resp = app
        .post_json(
            "/api/users/login",
            &json!({"account": account, "password": PASSWORD}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn staff_read_a_targets_audit_log_and_others_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let admin = passport::accounts::staff::create_admin(
        &app.db,
        &Username::parse("admin").expect("username"),
        &Email::parse("admin@example.com").expect("email"),
        &Password::parse(PASSWORD).expect("password"),
        false,
    )
    .await
    .expect("admin");
    passport::audit::write(
        &app.db,
        passport::audit::Action {
            actor_user_id: admin.id,
            action: "qq_binding.unbind",
            target_type: "qq_binding",
            target_id: "42".into(),
            reason: Some("用户申请更换QQ"),
            details: None,
            at: chrono::Utc::now(),
        },
    )
    .await
    .expect("audit");

    let url = app.url("/api/admin/audit?target_type=qq_binding&target_id=42");
    assert_eq!(
        app.client.get(&url).send().await.expect("GET").status(),
        401
    );

    let staff = token(&app, "admin").await;
    let resp = app
        .client
        .get(&url)
        .bearer_auth(&staff)
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["action"], "qq_binding.unbind");
    assert_eq!(items[0]["reason"], "用户申请更换QQ");
    assert_eq!(items[0]["actor"]["username"], "admin");

    let resp = app
        .client
        .get(app.url("/api/admin/audit"))
        .bearer_auth(&staff)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        resp.status(),
        200,
        "without filters: every entry (issue 16)"
    );
    let all: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(all["total"], 1, "{all}");

    let other = app
        .client
        .get(app.url("/api/admin/audit?target_type=qq_binding&target_id=43"))
        .bearer_auth(&staff)
        .send()
        .await
        .expect("GET");
    let body: Value = other.json().await.expect("json");
    assert_eq!(body["items"], json!([]));

    // A signed-in reader is not staff.
    let reader = passport::accounts::staff::create_admin(
        &app.db,
        &Username::parse("reader").expect("username"),
        &Email::parse("reader@example.com").expect("email"),
        &Password::parse(PASSWORD).expect("password"),
        false,
    )
    .await
    .expect("user");
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut demoted = reader.into_active_model();
    demoted.is_staff = Set(false);
    demoted.update(&app.db).await.expect("demote");
    let reader_token = token(&app, "reader").await;
    let resp = app
        .client
        .get(&url)
        .bearer_auth(&reader_token)
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 403);
    app.stop().await;
}

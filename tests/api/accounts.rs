//! Accounts people run themselves (issue 16), over real HTTP on SQLite and PostgreSQL: SMS codes
//! with a purpose, sign-up with a mobile, SMS sign-in, password reset by SMS, availability
//! checks, account edits, and the bad inputs of each (wrong / expired / other-purpose codes,
//! taken mobile, weak password, throttled, captcha under `risk`).

use passport::entities::{jobs, sms_codes, users};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_error, assert_error_in, json_of};
use crate::qq_login::{PASSWORD, bind_ticket, existing_user};

pub(crate) const NEW_PASSWORD: &str = "brand-new-pass-7";

/// Ask for a code for `purpose` and read it from the dev outbox once delivered.
pub(crate) async fn code_for(app: &TestApp, mobile: &str, purpose: &str) -> String {
    let before = app.outbox_messages("sms", mobile).await.len();
    let (status, body) = app.ask_sms_code(mobile, purpose).await;
    assert_eq!(status, 202, "{body}");
    app.drain_jobs().await;
    assert!(
        app.outbox_messages("sms", mobile).await.len() > before,
        "a new SMS reaches the outbox"
    );
    app.sms_code_to(mobile).await
}

/// Step past the one-code-per-60-s rule, as a minute passing would.
pub(crate) async fn next_minute(app: &TestApp) {
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "DELETE FROM rate_limits WHERE key LIKE 'sms_send:%'",
    )
    .await
    .expect("reset");
    sms_codes::Entity::update_many()
        .col_expr(
            sms_codes::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(2)),
        )
        .exec(&app.db)
        .await
        .expect("age");
}

async fn codes_stored(app: &TestApp) -> u64 {
    sms_codes::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

/// Wait until every `sms_code_request` job finished (the job decides whether to send).
async fn requests_done(app: &TestApp) {
    app.drain_jobs().await;
    assert!(
        jobs::Entity::find()
            .filter(jobs::Column::Kind.eq("sms_code_request"))
            .filter(jobs::Column::State.ne("completed"))
            .count(&app.db)
            .await
            .expect("count")
            == 0,
        "code requests processed"
    );
}

// --- Sign-up with a mobile -----------------------------------------------------------------

async fn sign_up_with_a_mobile_and_sms_code(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let code = code_for(&app, "13500135000", "signup").await;
    let before = users::Entity::find().count(&app.db).await.expect("count");

    // Bad inputs change nothing and leave the code usable.
    assert_error(
        &app.signup("13500135000", &code, "新用户", "short").await,
        400,
        "invalid_password",
    );
    assert_error(
        &app.signup("13500135000", &code, "x", PASSWORD).await,
        400,
        "invalid_nickname",
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_error(
        &app.signup("13500135000", wrong, "新用户", PASSWORD).await,
        400,
        "sms_code_invalid",
    );
    assert_error(
        &app.signup("13500135001", &code, "新用户", PASSWORD).await,
        400,
        "sms_code_invalid",
    );
    assert_eq!(
        users::Entity::find().count(&app.db).await.expect("count"),
        before
    );

    let (status, body) = app.signup("13500135000", &code, "新用户", PASSWORD).await;
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().expect("token").to_owned();
    assert_eq!(body["user"]["nickname"], "新用户");
    let username = body["user"]["username"].as_str().expect("username");
    assert!(username.starts_with("rr_"), "{username}");

    let (status, me) = app.me(&token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["mobile"], "13500135000", "kept for compatibility");
    assert_eq!(me["mobile_masked"], "135****5000");
    assert_eq!(me["username_changeable"], true);
    assert_eq!(me["has_password"], true);

    // Signed up: the password signs in, the code is spent.
    assert_eq!(app.login("13500135000", PASSWORD).await.0, 200);
    assert_error(
        &app.signup("13500135000", &code, "又一个", PASSWORD).await,
        400,
        "sms_code_invalid",
    );
}

async fn a_code_is_accepted_only_for_its_purpose(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    // A sign-up code cannot register a QQ identity, nor sign in or reset.
    let code = code_for(&app, "13500135100", "signup").await;
    let ticket = bind_ticket(&app, "yongtu").await;
    let (status, body) = app
        .qq_register(&ticket, "用途", "13500135100", &code, PASSWORD)
        .await;
    assert_error((status, &body), 400, "sms_code_invalid");

    // A login code of an existing account cannot reset its password, and the reverse.
    existing_user(&app, "yongtu", "13500135101").await;
    let login_code = code_for(&app, "13500135101", "login").await;
    assert_error(
        &app.sms_reset("13500135101", &login_code, NEW_PASSWORD)
            .await,
        400,
        "sms_code_invalid",
    );
    next_minute(&app).await;
    let reset_code = code_for(&app, "13500135101", "reset_password").await;
    assert_ne!(reset_code, login_code);
    assert_error(
        &app.sms_login("13500135101", &reset_code).await,
        400,
        "sms_code_invalid",
    );
    // Each works for its own purpose.
    assert_eq!(app.sms_login("13500135101", &login_code).await.0, 200);
    assert_eq!(
        app.sms_reset("13500135101", &reset_code, NEW_PASSWORD)
            .await
            .0,
        204
    );
    let stored: Vec<String> = sms_codes::Entity::find()
        .all(&app.db)
        .await
        .expect("codes")
        .into_iter()
        .map(|c| c.purpose)
        .collect();
    assert!(stored.contains(&"signup".to_owned()), "{stored:?}");
    assert!(stored.contains(&"login".to_owned()), "{stored:?}");
    assert!(stored.contains(&"reset_password".to_owned()), "{stored:?}");
}

async fn a_taken_mobile_is_refused_before_any_code_is_sent(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    existing_user(&app, "zhanyong", "13500135200").await;
    let answer = app.ask_sms_code("13500135200", "signup").await;
    assert_error(&answer, 409, "mobile_taken");
    assert!(
        answer.1["message"]
            .as_str()
            .unwrap_or("")
            .contains("已有账号"),
        "the message points to signing in: {}",
        answer.1
    );
    let ticket = bind_ticket(&app, "zhanyong_qq").await;
    let (status, body) = app.ask_bind_sms_code(&ticket, "135 0013 5200").await;
    assert_error_in(
        (status, &body),
        409,
        "mobile_taken",
        "QQ registration (the default purpose) too",
    );
    assert_eq!(codes_stored(&app).await, 0, "nothing stored or sent");
    assert!(app.outbox_messages("sms", "13500135200").await.is_empty());
    // A QQ registration code still needs its ticket.
    assert_error(
        &app.ask_sms_code("13500135201", "qq_register").await,
        400,
        "bind_ticket_required",
    );
}

// --- SMS sign-in ---------------------------------------------------------------------------

async fn sign_in_with_an_sms_code(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let user = existing_user(&app, "duanxin", "13500135300").await;
    let code = code_for(&app, "13500135300", "login").await;
    let (status, body) = app.sms_login("135 0013 5300", &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["id"], user.id);
    let (status, _) = app.me(body["token"].as_str().expect("token")).await;
    assert_eq!(status, 200);
    // Once only.
    assert_error(
        &app.sms_login("13500135300", &code).await,
        400,
        "sms_code_invalid",
    );
    // Expired.
    next_minute(&app).await;
    let code = code_for(&app, "13500135300", "login").await;
    sms_codes::Entity::update_many()
        .col_expr(
            sms_codes::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db)
        .await
        .expect("age");
    assert_error(
        &app.sms_login("13500135300", &code).await,
        400,
        "sms_code_expired",
    );
}

async fn login_codes_do_not_reveal_whether_a_mobile_has_an_account(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "youzhanghao", "13500135400").await;
    let known = app.ask_sms_code("13500135400", "login").await;
    let unknown = app.ask_sms_code("13500135499", "login").await;
    assert_eq!(known.0, 202);
    assert_eq!(known, unknown, "the same answer for both");
    let known = app.ask_sms_code("13500135400", "reset_password").await;
    let unknown = app.ask_sms_code("13500135499", "reset_password").await;
    assert_eq!(known, unknown, "waiting is the same for both too");
    assert_error(&known, 429, "sms_too_frequent");
    requests_done(&app).await;
    app.sms_code_to("13500135400").await;
    assert!(
        app.outbox_messages("sms", "13500135499").await.is_empty(),
        "no SMS to a mobile without an account"
    );
    let to_unknown = sms_codes::Entity::find()
        .filter(sms_codes::Column::Mobile.eq("13500135499"))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(to_unknown, 0);
    // A code for a mobile without an account: the same refusal as a wrong code.
    assert_error(
        &app.sms_login("13500135499", "123456").await,
        400,
        "sms_code_invalid",
    );
}

async fn sms_sign_in_is_throttled_like_password_login(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "xianliu", "13500135500").await;
    let code = code_for(&app, "13500135500", "login").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_error(
            &app.sms_login("13500135500", wrong).await,
            400,
            "sms_code_invalid",
        );
    }
    let throttled = app.sms_login("13500135500", &code).await;
    assert_error(&throttled, 429, "too_many_attempts");
    assert!(
        throttled.1["retry_after"].as_u64().is_some_and(|s| s > 0),
        "{}",
        throttled.1
    );
    // The same account counter as password login.
    assert_error(
        &app.login("xianliu", PASSWORD).await,
        429,
        "too_many_attempts",
    );
}

// --- Password reset by SMS -----------------------------------------------------------------

async fn reset_the_password_by_sms(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let user = existing_user(&app, "chongzhi", "13500135600").await;
    let old_token = passport::api::users::issue_token(&app.state, &user).expect("token");
    let code = code_for(&app, "13500135600", "reset_password").await;

    assert_error(
        &app.sms_reset("13500135600", &code, "weak").await,
        400,
        "invalid_password",
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_error(
        &app.sms_reset("13500135600", wrong, NEW_PASSWORD).await,
        400,
        "sms_code_invalid",
    );
    assert_eq!(app.login("chongzhi", PASSWORD).await.0, 200, "unchanged");

    let (status, body) = app.sms_reset("13500135600", &code, NEW_PASSWORD).await;
    assert_eq!(status, 204, "{body}");
    assert_error(&app.me(&old_token).await, 401, "token_revoked");
    assert_eq!(app.login("chongzhi", NEW_PASSWORD).await.0, 200);
    assert_error(
        &app.login("chongzhi", PASSWORD).await,
        400,
        "invalid_credentials",
    );
    // Once only.
    assert_error(
        &app.sms_reset("13500135600", &code, "another-pass-8").await,
        400,
        "sms_code_invalid",
    );
    // The owner hears of it at the verified address.
    app.drain_jobs().await;
    assert!(
        !app.outbox_mails("chongzhi@example.com").await.is_empty(),
        "the password-changed notice"
    );
    // Expired.
    next_minute(&app).await;
    let code = code_for(&app, "13500135600", "reset_password").await;
    sms_codes::Entity::update_many()
        .col_expr(
            sms_codes::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db)
        .await
        .expect("age");
    assert_error(
        &app.sms_reset("13500135600", &code, "another-pass-8").await,
        400,
        "sms_code_expired",
    );
}

// --- Captcha -------------------------------------------------------------------------------

async fn sign_up_sign_in_and_reset_codes_need_the_captcha_under_risk(backend: Backend) {
    let Some((app, tencent)) = crate::captcha::spawn(backend, "risk").await else {
        return;
    };
    for (n, purpose) in ["signup", "login", "reset_password"]
        .into_iter()
        .enumerate()
    {
        let mobile = format!("1350013570{n}");
        assert_error(
            &app.ask_sms_code(&mobile, purpose).await,
            400,
            "captcha_required",
        );
        let solved = crate::captcha::ticket(&app, &tencent, crate::captcha::DEV_APP).await;
        let (status, body) = app
            .post(
                "/api/sms/codes",
                &json!({"mobile": mobile, "purpose": purpose, "captcha": solved}),
            )
            .await;
        assert_eq!(status, 202, "{purpose}: {body}");
    }
    requests_done(&app).await;
    assert_eq!(
        codes_stored(&app).await,
        1,
        "only the sign-up code (no accounts)"
    );
}

// --- Availability --------------------------------------------------------------------------

async fn availability_of_nicknames_and_mobiles(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let user = existing_user(&app, "keyong", "13500135800").await;
    let check = |query: String| {
        let app = &app;
        async move { json_of(app.get(&format!("/api/users/availability?{query}")).await).await }
    };
    let (status, body) = check(format!(
        "nickname={}&mobile=13500135800",
        urlencode(&user.nickname)
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["nickname"]["available"], false);
    assert_eq!(body["nickname"]["reason"], "nickname_taken");
    assert_eq!(body["mobile"]["available"], false);
    assert_eq!(body["mobile"]["reason"], "mobile_taken");

    let (_, body) = check(format!(
        "nickname={}&mobile=13500135899",
        urlencode("空闲昵称")
    ))
    .await;
    assert_eq!(body["nickname"]["available"], true, "{body}");
    assert_eq!(body["mobile"]["available"], true, "{body}");
    assert!(body["nickname"]["reason"].is_null());

    let (_, body) = check("nickname=x&mobile=123".into()).await;
    assert_eq!(body["nickname"]["reason"], "invalid_nickname", "{body}");
    assert_eq!(body["mobile"]["reason"], "invalid_mobile", "{body}");

    let (_, body) = check("mobile=13500135899".into()).await;
    assert!(body["nickname"].is_null(), "only what was asked: {body}");

    // Throttled per client: 30 a minute (4 spent above).
    for _ in 4..30 {
        assert_eq!(check("mobile=13500135899".into()).await.0, 200);
    }
    let throttled = check("mobile=13500135899".into()).await;
    assert_error(&throttled, 429, "too_many_attempts");
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

// --- Account edits -------------------------------------------------------------------------

async fn send_authed(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    json_of(
        app.client
            .request(method, app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request"),
    )
    .await
}

async fn edit_nickname_and_avatar(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let user = existing_user(&app, "bianji", "13500135900").await;
    let other = existing_user(&app, "bieren", "13500135901").await;
    let token = passport::api::users::issue_token(&app.state, &user).expect("token");
    let patch =
        |body: Value| send_authed(&app, reqwest::Method::PATCH, "/api/users/me", &token, body);

    assert_error(
        &patch(json!({"avatar": "http://img.example.com/a.png"})).await,
        400,
        "invalid_avatar",
    );
    assert_error(
        &patch(json!({"avatar": "javascript:alert(1)"})).await,
        400,
        "invalid_avatar",
    );
    assert_error(
        &patch(json!({"nickname": other.nickname})).await,
        409,
        "nickname_taken",
    );
    assert_error(
        &patch(json!({"nickname": "x"})).await,
        400,
        "invalid_nickname",
    );

    let (status, body) =
        patch(json!({"nickname": "新昵称", "avatar": "https://img.example.com/me.png"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["nickname"], "新昵称");
    assert_eq!(body["avatar"], "https://img.example.com/me.png");
    // Only the avatar, removed; the nickname stays; the own nickname again is fine.
    let (status, body) = patch(json!({"avatar": "", "nickname": "新昵称"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["nickname"].as_str(), body["avatar"].as_str()),
        (Some("新昵称"), Some(""))
    );
    let stored = users::Entity::find_by_id(user.id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("user");
    assert_eq!(
        (stored.nickname.as_str(), stored.avatar.as_str()),
        ("新昵称", "")
    );
    // Signed out: 401.
    let (status, _) = json_of(
        app.client
            .patch(app.url("/api/users/me"))
            .json(&json!({}))
            .send()
            .await
            .expect("PATCH"),
    )
    .await;
    assert_eq!(status, 401);
}

async fn change_the_password(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let user = existing_user(&app, "gaimima", "13500136000").await;
    let token = passport::api::users::issue_token(&app.state, &user).expect("token");
    let put = |body: Value| {
        send_authed(
            &app,
            reqwest::Method::PUT,
            "/api/users/me/password",
            &token,
            body,
        )
    };

    assert_error(
        &put(json!({"new_password": NEW_PASSWORD})).await,
        400,
        "current_password_required",
    );
    assert_error(
        &put(json!({"current_password": "not-the-password-1", "new_password": NEW_PASSWORD})).await,
        400,
        "wrong_password",
    );
    assert_error(
        &put(json!({"current_password": PASSWORD, "new_password": "short"})).await,
        400,
        "invalid_password",
    );
    let (status, body) =
        put(json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD})).await;
    assert_eq!(status, 200, "{body}");
    let new_token = body["token"].as_str().expect("a new token");
    assert_error(&app.me(&token).await, 401, "token_revoked");
    assert_eq!(app.me(new_token).await.0, 200);
    assert_eq!(app.login("gaimima", NEW_PASSWORD).await.0, 200);
    app.drain_jobs().await;
    assert!(
        !app.outbox_mails("gaimima@example.com").await.is_empty(),
        "the password-changed notice"
    );
}

async fn a_qq_only_account_sets_its_first_password_after_a_fresh_qq_login(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut user = existing_user(&app, "qqonly", "13500136100").await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!(
            "UPDATE users SET password_hash = NULL WHERE id = {}",
            user.id
        ),
    )
    .await
    .expect("no password");
    user.password_hash = None;
    let fresh = passport::api::users::issue_token(&app.state, &user).expect("token");
    let (status, body) = send_authed(
        &app,
        reqwest::Method::PUT,
        "/api/users/me/password",
        &fresh,
        json!({"new_password": NEW_PASSWORD}),
    )
    .await;
    assert_eq!(
        status, 200,
        "a session just issued counts as a fresh QQ login: {body}"
    );
    assert_eq!(app.login("qqonly", NEW_PASSWORD).await.0, 200);
}

async fn change_the_generated_username_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    existing_user(&app, "takenname", "13500136200").await;
    let code = code_for(&app, "13500136201", "signup").await;
    let (status, body) = app.signup("13500136201", &code, "改名者", PASSWORD).await;
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().expect("token").to_owned();
    let put = |username: &str| {
        send_authed(
            &app,
            reqwest::Method::PUT,
            "/api/users/me/username",
            &token,
            json!({"username": username}),
        )
    };
    assert_error(&put("takenname").await, 409, "username_taken");
    assert_error(&put("12345678").await, 400, "invalid_username");
    let (status, body) = put("my_name").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["username"], "my_name");
    assert_error(&put("my_name_two").await, 409, "username_already_changed");
    let (_, me) = app.me(&token).await;
    assert_eq!(me["username"], "my_name", "{me}");
    assert_eq!(me["username_changeable"], false);
    assert_eq!(app.login("my_name", PASSWORD).await.0, 200);

    // An account whose username was chosen (not `rr_…`) cannot change it.
    let chosen = users::Entity::find()
        .filter(users::Column::Username.eq("takenname"))
        .one(&app.db)
        .await
        .expect("q")
        .expect("user");
    let token = passport::api::users::issue_token(&app.state, &chosen).expect("token");
    let (status, body) = send_authed(
        &app,
        reqwest::Method::PUT,
        "/api/users/me/username",
        &token,
        json!({"username": "another_name"}),
    )
    .await;
    assert_error((status, &body), 409, "username_already_changed");
}

on_both_backends!(
    sign_up_with_a_mobile_and_sms_code,
    a_code_is_accepted_only_for_its_purpose,
    a_taken_mobile_is_refused_before_any_code_is_sent,
    sign_in_with_an_sms_code,
    login_codes_do_not_reveal_whether_a_mobile_has_an_account,
    sms_sign_in_is_throttled_like_password_login,
    reset_the_password_by_sms,
    sign_up_sign_in_and_reset_codes_need_the_captcha_under_risk,
    availability_of_nicknames_and_mobiles,
    edit_nickname_and_avatar,
    change_the_password,
    a_qq_only_account_sets_its_first_password_after_a_fresh_qq_login,
    change_the_generated_username_once,
);

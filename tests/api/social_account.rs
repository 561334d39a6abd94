//! The account side of WeChat and Weibo beside QQ (issue 15), on SQLite and PostgreSQL: the
//! owner's `/users/me` lists every binding and unbinds any provider while another way in
//! remains; the admin panel lists, filters, counts and refreshes per provider.
//!
//! Bindings are written straight into the database (the login journey that makes them is
//! tested in its own file); their tokens are sealed as the app seals them, for their owner
//! `social_bindings::token_owner`.

use chrono::{DateTime, Duration, Utc};
use passport::crypto::{TokenCipher, TokenField};
use passport::entities::{audit_log, binding_token_events, social_bindings, users};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::helpers::{Backend, TestApp, assert_error, user};

/// A binding of `user` at `provider`, its tokens sealed as the app seals them.
pub(crate) struct NewBinding<'a> {
    pub provider: &'a str,
    pub subject: &'a str,
    pub unionid: Option<&'a str>,
    pub nickname: &'a str,
    pub access_token: &'a str,
    /// `None` for Weibo (no refresh grant).
    pub refresh_token: Option<&'a str>,
    pub token_expires_at: DateTime<Utc>,
    pub bound_at: DateTime<Utc>,
}

impl NewBinding<'_> {
    pub async fn insert(&self, app: &TestApp, user_id: i64) -> social_bindings::Model {
        let cipher = TokenCipher::new(&app.settings.token_key);
        let owner = social_bindings::token_owner(self.provider, self.subject);
        let seal = |field, token: &str| cipher.encrypt(field, &owner, token).expect("seal");
        social_bindings::ActiveModel {
            user_id: Set(user_id),
            provider: Set(self.provider.to_owned()),
            subject: Set(self.subject.to_owned()),
            unionid: Set(self.unionid.map(str::to_owned)),
            nickname: Set(self.nickname.to_owned()),
            avatar: Set(format!("https://img.example/{}.png", self.subject)),
            access_token_enc: Set(seal(TokenField::QqAccessToken, self.access_token)),
            refresh_token_enc: Set(self
                .refresh_token
                .map(|t| seal(TokenField::QqRefreshToken, t))),
            token_expires_at: Set(self.token_expires_at),
            token_version: Set(0),
            refresh_status: Set("ok".into()),
            bound_at: Set(self.bound_at),
            last_login_at: Set(Some(self.bound_at)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("insert binding")
    }
}

/// A binding at `provider` with made-up tokens, bound an hour ago.
pub(crate) async fn bind(
    app: &TestApp,
    user_id: i64,
    provider: &str,
    subject: &str,
    nickname: &str,
) -> social_bindings::Model {
    let now = Utc::now();
    NewBinding {
        provider,
        subject,
        unionid: (provider != "weibo").then_some(subject),
        nickname,
        access_token: "an-access-token",
        refresh_token: (provider != "weibo").then_some("a-refresh-token"),
        token_expires_at: now + Duration::days(if provider == "weibo" { 30 } else { 60 }),
        bound_at: now - Duration::hours(1),
    }
    .insert(app, user_id)
    .await
}

async fn delete_as(app: &TestApp, path: &str, token: &str) -> (reqwest::StatusCode, Value) {
    app.call(Method::DELETE, path, Some(token), None).await
}

async fn me_lists_every_binding_with_its_provider(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let owner = user("three_ways")
        .password("a-good-password-1")
        .create(&app)
        .await;
    let qq = bind(
        &app,
        owner.id,
        "qq",
        "QQOPENID0000000000000000000000AA",
        "QQ小明",
    )
    .await;
    let wechat = bind(
        &app,
        owner.id,
        "wechat",
        "o6_wechatopenid00000000000001",
        "微信小明",
    )
    .await;
    bind(&app, owner.id, "weibo", "5000000001", "微博小明").await;
    let token = app.token_for(&owner);
    let (status, me) = app.me(&token).await;
    assert_eq!(status, 200, "{me}");
    let bindings = &me["bindings"];
    for (provider, nickname) in [
        ("qq", "QQ小明"),
        ("wechat", "微信小明"),
        ("weibo", "微博小明"),
    ] {
        let b = &bindings[provider];
        assert_eq!(b["provider"], provider, "{bindings}");
        assert_eq!(b["nickname"], nickname);
        assert!(
            b["avatar"]
                .as_str()
                .is_some_and(|a| a.starts_with("https://"))
        );
        for field in ["bound_at", "last_login_at", "token_expires_at"] {
            assert!(b[field].is_string(), "{provider}.{field}: {b}");
        }
        assert_eq!(b["refresh_status"], "ok");
        for secret in [
            "access_token",
            "access_token_enc",
            "refresh_token",
            "subject",
        ] {
            assert!(b.get(secret).is_none(), "{secret} is never shown");
        }
    }
    // QQ's object keeps what it had (nickname, avatar, bound_at, last_login_at).
    assert_eq!(bindings["qq"]["nickname"], qq.nickname);
    assert_eq!(bindings["wechat"]["nickname"], wechat.nickname);
    assert_eq!(me["has_password"], true);

    // One binding only: the others are null.
    let solo = user("wechat_only").create(&app).await;
    bind(
        &app,
        solo.id,
        "wechat",
        "o6_wechatopenid00000000000002",
        "只有微信",
    )
    .await;
    let (_, me) = app.me(&app.token_for(&solo)).await;
    assert!(me["bindings"]["qq"].is_null(), "{me}");
    assert!(me["bindings"]["weibo"].is_null(), "{me}");
    assert_eq!(me["bindings"]["wechat"]["nickname"], "只有微信");
    assert_eq!(me["has_password"], false);
}

async fn a_binding_goes_while_another_way_in_remains(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // No password: WeChat and Weibo are the only ways in.
    let owner = user("no_password")
        .email(Some("np@example.com"))
        .create(&app)
        .await;
    let wechat = bind(
        &app,
        owner.id,
        "wechat",
        "o6_wechatopenid00000000000003",
        "微信甲",
    )
    .await;
    let weibo = bind(&app, owner.id, "weibo", "5000000003", "微博甲").await;
    let token = app.token_for(&owner);

    // Weibo remains: WeChat may go.
    let (status, body) = delete_as(&app, "/api/users/me/bindings/wechat", &token).await;
    assert_eq!(status, 204, "{body}");
    assert!(
        social_bindings::Entity::find_by_id(wechat.id)
            .one(&app.db)
            .await
            .expect("query")
            .is_none()
    );
    let (_, me) = app.me(&token).await;
    assert!(me["bindings"]["wechat"].is_null());
    assert_eq!(me["bindings"]["weibo"]["nickname"], "微博甲");

    // Weibo is the last way in now.
    let answer = delete_as(&app, "/api/users/me/bindings/weibo", &token).await;
    assert_error(&answer, 409, "last_login_method");
    assert!(
        answer.1["message"]
            .as_str()
            .unwrap_or_default()
            .contains("微博"),
        "{}",
        answer.1
    );
    assert!(
        social_bindings::Entity::find_by_id(weibo.id)
            .one(&app.db)
            .await
            .expect("query")
            .is_some(),
        "the last binding stays"
    );
    // Providers without a binding: their own code (the way in is there: Weibo).
    assert_error(
        delete_as(&app, "/api/users/me/bindings/wechat", &token).await,
        404,
        "wechat_not_bound",
    );
    assert_error(
        delete_as(&app, "/api/users/me/bindings/qq", &token).await,
        404,
        "qq_not_bound",
    );
    assert_error(
        delete_as(&app, "/api/users/me/bindings/twitter", &token).await,
        400,
        "invalid_request",
    );

    // The owner was told, naming the provider; the unbind is audited with it.
    let mails = app.mails_to("np@example.com", 1).await;
    assert_eq!(
        mails[0]["subject"], "【荏苒】你的账号解除了微信绑定",
        "{mails:?}"
    );
    assert!(
        mails[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("解除了与微信账号“微信甲”的绑定"),
        "{mails:?}"
    );
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("qq_binding.unbind"))
        .all(&app.db)
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].target_id, wechat.id.to_string());
    let details = audit[0].details.clone().expect("details");
    assert_eq!(details["provider"], "wechat", "{details}");
    assert_eq!(details["user_id"], owner.id);

    // With a password, the last binding may go too.
    let with_password = user("has_password")
        .password("a-good-password-2")
        .create(&app)
        .await;
    bind(&app, with_password.id, "weibo", "5000000004", "微博乙").await;
    let token = app.token_for(&with_password);
    let (status, body) = delete_as(&app, "/api/users/me/bindings/weibo", &token).await;
    assert_eq!(status, 204, "{body}");
    assert_error(
        delete_as(&app, "/api/users/me/bindings/weibo", &token).await,
        404,
        "weibo_not_bound",
    );

    // QQ as before: without a password and another binding, 409 even when none is bound.
    let qq_only = user("qq_only").create(&app).await;
    bind(
        &app,
        qq_only.id,
        "qq",
        "QQOPENID0000000000000000000000BB",
        "QQ乙",
    )
    .await;
    let qq_token = app.token_for(&qq_only);
    let answer = delete_as(&app, "/api/users/me/bindings/qq", &qq_token).await;
    assert_error(&answer, 409, "last_login_method");
    assert_eq!(answer.1["message"], "请先设置密码，再解除 QQ 绑定");
    let nothing = user("nothing_bound").create(&app).await;
    assert_error(
        delete_as(&app, "/api/users/me/bindings/qq", &app.token_for(&nothing)).await,
        409,
        "last_login_method",
    );
    // A QQ binding goes while a WeChat one remains.
    bind(
        &app,
        qq_only.id,
        "wechat",
        "o6_wechatopenid00000000000005",
        "微信乙",
    )
    .await;
    let (status, body) = delete_as(&app, "/api/users/me/bindings/qq", &qq_token).await;
    assert_eq!(status, 204, "{body}");
}

/// A token event of `binding`, at `at`.
async fn event(app: &TestApp, binding: &social_bindings::Model, kind: &str, at: DateTime<Utc>) {
    binding_token_events::ActiveModel {
        binding_id: Set(binding.id),
        provider: Set(binding.provider.clone()),
        kind: Set(kind.into()),
        at: Set(at),
        detail: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("event");
}

async fn staff(app: &TestApp) -> (users::Model, String) {
    let admin = user("the_admin").staff(true).create(app).await;
    let token = app.token_for(&admin);
    (admin, token)
}

async fn admin_lists_filters_counts_and_refreshes_per_provider(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, admin) = staff(&app).await;
    let owner = user("many_bindings")
        .email(Some("mb@example.com"))
        .password("a-good-password-3")
        .create(&app)
        .await;
    let qq = bind(
        &app,
        owner.id,
        "qq",
        "QQOPENID0000000000000000000000CC",
        "QQ丙",
    )
    .await;
    let wechat = bind(
        &app,
        owner.id,
        "wechat",
        "o6_wechatopenid00000000000006",
        "微信丙",
    )
    .await;
    let weibo = bind(&app, owner.id, "weibo", "5000000006", "微博丙").await;
    let other = user("one_binding").create(&app).await;
    let wechat2 = bind(
        &app,
        other.id,
        "wechat",
        "o6_wechatopenid00000000000007",
        "微信丁",
    )
    .await;

    // Every provider, each row naming its own.
    let (status, page) = app.get_as("/api/admin/bindings", &admin).await;
    assert_eq!(status, 200, "{page}");
    let providers = |page: &Value| -> Vec<(i64, String)> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|r| {
                (
                    r["id"].as_i64().expect("id"),
                    r["provider"].as_str().expect("provider").to_owned(),
                )
            })
            .collect()
    };
    let mut all = providers(&page);
    all.sort();
    assert_eq!(
        all,
        vec![
            (qq.id, "qq".to_owned()),
            (wechat.id, "wechat".to_owned()),
            (weibo.id, "weibo".to_owned()),
            (wechat2.id, "wechat".to_owned()),
        ]
    );
    assert_eq!(page["total"], 4);

    // One provider; with every sort (keyset pages included).
    for sort in [
        "-bound_at",
        "token_expires_at",
        "-last_login_at",
        "qq_nickname",
    ] {
        let (status, page) = app
            .get_as(
                &format!("/api/admin/bindings?provider=wechat&sort={sort}&per_page=1"),
                &admin,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total"], 2, "{sort}: {page}");
        let mut seen = providers(&page);
        let cursor = page["next_cursor"]
            .as_str()
            .expect("a second page")
            .to_owned();
        let (_, next) = app
            .get_as(
                &format!(
                    "/api/admin/bindings?provider=wechat&sort={sort}&per_page=1&cursor={cursor}"
                ),
                &admin,
            )
            .await;
        seen.extend(providers(&next));
        seen.sort();
        assert_eq!(
            seen,
            vec![(wechat.id, "wechat".into()), (wechat2.id, "wechat".into())],
            "{sort}"
        );
    }
    let (_, page) = app
        .get_as("/api/admin/bindings?provider=weibo", &admin)
        .await;
    assert_eq!(providers(&page), vec![(weibo.id, "weibo".to_owned())]);
    assert_error(
        app.get_as("/api/admin/bindings?provider=msn", &admin).await,
        400,
        "invalid_request",
    );
    // Search by a subject or unionid finds the binding at any provider.
    for q in ["o6_wechatopenid00000000000006", "5000000006"] {
        let (_, page) = app
            .get_as(&format!("/api/admin/bindings?q={q}"), &admin)
            .await;
        assert_eq!(providers(&page).len(), 1, "{q}: {page}");
    }
    let (_, page) = app
        .get_as("/api/admin/bindings?q=5000000006&provider=wechat", &admin)
        .await;
    assert!(providers(&page).is_empty(), "{page}");

    // The drawer: the binding's own history, in its provider's words.
    let now = Utc::now();
    event(&app, &wechat, "bound", now - Duration::minutes(3)).await;
    event(&app, &wechat, "login", now - Duration::minutes(2)).await;
    event(&app, &wechat2, "bound", now - Duration::minutes(2)).await;
    event(&app, &weibo, "bound", now - Duration::minutes(1)).await;
    event(&app, &qq, "bound", now - Duration::minutes(1)).await;
    event(&app, &qq, "login", now - Duration::minutes(1)).await;
    event(&app, &qq, "login", now).await;
    let (status, drawer) = app
        .get_as(&format!("/api/admin/bindings/{}", wechat.id), &admin)
        .await;
    assert_eq!(status, 200, "{drawer}");
    assert_eq!(drawer["provider"], "wechat");
    let events = drawer["token_events"].as_array().expect("events");
    assert_eq!(events.len(), 2, "only its own: {drawer}");
    assert_eq!(events[0]["summary"], "微信登录");
    assert_eq!(events[1]["summary"], "绑定微信");

    // Daily statistics per provider (today, Beijing time).
    let (status, stats) = app.get_as("/api/admin/stats/daily?days=1", &admin).await;
    assert_eq!(status, 200, "{stats}");
    let today = &stats["days"][0];
    assert_eq!(today["logins"], 7, "{stats}");
    assert_eq!(today["new_bindings"], 4, "{stats}");
    let by = &today["by_provider"];
    assert_eq!(by["qq"]["logins"], 3, "{stats}");
    assert_eq!(by["qq"]["new_bindings"], 1);
    assert_eq!(by["wechat"]["logins"], 3);
    assert_eq!(by["wechat"]["new_bindings"], 2);
    assert_eq!(by["weibo"]["logins"], 1);
    assert_eq!(by["weibo"]["new_bindings"], 1);

    // Refresh now: WeChat through WeChat's own job, Weibo refused (no refresh grant).
    let (status, queued) = app
        .post_as(
            &format!("/api/admin/bindings/{}/refresh", wechat.id),
            &admin,
            &Value::Null,
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    let job = passport::entities::jobs::Entity::find_by_id(queued["job_id"].as_i64().expect("job"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the job");
    assert_eq!(job.kind, "wechat_token_refresh");
    assert_eq!(job.payload["binding_id"], wechat.id);
    let (_, jobs) = app.get_as("/api/admin/jobs", &admin).await;
    let listed = jobs["items"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["id"] == queued["job_id"])
        .expect("listed")
        .clone();
    assert_eq!(listed["kind"], "wechat_token_refresh");
    assert_eq!(listed["binding_id"], wechat.id);
    let answer = app
        .post_as(
            &format!("/api/admin/bindings/{}/refresh", weibo.id),
            &admin,
            &Value::Null,
        )
        .await;
    assert_error(&answer, 409, "binding_not_refreshable");

    // The user page lists every binding of the user.
    let (status, detail) = app
        .get_as(&format!("/api/admin/users/{}", owner.id), &admin)
        .await;
    assert_eq!(status, 200, "{detail}");
    let listed: Vec<&str> = detail["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .map(|b| b["provider"].as_str().expect("provider"))
        .collect();
    assert_eq!(listed, ["qq", "wechat", "weibo"]);
    assert_eq!(detail["qq"]["id"], qq.id);

    // Staff unbind any provider; the owner hears which.
    let (status, body) = app
        .call(
            Method::DELETE,
            &format!("/api/admin/bindings/{}?reason=违规", weibo.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let mails = app.mails_to("mb@example.com", 1).await;
    assert_eq!(
        mails[0]["subject"], "【荏苒】工作人员解除了你的微博绑定",
        "{mails:?}"
    );
    let (_, page) = app
        .get_as("/api/admin/bindings?provider=weibo", &admin)
        .await;
    assert!(providers(&page).is_empty());
}

/// A WeChat or Weibo binding's tokens are sealed for `"{provider}:{subject}"` (QQ's for the
/// openid, as always): they never open as another provider's, and a key rotation re-seals them
/// for the same owner.
async fn tokens_are_sealed_for_their_provider_and_rotated_for_it(backend: Backend) {
    const KEY_ONE: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const KEY_TWO: &str = "2222222222222222222222222222222222222222222222222222222222222222";
    let Some(app) = TestApp::spawn_with(backend, |env| {
        env.insert("PASSPORT_TOKEN_KEY".into(), KEY_ONE.into());
    })
    .await
    else {
        return;
    };
    let owner = user("sealed_owner").create(&app).await;
    let wechat = bind(
        &app,
        owner.id,
        "wechat",
        "o6_wechatopenid00000000000009",
        "微信",
    )
    .await;
    let weibo = bind(&app, owner.id, "weibo", "5000000009", "微博").await;
    let one = TokenCipher::new(&passport::config::TokenKey::parse(KEY_ONE).expect("key"));
    for b in [&wechat, &weibo] {
        assert_eq!(b.token_owner(), format!("{}:{}", b.provider, b.subject));
        assert!(
            one.decrypt(TokenField::QqAccessToken, &b.subject, &b.access_token_enc)
                .is_err(),
            "not under the bare subject"
        );
        assert!(
            one.decrypt(
                TokenField::QqAccessToken,
                &format!("qq:{}", b.subject),
                &b.access_token_enc
            )
            .is_err(),
            "not as another provider's"
        );
    }
    let rotated = TokenCipher::with_old_keys(
        &passport::config::TokenKey::parse(KEY_TWO).expect("key"),
        &[passport::config::TokenKey::parse(KEY_ONE).expect("key")],
    );
    for b in [&wechat, &weibo] {
        assert_eq!(
            passport::accounts::key_rotation::rotate_binding(&app.db, &rotated, b)
                .await
                .expect("rotate"),
            passport::accounts::key_rotation::RowRotation::Rotated
        );
        let after = social_bindings::Entity::find_by_id(b.id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("binding");
        assert!(rotated.is_current(&after.access_token_enc));
        let only_two = TokenCipher::new(&passport::config::TokenKey::parse(KEY_TWO).expect("key"));
        assert_eq!(
            only_two
                .decrypt(
                    TokenField::QqAccessToken,
                    &after.token_owner(),
                    &after.access_token_enc
                )
                .expect("opens for its owner under the new key"),
            "an-access-token"
        );
        if let Some(refresh) = after.refresh_token_enc.as_deref() {
            assert_eq!(
                only_two
                    .decrypt(TokenField::QqRefreshToken, &after.token_owner(), refresh)
                    .expect("refresh token too"),
                "a-refresh-token"
            );
        }
    }
}

on_both_backends!(
    tokens_are_sealed_for_their_provider_and_rotated_for_it,
    me_lists_every_binding_with_its_provider,
    a_binding_goes_while_another_way_in_remains,
    admin_lists_filters_counts_and_refreshes_per_provider,
);

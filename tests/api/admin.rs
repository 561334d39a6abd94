//! The admin API (issue #7) over HTTP, on SQLite and PostgreSQL: the bindings list (masking,
//! search, status filters, sorts, keyset and numbered pages), the drawer (whole openid, token
//! history, audit, never a token), refresh-now, unbind, the job queue, daily statistics, and the
//! 403 walk over every `/admin` path of the spec.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use passport::entities::{audit_log, jobs as job_rows, social_bindings, users};
use passport::jobs::{self, NewJob};
use reqwest::{Method, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Statement,
};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_error, assert_error_in, user};

const PASSWORD: &str = "correct-horse-9";
/// Stand-ins for the encrypted token columns; they must never appear in an answer.
const ACCESS_ENC: &str = "SECRET-ACCESS-CIPHERTEXT";
const REFRESH_ENC: &str = "SECRET-REFRESH-CIPHERTEXT";

async fn make_user(app: &TestApp, username: &str, staff: bool) -> users::Model {
    user(username)
        .email(Some(&format!("{username}@example.com")))
        .avatar(format!("https://img.example.com/{username}.png"))
        .staff(staff)
        .at(jobs::now())
        .create(app)
        .await
}

/// A staff user and their JWT.
async fn admin(app: &TestApp) -> (users::Model, String) {
    let user = make_user(app, "admin", true).await;
    let token = app.token_for(&user);
    (user, token)
}

struct NewBinding<'a> {
    username: &'a str,
    openid: &'a str,
    qq_nickname: &'a str,
    bound_at: DateTime<Utc>,
    expires_in: Duration,
    refresh_failed: bool,
}

impl<'a> NewBinding<'a> {
    fn new(username: &'a str, openid: &'a str, qq_nickname: &'a str) -> Self {
        Self {
            username,
            openid,
            qq_nickname,
            bound_at: jobs::now() - Duration::days(1),
            expires_in: Duration::days(60),
            refresh_failed: false,
        }
    }
}

async fn make_binding(app: &TestApp, b: NewBinding<'_>) -> social_bindings::Model {
    let user = make_user(app, b.username, false).await;
    social_bindings::ActiveModel {
        provider: Set("qq".into()),
        user_id: Set(user.id),
        subject: Set(b.openid.to_owned()),
        unionid: Set(Some(format!("UID{}", b.openid))),
        nickname: Set(b.qq_nickname.to_owned()),
        avatar: Set(format!("https://thirdqq.qlogo.cn/g?k={}", b.username)),
        access_token_enc: Set(ACCESS_ENC.to_owned()),
        refresh_token_enc: Set(Some(REFRESH_ENC.to_owned())),
        token_expires_at: Set(jobs::now() + b.expires_in),
        token_version: Set(0),
        refresh_status: Set(if b.refresh_failed {
            "refresh_failed"
        } else {
            "ok"
        }
        .to_owned()),
        refresh_error: Set(b
            .refresh_failed
            .then(|| "100015 refresh token is illegal".into())),
        last_refreshed_at: Set(None),
        bound_at: Set(b.bound_at),
        last_login_at: Set(Some(b.bound_at)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert binding")
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

async fn list_ids(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let (status, body) = app
        .get_as(&format!("/api/admin/bindings?{query}"), token)
        .await;
    assert_eq!(status, 200, "{query}: {body}");
    ids(&body)
}

/// Every key anywhere in a JSON value.
fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

fn assert_no_tokens(body: &Value) {
    let text = body.to_string();
    assert!(
        !text.contains(ACCESS_ENC) && !text.contains(REFRESH_ENC),
        "{text}"
    );
    let mut all = BTreeSet::new();
    keys(body, &mut all);
    for key in &all {
        assert!(
            !key.contains("access") && !key.contains("refresh_token") && !key.ends_with("_enc"),
            "a token field leaked: {key} in {text}"
        );
    }
}

// --- The list -----------------------------------------------------------------------------

async fn staff_sees_bindings_with_masked_openids(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = admin(&app).await;
    let openid = "D5A3C1B9E7F2A4C6E8B0D2F4A6C8E0B2";
    let made = make_binding(&app, NewBinding::new("xiaoming", openid, "小明")).await;
    make_binding(
        &app,
        NewBinding::new("xiaohong", "A1B2C3D4E5F60718293A4B5C6D7E8F90", "小红"),
    )
    .await;

    let (status, body) = app.get_as("/api/admin/bindings", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 2);
    assert_eq!(body["total_kind"], "exact");
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 20);
    assert!(body["next_cursor"].is_null());
    let item = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == made.id)
        .expect("the binding is listed")
        .clone();
    assert_eq!(item["openid_masked"], "D5A3…E0B2");
    assert_eq!(item["user"]["username"], "xiaoming");
    assert_eq!(item["user"]["nickname"], "昵称xiaoming");
    assert_eq!(
        item["user"]["avatar"],
        "https://img.example.com/xiaoming.png"
    );
    assert_eq!(item["qq_nickname"], "小明");
    assert_eq!(item["qq_avatar"], "https://thirdqq.qlogo.cn/g?k=xiaoming");
    assert_eq!(item["has_unionid"], true);
    assert_eq!(item["status"], "fresh");
    assert!(item["bound_at"].is_string() && item["last_login_at"].is_string());
    assert!(item["token_expires_at"].is_string());
    assert!(
        item.get("openid").is_none() && item.get("unionid").is_none(),
        "{item}"
    );
    assert!(
        !body.to_string().contains(openid),
        "whole openid in the list: {body}"
    );
    assert!(
        !body.to_string().contains(&format!("UID{openid}")),
        "unionid in the list"
    );
    assert_no_tokens(&body);
}

async fn search_by_nickname_username_and_exact_openid(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = admin(&app).await;
    let ming = make_binding(
        &app,
        NewBinding::new("xiaoming", "OPENID00000000000000000000000001", "小明"),
    )
    .await;
    let hong = make_binding(
        &app,
        NewBinding::new("xiaohong", "OPENID00000000000000000000000002", "小红"),
    )
    .await;
    let wang = make_binding(
        &app,
        NewBinding::new("laowang", "OPENID00000000000000000000000003", "隔壁老王"),
    )
    .await;

    let search = |q: &str| {
        let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
        format!("q={q}")
    };
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };
    // QQ nickname prefix.
    assert_eq!(list_ids(&app, &token, &search("小")).await.len(), 2);
    assert_eq!(list_ids(&app, &token, &search("小红")).await, vec![hong.id]);
    assert_eq!(list_ids(&app, &token, &search("隔壁")).await, vec![wang.id]);
    // Username prefix.
    assert_eq!(
        sorted(list_ids(&app, &token, &search("xiao")).await),
        sorted(vec![ming.id, hong.id])
    );
    assert_eq!(
        list_ids(&app, &token, &search("laowang")).await,
        vec![wang.id]
    );
    // The user's own nickname prefix.
    assert_eq!(
        list_ids(&app, &token, &search("昵称laow")).await,
        vec![wang.id]
    );
    // Exact openid and unionid; a partial openid or another case finds nothing.
    assert_eq!(
        list_ids(&app, &token, &search("OPENID00000000000000000000000002")).await,
        vec![hong.id]
    );
    assert_eq!(
        list_ids(&app, &token, &search("UIDOPENID00000000000000000000000003")).await,
        vec![wang.id]
    );
    assert!(
        list_ids(&app, &token, &search("openid00000000000000000000000002"))
            .await
            .is_empty()
    );
    assert!(list_ids(&app, &token, &search("nobody")).await.is_empty());
    // Blank means no search.
    assert_eq!(list_ids(&app, &token, "q=%20%20").await.len(), 3);
    // Search combines with a status filter.
    assert_eq!(
        list_ids(&app, &token, &format!("{}&status=expired", search("xiao"))).await,
        Vec::<i64>::new()
    );

    let (status, body) = app
        .get_as(
            &format!("/api/admin/bindings?{}", search(&"x".repeat(200))),
            &token,
        )
        .await;
    assert_error((status, &body), 400, "query_too_long");
}

async fn status_filters(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = admin(&app).await;
    let make = |name: &'static str, expires_in: Duration, failed: bool| {
        let app = &app;
        async move {
            let mut b = NewBinding::new(name, name, name);
            b.expires_in = expires_in;
            b.refresh_failed = failed;
            make_binding(app, b).await.id
        }
    };
    let fresh = make("fresh_one_000001", Duration::days(30), false).await;
    let expiring = make("expiring_0000001", Duration::days(3), false).await;
    let expired = make("expired_00000001", Duration::days(-2), false).await;
    let failed = make("failed_000000001", Duration::days(3), true).await;
    let failed_expired = make("failed_000000002", Duration::days(-3), true).await;

    for (status, expected) in [
        ("fresh", vec![fresh]),
        ("expiring", vec![expiring]),
        ("expired", vec![expired]),
        ("refresh_failed", vec![failed, failed_expired]),
    ] {
        let (code, body) = app
            .get_as(
                &format!("/api/admin/bindings?status={status}&sort=bound_at"),
                &token,
            )
            .await;
        assert_eq!(code, 200, "{body}");
        let mut got = ids(&body);
        got.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(got, expected, "status={status}");
        for item in body["items"].as_array().expect("items") {
            assert_eq!(item["status"], status, "{item}");
        }
        assert_eq!(body["total"], expected.len() as i64);
    }
    let (code, body) = app.get_as("/api/admin/bindings?status=stale", &token).await;
    assert_error((code, &body), 400, "invalid_request");
    // refresh_failed shows why.
    let (_, body) = app
        .get_as("/api/admin/bindings?status=refresh_failed", &token)
        .await;
    assert_eq!(
        body["items"][0]["refresh_error"],
        "100015 refresh token is illegal"
    );
}

async fn sorts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = admin(&app).await;
    let now = jobs::now();
    // (name, bound days ago, expires in days)
    let mut made = Vec::new();
    for (name, nick, bound, expires) in [
        ("user_b", "乙", 3, 50),
        ("user_a", "甲", 1, 10),
        ("user_c", "丙", 2, 80),
    ] {
        let mut b = NewBinding::new(name, name, nick);
        b.bound_at = now - Duration::days(bound);
        b.expires_in = Duration::days(expires);
        made.push(make_binding(&app, b).await);
    }
    let (b, a, c) = (made[0].id, made[1].id, made[2].id);
    assert_eq!(
        list_ids(&app, &token, "").await,
        vec![a, c, b],
        "newest bound first"
    );
    // qq_nickname: UTF-8 byte order, 丙 (E4 B8 99) < 乙 (E4 B9 99) < 甲 (E7 94 B2).
    for (sort, expected) in [
        ("sort=-bound_at", vec![a, c, b]),
        ("sort=bound_at", vec![b, c, a]),
        ("sort=token_expires_at", vec![a, b, c]),
        ("sort=-token_expires_at", vec![c, b, a]),
        ("sort=-last_login_at", vec![a, c, b]),
        ("sort=last_login_at", vec![b, c, a]),
        ("sort=qq_nickname", vec![c, b, a]),
        ("sort=-qq_nickname", vec![a, b, c]),
    ] {
        assert_eq!(list_ids(&app, &token, sort).await, expected, "{sort}");
    }
    let (status, body) = app.get_as("/api/admin/bindings?sort=openid", &token).await;
    assert_eq!(status, 400, "{body}");
}

/// Walk every page by cursor; every row exactly once, in order.
async fn walk(app: &TestApp, token: &str, query: &str, per_page: u64) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut path = format!("/api/admin/bindings?{query}&per_page={per_page}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, body) = app.get_as(&path, token).await;
        assert_eq!(status, 200, "{path}: {body}");
        let page = ids(&body);
        assert!(page.len() as u64 <= per_page);
        seen.extend(page);
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return seen,
        }
    }
    panic!("cursor walk did not end");
}

async fn keyset_pages_cover_every_row_exactly_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = admin(&app).await;
    let base = jobs::now() - Duration::days(10);
    let mut all = Vec::new();
    for n in 0..23 {
        let name = format!("walker{n:02}");
        let openid = format!("WALK{n:028}");
        // Ties on every sort key: groups of three share their bound time, expiry and nickname.
        let nick = format!("同名{}", n / 3);
        let mut b = NewBinding::new(&name, &openid, &nick);
        b.bound_at = base + Duration::hours(n / 3);
        b.expires_in = Duration::days(20 + n / 3);
        all.push(make_binding(&app, b).await.id);
    }
    all.sort();
    for sort in [
        "-bound_at",
        "bound_at",
        "token_expires_at",
        "-token_expires_at",
        "last_login_at",
        "-last_login_at",
        "qq_nickname",
        "-qq_nickname",
    ] {
        let walked = walk(&app, &token, &format!("sort={sort}"), 5).await;
        let mut sorted = walked.clone();
        sorted.sort();
        assert_eq!(
            sorted, all,
            "sort={sort}: every row exactly once, got {walked:?}"
        );
        // The same order as one big page.
        assert_eq!(
            walked,
            list_ids(&app, &token, &format!("sort={sort}&per_page=100")).await,
            "sort={sort}"
        );
        // Numbered pages give the same order.
        let mut paged = Vec::new();
        for page in 1..=5 {
            paged.extend(
                list_ids(&app, &token, &format!("sort={sort}&per_page=5&page={page}")).await,
            );
        }
        assert_eq!(paged, walked, "sort={sort}: pages");
    }
    // A filtered walk covers the filtered rows.
    assert_eq!(walk(&app, &token, "q=walker1", 3).await.len(), 10);

    // Cursors are checked: junk, or one from another sort.
    let (_, body) = app
        .get_as("/api/admin/bindings?per_page=5&sort=bound_at", &token)
        .await;
    let cursor = body["next_cursor"].as_str().expect("cursor").to_owned();
    for path in [
        format!("/api/admin/bindings?cursor={cursor}&sort=qq_nickname"),
        "/api/admin/bindings?cursor=bm90LWEtY3Vyc29y".to_owned(),
        "/api/admin/bindings?cursor=%%%".to_owned(),
    ] {
        let (status, body) = app.get_as(&path, &token).await;
        assert_error_in(
            (status, &body),
            400,
            "invalid_cursor",
            format_args!("{path}"),
        );
    }
    for (query, code) in [
        ("page=0", "invalid_page"),
        ("per_page=0", "invalid_per_page"),
        ("per_page=101", "invalid_per_page"),
    ] {
        let (status, body) = app
            .get_as(&format!("/api/admin/bindings?{query}"), &token)
            .await;
        assert_error_in((status, &body), 400, code, format_args!("{query}"));
    }
    // Past the end: an empty page, no cursor.
    let (_, body) = app.get_as("/api/admin/bindings?page=99", &token).await;
    assert_eq!(ids(&body), Vec::<i64>::new());
    assert!(body["next_cursor"].is_null());
    assert_eq!(body["total"], 23);
}

// --- The drawer, refresh-now, unbind --------------------------------------------------------

/// A real QQ login of `sim_user` that binds the existing account `username`, then a second QQ
/// login: the binding then has a `bound` and a `login` event. Returns the binding.
async fn bind_over_qq(app: &TestApp, username: &str, sim_user: &str) -> social_bindings::Model {
    let password = passport::domain::Password::parse(PASSWORD).expect("password");
    let hash = passport::crypto::PasswordHasher::owasp()
        .hash(&password)
        .await
        .expect("hash");
    let user = make_user(app, username, false).await;
    let mut active: users::ActiveModel = user.clone().into();
    active.password_hash = Set(Some(hash));
    active.update(&app.db).await.expect("set password");

    let callback = || async {
        let login = crate::qq_login::start_login(app, "/").await;
        let code = app.sim_code(sim_user).await;
        login.finish(app, &code).await
    };
    let (status, body) = callback().await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("bind_required")),
        "{body}"
    );
    let (status, body) = app
        .post(
            "/api/oauth/qq/bind",
            &json!({"bind_ticket": body["bind_ticket"], "account": username, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = callback().await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("logged_in")),
        "{body}"
    );
    social_bindings::Entity::find()
        .filter(social_bindings::Column::UserId.eq(user.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("bound")
}

async fn detail_shows_the_whole_openid_history_and_audit_but_no_token(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim_and(backend, |env| {
        // The refresh queued below stays queued: the history checked is the login's.
        env.insert("PASSPORT_JOB_CONCURRENCY".into(), "0".into());
    })
    .await
    else {
        return;
    };
    let (admin_user, token) = admin(&app).await;
    let binding = bind_over_qq(&app, "laowang", "laowang").await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/admin/bindings/{}/refresh", binding.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 202, "{body}");

    let (status, body) = app
        .get_as(&format!("/api/admin/bindings/{}", binding.id), &token)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], binding.id);
    assert_eq!(body["openid"], binding.subject.as_str());
    assert_eq!(
        body["openid_masked"],
        passport::domain::open_id::mask(&binding.subject)
    );
    assert_eq!(body["unionid"], json!(binding.unionid));
    assert_eq!(body["user"]["username"], "laowang");
    assert_eq!(body["status"], "fresh");
    assert_eq!(body["token_version"], binding.token_version);
    let kinds: Vec<&str> = body["token_events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, vec!["login", "bound"], "newest first: {body}");
    // In Chinese with Beijing time for the panel, and the expiry as data (issue 16).
    let login = &body["token_events"][0];
    let summary = login["summary"].as_str().expect("summary");
    assert!(
        summary.starts_with("QQ 登录，QQ 令牌有效期至 ") && summary.ends_with("（北京时间 UTC+8）"),
        "{summary}"
    );
    assert!(!summary.contains("UTC "), "{summary}");
    assert!(login["token_expires_at"].is_string(), "{login}");
    assert_eq!(body["audit"][0]["action"], "qq_binding.refresh");
    assert_eq!(body["audit"][0]["actor"]["id"], admin_user.id);
    assert_eq!(body["audit"][0]["actor"]["username"], "admin");

    // No token in any form: neither a field nor a stored ciphertext nor the tokens themselves.
    let raw = body.to_string();
    assert!(!raw.contains(&binding.access_token_enc), "{raw}");
    if let Some(refresh) = &binding.refresh_token_enc {
        assert!(!raw.contains(refresh.as_str()), "{raw}");
    }
    assert_no_tokens(&body);

    let (status, body) = app.get_as("/api/admin/bindings/999999", &token).await;
    assert_error((status, &body), 404, "binding_not_found");
}

async fn refresh_now_enqueues_one_job_and_audits(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        // No job runs here: the queue's content is what this test looks at.
        env.insert("PASSPORT_JOB_CONCURRENCY".into(), "0".into());
    })
    .await
    else {
        return;
    };
    let (admin_user, token) = admin(&app).await;
    let binding = make_binding(
        &app,
        NewBinding::new("xiaoming", "OPENID_REFRESH_00000000000000001", "小明"),
    )
    .await;
    let path = format!("/api/admin/bindings/{}/refresh", binding.id);
    let (status, first) = app.call(Method::POST, &path, Some(&token), None).await;
    assert_eq!(status, 202, "{first}");
    assert_eq!(first["already_queued"], false);
    let (status, second) = app.call(Method::POST, &path, Some(&token), None).await;
    assert_eq!(status, 202, "{second}");
    assert_eq!(second["already_queued"], true);
    assert_eq!(second["job_id"], first["job_id"]);

    let live = job_rows::Entity::find()
        .filter(job_rows::Column::Kind.eq("qq_token_refresh"))
        .all(&app.db)
        .await
        .expect("jobs");
    assert_eq!(live.len(), 1, "one live job");
    assert_eq!(live[0].id, first["job_id"].as_i64().expect("id"));
    assert_eq!(
        live[0].payload,
        json!({"kind": "qq_token_refresh", "binding_id": binding.id})
    );
    assert_eq!(
        live[0].unique_key.as_deref(),
        Some(format!("qq_token_refresh:{}", binding.id).as_str())
    );

    let audits = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("qq_binding.refresh"))
        .all(&app.db)
        .await
        .expect("audit");
    assert_eq!(audits.len(), 2, "each request audited");
    assert!(audits.iter().all(|a| a.actor_user_id == Some(admin_user.id)
        && a.target_type == "qq_binding"
        && a.target_id == binding.id.to_string()));

    let (status, body) = app
        .call(
            Method::POST,
            "/api/admin/bindings/999999/refresh",
            Some(&token),
            None,
        )
        .await;
    assert_error((status, &body), 404, "binding_not_found");
    assert_eq!(
        job_rows::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1
    );
}

async fn unbind_needs_a_reason_deletes_and_audits(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (admin_user, token) = admin(&app).await;
    let binding = make_binding(
        &app,
        NewBinding::new("xiaoming", "OPENID_UNBIND_000000000000000001", "小明"),
    )
    .await;
    let path = format!("/api/admin/bindings/{}", binding.id);
    for query in ["", "?reason=", "?reason=%20%20"] {
        let (status, body) = app
            .call(
                Method::DELETE,
                &format!("{path}{query}"),
                Some(&token),
                None,
            )
            .await;
        assert_error_in(
            (status, &body),
            400,
            "reason_required",
            format_args!("{query}"),
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1,
        "nothing deleted"
    );

    let reason = "用户申诉：QQ 被盗";
    let encoded: String = url::form_urlencoded::byte_serialize(reason.as_bytes()).collect();
    let response = app
        .client
        .delete(app.url(&format!("{path}?reason={encoded}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(response.status(), 204);
    assert_eq!(
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    assert_eq!(
        users::Entity::find().count(&app.db).await.expect("count"),
        2,
        "the account stays"
    );

    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("qq_binding.unbind"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("audited");
    assert_eq!(audit.actor_user_id, Some(admin_user.id));
    assert_eq!(audit.target_type, "qq_binding");
    assert_eq!(audit.target_id, binding.id.to_string());
    assert_eq!(audit.reason.as_deref(), Some(reason));
    let details = audit.details.expect("details");
    assert_eq!(details["user_id"], binding.user_id);
    assert_eq!(details["openid"], "OPEN…0001", "masked");

    let (status, body) = app
        .call(
            Method::DELETE,
            &format!("{path}?reason=again"),
            Some(&token),
            None,
        )
        .await;
    assert_error((status, &body), 404, "binding_not_found");
}

// --- Jobs -------------------------------------------------------------------------------------

async fn jobs_are_listed_by_state_and_retried(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |env| {
        // No job runs here: the queue's content is what this test looks at.
        env.insert("PASSPORT_JOB_CONCURRENCY".into(), "0".into());
    })
    .await
    else {
        return;
    };
    let (admin_user, token) = admin(&app).await;
    let dead = jobs::enqueue(&app.db, NewJob::qq_token_refresh(4242))
        .await
        .expect("enqueue")
        .id()
        .expect("created");
    let waiting = jobs::enqueue(
        &app.db,
        NewJob::sms(passport::sms::Sms::verification_code(
            "13800138000",
            "123456",
            5,
        )),
    )
    .await
    .expect("enqueue")
    .id()
    .expect("created");
    // Make the first one dead, as the engine does after its last attempt. (The app's own workers
    // run: the SMS job may be delivered meanwhile; only its id matters below.)
    app.db
        .execute_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "UPDATE jobs SET state = 'discarded', attempt = 25, last_error = $1, finished_at = $2 \
             WHERE id = $3",
            vec![
                "QQ 100015: refresh token is illegal".into(),
                jobs::now().into(),
                dead.into(),
            ],
        ))
        .await
        .expect("discard");

    let (status, body) = app.get_as("/api/admin/jobs?state=discarded", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["discarded"], 1);
    for state in ["available", "running", "retryable", "completed"] {
        assert!(body["counts"][state].is_i64(), "{body}");
    }
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["id"], dead);
    assert_eq!(items[0]["kind"], "qq_token_refresh");
    assert_eq!(items[0]["state"], "discarded");
    assert_eq!(items[0]["attempt"], 25);
    assert_eq!(items[0]["binding_id"], 4242);
    assert_eq!(
        items[0]["last_error"],
        "QQ 100015: refresh token is illegal"
    );
    assert!(items[0].get("payload").is_none());

    let (_, all) = app.get_as("/api/admin/jobs", &token).await;
    let all_ids: Vec<i64> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|j| j["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(all_ids, vec![waiting, dead], "newest first");
    assert!(!all.to_string().contains("123456"), "no payloads: {all}");

    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/admin/jobs/{dead}/retry"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "available");
    assert_eq!(body["attempt"], 0);
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("job.retry"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("audited");
    assert_eq!(
        (
            audit.actor_user_id,
            audit.target_type.as_str(),
            audit.target_id.clone()
        ),
        (Some(admin_user.id), "job", dead.to_string())
    );

    // A live job cannot be retried; an unknown one is 404.
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/admin/jobs/{dead}/retry"),
            Some(&token),
            None,
        )
        .await;
    assert_error((status, &body), 409, "job_not_retryable");
    let (status, body) = app
        .call(
            Method::POST,
            "/api/admin/jobs/999999/retry",
            Some(&token),
            None,
        )
        .await;
    assert_error((status, &body), 404, "job_not_found");
    let (status, _) = app.get_as("/api/admin/jobs?state=dead", &token).await;
    assert_eq!(status, 400);
}

// --- Statistics -------------------------------------------------------------------------------

async fn daily_stats_count_logins_and_new_bindings(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let (_, token) = admin(&app).await;
    bind_over_qq(&app, "laowang", "laowang").await;

    let (status, body) = app.get_as("/api/admin/stats/daily", &token).await;
    assert_eq!(status, 200, "{body}");
    let days = body["days"].as_array().expect("days");
    assert_eq!(days.len(), 30);
    assert_eq!(body["time_zone"], "Asia/Shanghai", "{body}");
    // Beijing-time days (UTC+8), the dashboard's "今日".
    let today = (Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let last = days.last().expect("today");
    assert_eq!(last["date"], today.as_str(), "{body}");
    assert_eq!(last["new_bindings"], 1, "{body}");
    assert_eq!(
        last["logins"], 2,
        "the binding login and the returning login: {body}"
    );
    assert!(
        days[..29]
            .iter()
            .all(|d| d["logins"] == 0 && d["new_bindings"] == 0)
    );
    let dates: Vec<&str> = days
        .iter()
        .map(|d| d["date"].as_str().expect("date"))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");

    // Still counted after an unbind.
    let binding = social_bindings::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("binding");
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/admin/bindings/{}?reason=test", binding.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (_, body) = app.get_as("/api/admin/stats/daily?days=1", &token).await;
    assert_eq!(body["days"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["days"][0]["new_bindings"], 1, "{body}");

    for days in ["0", "91", "x"] {
        let (status, body) = app
            .get_as(&format!("/api/admin/stats/daily?days={days}"), &token)
            .await;
        assert_eq!(status, 400, "{days}: {body}");
    }
    let (_, body) = app.get_as("/api/admin/stats/daily?days=90", &token).await;
    assert_eq!(body["days"].as_array().map(Vec::len), Some(90));

    // A login just after midnight in Beijing (16:00 UTC the day before) is today's there.
    let beijing_midnight = (Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .and_hms_opt(0, 0, 1)
        .expect("time")
        .and_utc()
        - chrono::Duration::hours(8);
    passport::accounts::token_events::record(
        &app.db,
        &binding,
        passport::accounts::token_events::TokenEventKind::Login,
        beijing_midnight,
        None,
    )
    .await
    .expect("event");
    let (_, body) = app.get_as("/api/admin/stats/daily?days=2", &token).await;
    assert_eq!(body["days"][1]["logins"], 3, "{body}");
    assert_eq!(body["days"][0]["logins"], 0, "{body}");
}

// --- Who may call -----------------------------------------------------------------------------

async fn non_staff_get_403_and_anonymous_401_on_every_admin_path(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, staff_token) = admin(&app).await;
    let binding = make_binding(
        &app,
        NewBinding::new("xiaoming", "OPENID_WALK_00000000000000000001", "小明"),
    )
    .await;
    let reader = make_user(&app, "reader", false).await;
    let reader_token = app.token_for(&reader);

    let spec: Value = serde_json::from_str(&passport::api::openapi_json()).expect("spec");
    let mut walked = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        if !path.starts_with("/admin") {
            continue;
        }
        for method in item.as_object().expect("methods").keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let url = format!("/api{}", path.replace("{id}", &binding.id.to_string()));
            let (status, body) = app
                .call(method.clone(), &url, Some(&reader_token), None)
                .await;
            assert_error_in(
                (status, &body),
                403,
                "forbidden",
                format_args!("{method} {url}"),
            );
            let (status, body) = app.call(method.clone(), &url, None, None).await;
            assert_error_in(
                (status, &body),
                401,
                "unauthorized",
                format_args!("{method} {url} without a token"),
            );
            let (status, body) = app
                .call(method.clone(), &url, Some("not-a-jwt"), None)
                .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {url}: {body}");
            // Staff pass the check (whatever the operation then answers).
            if method != Method::DELETE {
                let (status, body) = app
                    .call(method.clone(), &url, Some(&staff_token), None)
                    .await;
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{method} {url} as staff: {status} {body}"
                );
            }
            walked += 1;
        }
    }
    assert_eq!(walked, 15, "every admin operation of the spec");
    assert_eq!(
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1,
        "nothing unbound"
    );

    // Demoting a staff user takes effect at once (the user is loaded fresh for each request).
    let staff = users::Entity::find()
        .filter(users::Column::Username.eq("admin"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("admin");
    let mut active: users::ActiveModel = staff.into();
    active.is_staff = Set(false);
    active.update(&app.db).await.expect("demote");
    let (status, _) = app.get_as("/api/admin/bindings", &staff_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A short prefix matching more than 10,000 bindings takes the other plan (walk the sort index,
/// test each row); the answers must not change.
async fn broad_searches_page_like_narrow_ones(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // Users and bindings 1..=10100 as the bench makes them: binding g bound g * 30 s ago, every
    // 100th refresh_failed, usernames `reader<g>`.
    crate::bench_admin::seed(&app.db, 10_100, Utc::now().timestamp()).await;
    let (_, token) = admin(&app).await;

    let (status, first) = app
        .get_as("/api/admin/bindings?q=reader&per_page=50", &token)
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(ids(&first), (1..=50).collect::<Vec<i64>>(), "newest first");
    assert_eq!(first["total_kind"], "at_least");
    assert_eq!(first["total"], 10_000);
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let (_, second) = app
        .get_as(
            &format!("/api/admin/bindings?q=reader&per_page=50&cursor={cursor}"),
            &token,
        )
        .await;
    assert_eq!(ids(&second), (51..=100).collect::<Vec<i64>>());
    let (_, numbered) = app
        .get_as("/api/admin/bindings?q=reader&per_page=50&page=2", &token)
        .await;
    assert_eq!(ids(&numbered), ids(&second));

    // With a status filter the count is exact again.
    let (_, failed) = app
        .get_as(
            "/api/admin/bindings?q=reader&status=refresh_failed&per_page=3",
            &token,
        )
        .await;
    assert_eq!(ids(&failed), vec![100, 200, 300], "{failed}");
    assert_eq!(
        (failed["total"].as_i64(), failed["total_kind"].as_str()),
        (Some(101), Some("exact"))
    );
    // A narrow search over the same rows (sparse plan) agrees.
    assert_eq!(list_ids(&app, &token, "q=reader1234").await, vec![1234]);
    let (_, narrow) = app
        .get_as(
            "/api/admin/bindings?q=reader99&sort=bound_at&per_page=100",
            &token,
        )
        .await;
    assert_eq!(
        (narrow["total"].as_i64(), narrow["total_kind"].as_str()),
        (Some(111), Some("exact"))
    );
    // reader99, reader990..999, reader9900..9999; oldest (highest g) first.
    assert_eq!(ids(&narrow), (9900..=9999).rev().collect::<Vec<i64>>());
}

on_both_backends!(
    staff_sees_bindings_with_masked_openids,
    search_by_nickname_username_and_exact_openid,
    status_filters,
    sorts,
    keyset_pages_cover_every_row_exactly_once,
    detail_shows_the_whole_openid_history_and_audit_but_no_token,
    refresh_now_enqueues_one_job_and_audits,
    unbind_needs_a_reason_deletes_and_audits,
    jobs_are_listed_by_state_and_retried,
    daily_stats_count_logins_and_new_bindings,
    non_staff_get_403_and_anonymous_401_on_every_admin_path,
    broad_searches_page_like_narrow_ones,
);

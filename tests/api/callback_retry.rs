//! A retried QQ callback (the proxy passing it to another instance after the first died) gets the
//! first one's outcome, freshly minted, instead of 400 `state_used`; on SQLite and PostgreSQL.
//! Only the very same callback is a retry: same state, same browser, same code.

use passport::entities::{callback_replays, pending_identities};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::json_of;
use crate::helpers::{Backend, TestApp};
use crate::qq_login::{PASSWORD, existing_user, start_login};

async fn me(app: &TestApp, token: &str) -> (StatusCode, Value) {
    json_of(
        app.client
            .get(app.url("/api/users/me"))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET"),
    )
    .await
}

async fn pending_count(app: &TestApp) -> u64 {
    pending_identities::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

async fn a_retried_callback_gets_the_first_ones_outcome(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let user = existing_user(&app, "chongshi", "13700137000").await;

    // A new QQ identity: the retry names the same pending identity, in a fresh ticket.
    let login = start_login(&app, "/books/7").await;
    let code = app.sim_code("chongshi_qq").await;
    let (status, first) = login.finish(&app, &code).await;
    assert_eq!(
        (status, first["status"].as_str()),
        (StatusCode::OK, Some("bind_required")),
        "{first}"
    );
    let (status, again) = login.finish(&app, &code).await;
    assert_eq!(
        (status, again["status"].as_str()),
        (StatusCode::OK, Some("bind_required")),
        "{again}"
    );
    assert_eq!(again["profile"], first["profile"]);
    assert_eq!(again["next"], "/books/7");
    assert_eq!(pending_count(&app).await, 1, "QQ was not asked twice");

    // Another browser, or another code, with the used state is still refused.
    let (status, body) = login
        .finish_with_cookie(&app, &code, Some("passport_qq_login=not-ours"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("state_not_this_browser")),
        "{body}"
    );
    let other_code = app.sim_code("chongshi_qq").await;
    let (status, body) = login.finish(&app, &other_code).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("state_used")),
        "{body}"
    );

    // Either ticket binds, once: they name one pending identity.
    let (status, bound) = json_of(
        app.post_json(
            "/api/oauth/qq/bind",
            &json!({"bind_ticket": again["bind_ticket"], "account": "chongshi", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{bound}");
    let (status, body) = json_of(
        app.post_json(
            "/api/oauth/qq/bind",
            &json!({"bind_ticket": first["bind_ticket"], "account": "chongshi", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("bind_ticket_used")),
        "{body}"
    );
    // Bound now: a retry of that callback has nothing left to offer.
    let (status, body) = login.finish(&app, &code).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("state_used")),
        "{body}"
    );

    // A returning user: the retry logs the same user in with a working token.
    let login = start_login(&app, "/").await;
    let code = app.sim_code("chongshi_qq").await;
    let (status, first) = login.finish(&app, &code).await;
    assert_eq!(
        (status, first["status"].as_str()),
        (StatusCode::OK, Some("logged_in")),
        "{first}"
    );
    let (status, again) = login.finish(&app, &code).await;
    assert_eq!(
        (status, again["status"].as_str()),
        (StatusCode::OK, Some("logged_in")),
        "{again}"
    );
    assert_eq!(again["user"]["id"], user.id);
    let token = again["token"].as_str().expect("token");
    let (status, body) = me(&app, token).await;
    assert_eq!(
        (status, &body["id"]),
        (StatusCode::OK, &json!(user.id)),
        "{body}"
    );

    // What is kept is who the login ended as, never a credential or the code.
    let row = callback_replays::Entity::find()
        .all(&app.db)
        .await
        .expect("rows")
        .into_iter()
        .find(|r| r.user_id == Some(user.id))
        .expect("the returning login's row");
    assert_eq!(row.code_hash.len(), 64);
    assert_ne!(row.code_hash, code);
    assert!(!login.state.contains(&row.nonce_hash));

    // A locked account is not logged in by a retry either.
    let mut locked: passport::entities::users::ActiveModel = user.clone().into();
    locked.locked_at = Set(Some(chrono::Utc::now()));
    locked.update(&app.db).await.expect("lock");
    let (status, body) = login.finish(&app, &code).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let mut unlocked: passport::entities::users::ActiveModel = user.clone().into();
    unlocked.locked_at = Set(None);
    unlocked.update(&app.db).await.expect("unlock");

    // Past the replay window, a retry is a replay again.
    let mut stale: callback_replays::ActiveModel = row.into();
    stale.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    stale.update(&app.db).await.expect("age the row");
    let (status, body) = login.finish(&app, &code).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("state_used")),
        "{body}"
    );
}

/// The first instance died before it had an outcome (here: QQ failed it). The retry runs the
/// login again with the same code; QQ spends a code only once, so only one of them logs in.
async fn a_retry_after_an_unfinished_callback_logs_in_once(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let login = start_login(&app, "/").await;
    let code = app.sim_code("weiwan").await;
    app.sim_fault(
        json!({"endpoint": "token", "kind": "status", "status": 503, "probability": 1.0}),
    )
    .await;
    let (status, body) = login.finish(&app, &code).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("qq_unavailable")),
        "{body}"
    );
    app.sim_clear_faults().await;
    let (status, body) = login.finish(&app, &code).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("bind_required")),
        "{body}"
    );
    assert_eq!(pending_count(&app).await, 1);

    // Two retries racing with no outcome yet (the row's outcome erased): QQ lets one through.
    let login = start_login(&app, "/").await;
    let code = app.sim_code("weiwan2").await;
    app.sim_fault(
        json!({"endpoint": "token", "kind": "status", "status": 503, "probability": 1.0}),
    )
    .await;
    let (status, _) = login.finish(&app, &code).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    app.sim_clear_faults().await;
    let (one, two) = tokio::join!(login.finish(&app, &code), login.finish(&app, &code));
    let mut statuses = [one.0.as_u16(), two.0.as_u16()];
    statuses.sort();
    // The loser is told to log in again (QQ: code reused), or — when the winner had recorded its
    // outcome first — gets that outcome.
    assert!(
        statuses == [200, 401] || statuses == [200, 200],
        "{one:?} {two:?}"
    );
    if statuses == [200, 401] {
        let loser = if one.0 == 401 { &one.1 } else { &two.1 };
        assert_eq!(loser["code"], "qq_login_expired", "{loser}");
    }
    assert_eq!(
        pending_count(&app).await,
        2,
        "one pending identity per code"
    );
}

on_both_backends!(
    a_retried_callback_gets_the_first_ones_outcome,
    a_retry_after_an_unfinished_callback_logs_in_once,
);

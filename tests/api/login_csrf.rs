//! Login CSRF at the API, on SQLite and PostgreSQL: a QQ login `state` finishes only in the
//! browser that asked for it (its `passport_qq_login` cookie), and only once.

use passport::entities::{pending_identities, used_login_states};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::helpers::{Backend, TestApp, assert_error, assert_error_in, on_public_https};
use crate::qq_login::{start_login, start_login_in};

async fn pending_count(app: &TestApp) -> u64 {
    pending_identities::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

async fn the_authorize_answer_sets_an_http_only_lax_cookie_scoped_to_the_qq_login(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let response = app.get("/api/oauth/qq/authorize-url?next=/").await;
    assert_eq!(response.status(), 200);
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let attributes: Vec<&str> = cookies[0].split("; ").collect();
    assert!(
        attributes[0].starts_with("passport_qq_login="),
        "{cookies:?}"
    );
    for wanted in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/api/oauth/qq",
        "Max-Age=600",
    ] {
        assert!(attributes.contains(&wanted), "{wanted} in {cookies:?}");
    }
    assert!(
        !attributes.contains(&"Secure"),
        "plain http://127.0.0.1 in dev: a browser would drop a Secure cookie"
    );

    // A browser that has the cookie keeps it, so two tabs can log in side by side.
    let first = start_login(&app, "/a").await;
    let second = start_login_in(&app, "/b", Some(&first.cookie)).await;
    assert_eq!(second.cookie, first.cookie);
    for (login, user) in [(&first, "tab_one"), (&second, "tab_two")] {
        let code = app.sim_code(user).await;
        let (status, body) = login.finish(&app, &code).await;
        assert_eq!(status, 200, "{body}");
    }
}

#[tokio::test]
async fn the_login_cookie_is_secure_outside_local_http() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, on_public_https).await else {
        return;
    };
    let response = app.get("/api/oauth/qq/authorize-url").await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.split("; ").any(|a| a == "Secure"), "{cookie}");
}

async fn a_state_without_its_browsers_cookie_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    // The attacker starts a login in their own browser and tries to finish it in the victim's.
    let attackers = start_login(&app, "/").await;
    let victims = start_login(&app, "/").await;
    assert_ne!(attackers.cookie, victims.cookie);
    let code = app.sim_code("attacker").await;
    for cookie in [
        None,
        Some(victims.cookie.as_str()),
        Some("passport_qq_login=not-ours"),
        Some("other=1"),
    ] {
        let (status, body) = attackers.finish_with_cookie(&app, &code, cookie).await;
        assert_error_in(
            (status, &body),
            400,
            "state_not_this_browser",
            format_args!("cookie {cookie:?}"),
        );
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("浏览器")),
            "{body}"
        );
    }
    assert_eq!(
        pending_count(&app).await,
        0,
        "nothing reached QQ or the database"
    );
    // Neither the state nor the code was spent by the refusals.
    let (status, body) = attackers.finish(&app, &code).await;
    assert_eq!(status, 200, "{body}");
}

async fn a_replayed_state_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sim(backend).await else {
        return;
    };
    let login = start_login(&app, "/books/1").await;
    let first_code = app.sim_code("replay").await;
    let (status, body) = login.finish(&app, &first_code).await;
    assert_eq!(status, 200, "{body}");
    // The same state (same browser, even) with a second, valid code.
    let second_code = app.sim_code("replay").await;
    let (status, body) = login.finish(&app, &second_code).await;
    assert_error((status, &body), 400, "state_used");
    assert_eq!(pending_count(&app).await, 1, "only the first login");
    // Also when both race.
    let racing = start_login(&app, "/").await;
    let (a, b) = (app.sim_code("race_a").await, app.sim_code("race_b").await);
    let (one, two) = tokio::join!(racing.finish(&app, &a), racing.finish(&app, &b));
    let mut statuses = [one.0.as_u16(), two.0.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 400], "{one:?} {two:?}");
    // The refused code is untouched: a fresh state finishes it.
    let (status, body) = start_login(&app, "/")
        .await
        .finish(&app, &second_code)
        .await;
    assert_eq!(status, 200, "{body}");

    // What is stored is a keyed hash, never the state or its nonce (expired rows are the
    // pruner's: `robustness::rows_past_retention_are_pruned_and_recent_ones_stay`).
    let rows = used_login_states::Entity::find()
        .all(&app.db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 3, "three states used: {rows:?}");
    for row in &rows {
        assert_eq!(row.nonce_hash.len(), 64);
        assert!(!login.state.contains(&row.nonce_hash));
    }
}

on_both_backends!(
    the_authorize_answer_sets_an_http_only_lax_cookie_scoped_to_the_qq_login,
    a_state_without_its_browsers_cookie_is_refused,
    a_replayed_state_is_refused,
);

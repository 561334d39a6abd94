//! WeChat and Weibo sign-in over real HTTP against their simulators, on SQLite and PostgreSQL,
//! each journey once per provider: a bound user's login, bind_required → register (SMS code) and
//! → bind (password), a link from the signed-in account, each provider's error codes and token
//! lifetimes, callback replay, and a state or ticket of one provider refused by another.

use std::time::Duration;

use chrono::Utc;
use oauth_sim::fault::FaultKind;
use serde_json::{Value, json};

use crate::helpers::{Backend, Social, SocialLogin, TestApp, assert_error};
use crate::qq_login::{PASSWORD, existing_user, sms_code};

use bindings::{binding_of_subject, bindings_of_user, count_bindings, count_pending, token_events};

/// The storage side, in one place.
mod bindings {
    use passport::entities::{binding_token_events, pending_identities, social_bindings};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

    use crate::helpers::{Social, TestApp};

    pub type Binding = social_bindings::Model;

    pub async fn binding_of_subject(app: &TestApp, provider: Social, subject: &str) -> Binding {
        social_bindings::Entity::find()
            .filter(social_bindings::Column::Provider.eq(provider.name()))
            .filter(social_bindings::Column::Subject.eq(subject))
            .one(&app.db)
            .await
            .expect("query")
            .expect("a binding")
    }

    pub async fn bindings_of_user(app: &TestApp, user_id: i64) -> Vec<Binding> {
        social_bindings::Entity::find()
            .filter(social_bindings::Column::UserId.eq(user_id))
            .all(&app.db)
            .await
            .expect("query")
    }

    pub async fn count_bindings(app: &TestApp) -> u64 {
        social_bindings::Entity::find()
            .count(&app.db)
            .await
            .expect("count")
    }

    /// Pending identities of `provider`.
    pub async fn count_pending(app: &TestApp, provider: Social) -> u64 {
        pending_identities::Entity::find()
            .filter(pending_identities::Column::Provider.eq(provider.name()))
            .count(&app.db)
            .await
            .expect("count")
    }

    /// The binding's token history, oldest first: (provider, kind).
    pub async fn token_events(app: &TestApp, binding_id: i64) -> Vec<(String, String)> {
        binding_token_events::Entity::find()
            .filter(binding_token_events::Column::BindingId.eq(binding_id))
            .order_by_asc(binding_token_events::Column::Id)
            .all(&app.db)
            .await
            .expect("query")
            .into_iter()
            .map(|e| (e.provider, e.kind))
            .collect()
    }
}

const PROVIDERS: [Social; 2] = [Social::Wechat, Social::Weibo];

/// A new browser's login at `provider` for `sim_user`, start to callback.
async fn callback(app: &TestApp, provider: Social, sim_user: &str) -> (u16, Value) {
    let login = SocialLogin::begin(app, provider, "/books/7").await;
    let code = app.social_code(provider, sim_user).await;
    let (status, body) = login.finish(app, &code).await;
    (status.as_u16(), body)
}

/// A bind ticket of `provider` for `sim_user` (who has no binding there yet).
async fn ticket(app: &TestApp, provider: Social, sim_user: &str) -> String {
    let (status, body) = callback(app, provider, sim_user).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "bind_required", "{body}");
    body["bind_ticket"].as_str().expect("ticket").to_owned()
}

/// The token lifetime each provider's simulator grants our dev app.
fn access_lifetime(provider: Social) -> i64 {
    match provider {
        Social::Wechat => oauth_sim::wechat::state::ACCESS_TTL_SECS,
        Social::Weibo => oauth_sim::weibo::state::LONG_TOKEN_TTL_SECS,
        Social::Qq => unreachable!("QQ has its own tests"),
    }
}

async fn register_then_log_in_again(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    for (i, provider) in PROVIDERS.into_iter().enumerate() {
        let mobile = format!("1380013{:04}", 8100 + i);
        let (status, body) = callback(&app, provider, "xiaoming").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "bind_required", "{provider:?}: {body}");
        assert_eq!(body["next"], "/books/7");
        assert_eq!(body["profile"]["nickname"], "小明", "{body}");
        assert!(
            body["profile"]["avatar"]
                .as_str()
                .is_some_and(|a| a.starts_with("http")),
            "{body}"
        );
        let ticket = body["bind_ticket"].as_str().expect("ticket").to_owned();
        // The registration's SMS code: purpose qq_register with this provider's ticket.
        let code = sms_code(&app, &ticket, &mobile).await;
        let nickname = format!("小明{}", provider.name());
        let (status, body) = app
            .post(
                &provider.path("register"),
                &json!({"bind_ticket": ticket, "nickname": nickname, "mobile": mobile,
                        "sms_code": code, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 201, "{provider:?}: {body}");
        assert_eq!(body["status"], "logged_in");
        assert_eq!(body["next"], "/books/7");
        let user_id = body["user"]["id"].as_i64().expect("id");

        // Stored: this subject, sealed tokens, the provider's lifetimes.
        let subject = app.social_subject(provider, "xiaoming");
        let binding = binding_of_subject(&app, provider, &subject).await;
        assert_eq!(binding.user_id, user_id);
        assert_eq!(binding.provider, provider.name());
        assert_eq!(binding.nickname, "小明");
        if provider == Social::Wechat {
            assert!(binding.unionid.is_some(), "WeChat gives the unionid");
        }
        // Sealed for `{provider}:{subject}`: the access token opens only as this provider's.
        let cipher = passport::crypto::TokenCipher::new(&app.settings.token_key);
        let field = passport::crypto::TokenField::QqAccessToken;
        let owner = format!("{}:{subject}", provider.name());
        let access = cipher
            .decrypt(field, &owner, &binding.access_token_enc)
            .expect("opens for its owner");
        assert!(!access.is_empty() && !binding.access_token_enc.contains(&access));
        assert!(
            cipher
                .decrypt(field, &subject, &binding.access_token_enc)
                .is_err()
        );
        assert_eq!(binding.token_owner(), owner);
        if let Some(refresh) = &binding.refresh_token_enc {
            let field = passport::crypto::TokenField::QqRefreshToken;
            assert!(cipher.decrypt(field, &owner, refresh).is_ok());
        }
        let expected = Utc::now() + chrono::Duration::seconds(access_lifetime(provider));
        let off = (binding.token_expires_at - expected).num_seconds().abs();
        assert!(off < 120, "{provider:?} token expiry off by {off}s");
        match provider {
            Social::Wechat => assert!(
                binding.refresh_token_enc.is_some(),
                "WeChat's 30-day refresh token is kept"
            ),
            _ => assert!(
                binding.refresh_token_enc.is_none(),
                "Weibo has no refresh token"
            ),
        }
        let event = |kind: &str| (provider.name().to_owned(), kind.to_owned());
        assert_eq!(token_events(&app, binding.id).await, [event("bound")]);

        // The same ticket again: used.
        let (status, body) = app
            .post(
                &provider.path("register"),
                &json!({"bind_ticket": ticket, "nickname": "又一个", "mobile": "13800139999",
                        "sms_code": "123456", "password": PASSWORD}),
            )
            .await;
        assert_error((status, &body), 401, "bind_ticket_used");

        // The next login finds the binding: logged in, the same account, new tokens.
        let (status, body) = callback(&app, provider, "xiaoming").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "logged_in", "{provider:?}: {body}");
        assert_eq!(body["user"]["id"], user_id);
        let again = binding_of_subject(&app, provider, &subject).await;
        assert_ne!(again.access_token_enc, binding.access_token_enc);
        assert_eq!(again.token_version, binding.token_version + 1);
        assert!(again.last_login_at.is_some());
        assert_eq!(
            token_events(&app, binding.id).await,
            [event("bound"), event("login")]
        );
        // The session works.
        let token = body["token"].as_str().expect("token");
        let (status, me) = app.me(token).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["id"], user_id);
    }
}

async fn bind_an_existing_account_with_its_password(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    let owner = existing_user(&app, "laoyonghu", "13900139001").await;
    for provider in PROVIDERS {
        let ticket = ticket(&app, provider, "xiaohong").await;
        let (status, body) = app
            .post(
                &provider.path("bind"),
                &json!({"bind_ticket": ticket, "account": "laoyonghu", "password": "wrong-pass-1"}),
            )
            .await;
        assert_error((status, &body), 400, "invalid_credentials");
        let (status, body) = app
            .post(
                &provider.path("bind"),
                &json!({"bind_ticket": ticket, "account": "laoyonghu", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "{provider:?}: {body}");
        assert_eq!(body["status"], "logged_in");
        assert_eq!(body["user"]["id"], owner.id);
        let (status, body) = callback(&app, provider, "xiaohong").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "logged_in", "{body}");
        assert_eq!(body["user"]["id"], owner.id);
    }
    // One account, one binding per provider.
    let mine = bindings_of_user(&app, owner.id).await;
    assert_eq!(mine.len(), 2, "{mine:?}");
    // A second identity of the same provider for this account is refused.
    let ticket = ticket(&app, Social::Wechat, "laowang").await;
    let (status, body) = app
        .post(
            &Social::Wechat.path("bind"),
            &json!({"bind_ticket": ticket, "account": "laoyonghu", "password": PASSWORD}),
        )
        .await;
    assert_error((status, &body), 409, "account_already_bound");
}

async fn link_from_the_signed_in_account(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    let reader = existing_user(&app, "duzhe", "13900139002").await;
    let other = existing_user(&app, "linju", "13900139003").await;
    let (reader_token, other_token) = (app.token_for(&reader), app.token_for(&other));
    for provider in PROVIDERS {
        // The account page's "绑定": authorize-url(next=/account) → callback → link.
        let login = SocialLogin::begin(&app, provider, "/account").await;
        let sims = app.social_sims();
        match provider {
            Social::Wechat => {
                assert!(login.url.starts_with(&sims.wechat_url), "{}", login.url);
                assert!(
                    login.url.contains("/connect/qrconnect?appid=wx"),
                    "{}",
                    login.url
                );
                assert!(login.url.contains("scope=snsapi_login"), "{}", login.url);
                assert!(login.url.ends_with("#wechat_redirect"), "{}", login.url);
            }
            _ => {
                assert!(login.url.starts_with(&sims.weibo_url), "{}", login.url);
                assert!(
                    login.url.contains("/oauth2/authorize?client_id="),
                    "{}",
                    login.url
                );
            }
        }
        assert!(
            login
                .url
                .contains(&format!("%2Foauth%2F{}%2Fcallback", provider.name())),
            "{}",
            login.url
        );
        let code = app.social_code(provider, "wenqing").await;
        let (status, body) = login.finish(&app, &code).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["next"], "/account");
        let first = body["bind_ticket"].as_str().expect("ticket").to_owned();
        // A second browser gets a second ticket for the same identity meanwhile.
        let second = ticket(&app, provider, "wenqing").await;

        let (status, body) = app
            .post(&provider.path("link"), &json!({"bind_ticket": first}))
            .await;
        assert_error((status, &body), 401, "unauthorized");
        let (status, body) = app
            .post_as(
                &provider.path("link"),
                &reader_token,
                &json!({"bind_ticket": first}),
            )
            .await;
        assert_eq!(status, 200, "{provider:?}: {body}");
        assert_eq!(body["provider"], provider.name());
        assert_eq!(body["nickname"], "文青🌙");
        assert_eq!(body["refresh_status"], "ok");
        assert!(body["token_expires_at"].is_string(), "{body}");
        // Used once.
        let (status, body) = app
            .post_as(
                &provider.path("link"),
                &reader_token,
                &json!({"bind_ticket": first}),
            )
            .await;
        assert_error((status, &body), 401, "bind_ticket_used");
        // The identity is the reader's now: the neighbour cannot take it with the other ticket.
        let (status, body) = app
            .post_as(
                &provider.path("link"),
                &other_token,
                &json!({"bind_ticket": second}),
            )
            .await;
        assert_error(
            (status, &body),
            409,
            &format!("{}_already_bound", provider.name()),
        );
        // And the reader has this provider already: another identity is refused.
        let third = ticket(&app, provider, "laowang").await;
        let (status, body) = app
            .post_as(
                &provider.path("link"),
                &reader_token,
                &json!({"bind_ticket": third}),
            )
            .await;
        assert_error((status, &body), 409, "account_already_bound");
        // The identity now signs the reader in.
        let (status, body) = callback(&app, provider, "wenqing").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["user"]["id"], reader.id, "{body}");
    }
    assert_eq!(bindings_of_user(&app, reader.id).await.len(), 2);
    assert!(bindings_of_user(&app, other.id).await.is_empty());
}

async fn each_provider_answers_its_own_error_codes(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    let sims = app.social_sims().clone();
    for provider in PROVIDERS {
        let name = provider.name();
        let expired = format!("{name}_login_expired");
        let unavailable = format!("{name}_unavailable");
        // A used code.
        let code = app.social_code(provider, "xiaoming").await;
        let (status, body) = SocialLogin::begin(&app, provider, "/")
            .await
            .finish(&app, &code)
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = SocialLogin::begin(&app, provider, "/")
            .await
            .finish(&app, &code)
            .await;
        assert_error((status, &body), 401, &expired);
        // An expired code (10 minutes at both).
        let code = app.social_code(provider, "xiaoming").await;
        match provider {
            Social::Wechat => sims.wechat.advance_clock(Duration::from_secs(601)),
            _ => sims.weibo.advance_clock(Duration::from_secs(601)),
        }
        let (status, body) = SocialLogin::begin(&app, provider, "/")
            .await
            .finish(&app, &code)
            .await;
        assert_error((status, &body), 401, &expired);
        // A code nobody issued.
        let (status, body) = SocialLogin::begin(&app, provider, "/")
            .await
            .finish(&app, "0123456789abcdef0123456789abcdef")
            .await;
        assert_error((status, &body), 401, &expired);
        // Faults at the token endpoint, then at the profile: 5xx, junk, no answer in time.
        for (kind, status) in [
            (FaultKind::Status, Some(503)),
            (FaultKind::Junk, None),
            (FaultKind::Html, None),
            (FaultKind::Timeout, None),
        ] {
            for at_profile in [false, true] {
                match provider {
                    Social::Wechat => {
                        use oauth_sim::wechat::{Fault, FaultTarget};
                        let target = if at_profile {
                            FaultTarget::Userinfo
                        } else {
                            FaultTarget::AccessToken
                        };
                        let mut fault = Fault::new(target, kind);
                        fault.status = status;
                        sims.wechat.add_fault(fault);
                    }
                    _ => {
                        use oauth_sim::weibo::{Fault, FaultTarget};
                        let target = if at_profile {
                            FaultTarget::UsersShow
                        } else {
                            FaultTarget::AccessToken
                        };
                        let mut fault = Fault::new(target, kind);
                        fault.status = status;
                        sims.weibo.add_fault(fault);
                    }
                }
                // A new identity, so the profile is asked for.
                let code = app.social_code(provider, "faulty").await;
                let (code_status, body) = SocialLogin::begin(&app, provider, "/")
                    .await
                    .finish(&app, &code)
                    .await;
                assert_error((code_status, &body), 502, &unavailable);
                sims.wechat.clear_faults();
                sims.weibo.clear_faults();
            }
        }
    }
    // Nothing was written for any refused login (only the first, successful one, pending).
    assert_eq!(count_bindings(&app).await, 0);
    for provider in PROVIDERS {
        assert_eq!(count_pending(&app, provider).await, 1, "{provider:?}");
    }
}

async fn a_wrong_app_secret_answers_unavailable(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims_and(backend, |env| {
        env.insert("PASSPORT_WECHAT_APP_SECRET".into(), "not-the-secret".into());
        env.insert("PASSPORT_WEIBO_APP_SECRET".into(), "not-the-secret".into());
    })
    .await
    else {
        return;
    };
    for provider in PROVIDERS {
        let (status, body) = callback(&app, provider, "xiaoming").await;
        assert_error(
            (status, &body),
            502,
            &format!("{}_unavailable", provider.name()),
        );
    }
}

async fn a_state_or_ticket_of_one_provider_is_refused_by_another(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    existing_user(&app, "kuajie", "13900139004").await;
    // A WeChat state at Weibo's (and QQ's) callback, with the same browser nonce under the
    // other provider's cookie name: refused, and the state stays usable at WeChat.
    let login = SocialLogin::begin(&app, Social::Wechat, "/").await;
    for other in [Social::Weibo, Social::Qq] {
        let code = app.social_code(other, "xiaoming").await;
        let (status, body) = login.finish_at(&app, other, &code).await;
        assert_error((status, &body), 400, "state_invalid");
    }
    // The WeChat cookie alone at Weibo's callback: not this browser's Weibo login.
    let weibo = SocialLogin::begin(&app, Social::Weibo, "/").await;
    let code = app.social_code(Social::Weibo, "xiaoming").await;
    let request = app
        .client
        .post(app.url(&Social::Weibo.path("callback")))
        .header("cookie", &login.cookie)
        .json(&json!({"code": code, "state": weibo.state}));
    let (status, body) = crate::helpers::json_of(request.send().await.expect("POST")).await;
    assert_error((status, &body), 400, "state_not_this_browser");
    let code = app.social_code(Social::Wechat, "xiaoming").await;
    let (status, body) = login.finish(&app, &code).await;
    assert_eq!(status, 200, "{body}");
    let wechat_ticket = body["bind_ticket"].as_str().expect("ticket").to_owned();
    let qq_ticket = crate::qq_login::bind_ticket(&app, "xiaoming_qq").await;

    let bind =
        |ticket: &str| json!({"bind_ticket": ticket, "account": "kuajie", "password": PASSWORD});
    let register = |ticket: &str| {
        json!({"bind_ticket": ticket, "nickname": "跨界", "mobile": "13900139005",
               "sms_code": "123456", "password": PASSWORD})
    };
    let token = app.token_for(&existing_user(&app, "kuajie2", "13900139006").await);
    for (ticket, at) in [
        (&wechat_ticket, Social::Weibo),
        (&wechat_ticket, Social::Qq),
        (&qq_ticket, Social::Wechat),
    ] {
        let (status, body) = app.post(&at.path("bind"), &bind(ticket)).await;
        assert_error((status, &body), 401, "bind_ticket_invalid");
        let (status, body) = app.post(&at.path("register"), &register(ticket)).await;
        assert_error((status, &body), 401, "bind_ticket_invalid");
        let (status, body) = app
            .post_as(&at.path("link"), &token, &json!({"bind_ticket": ticket}))
            .await;
        assert_error((status, &body), 401, "bind_ticket_invalid");
    }
    // Each still works at its own provider.
    let (status, body) = app
        .post(&Social::Wechat.path("bind"), &bind(&wechat_ticket))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post_as(
            &Social::Qq.path("link"),
            &token,
            &json!({"bind_ticket": qq_ticket}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["provider"], "qq");
    // An unknown provider is not a value of the path parameter.
    let response = app.get("/api/oauth/github/authorize-url").await;
    assert_eq!(response.status(), 400);
}

async fn a_retried_callback_gets_the_first_outcome(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    for provider in PROVIDERS {
        let login = SocialLogin::begin(&app, provider, "/").await;
        let code = app.social_code(provider, "laowang").await;
        let (status, first) = login.finish(&app, &code).await;
        assert_eq!(status, 200, "{first}");
        assert_eq!(first["status"], "bind_required");
        // The same callback again (a proxy's retry): the same outcome, a fresh ticket.
        let (status, again) = login.finish(&app, &code).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["status"], "bind_required");
        assert_eq!(again["profile"], first["profile"]);
        // The state with another code: used.
        let other = app.social_code(provider, "laowang").await;
        let (status, body) = login.finish(&app, &other).await;
        assert_error((status, &body), 400, "state_used");
    }
}

async fn a_bound_login_skips_the_profile_call_and_refreshes_a_stale_one_in_the_background(
    backend: Backend,
) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    let sims = app.social_sims().clone();
    let owner = existing_user(&app, "kuaisu", "13900139010").await;
    for provider in PROVIDERS {
        let ticket = ticket(&app, provider, "xiaoming").await;
        let (status, body) = app
            .post(
                &provider.path("bind"),
                &json!({"bind_ticket": ticket, "account": "kuaisu", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let subject = app.social_subject(provider, "xiaoming");
        let binding = binding_of_subject(&app, provider, &subject).await;
        assert_eq!(binding.user_id, owner.id);
        // A fresh profile: the login does not ask for it (the profile endpoint is down).
        let profile_down = |on: bool| match provider {
            Social::Wechat => {
                use oauth_sim::wechat::{Fault, FaultTarget};
                if on {
                    sims.wechat
                        .add_fault(Fault::new(FaultTarget::Userinfo, FaultKind::Status));
                } else {
                    sims.wechat.clear_faults();
                }
            }
            _ => {
                use oauth_sim::weibo::{Fault, FaultTarget};
                if on {
                    sims.weibo
                        .add_fault(Fault::new(FaultTarget::UsersShow, FaultKind::Status));
                } else {
                    sims.weibo.clear_faults();
                }
            }
        };
        profile_down(true);
        let (status, body) = callback(&app, provider, "xiaoming").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "logged_in", "{provider:?}: {body}");
        profile_down(false);
        // A stale one: still no wait, and the new one is stored in the background.
        let two_days_ago = Utc::now() - chrono::Duration::days(2);
        let mut stale: passport::entities::social_bindings::ActiveModel =
            binding_of_subject(&app, provider, &subject).await.into();
        stale.profile_fetched_at = Set(Some(two_days_ago));
        stale.nickname = Set("旧昵称".into());
        stale.update(&app.db).await.expect("age the profile");
        let (status, body) = callback(&app, provider, "xiaoming").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "logged_in", "{body}");
        crate::helpers::eventually(
            Duration::from_secs(10),
            "the profile is fetched again",
            || {
                let app = &app;
                let subject = subject.clone();
                async move {
                    let now = binding_of_subject(app, provider, &subject).await;
                    now.profile_fetched_at.is_some_and(|at| at > two_days_ago)
                }
            },
        )
        .await;
        let after = binding_of_subject(&app, provider, &subject).await;
        assert_eq!(after.nickname, "小明", "{provider:?}'s nickname stored");
    }
}

async fn two_concurrent_binds_of_one_identity_make_one_binding(backend: Backend) {
    let Some(app) = TestApp::spawn_with_social_sims(backend).await else {
        return;
    };
    existing_user(&app, "jingsai_a", "13900139020").await;
    existing_user(&app, "jingsai_b", "13900139021").await;
    for provider in PROVIDERS {
        // Two logins of one person: two tickets for one subject, bound at once to two accounts.
        let first = ticket(&app, provider, "racer").await;
        let second = ticket(&app, provider, "racer").await;
        let bind = |ticket: String, account: &'static str| {
            let app = &app;
            async move {
                app.post(
                    &provider.path("bind"),
                    &json!({"bind_ticket": ticket, "account": account, "password": PASSWORD}),
                )
                .await
            }
        };
        let (a, b) = tokio::join!(bind(first, "jingsai_a"), bind(second, "jingsai_b"));
        let mut statuses = [a.0.as_u16(), b.0.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
        let loser = if a.0 == 409 { &a.1 } else { &b.1 };
        assert_eq!(loser["code"], format!("{}_already_bound", provider.name()));
    }
    assert_eq!(count_bindings(&app).await, 2);
}

on_both_backends!(
    register_then_log_in_again,
    bind_an_existing_account_with_its_password,
    link_from_the_signed_in_account,
    each_provider_answers_its_own_error_codes,
    a_wrong_app_secret_answers_unavailable,
    a_state_or_ticket_of_one_provider_is_refused_by_another,
    a_retried_callback_gets_the_first_outcome,
    two_concurrent_binds_of_one_identity_make_one_binding,
    a_bound_login_skips_the_profile_call_and_refreshes_a_stale_one_in_the_background,
);

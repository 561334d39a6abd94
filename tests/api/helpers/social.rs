//! WeChat and Weibo beside QQ: their simulators wired into a [`TestApp`], and a social login as a
//! browser starts and finishes it at any provider.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Backend, TestApp, json_of};

/// A provider as the API names it in its paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Social {
    Qq,
    Wechat,
    Weibo,
}

impl Social {
    pub fn name(self) -> &'static str {
        match self {
            Social::Qq => "qq",
            Social::Wechat => "wechat",
            Social::Weibo => "weibo",
        }
    }

    /// `/api/oauth/{provider}/{action}`.
    pub fn path(self, action: &str) -> String {
        format!("/api/oauth/{}/{action}", self.name())
    }

    /// `passport_{provider}_login`.
    pub fn cookie_name(self) -> String {
        format!("passport_{}_login", self.name())
    }
}

/// The WeChat and Weibo simulators of a [`TestApp`] (each serving until the test process ends).
#[derive(Clone)]
pub struct SocialSims {
    pub wechat: oauth_sim::wechat::Simulator,
    pub wechat_url: String,
    pub weibo: oauth_sim::weibo::Simulator,
    pub weibo_url: String,
}

impl SocialSims {
    /// Both simulators on random local ports, with their dev apps.
    pub async fn spawn() -> SocialSims {
        let wechat = oauth_sim::wechat::Simulator::dev()
            .start("127.0.0.1:0")
            .await
            .expect("WeChat simulator starts");
        let weibo = oauth_sim::weibo::Simulator::dev()
            .start("127.0.0.1:0")
            .await
            .expect("Weibo simulator starts");
        let sims = SocialSims {
            wechat: wechat.sim().clone(),
            wechat_url: wechat.url(),
            weibo: weibo.sim().clone(),
            weibo_url: weibo.url(),
        };
        // The simulators run until the test process ends.
        std::mem::forget(wechat);
        std::mem::forget(weibo);
        sims
    }

    /// Point an app's settings at these simulators.
    pub fn configure(&self, env: &mut BTreeMap<String, String>) {
        for (key, value) in [
            ("PASSPORT_WECHAT_OPEN_BASE_URL", &self.wechat_url),
            ("PASSPORT_WECHAT_API_BASE_URL", &self.wechat_url),
            ("PASSPORT_WEIBO_BASE_URL", &self.weibo_url),
        ] {
            env.insert(key.into(), value.clone());
        }
        // A simulator told to time out answers never: give up well before the test does.
        env.entry("PASSPORT_OAUTH_TIMEOUT_MS".into())
            .or_insert_with(|| "1500".into());
    }
}

impl TestApp {
    /// The app wired to its own QQ, WeChat and Weibo simulators.
    pub async fn spawn_with_social_sims(backend: Backend) -> Option<TestApp> {
        Self::spawn_with_social_sims_and(backend, |_| {}).await
    }

    pub async fn spawn_with_social_sims_and(
        backend: Backend,
        customise: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Option<TestApp> {
        let sims = SocialSims::spawn().await;
        let wired = sims.clone();
        let mut app = Self::spawn_with_sim_and(backend, move |env| {
            wired.configure(env);
            customise(env);
        })
        .await?;
        app.social = Some(sims);
        Some(app)
    }

    /// The WeChat and Weibo simulators (spawned with [`TestApp::spawn_with_social_sims`]).
    pub fn social_sims(&self) -> &SocialSims {
        self.social
            .as_ref()
            .expect("spawned with spawn_with_social_sims")
    }

    /// A fresh authorization code of `provider` for `sim_user`, as if they approved our app.
    pub async fn social_code(&self, provider: Social, sim_user: &str) -> String {
        match provider {
            Social::Qq => self.sim_code(sim_user).await,
            Social::Wechat => {
                let wechat = self.settings.wechat.as_ref().expect("WeChat configured");
                self.social_sims()
                    .wechat
                    .mint_code(&wechat.app_id, wechat.redirect_uri.as_str(), sim_user)
                    .expect("the simulator mints a WeChat code")
            }
            Social::Weibo => {
                let weibo = self.settings.weibo.as_ref().expect("Weibo configured");
                self.social_sims()
                    .weibo
                    .mint_code(&weibo.client_id, weibo.redirect_uri.as_str(), sim_user)
                    .expect("the simulator mints a Weibo code")
            }
        }
    }

    /// The subject `sim_user` has at `provider` for our app (openid, or Weibo's uid).
    pub fn social_subject(&self, provider: Social, sim_user: &str) -> String {
        match provider {
            Social::Qq => panic!("QQ openids: ask the QQ simulator (sim_openid)"),
            Social::Wechat => {
                let wechat = self.settings.wechat.as_ref().expect("WeChat configured");
                self.social_sims().wechat.openid(&wechat.app_id, sim_user)
            }
            Social::Weibo => self.social_sims().weibo.uid(sim_user).to_string(),
        }
    }
}

/// A social login as a browser starts it: the provider, the `state` and the login cookie.
pub struct SocialLogin {
    pub provider: Social,
    pub state: String,
    /// `passport_{provider}_login=…`, ready for a `Cookie` header.
    pub cookie: String,
    /// The provider's authorize URL.
    pub url: String,
}

impl SocialLogin {
    /// `GET /api/oauth/{provider}/authorize-url?next=…` from a new browser.
    pub async fn begin(app: &TestApp, provider: Social, next: &str) -> SocialLogin {
        let response = app
            .client
            .get(app.url(&format!("{}?next={next}", provider.path("authorize-url"))))
            .send()
            .await
            .expect("GET");
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (status, body) = json_of(response).await;
        assert_eq!(status, 200, "{body}");
        let set_cookie = set_cookie.expect("the answer sets the login cookie");
        assert!(
            set_cookie.starts_with(&format!("{}=", provider.cookie_name())),
            "{set_cookie}"
        );
        assert!(
            set_cookie.contains(&format!("Path=/api/oauth/{};", provider.name())),
            "{set_cookie}"
        );
        SocialLogin {
            provider,
            state: body["state"].as_str().expect("state").to_owned(),
            cookie: set_cookie
                .split(';')
                .next()
                .expect("name=value")
                .trim()
                .to_owned(),
            url: body["url"].as_str().expect("url").to_owned(),
        }
    }

    /// Post `code` with this state, from this browser, to this provider's callback.
    pub async fn finish(&self, app: &TestApp, code: &str) -> (StatusCode, Value) {
        self.finish_at(app, self.provider, code).await
    }

    /// Post `code` with this state and this browser's cookies to `provider`'s callback (another
    /// provider's, say).
    pub async fn finish_at(
        &self,
        app: &TestApp,
        provider: Social,
        code: &str,
    ) -> (StatusCode, Value) {
        // A browser sends every cookie whose path matches: only this provider's one here, which
        // another provider's callback does not read.
        let cookie = if provider == self.provider {
            self.cookie.clone()
        } else {
            self.cookie
                .replacen(&self.provider.cookie_name(), &provider.cookie_name(), 1)
        };
        let request = app
            .client
            .post(app.url(&provider.path("callback")))
            .header("cookie", cookie)
            .json(&json!({"code": code, "state": self.state}));
        json_of(request.send().await.expect("POST")).await
    }
}

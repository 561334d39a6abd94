//! One typed method per endpoint the tests call, each answering `(status, JSON body)`.

use reqwest::Method;
use serde_json::{Value, json};

use super::TestApp;
use super::answer::{Answer, json_of};

impl TestApp {
    /// Any request, with a bearer token when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        json_of(request.send().await.expect("request")).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post_as(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// `POST path` without a token.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        json_of(self.post_json(path, body).await).await
    }

    /// `POST path` from the client address `xff` (`X-Forwarded-For`) when given.
    pub async fn post_from(&self, path: &str, body: &Value, xff: Option<&str>) -> Answer {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(xff) = xff {
            request = request.header("x-forwarded-for", xff);
        }
        json_of(request.send().await.expect("POST")).await
    }

    /// `POST /api/users/login`.
    pub async fn login(&self, account: &str, password: &str) -> Answer {
        self.post(
            "/api/users/login",
            &json!({"account": account, "password": password}),
        )
        .await
    }

    /// `POST /api/users/login/sms`.
    pub async fn sms_login(&self, mobile: &str, code: &str) -> Answer {
        self.post(
            "/api/users/login/sms",
            &json!({"mobile": mobile, "sms_code": code}),
        )
        .await
    }

    /// `POST /api/users`: sign up with a mobile and its SMS code.
    pub async fn signup(&self, mobile: &str, code: &str, nickname: &str, password: &str) -> Answer {
        self.post(
            "/api/users",
            &json!({"mobile": mobile, "sms_code": code, "nickname": nickname, "password": password}),
        )
        .await
    }

    /// `GET /api/users/me`.
    pub async fn me(&self, token: &str) -> Answer {
        self.get_as("/api/users/me", token).await
    }

    /// `POST /api/sms/codes` for `purpose` (signup, login, reset…).
    pub async fn ask_sms_code(&self, mobile: &str, purpose: &str) -> Answer {
        self.post(
            "/api/sms/codes",
            &json!({"mobile": mobile, "purpose": purpose}),
        )
        .await
    }

    /// `POST /api/sms/codes` for the registration of `bind_ticket`.
    pub async fn ask_bind_sms_code(&self, bind_ticket: &str, mobile: &str) -> Answer {
        self.post(
            "/api/sms/codes",
            &json!({"mobile": mobile, "bind_ticket": bind_ticket}),
        )
        .await
    }

    /// `POST /api/password-resets`.
    pub async fn request_reset(&self, email: &str) -> Answer {
        self.post("/api/password-resets", &json!({"email": email}))
            .await
    }

    /// `POST /api/password-resets/confirm`.
    pub async fn confirm_reset(&self, token: &str, new_password: &str) -> Answer {
        self.post(
            "/api/password-resets/confirm",
            &json!({"token": token, "new_password": new_password}),
        )
        .await
    }

    /// `POST /api/password-resets/sms`.
    pub async fn sms_reset(&self, mobile: &str, code: &str, new_password: &str) -> Answer {
        self.post(
            "/api/password-resets/sms",
            &json!({"mobile": mobile, "sms_code": code, "new_password": new_password}),
        )
        .await
    }

    /// `PUT /api/users/me/email`.
    pub async fn change_email(&self, token: &str, body: &Value) -> Answer {
        self.call(Method::PUT, "/api/users/me/email", Some(token), Some(body))
            .await
    }

    /// `POST /api/email-verifications`: follow a verification link's token.
    pub async fn verify_email(&self, token: &str) -> Answer {
        self.post("/api/email-verifications", &json!({"token": token}))
            .await
    }

    /// `POST /api/oauth/qq/callback` with QQ's `code` and our `state`, sending `cookie` (the
    /// login cookie, `name=value`) when given.
    pub async fn qq_callback(&self, code: &str, state: &str, cookie: Option<&str>) -> Answer {
        let mut request = self
            .client
            .post(self.url("/api/oauth/qq/callback"))
            .json(&json!({"code": code, "state": state}));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        json_of(request.send().await.expect("POST")).await
    }

    /// `POST /api/oauth/qq/register`: a new account for the QQ user of `bind_ticket`.
    pub async fn qq_register(
        &self,
        bind_ticket: &str,
        nickname: &str,
        mobile: &str,
        code: &str,
        password: &str,
    ) -> Answer {
        self.post(
            "/api/oauth/qq/register",
            &json!({"bind_ticket": bind_ticket, "nickname": nickname, "mobile": mobile, "sms_code": code, "password": password}),
        )
        .await
    }
}

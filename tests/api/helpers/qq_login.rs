//! A QQ login as a browser starts and finishes it (shared with the login bench, which talks to a
//! `passport` process rather than a `TestApp`).

use reqwest::StatusCode;
use serde_json::Value;

use super::{TestApp, json_of};

/// A QQ login as a browser starts it: the `state` and the login cookie that came with it.
pub struct LoginStart {
    pub state: String,
    /// `passport_qq_login=…`, ready for a `Cookie` header.
    pub cookie: String,
}

impl LoginStart {
    /// Ask the server at `base_url` for the authorize URL of a login returning to `next`, from
    /// a browser that may already hold a login cookie.
    pub async fn begin(
        client: &reqwest::Client,
        base_url: &str,
        next: &str,
        cookie: Option<&str>,
    ) -> LoginStart {
        let mut request = client.get(format!("{base_url}/api/oauth/qq/authorize-url?next={next}"));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("GET");
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (status, body) = json_of(response).await;
        assert_eq!(status, 200, "{body}");
        let set_cookie = set_cookie.expect("the answer sets the login cookie");
        LoginStart {
            state: body["state"].as_str().expect("state").to_owned(),
            cookie: set_cookie
                .split(';')
                .next()
                .expect("name=value")
                .trim()
                .to_owned(),
        }
    }

    /// Post QQ's `code` with this state, from the browser that started the login.
    pub async fn finish(&self, app: &TestApp, code: &str) -> (StatusCode, Value) {
        self.finish_with_cookie(app, code, Some(&self.cookie)).await
    }

    /// Post QQ's `code` with this state and whatever cookie `cookie` says (none, another's).
    pub async fn finish_with_cookie(
        &self,
        app: &TestApp,
        code: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, Value) {
        app.qq_callback(code, &self.state, cookie).await
    }
}

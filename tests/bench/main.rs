//! Performance scenarios, not tests: every one is `#[ignore]`d and run by `make bench` on the
//! optimised `bench-opt` build. A test target of its own; the end-to-end helpers are shared with
//! `tests/api` by path (which borrows the admin bench's seeder the same way).

#[allow(dead_code, unused_macros, unused_imports)]
#[path = "../api/helpers/mod.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;

mod bench;
mod bench_admin;
mod bench_login;
mod bench_mail;
mod bench_memory;
mod bench_refresh;
mod bench_reset;
mod harness;

/// The two steps of `tests/api/qq_login.rs` the login bench needs (that file is all tests).
mod qq_login {
    pub(crate) struct LoginStart {
        pub state: String,
        /// `passport_qq_login=…`, ready for a `Cookie` header.
        pub cookie: String,
    }

    pub(crate) async fn start_login(
        client: &reqwest::Client,
        base_url: &str,
        next: &str,
    ) -> LoginStart {
        start_login_in(client, base_url, next, None).await
    }

    /// Start a QQ login in a browser that may already hold a login cookie.
    pub(crate) async fn start_login_in(
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
            .map(str::to_owned)
            .expect("the answer sets the login cookie");
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
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
}

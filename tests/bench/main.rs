//! Performance scenarios, not tests: every one is `#[ignore]`d and run by `make bench` on the
//! optimised `bench-opt` build. A test target of its own; the end-to-end helpers are shared with
//! `tests/api` by path (which borrows the admin bench's seeder the same way).

#[allow(dead_code, unused_macros, unused_imports)]
#[path = "../api/helpers/mod.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;

/// The two `#[ignore]`d tests of a scenario, `$sqlite` and `$postgres`, each running the
/// module's `bench_backend` on its backend.
macro_rules! bench_on_both_backends {
    ($sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread")]
        #[ignore = "benchmark: run with `make bench`"]
        async fn $sqlite() {
            bench_backend(Backend::Sqlite).await;
        }

        #[tokio::test(flavor = "multi_thread")]
        #[ignore = "benchmark: run with `make bench`"]
        async fn $postgres() {
            bench_backend(Backend::Postgres).await;
        }
    };
}

mod bench;
mod bench_admin;
mod bench_login;
mod bench_mail;
mod bench_memory;
mod bench_refresh;
mod bench_reset;
mod bench_wechat;
mod callbacks;
mod harness;

/// The two steps of `tests/api/qq_login.rs` the login bench needs, on a `passport` process.
mod qq_login {
    use crate::helpers::LoginStart;

    pub(crate) async fn start_login(
        client: &reqwest::Client,
        base_url: &str,
        next: &str,
    ) -> LoginStart {
        LoginStart::begin(client, base_url, next, None).await
    }

    /// Start a QQ login in a browser that may already hold a login cookie.
    pub(crate) async fn start_login_in(
        client: &reqwest::Client,
        base_url: &str,
        next: &str,
        cookie: Option<&str>,
    ) -> LoginStart {
        LoginStart::begin(client, base_url, next, cookie).await
    }
}

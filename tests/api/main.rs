//! End-to-end tests: one binary, one file per feature. Each test spawns the whole app on a
//! random port against its own fresh database and talks HTTP to it, as a client would.
//! Data tests run on both backends (see `helpers::on_both_backends!`).

#[macro_use]
mod helpers;

mod accounts;
mod admin;
mod admin_audit;
mod admin_cli;
mod admin_users;
mod bench;
mod bench_admin;
mod bench_login;
mod bench_memory;
mod bench_refresh;
mod bench_reset;
mod captcha;
mod email_change;
mod foundation;
mod front_door;
mod itsdangerous;
mod job_secrets;
mod jobs;
mod key_rotation;
mod login_csrf;
mod notices;
mod password_reset;
mod qq_client;
mod qq_login;
mod qq_sim;
mod refresher;
mod robustness;
mod shutdown;
mod smtp_outage;
mod smtp_sink;
mod tencent_sim;
mod tencent_sms;
mod throttles;
mod web;

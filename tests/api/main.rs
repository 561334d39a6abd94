//! End-to-end tests: one binary, one file per feature. Each test spawns the whole app on a
//! random port against its own fresh database and talks HTTP to it, as a client would.
//! Data tests run on both backends (see `helpers::on_both_backends!`).

#[macro_use]
mod helpers;

// Shared with the other test targets (see tests/support/).
#[path = "../support/python_signer.rs"]
mod python_signer;
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;

mod accounts;
mod admin;
mod admin_audit;
mod admin_cli;
mod admin_users;
// The admin tests seed their large table with the admin bench's seeder.
#[path = "../bench/bench_admin.rs"]
mod bench_admin;
mod callback_retry;
mod captcha;
mod email_change;
mod foundation;
mod front_door;
mod job_secrets;
mod jobs;
mod key_rotation;
mod login_csrf;
mod notices;
mod password_reset;
mod qq_login;
mod refresher;
mod robustness;
mod shutdown;
mod smtp_outage;
mod social_account;
mod social_bindings_migration;
mod social_login;
mod tencent_sms;
mod throttles;
mod unionid_backfill;
mod web;
mod wechat_refresher;

//! passport: the identity backend of Renran (荏苒).
//!
//! Reading order for a newcomer: `migrations/` (the schema), `cli.rs` (what the binary does),
//! `startup.rs` (how the app is assembled; `state.rs` is what handlers reach), then `api/` (one module per HTTP resource).

pub mod accounts;
pub mod actors;
pub mod admin;
pub mod api;
pub mod audit;
pub mod captcha;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod entities;
pub mod fault;
pub mod group_commit;
pub mod html;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod net;
pub mod oauth;
pub mod qq;
pub mod retention;
pub mod server;
pub mod sms;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tencent;

/// Install rustls' ring provider once per process. reqwest (built with `rustls-no-provider`)
/// panics at client build time without one; lettre and sqlx fall back to ring by themselves.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

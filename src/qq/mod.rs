//! QQ Connect (QQ互联, graph.qq.com): the typed client passport uses, the wire formats, and a
//! simulator that answers like QQ for offline development and tests.
//!
//! - [`client`]: [`QqClient`] (code exchange, refresh, openid, profile) and [`QqError`].
//! - [`wire`]: pure parsers and writers of every body form (the byte-level reference is
//!   `shared/qq-connect.md`).
//! - [`sim`]: the simulator (`passport qq-sim`, embedded by `passport dev` and the tests); it
//!   lives in the `oauth-sim` workspace crate (`crates/oauth-sim`) beside the WeChat and Weibo
//!   ones and is re-exported here under its old path.

pub mod client;
pub mod wire;

pub use oauth_sim::qq as sim;

pub use client::{QqClient, QqClientOptions, QqEndpoint, QqError, QqOpenId, QqToken, QqUserInfo};

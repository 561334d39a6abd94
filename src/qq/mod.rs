//! QQ Connect (QQ互联, graph.qq.com): the typed client passport uses, the wire formats, and a
//! simulator that answers like QQ for offline development and tests.
//!
//! - [`client`]: [`QqClient`] (code exchange, refresh, openid, profile) and [`QqError`].
//! - [`wire`]: pure parsers and writers of every body form (the byte-level reference is
//!   `shared/qq-connect.md`).
//! - [`sim`]: the simulator (`passport qq-sim`, embedded by `passport dev` and the tests).

pub mod client;
pub mod sim;
pub mod wire;

pub use client::{QqClient, QqClientOptions, QqEndpoint, QqError, QqOpenId, QqToken, QqUserInfo};

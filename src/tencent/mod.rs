//! Tencent Cloud API 3.0: the TC3-HMAC-SHA256 signer, a generic signed client, the products
//! passport calls through it (SMS; the captcha), and a simulator that answers like Tencent Cloud.
//!
//! - [`tc3`]: the signature, step by step ([`tc3::sign`], [`Credentials`]).
//! - [`client`]: [`TencentClient::call`] and [`TencentError`].
//! - [`sim`]: the simulator (`passport tencent-sim`, embedded by `passport dev` and the tests).

pub mod client;
pub mod sim;
pub mod tc3;

pub use client::{TencentClient, TencentClientOptions, TencentError};
pub use tc3::{Credentials, SignedHeaders, sign};

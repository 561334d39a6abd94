//! Simulators of three Chinese OAuth providers that answer like the real services, for offline
//! development and for other projects' tests (embedded in-process on port 0):
//!
//! - [`qq`]: QQ Connect (graph.qq.com), byte for byte as `shared/qq-connect.md` §8 describes;
//! - [`wechat`]: WeChat website login (open.weixin.qq.com + api.weixin.qq.com), `docs/wire/wechat.md`;
//! - [`weibo`]: Weibo OAuth2 for websites (api.weibo.com), `docs/wire/weibo.md`.
//!
//! They share the machinery that is not the provider's wire: the simulated [`clock`], injected
//! [`fault`]s, the [`users`] a person picks on the consent page, id derivation and callback
//! matching ([`ids`]), page chrome ([`html`]), request parameters ([`params`]), the server
//! harness ([`server`]) and the `/_sim/faults` and `/_sim/clock` control endpoints ([`control`]).
//! Each simulator is one mutex-guarded state behind a cheap-to-clone handle.

pub mod clock;
pub mod control;
pub mod fault;
pub mod html;
pub mod ids;
pub mod params;
pub mod qq;
pub mod server;
pub mod users;
pub mod wechat;
pub mod weibo;

pub use server::Running;
pub use users::SimUser;

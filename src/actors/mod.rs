//! The supervision tree, all in this file:
//!
//! ```text
//! passport-root (RootSupervisor: restarts any child that fails, stops them all on shutdown)
//! ├── qq_exchange_worker_0..N  QQ code → tokens → openid → profile, one login at a time each
//! └── binder                   writes bindings, pending identities and QQ-registered users
//! ```
//!
//! A child is described by a [`ChildSpec`]: how to build it, and the [`Slot`] through which the
//! rest of the service reaches its current incarnation. When a child panics or returns an error,
//! the root supervisor starts a new one from the same spec and puts its address in the slot, so a
//! caller's next message reaches the replacement.

pub mod binder;
pub mod qq_exchange;
pub mod supervisor;

pub use supervisor::{ActorTree, AskError, ChildSpec, Slot};

use crate::startup::AppState;

/// Every child of the root, in start order.
pub fn children(state: &AppState) -> Vec<ChildSpec> {
    let mut children = state.exchange.child_specs(state.qq.clone(), state.qq_unionid.clone());
    let binder_args = binder::BinderArgs {
        db: state.db.clone(),
        cipher: state.security.cipher.clone(),
    };
    children.push(ChildSpec::new("binder", state.binder.clone(), move || {
        (binder::Binder, binder_args.clone())
    }));
    children
}

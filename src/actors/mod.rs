//! The supervision tree, all in this file:
//!
//! ```text
//! passport-root (RootSupervisor: restarts any child that fails, stops them all on shutdown)
//! └── (children are listed in `children()` below; each feature adds its line)
//! ```
//!
//! A child is described by a [`ChildSpec`]: how to build it, and the [`Slot`] through which the
//! rest of the service reaches its current incarnation. When a child panics or returns an error,
//! the root supervisor starts a new one from the same spec and puts its address in the slot, so a
//! caller's next message reaches the replacement.

pub mod supervisor;

pub use supervisor::{ActorTree, ChildSpec, Slot};

use crate::startup::AppState;

/// Every child of the root, in start order. Shutdown stops them in reverse.
pub fn children(_state: &AppState) -> Vec<ChildSpec> {
    Vec::new()
}

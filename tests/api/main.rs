//! The HTTP-level test binary (`cargo test --test api`): one module per feature.

mod qq_client;
mod qq_sim;

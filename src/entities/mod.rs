//! sea-orm entities, one file per table of `migrations/`.

pub mod audit_log;
pub mod email_verifications;
pub mod job_deliveries;
pub mod jobs;
pub mod password_resets;
pub mod pending_qq_identities;
pub mod qq_bindings;
pub mod qq_callback_replays;
pub mod qq_token_events;
pub mod sms_codes;
pub mod used_login_states;
pub mod users;

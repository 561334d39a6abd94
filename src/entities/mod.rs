//! sea-orm entities, one file per table of `migrations/`.

pub mod audit_log;
pub mod binding_token_events;
pub mod callback_replays;
pub mod email_verifications;
pub mod job_deliveries;
pub mod jobs;
pub mod password_resets;
pub mod pending_identities;
pub mod sms_codes;
pub mod social_bindings;
pub mod used_login_states;
pub mod users;

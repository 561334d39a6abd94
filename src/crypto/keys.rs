//! Every key-bearing service of the app, built once from the settings and shared.

use std::sync::Arc;
use std::time::Duration;

use super::{JwtKeys, KeyedHasher, PasswordHasher, Purpose, TimedSerializer, TokenCipher};
use crate::config::Settings;

/// How long a login JWT is valid. "记住我" only chooses where the browser keeps it.
pub const JWT_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

pub struct Security {
    /// Signs the OAuth `state` (salt `state`).
    pub state_signer: TimedSerializer,
    /// Signs bind tickets (salt `bind-ticket`).
    pub ticket_signer: TimedSerializer,
    /// Signs password-reset tokens (salt `password-reset`).
    pub reset_signer: TimedSerializer,
    /// Signs email-verification tokens (salt `email-verify`).
    pub email_signer: TimedSerializer,
    pub cipher: Arc<TokenCipher>,
    pub hasher: KeyedHasher,
    pub jwt: JwtKeys,
    pub passwords: PasswordHasher,
}

impl Security {
    pub fn new(settings: &Settings) -> Self {
        let secret = settings.secret_key.expose();
        Self {
            state_signer: TimedSerializer::for_purpose(secret, Purpose::State),
            ticket_signer: TimedSerializer::for_purpose(secret, Purpose::BindTicket),
            reset_signer: TimedSerializer::for_purpose(secret, Purpose::PasswordReset),
            email_signer: TimedSerializer::for_purpose(secret, Purpose::EmailVerify),
            cipher: Arc::new(TokenCipher::with_old_keys(
                &settings.token_key,
                &settings.token_keys_old,
            )),
            hasher: KeyedHasher::new(&settings.secret_key),
            jwt: JwtKeys::new(&settings.secret_key, JWT_LIFETIME),
            passwords: PasswordHasher::owasp(),
        }
    }
}

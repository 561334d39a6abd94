//! Security building blocks of login: signed timed tokens, login JWTs, password hashing, token
//! encryption at rest, keyed hashes and secure randomness. No HTTP here.
//!
//! Every key comes from configuration: the itsdangerous signer, the JWT key and the keyed hasher
//! from `secret_key` (each derived for its own purpose), token encryption from `token_key`.

pub mod jwt;
pub mod keys;
pub mod password;
pub mod signer;
pub mod token_cipher;

pub use jwt::{Claims, JwtError, JwtKeys, Subject};
pub use keys::Security;
pub use password::{PasswordError, PasswordHasher, hash_password, verify_password};
pub use signer::{Digest, Purpose, SignerError, TimedSerializer};
pub use token_cipher::{
    CryptoError, HashPurpose, KeyedHasher, TokenCipher, TokenField, random_token, sms_code,
};

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

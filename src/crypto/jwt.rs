//! The bearer tokens of logged-in users: HS256 JWTs.
//!
//! The HMAC key is `HMAC-SHA256(secret_key, "passport/jwt/v1")`, so it never equals a key of the
//! itsdangerous signer or the keyed hasher although all come from the one secret.
//!
//! Decoding pins the algorithm to HS256 (a token claiming `none`, HS512, RS256... is refused),
//! requires `exp`, `iat`, `sub` and our `iss`, and allows [`LEEWAY_SECS`] of clock skew. Whether
//! the token is stale is the caller's check: compare [`Claims::ver`] with the user's
//! `token_version` (a password reset bumps it).

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::unix_now;
use crate::config::Secret;

/// The `iss` of every token we issue.
pub const ISSUER: &str = "passport";

/// Clock skew tolerated on `exp` and `iat`.
pub const LEEWAY_SECS: u64 = 5;

/// A good default lifetime for a login token.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string (RFC 7519 makes `sub` a string).
    pub sub: String,
    pub username: String,
    /// Issued at, Unix seconds.
    pub iat: u64,
    /// Expires at, Unix seconds.
    pub exp: u64,
    /// The user's `token_version` when the token was issued.
    pub ver: i32,
    /// Whether the user was staff when the token was issued (re-check the database for admin
    /// actions; this is for the UI).
    #[serde(default)]
    pub staff: bool,
    pub iss: String,
}

impl Claims {
    /// The user id of `sub`.
    pub fn user_id(&self) -> Result<i64, JwtError> {
        self.sub.parse().map_err(|_| JwtError::Invalid)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    /// Correctly signed, but past `exp` (beyond the leeway).
    #[error("token expired")]
    Expired,
    /// Anything else: bad signature, other algorithm, malformed, missing claims, other issuer,
    /// issued in the future.
    #[error("token invalid")]
    Invalid,
    /// Signing failed (should not happen with an HMAC key).
    #[error("cannot issue token: {0}")]
    Encode(String),
}

/// Who a token is for; the input of [`JwtKeys::issue`].
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub user_id: i64,
    pub username: &'a str,
    pub token_version: i32,
    pub staff: bool,
}

/// Issues and checks login tokens. Build once at start-up and share.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("keys", &"[REDACTED]")
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

impl JwtKeys {
    pub fn new(secret: &Secret, lifetime: Duration) -> Self {
        let key = super::token_cipher::derive_key_bytes(secret, "passport/jwt/v1");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_aud = false;
        Self {
            encoding: EncodingKey::from_secret(key.as_ref()),
            decoding: DecodingKey::from_secret(key.as_ref()),
            validation,
            lifetime,
        }
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A token for `subject`, valid from now for the configured lifetime.
    pub fn issue(&self, subject: Subject<'_>) -> Result<String, JwtError> {
        self.issue_at(subject, unix_now())
    }

    /// A token for `subject` as if issued at `now` (Unix seconds).
    pub fn issue_at(&self, subject: Subject<'_>, now: u64) -> Result<String, JwtError> {
        let claims = Claims {
            sub: subject.user_id.to_string(),
            username: subject.username.to_owned(),
            iat: now,
            exp: now.saturating_add(self.lifetime.as_secs()),
            ver: subject.token_version,
            staff: subject.staff,
            iss: ISSUER.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| JwtError::Encode(e.to_string()))
    }

    /// The claims of a valid, unexpired token. The caller still compares `ver` with the database.
    pub fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => JwtError::Expired,
                _ => JwtError::Invalid,
            })?;
        let claims = data.claims;
        // jsonwebtoken does not look at `iat`; a token from the future was not made by us now.
        if claims.iat > unix_now().saturating_add(LEEWAY_SECS) || claims.iat > claims.exp {
            return Err(JwtError::Invalid);
        }
        claims.user_id()?;
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn keys() -> JwtKeys {
        JwtKeys::new(
            &Secret::new("jwt-test-secret-of-enough-length"),
            DEFAULT_LIFETIME,
        )
    }

    fn alice() -> Subject<'static> {
        Subject {
            user_id: 7,
            username: "alice",
            token_version: 3,
            staff: false,
        }
    }

    #[test]
    fn issues_and_verifies() {
        let k = keys();
        let token = k.issue(alice()).expect("issue");
        let claims = k.verify(&token).expect("verify");
        assert_eq!(claims.user_id().expect("id"), 7);
        assert_eq!(claims.username, "alice");
        assert_eq!(claims.ver, 3);
        assert!(!claims.staff);
        assert_eq!(claims.exp - claims.iat, DEFAULT_LIFETIME.as_secs());
        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!(header.alg, Algorithm::HS256);
    }

    #[test]
    fn expired_tokens_are_expired() {
        let k = JwtKeys::new(&Secret::new("s"), Duration::from_secs(60));
        let issued = unix_now() - 60 - LEEWAY_SECS - 5;
        let token = k.issue_at(alice(), issued).expect("issue");
        assert_eq!(k.verify(&token), Err(JwtError::Expired));
        // Within the leeway it still passes.
        let token = k.issue_at(alice(), unix_now() - 61).expect("issue");
        assert!(k.verify(&token).is_ok());
    }

    #[test]
    fn tokens_from_the_future_are_invalid() {
        let k = keys();
        let token = k.issue_at(alice(), unix_now() + 3600).expect("issue");
        assert_eq!(k.verify(&token), Err(JwtError::Invalid));
    }

    #[test]
    fn another_secret_is_invalid() {
        let token = keys().issue(alice()).expect("issue");
        let other = JwtKeys::new(&Secret::new("another-secret"), DEFAULT_LIFETIME);
        assert_eq!(other.verify(&token), Err(JwtError::Invalid));
    }

    #[test]
    fn the_jwt_key_is_not_the_raw_secret() {
        let secret = "jwt-test-secret-of-enough-length";
        let now = unix_now();
        let claims = serde_json::json!({
            "sub": "7", "username": "alice", "iat": now, "exp": now + 60, "ver": 3, "iss": ISSUER
        });
        let forged = jsonwebtoken::encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("encode");
        assert_eq!(keys().verify(&forged), Err(JwtError::Invalid));
    }

    fn raw_token(
        header: &serde_json::Value,
        claims: &serde_json::Value,
        signature: &[u8],
    ) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }

    fn good_claims() -> serde_json::Value {
        let now = unix_now();
        serde_json::json!({
            "sub": "7", "username": "alice", "iat": now, "exp": now + 60, "ver": 3, "iss": ISSUER
        })
    }

    #[test]
    fn alg_none_is_refused() {
        for alg in ["none", "None", "NONE"] {
            let token = raw_token(
                &serde_json::json!({"alg": alg, "typ": "JWT"}),
                &good_claims(),
                b"",
            );
            assert_eq!(keys().verify(&token), Err(JwtError::Invalid), "{alg}");
            let unsigned = token.trim_end_matches('.').to_string() + ".";
            assert_eq!(keys().verify(&unsigned), Err(JwtError::Invalid), "{alg}");
        }
    }

    #[test]
    fn other_algorithms_with_the_right_key_are_refused() {
        let key = crate::crypto::token_cipher::derive_key_bytes(
            &Secret::new("jwt-test-secret-of-enough-length"),
            "passport/jwt/v1",
        );
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            let token = jsonwebtoken::encode(
                &Header::new(alg),
                &good_claims(),
                &EncodingKey::from_secret(key.as_ref()),
            )
            .expect("encode");
            assert_eq!(keys().verify(&token), Err(JwtError::Invalid), "{alg:?}");
        }
        // The same claims under HS256 pass, so the refusals above are about the algorithm.
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &good_claims(),
            &EncodingKey::from_secret(key.as_ref()),
        )
        .expect("encode");
        assert!(keys().verify(&token).is_ok());
    }

    #[test]
    fn missing_or_wrong_claims_are_invalid() {
        let key = crate::crypto::token_cipher::derive_key_bytes(
            &Secret::new("jwt-test-secret-of-enough-length"),
            "passport/jwt/v1",
        );
        let sign = |claims: serde_json::Value| {
            jsonwebtoken::encode(
                &Header::default(),
                &claims,
                &EncodingKey::from_secret(key.as_ref()),
            )
            .expect("encode")
        };
        for field in ["exp", "sub", "iss", "ver", "iat"] {
            let mut claims = good_claims();
            claims.as_object_mut().expect("object").remove(field);
            assert_eq!(
                keys().verify(&sign(claims)),
                Err(JwtError::Invalid),
                "without {field}"
            );
        }
        let mut other_issuer = good_claims();
        other_issuer["iss"] = "someone-else".into();
        assert_eq!(keys().verify(&sign(other_issuer)), Err(JwtError::Invalid));
        let mut not_a_user_id = good_claims();
        not_a_user_id["sub"] = "alice".into();
        assert_eq!(keys().verify(&sign(not_a_user_id)), Err(JwtError::Invalid));
    }

    #[test]
    fn junk_is_invalid() {
        for junk in ["", "a", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30."] {
            assert_eq!(keys().verify(junk), Err(JwtError::Invalid), "{junk}");
        }
    }

    #[test]
    fn tampered_claims_are_invalid() {
        let token = keys()
            .issue(Subject {
                staff: false,
                ..alice()
            })
            .expect("issue");
        let parts: Vec<&str> = token.split('.').collect();
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
        claims["staff"] = true.into();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            parts[2]
        );
        assert_eq!(keys().verify(&forged), Err(JwtError::Invalid));
    }
}

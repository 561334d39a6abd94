//! Signed, timed tokens in the wire format of Python itsdangerous' `URLSafeTimedSerializer`.
//!
//! A token is `base64url(payload) "." base64url(timestamp) "." base64url(signature)`:
//! - the payload is compact JSON (`separators=(",", ":")`, non-ASCII kept as UTF-8); when zlib
//!   makes it at least two bytes shorter it is compressed and the base64 gets a leading `.`
//!   (we only try from 256 bytes of JSON on: see `encode_payload`; both forms load);
//! - the timestamp is the Unix time in seconds as big-endian bytes with leading zeros stripped;
//! - the signature is `HMAC_H(H(salt + b"signer" + secret), payload_b64 + "." + timestamp_b64)`
//!   (itsdangerous' `django-concat` key derivation), H being SHA-1 (the itsdangerous default) or
//!   SHA-256;
//! - base64 is URL-safe without padding.
//!
//! Every purpose has its own salt ([`Purpose`]), so a bind ticket is never accepted as a reset
//! token. The signature is checked in constant time (`ring::hmac::verify`) before anything else
//! in the token is trusted.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::{digest, hmac};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::unix_now;

/// How far in the future a timestamp may lie before the token is refused (clock skew between
/// instances). itsdangerous itself allows none.
pub const CLOCK_SKEW_TOLERANCE: Duration = Duration::from_secs(30);

/// Tokens longer than this are refused unread: ours are a few hundred bytes.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// A compressed payload may not inflate past this (no zlib bombs, even signed ones).
const MAX_PAYLOAD_LEN: usize = 64 * 1024;

/// The hash function of both the key derivation and the HMAC, as itsdangerous' `digest_method`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Digest {
    /// `hashlib.sha1`, itsdangerous' default. HMAC-SHA1 is still a sound MAC.
    #[default]
    Sha1,
    /// `hashlib.sha256`.
    Sha256,
}

impl Digest {
    fn digest_algorithm(self) -> &'static digest::Algorithm {
        match self {
            Digest::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &digest::SHA256,
        }
    }

    fn hmac_algorithm(self) -> hmac::Algorithm {
        match self {
            Digest::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => hmac::HMAC_SHA256,
        }
    }
}

/// What a token is for. Each purpose is a distinct salt, so tokens never cross purposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// The OAuth `state` of a QQ login attempt.
    State,
    /// The ticket naming a pending QQ identity until it is bound or registered.
    BindTicket,
    /// The token in a password-reset link.
    PasswordReset,
    /// The token in an email-verification link.
    EmailVerify,
}

impl Purpose {
    /// The itsdangerous `salt` of this purpose (Python: `URLSafeTimedSerializer(key, salt=...)`).
    pub const fn salt(self) -> &'static str {
        match self {
            Purpose::State => "state",
            Purpose::BindTicket => "bind-ticket",
            Purpose::PasswordReset => "password-reset",
            Purpose::EmailVerify => "email-verify",
        }
    }

    /// How long a token of this purpose lives: the `max_age` to load it with.
    pub const fn max_age(self) -> Duration {
        match self {
            // A login attempt: the time to pass QQ's consent page.
            Purpose::State => Duration::from_secs(10 * 60),
            Purpose::BindTicket => Duration::from_secs(10 * 60),
            Purpose::PasswordReset => Duration::from_secs(30 * 60),
            Purpose::EmailVerify => Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// Why a token was refused. Callers map these to their own codes (`state_invalid`,
/// `bind_ticket_expired`, ...); only [`SignerError::Expired`] usually deserves a different message.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    /// Not shaped like a token (wrong number of parts, bad base64, too long), or a correctly
    /// signed token whose timestamp or payload cannot be read as the expected type.
    #[error("malformed token")]
    Malformed,
    /// The signature does not match: tampered, another secret, or another purpose.
    #[error("bad signature")]
    BadSignature,
    /// Correctly signed but older than the allowed maximum age.
    #[error("token expired ({age_secs} s old)")]
    Expired { age_secs: u64 },
    /// Correctly signed but dated further in the future than [`CLOCK_SKEW_TOLERANCE`].
    #[error("token issued in the future")]
    IssuedInFuture,
    /// The payload could not be serialized (dumping only).
    #[error("cannot serialize payload: {0}")]
    Serialize(#[source] serde_json::Error),
}

impl SignerError {
    pub fn is_expired(&self) -> bool {
        matches!(self, SignerError::Expired { .. })
    }
}

/// `URLSafeTimedSerializer(secret, salt=salt, signer_kwargs={"digest_method": H})`.
///
/// Cheap to clone; build one per purpose at start-up and share it.
#[derive(Clone)]
pub struct TimedSerializer {
    key: hmac::Key,
}

impl std::fmt::Debug for TimedSerializer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TimedSerializer([REDACTED])")
    }
}

impl TimedSerializer {
    /// A serializer with an explicit itsdangerous salt and digest (for interoperability).
    pub fn new(secret: &[u8], salt: &[u8], digest: Digest) -> Self {
        // django-concat: derived = H(salt + b"signer" + secret)
        let mut ctx = digest::Context::new(digest.digest_algorithm());
        ctx.update(salt);
        ctx.update(b"signer");
        ctx.update(secret);
        let derived = ctx.finish();
        Self {
            key: hmac::Key::new(digest.hmac_algorithm(), derived.as_ref()),
        }
    }

    /// The serializer for one of our purposes, with itsdangerous' default digest (SHA-1), so
    /// `URLSafeTimedSerializer(secret, salt=purpose.salt())` in Python reads and makes the same
    /// tokens.
    pub fn for_purpose(secret: &str, purpose: Purpose) -> Self {
        Self::new(
            secret.as_bytes(),
            purpose.salt().as_bytes(),
            Digest::default(),
        )
    }

    /// Sign `payload` with the current time.
    pub fn dumps<T: Serialize + ?Sized>(&self, payload: &T) -> Result<String, SignerError> {
        self.dumps_at(payload, unix_now())
    }

    /// Sign `payload` as if issued at `now` (Unix seconds).
    pub fn dumps_at<T: Serialize + ?Sized>(
        &self,
        payload: &T,
        now: u64,
    ) -> Result<String, SignerError> {
        let json = serde_json::to_vec(payload).map_err(SignerError::Serialize)?;
        let mut token = encode_payload(&json);
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(int_to_bytes(now)));
        let tag = hmac::sign(&self.key, token.as_bytes());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(tag.as_ref()));
        Ok(token)
    }

    /// Verify `token` and return its payload if it is at most `max_age` old.
    pub fn loads<T: DeserializeOwned>(
        &self,
        token: &str,
        max_age: Duration,
    ) -> Result<T, SignerError> {
        self.loads_at(token, max_age, unix_now())
    }

    /// [`Self::loads`] with an explicit current time (Unix seconds), for tests and callers that
    /// already read the clock.
    pub fn loads_at<T: DeserializeOwned>(
        &self,
        token: &str,
        max_age: Duration,
        now: u64,
    ) -> Result<T, SignerError> {
        self.loads_with_timestamp_at(token, max_age, now)
            .map(|(payload, _)| payload)
    }

    /// Like [`Self::loads_at`], also returning when the token was signed (Unix seconds).
    pub fn loads_with_timestamp_at<T: DeserializeOwned>(
        &self,
        token: &str,
        max_age: Duration,
        now: u64,
    ) -> Result<(T, u64), SignerError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(SignerError::Malformed);
        }
        let (signed, sig_b64) = token.rsplit_once('.').ok_or(SignerError::Malformed)?;
        let (payload_b64, ts_b64) = signed.rsplit_once('.').ok_or(SignerError::Malformed)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig_b64)
            .map_err(|_| SignerError::Malformed)?;
        hmac::verify(&self.key, signed.as_bytes(), &sig).map_err(|_| SignerError::BadSignature)?;

        // From here on the bytes are ours (or made with our secret).
        let issued_at = bytes_to_int(
            &URL_SAFE_NO_PAD
                .decode(ts_b64)
                .map_err(|_| SignerError::Malformed)?,
        )?;
        if issued_at > now.saturating_add(CLOCK_SKEW_TOLERANCE.as_secs()) {
            return Err(SignerError::IssuedInFuture);
        }
        let age_secs = now.saturating_sub(issued_at);
        if age_secs > max_age.as_secs() {
            return Err(SignerError::Expired { age_secs });
        }
        let json = decode_payload(payload_b64)?;
        let payload = serde_json::from_slice(&json).map_err(|_| SignerError::Malformed)?;
        Ok((payload, issued_at))
    }
}

/// Payloads shorter than this are not offered to zlib. Every token we sign (a login state, a bind
/// ticket, a reset or email link) is a short JSON object of random nonces and keyed hashes
/// that zlib cannot shorten, and trying anyway cost ≈ 4 % of a login's CPU: a 300 KB compressor
/// allocated, zeroed and freed per token. itsdangerous loads a token either way.
const COMPRESS_FROM: usize = 256;

/// base64url of the JSON, zlib-compressed and prefixed with `.` when that saves at least two
/// bytes (the rule of itsdangerous' `URLSafeSerializerMixin.dump_payload`), for payloads of
/// [`COMPRESS_FROM`] bytes or more.
fn encode_payload(json: &[u8]) -> String {
    if json.len() >= COMPRESS_FROM {
        // Level 6 is zlib's default, as Python's `zlib.compress` uses.
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(json, 6);
        if compressed.len() + 1 < json.len() {
            return format!(".{}", URL_SAFE_NO_PAD.encode(compressed));
        }
    }
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_payload(payload_b64: &str) -> Result<Vec<u8>, SignerError> {
    match payload_b64.strip_prefix('.') {
        Some(compressed_b64) => {
            let compressed = URL_SAFE_NO_PAD
                .decode(compressed_b64)
                .map_err(|_| SignerError::Malformed)?;
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_PAYLOAD_LEN)
                .map_err(|_| SignerError::Malformed)
        }
        None => URL_SAFE_NO_PAD
            .decode(payload_b64)
            .map_err(|_| SignerError::Malformed),
    }
}

/// Python's `num.to_bytes((num.bit_length() + 7) // 8, "big")`: zero is the empty string.
fn int_to_bytes(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes[first..].to_vec()
}

/// Python's `int.from_bytes(b, "big")`, refusing what does not fit in a u64.
fn bytes_to_int(bytes: &[u8]) -> Result<u64, SignerError> {
    let significant = match bytes.iter().position(|&b| b != 0) {
        Some(first) => &bytes[first..],
        None => return Ok(0),
    };
    if significant.len() > 8 {
        return Err(SignerError::Malformed);
    }
    Ok(significant
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const SECRET: &str = "secret-key";
    const NOW: u64 = 1_764_000_000;
    const TEN_MINUTES: Duration = Duration::from_secs(600);

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Ticket {
        pending_id: i64,
        openid: String,
    }

    fn ticket() -> Ticket {
        Ticket {
            pending_id: 42,
            openid: "91EF4826024612D98DD712EC4AA11B9B".into(),
        }
    }

    fn serializer(digest: Digest) -> TimedSerializer {
        TimedSerializer::new(SECRET.as_bytes(), b"bind-ticket", digest)
    }

    /// Rebuild the plain itsdangerous `Signer` (no timestamp) from our key derivation and check
    /// the vectors Python 2.2.0 produced (shared/STACK.md).
    #[test]
    fn key_derivation_and_hmac_match_python_vectors() {
        for (digest, salt, value, expected) in [
            (
                Digest::Sha1,
                "itsdangerous.Signer",
                "hello",
                "hello.GIG_I5genEs4rf1bcDRWLO8Yso4",
            ),
            (
                Digest::Sha256,
                "itsdangerous.Signer",
                "hello",
                "hello.upm5Ld0GfGoOMfOmRUKFct3MLmwAZ0b_6KKIrXsA3Jo",
            ),
            (
                Digest::Sha1,
                "activate",
                "eyJpZCI6NX0",
                "eyJpZCI6NX0.etfoJzOnbTdKrTWvEKBdjUWkEyk",
            ),
        ] {
            let s = TimedSerializer::new(SECRET.as_bytes(), salt.as_bytes(), digest);
            let sig = hmac::sign(&s.key, value.as_bytes());
            assert_eq!(
                format!("{value}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref())),
                expected
            );
        }
    }

    #[test]
    fn payload_is_compact_json_in_base64url() {
        let token = serializer(Digest::Sha1)
            .dumps_at(&serde_json::json!({"id": 5}), NOW)
            .expect("dumps");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3, "{token}");
        assert_eq!(parts[0], "eyJpZCI6NX0");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(parts[1]).expect("b64"),
            NOW.to_be_bytes()[4..]
        );
    }

    #[test]
    fn round_trips_with_both_digests() {
        for digest in [Digest::Sha1, Digest::Sha256] {
            let s = serializer(digest);
            let token = s.dumps_at(&ticket(), NOW).expect("dumps");
            let (back, issued_at): (Ticket, u64) = s
                .loads_with_timestamp_at(&token, TEN_MINUTES, NOW + 5)
                .expect("loads");
            assert_eq!(back, ticket());
            assert_eq!(issued_at, NOW);
        }
    }

    #[test]
    fn long_repetitive_payloads_are_compressed_and_load() {
        let s = serializer(Digest::Sha256);
        let long = "荏苒".repeat(500);
        let token = s.dumps_at(&long, NOW).expect("dumps");
        assert!(
            token.starts_with('.'),
            "expected a compressed payload: {token}"
        );
        assert!(token.len() < long.len());
        let back: String = s.loads_at(&token, TEN_MINUTES, NOW).expect("loads");
        assert_eq!(back, long);
    }

    #[test]
    fn short_payloads_are_not_compressed_even_when_zlib_could() {
        let s = serializer(Digest::Sha256);
        let short = "a".repeat(super::COMPRESS_FROM - 3);
        let token = s.dumps_at(&short, NOW).expect("dumps");
        assert!(!token.starts_with('.'), "{token}");
        let back: String = s.loads_at(&token, TEN_MINUTES, NOW).expect("loads");
        assert_eq!(back, short);
    }

    #[test]
    fn short_payloads_are_not_compressed() {
        let token = serializer(Digest::Sha1)
            .dumps_at(&ticket(), NOW)
            .expect("dumps");
        assert!(!token.starts_with('.'));
    }

    #[test]
    fn max_age_is_inclusive_then_expired() {
        let s = serializer(Digest::Sha1);
        let token = s.dumps_at(&ticket(), NOW).expect("dumps");
        assert!(s.loads_at::<Ticket>(&token, TEN_MINUTES, NOW + 600).is_ok());
        let err = s
            .loads_at::<Ticket>(&token, TEN_MINUTES, NOW + 601)
            .expect_err("expired");
        assert!(
            matches!(err, SignerError::Expired { age_secs: 601 }),
            "{err:?}"
        );
        assert!(err.is_expired());
    }

    #[test]
    fn future_timestamps_beyond_the_skew_tolerance_are_refused() {
        let s = serializer(Digest::Sha1);
        let skew = CLOCK_SKEW_TOLERANCE.as_secs();
        let slightly_ahead = s.dumps_at(&ticket(), NOW + skew).expect("dumps");
        assert!(
            s.loads_at::<Ticket>(&slightly_ahead, TEN_MINUTES, NOW)
                .is_ok()
        );
        let far_ahead = s.dumps_at(&ticket(), NOW + skew + 1).expect("dumps");
        assert!(matches!(
            s.loads_at::<Ticket>(&far_ahead, TEN_MINUTES, NOW),
            Err(SignerError::IssuedInFuture)
        ));
    }

    #[test]
    fn purposes_do_not_cross() {
        let state = TimedSerializer::for_purpose(SECRET, Purpose::State);
        let ticket_signer = TimedSerializer::for_purpose(SECRET, Purpose::BindTicket);
        let reset = TimedSerializer::for_purpose(SECRET, Purpose::PasswordReset);
        let token = ticket_signer.dumps_at(&ticket(), NOW).expect("dumps");
        assert!(
            ticket_signer
                .loads_at::<Ticket>(&token, TEN_MINUTES, NOW)
                .is_ok()
        );
        for other in [&state, &reset] {
            assert!(matches!(
                other.loads_at::<Ticket>(&token, TEN_MINUTES, NOW),
                Err(SignerError::BadSignature)
            ));
        }
    }

    #[test]
    fn salts_are_distinct() {
        let all = [
            Purpose::State,
            Purpose::BindTicket,
            Purpose::PasswordReset,
            Purpose::EmailVerify,
        ];
        let salts: std::collections::HashSet<_> = all.iter().map(|p| p.salt()).collect();
        assert_eq!(salts.len(), all.len());
    }

    #[test]
    fn lifetimes_follow_the_spec() {
        assert_eq!(Purpose::BindTicket.max_age(), Duration::from_secs(10 * 60));
        assert_eq!(
            Purpose::PasswordReset.max_age(),
            Duration::from_secs(30 * 60)
        );
        assert!(Purpose::State.max_age() <= Duration::from_secs(15 * 60));
    }

    #[test]
    fn another_secret_or_digest_is_a_bad_signature() {
        let token = serializer(Digest::Sha1)
            .dumps_at(&ticket(), NOW)
            .expect("dumps");
        let other_secret = TimedSerializer::new(b"other-secret", b"bind-ticket", Digest::Sha1);
        for s in [other_secret, serializer(Digest::Sha256)] {
            assert!(matches!(
                s.loads_at::<Ticket>(&token, TEN_MINUTES, NOW),
                Err(SignerError::BadSignature)
            ));
        }
    }

    #[test]
    fn tampering_with_any_part_breaks_the_signature() {
        let s = serializer(Digest::Sha1);
        let token = s.dumps_at(&ticket(), NOW).expect("dumps");
        let parts: Vec<&str> = token.split('.').collect();

        let forged_payload = URL_SAFE_NO_PAD
            .encode(br#"{"pending_id":43,"openid":"91EF4826024612D98DD712EC4AA11B9B"}"#);
        let forged = format!("{forged_payload}.{}.{}", parts[1], parts[2]);
        assert!(matches!(
            s.loads_at::<Ticket>(&forged, TEN_MINUTES, NOW),
            Err(SignerError::BadSignature)
        ));

        // Re-dating a token (to extend its life) breaks it too.
        let later = URL_SAFE_NO_PAD.encode(int_to_bytes(NOW + 3600));
        let redated = format!("{}.{later}.{}", parts[0], parts[2]);
        assert!(matches!(
            s.loads_at::<Ticket>(&redated, TEN_MINUTES, NOW + 3600),
            Err(SignerError::BadSignature)
        ));

        // Flip one bit of the signature.
        let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).expect("b64");
        sig[0] ^= 1;
        let flipped = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(sig));
        assert!(matches!(
            s.loads_at::<Ticket>(&flipped, TEN_MINUTES, NOW),
            Err(SignerError::BadSignature)
        ));
    }

    #[test]
    fn junk_is_malformed_or_bad_never_a_panic() {
        let s = serializer(Digest::Sha1);
        for junk in [
            "", ".", "..", "abc", "a.b", "a.b.c", "a.b.!!!", "....", "é.é.é",
        ] {
            let err = s
                .loads_at::<Ticket>(junk, TEN_MINUTES, NOW)
                .expect_err(junk);
            assert!(
                matches!(err, SignerError::Malformed | SignerError::BadSignature),
                "{junk}: {err:?}"
            );
        }
        let huge = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(matches!(
            s.loads_at::<Ticket>(&huge, TEN_MINUTES, NOW),
            Err(SignerError::Malformed)
        ));
    }

    #[test]
    fn a_signed_payload_of_the_wrong_shape_is_malformed() {
        let s = serializer(Digest::Sha1);
        let token = s
            .dumps_at(&serde_json::json!({"something": "else"}), NOW)
            .expect("dumps");
        assert!(matches!(
            s.loads_at::<Ticket>(&token, TEN_MINUTES, NOW),
            Err(SignerError::Malformed)
        ));
    }

    #[test]
    fn integer_bytes_follow_python() {
        assert_eq!(int_to_bytes(0), Vec::<u8>::new());
        assert_eq!(int_to_bytes(255), vec![255]);
        assert_eq!(int_to_bytes(256), vec![1, 0]);
        assert_eq!(bytes_to_int(&[]).expect("zero"), 0);
        assert_eq!(bytes_to_int(&[0, 0, 1, 0]).expect("leading zeros"), 256);
        assert!(bytes_to_int(&[1; 9]).is_err());
        for n in [0, 1, 255, 256, NOW, u64::MAX] {
            assert_eq!(bytes_to_int(&int_to_bytes(n)).expect("round trip"), n);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_payload_round_trips(text in ".{0,400}", now in 0u64..4_000_000_000) {
            let s = serializer(Digest::Sha256);
            let token = s.dumps_at(&text, now).expect("dumps");
            let back: String = s.loads_at(&token, TEN_MINUTES, now).expect("loads");
            proptest::prop_assert_eq!(back, text);
        }

        #[test]
        fn any_single_character_change_is_refused(
            index in 0usize..200,
            replacement in proptest::sample::select(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".chars().collect::<Vec<_>>()
            ),
        ) {
            let s = serializer(Digest::Sha1);
            let token = s.dumps_at(&ticket(), NOW).expect("dumps");
            let index = index % token.len();
            let mut chars: Vec<char> = token.chars().collect();
            proptest::prop_assume!(chars[index] != replacement);
            chars[index] = replacement;
            let altered: String = chars.into_iter().collect();
            proptest::prop_assert!(s.loads_at::<Ticket>(&altered, TEN_MINUTES, NOW).is_err(), "{}", altered);
        }
    }
}

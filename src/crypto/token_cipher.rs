//! Secrets at rest and fresh randomness.
//!
//! - [`TokenCipher`]: AES-256-GCM for the QQ tokens in the `*_token_enc` columns and for the
//!   payloads of jobs that carry a secret (`jobs.sealed_payload`), each ciphertext prefixed with
//!   the id of its key so keys can be rotated.
//! - [`KeyedHasher`]: HMAC-SHA256 (hex) for values we only ever compare (SMS codes, reset and
//!   verification nonces), so a database dump alone reveals none of them.
//! - [`random_token`] and [`sms_code`]: values handed to people.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, hmac};

use crate::config::{Secret, TokenKey};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The stored text is not `[key id ":"] base64(nonce || ciphertext || tag)`.
    #[error("stored ciphertext is malformed")]
    Malformed,
    /// Authentication failed: another key, another field or owner, or the bytes were altered.
    #[error("stored ciphertext does not authenticate")]
    Decrypt,
    /// The ciphertext names a key that is neither `PASSPORT_TOKEN_KEY` nor in
    /// `PASSPORT_TOKEN_KEYS_OLD`.
    #[error("stored ciphertext is under token key {0}, which is not configured")]
    UnknownKey(String),
    /// The system random generator failed.
    #[error("the system random generator failed")]
    Rng,
    /// Sealing failed (only for inputs beyond AES-GCM's ~64 GiB limit).
    #[error("encryption failed")]
    Encrypt,
}

/// Which column a ciphertext belongs to. Part of the associated data, so an access-token
/// ciphertext cannot be moved into the refresh-token column (or vice versa) unnoticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenField {
    QqAccessToken,
    QqRefreshToken,
    /// A job's secret-bearing payload (`jobs.sealed_payload`); the owner is the job's
    /// idempotency key.
    JobPayload,
}

impl TokenField {
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenField::QqAccessToken => "qq_access_token",
            TokenField::QqRefreshToken => "qq_refresh_token",
            TokenField::JobPayload => "job_payload",
        }
    }
}

/// A token key's public name: the first 4 bytes of `SHA-256("passport/token-key-id/v1" || key)`
/// as 8 hex digits. Stored in front of each ciphertext so decryption picks the right key, and a
/// rotation can find what is still under an old one (`LIKE 'kid:%'`). Reveals nothing usable
/// about the key.
pub fn token_key_id(key: &TokenKey) -> String {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(b"passport/token-key-id/v1");
    ctx.update(key.expose());
    hex::encode(&ctx.finish().as_ref()[..4])
}

struct KeySlot {
    id: String,
    key: LessSafeKey,
}

impl KeySlot {
    fn new(key: &TokenKey) -> Self {
        // A 32-byte key is always valid for AES-256-GCM; TokenKey guarantees the length.
        let unbound = match UnboundKey::new(&AES_256_GCM, key.expose()) {
            Ok(k) => k,
            Err(_) => unreachable!("TokenKey is 32 bytes, the AES-256 key length"),
        };
        Self {
            id: token_key_id(key),
            key: LessSafeKey::new(unbound),
        }
    }

    fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<String, CryptoError> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Malformed)?;
        let mut in_out = ciphertext.to_vec();
        let plaintext = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut in_out)
            .map_err(|_| CryptoError::Decrypt)?;
        // We only ever encrypt UTF-8; anything else did not come from us.
        String::from_utf8(plaintext.to_vec()).map_err(|_| CryptoError::Decrypt)
    }
}

/// AES-256-GCM under the configured [`TokenKey`], with earlier keys still accepted for reading.
///
/// Stored form: `kid ":" base64(nonce (12 bytes) || ciphertext || tag (16 bytes))`, where `kid`
/// is [`token_key_id`] of the key that sealed it and the nonce is fresh and random per
/// encryption. New ciphertexts always use the current key. A ciphertext without `kid:` is the
/// format written before key ids existed: every configured key is tried on it, current first
/// (`passport keys rotate` rewrites those rows with a prefix).
///
/// The associated data is `"passport/v1/" + field + "/" + owner`, where `owner` is what the row
/// belongs to. Pass the QQ **openid**: it is known both in the pending identity and in the
/// binding, so the ciphertext can be copied from one to the other, yet cannot be replayed into
/// another person's row. The key id is not in it, so legacy ciphertexts stay readable.
pub struct TokenCipher {
    current: KeySlot,
    old: Vec<KeySlot>,
    rng: SystemRandom,
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCipher([REDACTED])")
    }
}

impl TokenCipher {
    /// Only `key`, for sealing and opening.
    pub fn new(key: &TokenKey) -> Self {
        Self::with_old_keys(key, &[])
    }

    /// Seal with `current`; open what any of `current` and `old` sealed.
    pub fn with_old_keys(current: &TokenKey, old: &[TokenKey]) -> Self {
        let current = KeySlot::new(current);
        let mut slots: Vec<KeySlot> = Vec::new();
        for key in old {
            let slot = KeySlot::new(key);
            if slot.id != current.id && slots.iter().all(|s| s.id != slot.id) {
                slots.push(slot);
            }
        }
        Self {
            current,
            old: slots,
            rng: SystemRandom::new(),
        }
    }

    /// The id new ciphertexts carry.
    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    /// Whether `stored` is already sealed under the current key (and so needs no rotation).
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .split_once(':')
            .is_some_and(|(kid, _)| kid == self.current.id)
    }

    /// Seal `plaintext` for `owner`'s `field` under the current key.
    pub fn encrypt(
        &self,
        field: TokenField,
        owner: &str,
        plaintext: &str,
    ) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| CryptoError::Rng)?;
        let mut in_out = plaintext.as_bytes().to_vec();
        self.current
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(associated_data(field, owner)),
                &mut in_out,
            )
            .map_err(|_| CryptoError::Encrypt)?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + in_out.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&in_out);
        Ok(format!("{}:{}", self.current.id, STANDARD.encode(sealed)))
    }

    /// Open what [`encrypt`](Self::encrypt) sealed, under the current or any old key.
    pub fn decrypt(
        &self,
        field: TokenField,
        owner: &str,
        stored: &str,
    ) -> Result<String, CryptoError> {
        let aad = associated_data(field, owner);
        let stored = stored.trim();
        match stored.split_once(':') {
            Some((kid, body)) => {
                if kid.len() != 8 || !kid.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(CryptoError::Malformed);
                }
                let sealed = STANDARD.decode(body).map_err(|_| CryptoError::Malformed)?;
                let slot = self
                    .slots()
                    .find(|s| s.id == kid)
                    .ok_or_else(|| CryptoError::UnknownKey(kid.to_owned()))?;
                slot.open(&aad, &sealed)
            }
            None => {
                // Written before key ids: whichever configured key authenticates it.
                let sealed = STANDARD
                    .decode(stored)
                    .map_err(|_| CryptoError::Malformed)?;
                let mut last = CryptoError::Decrypt;
                for slot in self.slots() {
                    match slot.open(&aad, &sealed) {
                        Ok(plaintext) => return Ok(plaintext),
                        Err(e) => last = e,
                    }
                }
                Err(last)
            }
        }
    }

    fn slots(&self) -> impl Iterator<Item = &KeySlot> {
        std::iter::once(&self.current).chain(self.old.iter())
    }
}

fn associated_data(field: TokenField, owner: &str) -> Vec<u8> {
    format!("passport/v1/{}/{owner}", field.as_str()).into_bytes()
}

/// What a hashed-at-rest value is. Part of the hashed input, so equal values of different
/// kinds never hash alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashPurpose {
    /// Hash `mobile + ":" + code` (see [`KeyedHasher::hash_parts`]) so a code row only matches
    /// its own mobile.
    SmsCode,
    PasswordResetNonce,
    EmailVerifyNonce,
    /// The QQ login cookie's nonce, as carried inside the signed `state`.
    QqLoginBrowser,
    /// A QQ login `state`'s nonce, once used.
    QqLoginState,
}

impl HashPurpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            HashPurpose::SmsCode => "sms_code",
            HashPurpose::PasswordResetNonce => "password_reset_nonce",
            HashPurpose::EmailVerifyNonce => "email_verify_nonce",
            HashPurpose::QqLoginBrowser => "qq_login_browser",
            HashPurpose::QqLoginState => "qq_login_state",
        }
    }
}

/// HMAC-SHA256 under a key derived from the secret key, as 64 lowercase hex digits.
///
/// Keyed rather than a bare SHA-256 because a 6-digit SMS code has only a million values: with
/// a plain hash, a leaked table would give every code away; with a keyed one, the attacker also
/// needs the secret key.
#[derive(Clone)]
pub struct KeyedHasher {
    key: hmac::Key,
}

impl std::fmt::Debug for KeyedHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyedHasher([REDACTED])")
    }
}

impl KeyedHasher {
    pub fn new(secret: &Secret) -> Self {
        Self {
            key: derive_hmac_key(secret, "passport/keyed-hash/v1"),
        }
    }

    pub fn hash(&self, purpose: HashPurpose, value: &str) -> String {
        self.hash_parts(purpose, &[value])
    }

    /// Hash several values together without ambiguity (each is length-prefixed), e.g.
    /// `hash_parts(SmsCode, &[mobile, code])`.
    pub fn hash_parts(&self, purpose: HashPurpose, parts: &[&str]) -> String {
        hex::encode(self.tag(purpose, parts).as_ref())
    }

    /// Constant-time check of `parts` against a stored hex hash. Junk in `stored` is `false`.
    pub fn verify_parts(&self, purpose: HashPurpose, parts: &[&str], stored: &str) -> bool {
        let Ok(expected) = hex::decode(stored) else {
            return false;
        };
        hmac::verify(&self.key, &message(purpose, parts), &expected).is_ok()
    }

    pub fn verify(&self, purpose: HashPurpose, value: &str, stored: &str) -> bool {
        self.verify_parts(purpose, &[value], stored)
    }

    fn tag(&self, purpose: HashPurpose, parts: &[&str]) -> hmac::Tag {
        hmac::sign(&self.key, &message(purpose, parts))
    }
}

fn message(purpose: HashPurpose, parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in std::iter::once(purpose.as_str()).chain(parts.iter().copied()) {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part.as_bytes());
    }
    out
}

/// `HMAC-SHA256(secret, label)` as an HMAC-SHA256 key: one secret, independent keys per use.
pub(crate) fn derive_hmac_key(secret: &Secret, label: &str) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, derive_key_bytes(secret, label).as_ref())
}

/// `HMAC-SHA256(secret, label)`, 32 bytes.
pub(crate) fn derive_key_bytes(secret: &Secret, label: &str) -> hmac::Tag {
    let root = hmac::Key::new(hmac::HMAC_SHA256, secret.expose().as_bytes());
    hmac::sign(&root, label.as_bytes())
}

/// `bytes` random bytes as URL-safe base64 without padding (32 bytes give 43 characters):
/// reset nonces, verification nonces, opaque ids.
pub fn random_token(bytes: usize) -> Result<String, CryptoError> {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| CryptoError::Rng)?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// A 6-digit SMS code, every value from `000000` to `999999` equally likely.
pub fn sms_code() -> Result<String, CryptoError> {
    let rng = SystemRandom::new();
    sms_code_from(|| {
        let mut buf = [0u8; 4];
        rng.fill(&mut buf).map_err(|_| CryptoError::Rng)?;
        Ok(u32::from_be_bytes(buf))
    })
}

fn sms_code_from(
    mut next_u32: impl FnMut() -> Result<u32, CryptoError>,
) -> Result<String, CryptoError> {
    // Rejection sampling: 4_294_000_000 is the largest multiple of 10^6 below 2^32, so values
    // under it reduce modulo 10^6 without bias.
    const LIMIT: u32 = 4_294_000_000;
    loop {
        let n = next_u32()?;
        if n < LIMIT {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENID: &str = "91EF4826024612D98DD712EC4AA11B9B";

    fn cipher() -> TokenCipher {
        TokenCipher::new(&TokenKey::parse(&"ab".repeat(32)).expect("key"))
    }

    #[test]
    fn encrypts_and_decrypts_with_fresh_nonces() {
        let c = cipher();
        let a = c
            .encrypt(TokenField::QqAccessToken, OPENID, "ACCESS-TOKEN")
            .expect("encrypt");
        let b = c
            .encrypt(TokenField::QqAccessToken, OPENID, "ACCESS-TOKEN")
            .expect("encrypt");
        assert_ne!(a, b, "each encryption needs its own nonce");
        assert!(!a.contains("ACCESS-TOKEN"));
        let (kid, body) = a.split_once(':').expect("a key id prefix");
        assert_eq!(kid, c.current_key_id());
        assert_eq!(
            STANDARD.decode(body).expect("base64").len(),
            12 + "ACCESS-TOKEN".len() + 16
        );
        for stored in [a, b] {
            assert_eq!(
                c.decrypt(TokenField::QqAccessToken, OPENID, &stored)
                    .expect("decrypt"),
                "ACCESS-TOKEN"
            );
        }
    }

    #[test]
    fn empty_and_unicode_plaintexts_round_trip() {
        let c = cipher();
        for text in ["", "荏苒🙂", &"x".repeat(4096)] {
            let stored = c
                .encrypt(TokenField::QqRefreshToken, OPENID, text)
                .expect("encrypt");
            assert_eq!(
                c.decrypt(TokenField::QqRefreshToken, OPENID, &stored)
                    .expect("decrypt"),
                text
            );
        }
    }

    #[test]
    fn a_ciphertext_is_bound_to_its_field_and_owner() {
        let c = cipher();
        let stored = c
            .encrypt(TokenField::QqAccessToken, OPENID, "ACCESS-TOKEN")
            .expect("encrypt");
        assert_eq!(
            c.decrypt(TokenField::QqRefreshToken, OPENID, &stored),
            Err(CryptoError::Decrypt)
        );
        assert_eq!(
            c.decrypt(
                TokenField::QqAccessToken,
                "F1B5285FF5FF77DB097474C25273C01F",
                &stored
            ),
            Err(CryptoError::Decrypt)
        );
    }

    #[test]
    fn another_key_cannot_decrypt() {
        let stored = cipher()
            .encrypt(TokenField::QqAccessToken, OPENID, "T")
            .expect("encrypt");
        let other = TokenCipher::new(&TokenKey::parse(&"cd".repeat(32)).expect("key"));
        assert!(matches!(
            other.decrypt(TokenField::QqAccessToken, OPENID, &stored),
            Err(CryptoError::UnknownKey(_))
        ));
        // Even with the prefix swapped for its own id, the other key cannot open it.
        let forged = format!(
            "{}:{}",
            other.current_key_id(),
            stored.split_once(':').expect("prefixed").1
        );
        assert_eq!(
            other.decrypt(TokenField::QqAccessToken, OPENID, &forged),
            Err(CryptoError::Decrypt)
        );
    }

    #[test]
    fn any_flipped_bit_is_detected() {
        let c = cipher();
        let stored = c
            .encrypt(TokenField::QqAccessToken, OPENID, "ACCESS")
            .expect("encrypt");
        let (kid, body) = stored.split_once(':').expect("prefixed");
        let bytes = STANDARD.decode(body).expect("base64");
        for i in 0..bytes.len() {
            let mut altered = bytes.clone();
            altered[i] ^= 0x01;
            assert_eq!(
                c.decrypt(
                    TokenField::QqAccessToken,
                    OPENID,
                    &format!("{kid}:{}", STANDARD.encode(&altered))
                ),
                Err(CryptoError::Decrypt),
                "byte {i}"
            );
        }
    }

    fn key(byte: &str) -> TokenKey {
        TokenKey::parse(&byte.repeat(32)).expect("key")
    }

    #[test]
    fn key_ids_are_stable_distinct_and_short() {
        assert_eq!(token_key_id(&key("ab")), token_key_id(&key("ab")));
        assert_ne!(token_key_id(&key("ab")), token_key_id(&key("cd")));
        assert_eq!(token_key_id(&key("ab")).len(), 8);
        assert!(!token_key_id(&key("ab")).contains("abab"));
    }

    #[test]
    fn old_keys_still_open_and_new_writes_use_the_current_key() {
        let old = TokenCipher::new(&key("ab"));
        let sealed_by_old = old
            .encrypt(TokenField::QqAccessToken, OPENID, "OLD")
            .expect("encrypt");
        let rotated = TokenCipher::with_old_keys(&key("cd"), &[key("ab")]);
        assert_eq!(
            rotated
                .decrypt(TokenField::QqAccessToken, OPENID, &sealed_by_old)
                .expect("an old key still opens"),
            "OLD"
        );
        assert!(!rotated.is_current(&sealed_by_old));
        let fresh = rotated
            .encrypt(TokenField::QqAccessToken, OPENID, "NEW")
            .expect("encrypt");
        assert!(rotated.is_current(&fresh));
        assert!(fresh.starts_with(&format!("{}:", token_key_id(&key("cd")))));
        // Once the old key is dropped from the configuration, its ciphertexts name it.
        assert_eq!(
            TokenCipher::new(&key("cd")).decrypt(TokenField::QqAccessToken, OPENID, &sealed_by_old),
            Err(CryptoError::UnknownKey(token_key_id(&key("ab"))))
        );
    }

    #[test]
    fn ciphertexts_from_before_key_ids_open_under_any_configured_key() {
        let legacy = |cipher: &TokenCipher, text: &str| {
            let stored = cipher
                .encrypt(TokenField::QqRefreshToken, OPENID, text)
                .expect("encrypt");
            stored.split_once(':').expect("prefixed").1.to_owned()
        };
        let under_old = legacy(&TokenCipher::new(&key("ab")), "R-OLD");
        let under_current = legacy(&TokenCipher::new(&key("cd")), "R-NEW");
        let rotated = TokenCipher::with_old_keys(&key("cd"), &[key("ab")]);
        for (stored, text) in [(&under_old, "R-OLD"), (&under_current, "R-NEW")] {
            assert!(!rotated.is_current(stored));
            assert_eq!(
                rotated
                    .decrypt(TokenField::QqRefreshToken, OPENID, stored)
                    .expect("legacy opens"),
                text
            );
        }
        assert_eq!(
            TokenCipher::new(&key("ef")).decrypt(TokenField::QqRefreshToken, OPENID, &under_old),
            Err(CryptoError::Decrypt)
        );
    }

    #[test]
    fn junk_gives_typed_errors() {
        let c = cipher();
        for junk in ["", "not base64!", "AAAA", &STANDARD.encode([0u8; 27])] {
            assert_eq!(
                c.decrypt(TokenField::QqAccessToken, OPENID, junk),
                Err(CryptoError::Malformed),
                "{junk}"
            );
        }
        for junk in ["zz:AAAA", "abcdefgh:AAAA", ":", "0123456789:AAAA"] {
            assert_eq!(
                c.decrypt(TokenField::QqAccessToken, OPENID, junk),
                Err(CryptoError::Malformed),
                "{junk}"
            );
        }
        // Long enough but not ours.
        assert_eq!(
            c.decrypt(
                TokenField::QqAccessToken,
                OPENID,
                &STANDARD.encode([0u8; 28])
            ),
            Err(CryptoError::Decrypt)
        );
    }

    fn hasher(secret: &str) -> KeyedHasher {
        KeyedHasher::new(&Secret::new(secret))
    }

    #[test]
    fn keyed_hash_is_stable_hex_and_keyed() {
        let h = hasher("secret-one");
        let a = h.hash(HashPurpose::PasswordResetNonce, "nonce");
        assert_eq!(a.len(), 64);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(a, h.hash(HashPurpose::PasswordResetNonce, "nonce"));
        assert_ne!(
            a,
            hasher("secret-two").hash(HashPurpose::PasswordResetNonce, "nonce")
        );
        assert_ne!(a, h.hash(HashPurpose::EmailVerifyNonce, "nonce"));
        assert_ne!(a, h.hash(HashPurpose::PasswordResetNonce, "nonce2"));
    }

    #[test]
    fn keyed_hash_parts_are_unambiguous() {
        let h = hasher("secret");
        assert_ne!(
            h.hash_parts(HashPurpose::SmsCode, &["1380013800", "0123456"]),
            h.hash_parts(HashPurpose::SmsCode, &["13800138000", "123456"])
        );
    }

    #[test]
    fn keyed_hash_verifies_in_constant_time_and_refuses_junk() {
        let h = hasher("secret");
        let stored = h.hash_parts(HashPurpose::SmsCode, &["13800138000", "123456"]);
        assert!(h.verify_parts(HashPurpose::SmsCode, &["13800138000", "123456"], &stored));
        assert!(!h.verify_parts(HashPurpose::SmsCode, &["13800138000", "123457"], &stored));
        assert!(!h.verify_parts(HashPurpose::SmsCode, &["13800138001", "123456"], &stored));
        assert!(!h.verify(HashPurpose::SmsCode, "123456", "zz"));
        assert!(!h.verify(HashPurpose::SmsCode, "123456", ""));
    }

    #[test]
    fn random_tokens_are_url_safe_and_distinct() {
        let a = random_token(32).expect("token");
        let b = random_token(32).expect("token");
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn sms_codes_are_six_digits_and_spread() {
        let mut first_digits = [0u32; 10];
        for _ in 0..2000 {
            let code = sms_code().expect("code");
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
            first_digits[usize::from(code.as_bytes()[0] - b'0')] += 1;
        }
        // Each leading digit expects 200; a biased generator (e.g. no leading zeros) fails.
        for (digit, count) in first_digits.iter().enumerate() {
            assert!(
                (100..=300).contains(count),
                "digit {digit}: {count} of 2000"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_round_trips_for_its_owner(text in "\\PC{1,200}", owner in "[0-9A-F]{32}") {
            let c = cipher();
            let stored = c.encrypt(TokenField::QqAccessToken, &owner, &text).expect("encrypt");
            proptest::prop_assert_eq!(c.decrypt(TokenField::QqAccessToken, &owner, &stored).expect("decrypt"), text);
        }

        #[test]
        fn decrypting_junk_never_panics(junk in "\\PC{0,120}") {
            proptest::prop_assert!(cipher().decrypt(TokenField::QqRefreshToken, "owner", &junk).is_err());
        }
    }

    #[test]
    fn sms_code_rejects_the_biased_tail_and_keeps_leading_zeros() {
        // Popped from the end: first u32::MAX (rejected), then 4_294_000_000 (rejected), then 7.
        let mut script = vec![7, 4_294_000_000, u32::MAX];
        assert_eq!(
            sms_code_from(|| script.pop().ok_or(CryptoError::Rng)).expect("code"),
            "000007"
        );
        assert!(
            script.is_empty(),
            "both tail values must have been drawn and rejected"
        );
        let mut top = vec![4_293_999_999];
        assert_eq!(
            sms_code_from(|| top.pop().ok_or(CryptoError::Rng)).expect("code"),
            "999999"
        );
        assert_eq!(
            sms_code_from(|| Err(CryptoError::Rng)),
            Err(CryptoError::Rng)
        );
    }
}

//! Our signer and Python's itsdangerous read each other's tokens.
//!
//! Runs `python3 tests/itsdangerous_helper.py` (override the interpreter with `PYTHON`). Needs
//! `pip install itsdangerous==2.2.0`. Under `CI=true` a missing python or itsdangerous fails the
//! test; elsewhere the test prints why and passes without checking.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use passport::crypto::signer::{Digest, Purpose, SignerError, TimedSerializer};
use serde_json::{Value, json};

use crate::python_signer::{helper_available, run_helper};

const SECRET: &str = "cross-test-secret-key-of-some-length";
const TEN_MINUTES: Duration = Duration::from_secs(600);

fn digest_name(digest: Digest) -> &'static str {
    match digest {
        Digest::Sha1 => "sha1",
        Digest::Sha256 => "sha256",
    }
}

fn python_dumps(salt: &str, digest: Digest, payload: &Value, timestamp: Option<u64>) -> String {
    let ts = timestamp.map(|t| t.to_string());
    let mut args = vec![
        "dumps",
        "--secret",
        SECRET,
        "--salt",
        salt,
        "--digest",
        digest_name(digest),
    ];
    if let Some(ts) = &ts {
        args.extend(["--timestamp", ts]);
    }
    let out = run_helper(&args, &payload.to_string());
    out["token"].as_str().expect("token").to_string()
}

/// `Ok((payload, timestamp))` or `Err(exception class name)`.
fn python_loads(
    salt: &str,
    digest: Digest,
    token: &str,
    max_age: u64,
    now: u64,
) -> Result<(Value, u64), String> {
    let (max_age, now) = (max_age.to_string(), now.to_string());
    let out = run_helper(
        &[
            "loads",
            "--secret",
            SECRET,
            "--salt",
            salt,
            "--digest",
            digest_name(digest),
            "--max-age",
            &max_age,
            "--now",
            &now,
        ],
        token,
    );
    if out["ok"] == json!(true) {
        Ok((
            out["payload"].clone(),
            out["timestamp"].as_u64().expect("timestamp"),
        ))
    } else {
        Err(out["error"].as_str().expect("error").to_string())
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn sample_payload() -> Value {
    json!({"pending_id": 42, "openid": "91EF4826024612D98DD712EC4AA11B9B", "next": "/p/荏苒?x=1&y=2", "ok": true})
}

#[test]
fn python_tokens_load_in_rust_with_both_digests() {
    if !helper_available() {
        return;
    }
    for digest in [Digest::Sha1, Digest::Sha256] {
        let issued = now() - 30;
        let token = python_dumps("bind-ticket", digest, &sample_payload(), Some(issued));
        let ours = TimedSerializer::new(SECRET.as_bytes(), b"bind-ticket", digest);
        let (payload, ts): (Value, u64) = ours
            .loads_with_timestamp_at(&token, TEN_MINUTES, now())
            .unwrap_or_else(|e| panic!("{digest:?}: python token {token} refused: {e}"));
        assert_eq!(payload, sample_payload());
        assert_eq!(ts, issued);
    }
}

#[test]
fn rust_tokens_load_in_python_with_both_digests() {
    if !helper_available() {
        return;
    }
    for digest in [Digest::Sha1, Digest::Sha256] {
        let ours = TimedSerializer::new(SECRET.as_bytes(), b"bind-ticket", digest);
        let issued = now() - 30;
        let token = ours.dumps_at(&sample_payload(), issued).expect("dumps");
        let (payload, ts) = python_loads("bind-ticket", digest, &token, 600, now())
            .unwrap_or_else(|e| panic!("{digest:?}: {e}"));
        assert_eq!(payload, sample_payload());
        assert_eq!(ts, issued);
    }
}

#[test]
fn both_sides_make_identical_tokens_for_the_same_input() {
    if !helper_available() {
        return;
    }
    // Same secret, salt, digest, payload bytes and second: byte-for-byte the same token.
    let payload = json!({"id": 5, "name": "荏苒"});
    for digest in [Digest::Sha1, Digest::Sha256] {
        let python = python_dumps("state", digest, &payload, Some(1_764_000_000));
        let ours = TimedSerializer::new(SECRET.as_bytes(), b"state", digest)
            .dumps_at(&payload, 1_764_000_000)
            .expect("dumps");
        assert_eq!(ours, python, "{digest:?}");
    }
}

#[test]
fn compressed_payloads_cross_both_ways() {
    if !helper_available() {
        return;
    }
    let long =
        json!({"next": "/p/".to_string() + &"荏苒读书".repeat(200), "items": vec!["same"; 100]});
    for digest in [Digest::Sha1, Digest::Sha256] {
        let ours = TimedSerializer::new(SECRET.as_bytes(), b"state", digest);

        let from_python = python_dumps("state", digest, &long, None);
        assert!(
            from_python.starts_with('.'),
            "python compresses this payload: {from_python}"
        );
        let payload: Value = ours
            .loads(&from_python, TEN_MINUTES)
            .expect("rust loads python's compressed token");
        assert_eq!(payload, long);

        let from_rust = ours.dumps(&long).expect("dumps");
        assert!(from_rust.starts_with('.'), "we compress it too");
        let (payload, _) =
            python_loads("state", digest, &from_rust, 600, now()).expect("python loads ours");
        assert_eq!(payload, long);
    }
}

#[test]
fn our_purposes_use_itsdangerous_defaults() {
    if !helper_available() {
        return;
    }
    // `TimedSerializer::for_purpose` == `URLSafeTimedSerializer(secret, salt=purpose.salt())`.
    for purpose in [
        Purpose::State,
        Purpose::BindTicket,
        Purpose::PasswordReset,
        Purpose::EmailVerify,
    ] {
        let token = TimedSerializer::for_purpose(SECRET, purpose)
            .dumps(&sample_payload())
            .expect("dumps");
        let (payload, _) = python_loads(purpose.salt(), Digest::Sha1, &token, 600, now())
            .unwrap_or_else(|e| panic!("{purpose:?}: {e}"));
        assert_eq!(payload, sample_payload());
    }
}

#[test]
fn both_sides_refuse_other_salts_and_tampering() {
    if !helper_available() {
        return;
    }
    let python_state = python_dumps("state", Digest::Sha1, &sample_payload(), None);
    let bind = TimedSerializer::for_purpose(SECRET, Purpose::BindTicket);
    assert!(matches!(
        bind.loads::<Value>(&python_state, TEN_MINUTES),
        Err(SignerError::BadSignature)
    ));

    let ours = bind.dumps(&sample_payload()).expect("dumps");
    assert_eq!(
        python_loads("state", Digest::Sha1, &ours, 600, now()),
        Err("BadTimeSignature".to_string())
    );

    // One character changed in the payload part.
    let mut tampered = ours.clone().into_bytes();
    tampered[2] = if tampered[2] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    assert_eq!(
        python_loads("bind-ticket", Digest::Sha1, &tampered, 600, now()),
        Err("BadTimeSignature".to_string())
    );
    assert!(matches!(
        bind.loads::<Value>(&tampered, TEN_MINUTES),
        Err(SignerError::BadSignature)
    ));
}

#[test]
fn both_sides_agree_on_expiry() {
    if !helper_available() {
        return;
    }
    let t0 = 1_764_000_000;
    let python_token = python_dumps("password-reset", Digest::Sha1, &json!({"uid": 1}), Some(t0));
    let ours = TimedSerializer::for_purpose(SECRET, Purpose::PasswordReset);
    assert!(
        ours.loads_at::<Value>(&python_token, TEN_MINUTES, t0 + 600)
            .is_ok()
    );
    assert!(matches!(
        ours.loads_at::<Value>(&python_token, TEN_MINUTES, t0 + 601),
        Err(SignerError::Expired { age_secs: 601 })
    ));

    let rust_token = ours.dumps_at(&json!({"uid": 1}), t0).expect("dumps");
    assert!(python_loads("password-reset", Digest::Sha1, &rust_token, 600, t0 + 600).is_ok());
    assert_eq!(
        python_loads("password-reset", Digest::Sha1, &rust_token, 600, t0 + 601),
        Err("SignatureExpired".to_string())
    );
}

//! Python's itsdangerous behind `tests/itsdangerous_helper.py`, for the tests that check our
//! signer against it (`tests/clients/itsdangerous.rs`, and the reset link in
//! `tests/api/password_reset.rs`). Interpreter: `PYTHON`, default `python3`.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Whether the helper can run here. In CI its absence is a failure, not a skip.
pub fn helper_available() -> bool {
    static AVAILABLE: OnceLock<Result<(), String>> = OnceLock::new();
    let status = AVAILABLE.get_or_init(|| {
        let out = Command::new(python())
            .args(["tests/itsdangerous_helper.py", "version"])
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", python()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "the itsdangerous helper failed (is itsdangerous installed? `pip install itsdangerous==2.2.0`): {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    match status {
        Ok(()) => true,
        Err(reason) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and the itsdangerous cross-test cannot run: {reason}")
        }
        Err(reason) => {
            eprintln!("SKIPPED itsdangerous cross-test: {reason}");
            false
        }
    }
}

pub fn run_helper(args: &[&str], stdin: &str) -> Value {
    let mut child = Command::new(python())
        .arg("tests/itsdangerous_helper.py")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the python helper");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write to the helper");
    let out = child.wait_with_output().expect("wait for the helper");
    assert!(
        out.status.success(),
        "helper {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the helper prints JSON")
}

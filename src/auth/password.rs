//! Password hashing: argon2id, off the async runtime.
//!
//! Hashing costs tens of milliseconds of CPU and ~19 MiB of memory by design, so it runs on
//! tokio's blocking pool (never on a runtime worker) and a semaphore caps how many run at once,
//! so a login flood queues instead of exhausting memory.
//!
//! Verification for an account that does not exist runs against a dummy hash made with the same
//! parameters, so "unknown account" and "wrong password" take the same time.

use std::sync::{Arc, LazyLock};

use argon2::password_hash::PasswordHasher as _;
use argon2::password_hash::PasswordVerifier as _;
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use crate::domain::Password;

/// A candidate longer than this is not hashed at all (it could never have been set: the policy
/// caps passwords at 128 characters, at most 512 bytes).
const MAX_CANDIDATE_BYTES: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The stored hash is not a PHC string we can read (a corrupt row).
    #[error("stored password hash is unreadable: {0}")]
    CorruptHash(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The blocking task panicked or was cancelled.
    #[error("password hashing task failed: {0}")]
    Task(String),
}

/// argon2id with fixed cost parameters. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    permits: Semaphore,
    /// The hash unknown accounts are verified against, made on first use.
    dummy_hash: OnceCell<String>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("m_cost_kib", &self.inner.params.m_cost())
            .field("t_cost", &self.inner.params.t_cost())
            .field("p_cost", &self.inner.params.p_cost())
            .finish()
    }
}

impl PasswordHasher {
    /// OWASP's first recommended argon2id configuration: 19 MiB, 2 iterations, 1 lane (also the
    /// argon2 crate's default).
    pub fn owasp() -> Self {
        Self::with_params(Params::DEFAULT)
    }

    /// Deliberately weak parameters for tests only (64 KiB, 1 iteration): never in production.
    pub fn fast_insecure_for_tests() -> Self {
        match Params::new(64, 1, 1, None) {
            Ok(params) => Self::with_params(params),
            Err(_) => unreachable!("64 KiB / t=1 / p=1 are valid argon2 parameters"),
        }
    }

    pub fn with_params(params: Params) -> Self {
        // Two concurrent hashes per core keeps the CPUs busy without unbounded memory.
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Self {
            inner: Arc::new(Inner {
                params,
                permits: Semaphore::new(cores * 2),
                dummy_hash: OnceCell::new(),
            }),
        }
    }

    /// The PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) to store in
    /// `users.password_hash`. The salt is random.
    pub async fn hash(&self, password: &Password) -> Result<String, PasswordError> {
        let bytes = password.expose().as_bytes().to_vec();
        self.run_blocking(move |argon| {
            argon
                .hash_password(&bytes)
                .map(|h| h.to_string())
                .map_err(|e| PasswordError::Hash(e.to_string()))
        })
        .await
    }

    /// Whether `candidate` matches `stored`. With `stored = None` (no such account, or an account
    /// without a password) it verifies against a dummy hash and answers `false`, in the same time.
    ///
    /// The candidate is whatever the person typed, not a [`Password`]: a password set under an
    /// older policy must keep working.
    pub async fn verify(
        &self,
        candidate: &str,
        stored: Option<&str>,
    ) -> Result<bool, PasswordError> {
        let dummy = self.dummy_hash().await?;
        let (target, real) = match stored {
            Some(hash) => (hash.to_owned(), true),
            None => (dummy.to_owned(), false),
        };
        let oversized = candidate.len() > MAX_CANDIDATE_BYTES;
        let bytes = if oversized {
            // Still do the work so the answer takes the usual time.
            Vec::new()
        } else {
            candidate.as_bytes().to_vec()
        };
        let matched = self
            .run_blocking(
                move |argon| match argon.verify_password(&bytes, target.as_str()) {
                    Ok(()) => Ok(true),
                    Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
                    Err(e) => Err(PasswordError::CorruptHash(e.to_string())),
                },
            )
            .await?;
        Ok(matched && real && !oversized)
    }

    async fn dummy_hash(&self) -> Result<&str, PasswordError> {
        let hash = self
            .inner
            .dummy_hash
            .get_or_try_init(|| async {
                self.run_blocking(|argon| {
                    argon
                        .hash_password(b"passport dummy password for unknown accounts")
                        .map(|h| h.to_string())
                        .map_err(|e| PasswordError::Hash(e.to_string()))
                })
                .await
            })
            .await?;
        Ok(hash.as_str())
    }

    async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Argon2<'static>) -> Result<T, PasswordError> + Send + 'static,
    ) -> Result<T, PasswordError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|e| PasswordError::Task(e.to_string()))?;
        let argon = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            self.inner.params.clone(),
        );
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| work(&argon)))
            .await
            .map_err(|e| PasswordError::Task(e.to_string()))?
    }
}

/// The process-wide hasher of the free functions: OWASP parameters, except in this crate's unit
/// tests where they are deliberately light.
static DEFAULT_HASHER: LazyLock<PasswordHasher> = LazyLock::new(|| {
    if cfg!(test) {
        PasswordHasher::fast_insecure_for_tests()
    } else {
        PasswordHasher::owasp()
    }
});

/// [`PasswordHasher::hash`] with the default hasher.
pub async fn hash_password(password: Password) -> Result<String, PasswordError> {
    DEFAULT_HASHER.hash(&password).await
}

/// [`PasswordHasher::verify`] with the default hasher.
pub async fn verify_password(candidate: &str, stored: Option<&str>) -> Result<bool, PasswordError> {
    DEFAULT_HASHER.verify(candidate, stored).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(text: &str) -> Password {
        Password::parse(text).expect("valid password")
    }

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let hasher = PasswordHasher::fast_insecure_for_tests();
        let a = hasher
            .hash(&password("correct horse 1"))
            .await
            .expect("hash");
        let b = hasher
            .hash(&password("correct horse 1"))
            .await
            .expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{a}");
        assert_ne!(a, b, "salts must differ");
        assert!(
            hasher
                .verify("correct horse 1", Some(&a))
                .await
                .expect("verify")
        );
        assert!(
            !hasher
                .verify("correct horse 2", Some(&a))
                .await
                .expect("verify")
        );
        assert!(!hasher.verify("", Some(&a)).await.expect("verify"));
    }

    #[tokio::test]
    async fn the_free_functions_use_the_default_hasher() {
        let hash = hash_password(password("s3cret-pass")).await.expect("hash");
        assert!(
            verify_password("s3cret-pass", Some(&hash))
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("s3cret-pasS", Some(&hash))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn unknown_accounts_never_match_even_the_dummy_password() {
        let hasher = PasswordHasher::fast_insecure_for_tests();
        for candidate in [
            "",
            "anything",
            "passport dummy password for unknown accounts",
        ] {
            assert!(
                !hasher.verify(candidate, None).await.expect("verify"),
                "{candidate}"
            );
        }
    }

    #[tokio::test]
    async fn a_hash_with_other_parameters_still_verifies() {
        // Rows hashed before a parameter change keep working: the PHC string carries its own.
        let old = PasswordHasher::with_params(Params::new(128, 2, 1, None).expect("params"));
        let hash = old.hash(&password("migrated-1")).await.expect("hash");
        let current = PasswordHasher::fast_insecure_for_tests();
        assert!(
            current
                .verify("migrated-1", Some(&hash))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn oversized_candidates_are_refused() {
        let hasher = PasswordHasher::fast_insecure_for_tests();
        let hash = hasher.hash(&password("short-one-1")).await.expect("hash");
        let huge = "a1".repeat(MAX_CANDIDATE_BYTES);
        assert!(!hasher.verify(&huge, Some(&hash)).await.expect("verify"));
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_error_not_a_match() {
        let hasher = PasswordHasher::fast_insecure_for_tests();
        for junk in ["", "plaintext", "$argon2id$v=19$m=64,t=1,p=1$bad"] {
            assert!(
                matches!(
                    hasher.verify("whatever1", Some(junk)).await,
                    Err(PasswordError::CorruptHash(_))
                ),
                "{junk}"
            );
        }
    }

    /// The point of the dummy hash: an unknown account costs a full verification. Measured with
    /// the OWASP parameters, with a wide margin so a busy machine does not make it flaky.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unknown_account_and_wrong_password_take_comparable_time() {
        let hasher = PasswordHasher::owasp();
        let hash = hasher
            .hash(&password("real-password-1"))
            .await
            .expect("hash");
        hasher
            .verify("warm-up", None)
            .await
            .expect("warm up the dummy hash");
        let mut wrong = std::time::Duration::ZERO;
        let mut unknown = std::time::Duration::ZERO;
        for _ in 0..3 {
            let t = std::time::Instant::now();
            assert!(
                !hasher
                    .verify("wrong-password-1", Some(&hash))
                    .await
                    .expect("verify")
            );
            wrong += t.elapsed();
            let t = std::time::Instant::now();
            assert!(
                !hasher
                    .verify("wrong-password-1", None)
                    .await
                    .expect("verify")
            );
            unknown += t.elapsed();
        }
        let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
        assert!(
            (0.2..5.0).contains(&ratio),
            "unknown {unknown:?} vs wrong {wrong:?}"
        );
    }

    /// On a current-thread runtime nothing else can run while a future computes inline: the
    /// ticker only ticks if hashing happens elsewhere (the blocking pool).
    #[tokio::test(flavor = "current_thread")]
    async fn hashing_runs_off_the_runtime_thread() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let hasher = PasswordHasher::owasp();
        let done = Arc::new(AtomicBool::new(false));
        let ticker = tokio::spawn({
            let done = done.clone();
            async move {
                let mut ticks = 0u32;
                while !done.load(Ordering::SeqCst) {
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                    ticks += 1;
                }
                ticks
            }
        });
        hasher
            .hash(&password("busy-password-1"))
            .await
            .expect("hash");
        done.store(true, Ordering::SeqCst);
        let ticks = ticker.await.expect("join");
        assert!(
            ticks >= 2,
            "the runtime thread was blocked while hashing ({ticks} ticks)"
        );
    }
}

//! Password hashing: argon2id, off the async runtime.
//!
//! Hashing costs tens of milliseconds of CPU and ~19 MiB of memory by design, so it runs on
//! tokio's blocking pool (never on a runtime worker) and a semaphore caps how many run at once,
//! so a login flood queues instead of exhausting memory.
//!
//! The 19 MiB of argon2 blocks come from a [`BlockPool`]: at most one buffer per permit, reused
//! from hash to hash and given back to the operating system once hashing has been idle for a
//! few seconds. Allocating them per hash (as `argon2`'s own `verify_password` does) let the
//! allocator keep every arena's copy: 400 concurrent failed logins left the process at 865 MB.
//!
//! Verification for an account that does not exist runs against a dummy hash made with the same
//! parameters, so "unknown account" and "wrong password" take the same time.

use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    blocks: BlockPool,
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
                blocks: BlockPool::default(),
                dummy_hash: OnceCell::new(),
            }),
        }
    }

    /// The PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) to store in
    /// `users.password_hash`. The salt is random.
    pub async fn hash(&self, password: &Password) -> Result<String, PasswordError> {
        let bytes = password.expose().as_bytes().to_vec();
        self.run_blocking(move |params, memory| hash_with(params, memory, &bytes))
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
            .run_blocking(move |_, memory| verify_with(memory, &bytes, &target))
            .await?;
        Ok(matched && real && !oversized)
    }

    async fn dummy_hash(&self) -> Result<&str, PasswordError> {
        let hash = self
            .inner
            .dummy_hash
            .get_or_try_init(|| async {
                self.run_blocking(|params, memory| {
                    hash_with(
                        params,
                        memory,
                        b"passport dummy password for unknown accounts",
                    )
                })
                .await
            })
            .await?;
        Ok(hash.as_str())
    }

    /// Run `work` on the blocking pool under a permit, with a buffer of argon2 blocks from the
    /// pool (so at most one buffer per permit exists).
    async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Params, &mut Vec<Block>) -> Result<T, PasswordError> + Send + 'static,
    ) -> Result<T, PasswordError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|e| PasswordError::Task(e.to_string()))?;
        let inner = self.inner.clone();
        let span = tracing::Span::current();
        let done = tokio::task::spawn_blocking(move || {
            span.in_scope(|| {
                let mut memory = inner.blocks.take();
                let result = work(&inner.params, &mut memory);
                inner.blocks.give_back(memory);
                result
            })
        })
        .await
        .map_err(|e| PasswordError::Task(e.to_string()));
        self.inner.blocks.release_when_idle(&self.inner);
        done?
    }

    /// How many block buffers the pool holds right now (for tests and the memory bench).
    pub fn pooled_buffers(&self) -> usize {
        self.inner.blocks.len()
    }
}

/// A new PHC string for `password`: argon2id v19 with `params`, a random 16-byte salt, computed
/// in `memory`.
fn hash_with(
    params: &Params,
    memory: &mut Vec<Block>,
    password: &[u8],
) -> Result<String, PasswordError> {
    let fail = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
    let salt: [u8; Salt::RECOMMENDED_LENGTH] = rand::random();
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    let blocks = fit(memory, params.block_count());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, blocks)
        .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| fail(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| fail(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `candidate` matches the PHC string `stored` (whatever parameters it was made with),
/// computed in `memory`; the comparison is constant-time.
fn verify_with(
    memory: &mut Vec<Block>,
    candidate: &[u8],
    stored: &str,
) -> Result<bool, PasswordError> {
    let corrupt = |e: &dyn std::fmt::Display| PasswordError::CorruptHash(e.to_string());
    let parsed = PasswordHash::new(stored).map_err(|e| corrupt(&e))?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| corrupt(&e))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(|e| corrupt(&e))?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(|e| corrupt(&e))?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Err(corrupt(&"no salt or no hash"));
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = fit(memory, params.block_count());
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(candidate, salt.as_ref(), &mut out, blocks)
        .map_err(|e| corrupt(&e))?;
    let computed = Output::new(&out).map_err(|e| corrupt(&e))?;
    Ok(computed == *expected)
}

/// The first `count` blocks of `memory`, growing it when a hash needs more than it has (a hash
/// stored with a larger memory cost). Old contents need no clearing: argon2 writes every block
/// before it reads it.
fn fit(memory: &mut Vec<Block>, count: usize) -> &mut [Block] {
    if memory.len() < count {
        memory.resize(count, Block::default());
    }
    &mut memory[..count]
}

/// How long hashing must be idle before the pool's buffers go back to the operating system.
const IDLE_RELEASE: Duration = Duration::from_secs(5);

/// Buffers of argon2 blocks, reused between hashes. At most one per hashing permit is ever
/// out, so a burst costs `permits × m_cost` and no more; after [`IDLE_RELEASE`] without hashing
/// their pages go back to the kernel and they are freed.
#[derive(Default)]
struct BlockPool {
    state: Mutex<PoolState>,
}

#[derive(Default)]
struct PoolState {
    free: Vec<Vec<Block>>,
    /// Buffers handed out and not yet back.
    out: usize,
    last_used: Option<Instant>,
    reaper_scheduled: bool,
}

impl BlockPool {
    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        // A panic while holding the lock leaves nothing half-done: the state is plain data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self) -> Vec<Block> {
        let mut state = self.lock();
        state.out += 1;
        state.free.pop().unwrap_or_default()
    }

    fn give_back(&self, memory: Vec<Block>) {
        let mut state = self.lock();
        state.out = state.out.saturating_sub(1);
        state.last_used = Some(Instant::now());
        state.free.push(memory);
    }

    fn len(&self) -> usize {
        let state = self.lock();
        state.free.len() + state.out
    }

    /// Make sure a task frees the buffers once hashing has been idle for [`IDLE_RELEASE`].
    fn release_when_idle(&self, inner: &Arc<Inner>) {
        {
            let mut state = self.lock();
            if state.reaper_scheduled || state.free.is_empty() {
                return;
            }
            state.reaper_scheduled = true;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.lock().reaper_scheduled = false;
            return;
        };
        let guard = ReaperFlag(Arc::downgrade(inner));
        runtime.spawn(async move {
            let mut wait = IDLE_RELEASE;
            loop {
                tokio::time::sleep(wait).await;
                let Some(inner) = guard.0.upgrade() else {
                    return;
                };
                let mut state = inner.blocks.lock();
                let idle = state.last_used.map_or(IDLE_RELEASE, |t| t.elapsed());
                if idle < IDLE_RELEASE || state.out > 0 {
                    wait = IDLE_RELEASE
                        .saturating_sub(idle)
                        .max(Duration::from_millis(100));
                    continue;
                }
                let mut freed = std::mem::take(&mut state.free);
                state.reaper_scheduled = false;
                drop(state);
                for buffer in &mut freed {
                    return_pages(buffer);
                }
                drop(freed);
                return;
            }
        });
    }
}

/// Clears `reaper_scheduled` when the reaper is dropped mid-sleep with its runtime (so the next
/// hash schedules a new one). At worst two reapers run for a while, which is harmless.
struct ReaperFlag(std::sync::Weak<Inner>);

impl Drop for ReaperFlag {
    fn drop(&mut self) {
        if let Some(inner) = self.0.upgrade() {
            inner.blocks.lock().reaper_scheduled = false;
        }
    }
}

/// Hand the pages of `buffer` back to the kernel before it is freed. Freeing alone is not enough
/// with glibc: after the first large free its mmap threshold grows to that size, later buffers
/// come from per-thread arenas, and an arena keeps its top chunk resident (`malloc_trim` does not
/// shrink other threads' arenas either). `MADV_DONTNEED` on the buffer's own whole pages releases
/// them whatever the allocator then does with the address range (a later use faults in zeroed
/// pages).
fn return_pages(buffer: &mut [Block]) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
        if page == 0 {
            return;
        }
        let begin = buffer.as_mut_ptr() as usize;
        let end = begin + std::mem::size_of_val(buffer);
        let first = begin.next_multiple_of(page);
        let last = end - end % page;
        if last > first {
            // SAFETY: [first, last) lies inside `buffer`, which we borrow mutably (nobody else
            // can read it) and which is about to be freed; its pages are private anonymous
            // memory, so DONTNEED only drops their contents (zeroed on a next touch), and a
            // `Block` of zeros is a valid value.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_DONTNEED,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buffer;
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
    async fn hashes_interoperate_with_the_argon2_crates_own_phc_code() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let params = Params::new(256, 2, 1, None).expect("params");
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password(b"shared-secret-1")
            .expect("hash")
            .to_string();
        let ours = PasswordHasher::with_params(params.clone());
        assert!(
            ours.verify("shared-secret-1", Some(&theirs))
                .await
                .expect("verify")
        );
        assert!(
            !ours
                .verify("shared-secret-2", Some(&theirs))
                .await
                .expect("verify")
        );
        let mine = ours.hash(&password("shared-secret-1")).await.expect("hash");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        assert!(
            argon
                .verify_password(b"shared-secret-1", mine.as_str())
                .is_ok()
        );
        assert!(
            argon
                .verify_password(b"shared-secret-2", mine.as_str())
                .is_err()
        );
    }

    /// The memory bound: however many hashes run, at most one block buffer per permit exists,
    /// and all of them are freed once hashing has been idle a while.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_reuses_one_buffer_per_permit_and_frees_them_when_idle() {
        let hasher = PasswordHasher::with_params(Params::new(1024, 1, 1, None).expect("params"));
        let permits = hasher.inner.permits.available_permits();
        let hash = hasher
            .hash(&password("burst-password-1"))
            .await
            .expect("hash");
        let tasks: Vec<_> = (0..permits * 8)
            .map(|i| {
                let (hasher, hash) = (hasher.clone(), hash.clone());
                tokio::spawn(async move { hasher.verify(&format!("wrong-{i}"), Some(&hash)).await })
            })
            .collect();
        for task in tasks {
            assert!(!task.await.expect("join").expect("verify"));
        }
        let pooled = hasher.pooled_buffers();
        assert!(
            (1..=permits).contains(&pooled),
            "{pooled} buffers for {permits} permits"
        );
        tokio::time::sleep(IDLE_RELEASE + Duration::from_secs(1)).await;
        assert_eq!(
            hasher.pooled_buffers(),
            0,
            "freed after {IDLE_RELEASE:?} idle"
        );
        // And the pool fills again on demand.
        assert!(
            hasher
                .verify("burst-password-1", Some(&hash))
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

//! The `passport` binary: a thin shell over the library (see `cli.rs`).

use std::ffi::c_char;

/// jemalloc rather than glibc's malloc: a request makes many short-lived allocations, which
/// jemalloc's thread caches serve for less CPU (malloc, free and glibc's consolidation were
/// ≈ 15 % of a login's CPU).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read once at its start (`_RJEM_MALLOC_CONF` in the environment still
/// overrides them). The defaults keep ≈ 5 MB more memory resident at idle than glibc, past the
/// 30 MB an idle instance may hold, so:
/// - `narenas:1`: one arena, not four per CPU (each thread's cache still serves most
///   allocations without touching it);
/// - `background_thread:true`, `dirty_decay_ms:1000`, `muzzy_decay_ms:0`: freed pages go back to
///   the kernel about a second after a burst, from jemalloc's own thread rather than in the
///   middle of a request.
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: MallocConf =
    MallocConf(c"narenas:1,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr());

/// A C string pointer that may live in a `static` (it points at a literal, never written).
#[repr(transparent)]
pub struct MallocConf(*const c_char);

// SAFETY: the pointer is to a `'static` literal that nothing writes.
unsafe impl Sync for MallocConf {}

fn main() -> std::process::ExitCode {
    passport::cli::main()
}

//! The `passport` binary: a thin shell over the library (see `cli.rs`).

/// mimalloc instead of glibc's malloc: a login makes a few hundred small allocations across the
/// runtime's threads, and glibc's arenas (`_int_malloc`, `_int_free`, `malloc_consolidate`) were
/// 14 % of a login's CPU in the bench profile (docs/perf/login.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    passport::cli::main()
}

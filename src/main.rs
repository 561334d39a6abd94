//! The `passport` binary: a thin shell over the library (see `cli.rs`).

fn main() -> std::process::ExitCode {
    passport::cli::main()
}

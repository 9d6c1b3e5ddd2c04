//! The `ismsbook` command.

/// mimalloc: the build allocates and frees many small strings from two or
/// more threads at once, where it is faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ismsbook::cli::main()
}

//! The `ismsbook` command.

/// mimalloc: the build allocates and frees many small strings from two or
/// more threads at once, where it is faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc.h,
/// the same place in v2 and v3). libmimalloc-sys leaves it out of its
/// constants on purpose, so it is named here, for the version Cargo.lock holds.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// By default mimalloc hands memory that has been free for 10 ms back to
/// the system, and a build that allocates again a moment later pays a page
/// fault and a freshly zeroed page (a 2 MiB one where the system uses huge
/// pages) each time: at 10,000 documents that was a quarter of the build's
/// CPU time. A build is short and `serve` reuses what it frees, so freed
/// memory is kept for reuse.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: mi_option_set stores a number in mimalloc's option table; it
    // touches no memory of ours and may be called at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    ismsbook::cli::main()
}

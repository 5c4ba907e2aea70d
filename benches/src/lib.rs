//! Benchmarks live in `benches/`. This library gives the replay and report benchmarks the
//! allocator the `slaledger` command line runs with (`cli/src/alloc.rs` says why), so
//! their figures are those of the shipped binary; docs/benchmarks.md also records them
//! with the system allocator.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in the `mimalloc.h` of the
/// mimalloc 3 sources that `libmimalloc-sys` 0.1.49 builds; its Rust constants stop
/// short of it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Lets mimalloc back large allocations with transparent huge pages, as the CLI does,
/// and keep the memory a replay frees for the next one instead of returning it to the
/// system after a second: each measured iteration then replays into memory the process
/// already has, as a long-running service does, rather than paying the machine's
/// page-fault cost again (the first round of `replay_rounds` shows that cold cost).
/// With `SLALEDGER_SYSTEM_PAGES` set, neither: 4 KiB pages, returned as usual.
pub fn configure_allocator() {
    if std::env::var_os("SLALEDGER_SYSTEM_PAGES").is_some() {
        return;
    }
    // SAFETY: as in cli/src/alloc.rs: each call stores an option value in mimalloc's own
    // table; -1 means "never purge".
    unsafe {
        libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_large_os_pages, 1);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
}

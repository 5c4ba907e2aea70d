//! Benchmarks live in `benches/`. This library gives the replay and report benchmarks the
//! allocator the `slaledger` command line runs with (`cli/src/alloc.rs` says why), so
//! their figures are those of the shipped binary; docs/benchmarks.md also records them
//! with the system allocator.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lets mimalloc back large allocations with transparent huge pages, as the CLI does.
/// Without `SLALEDGER_SYSTEM_PAGES` set; with it, the allocator keeps 4 KiB pages (to
/// measure what huge pages give).
pub fn use_huge_pages() {
    if std::env::var_os("SLALEDGER_SYSTEM_PAGES").is_some() {
        return;
    }
    // SAFETY: as in cli/src/alloc.rs: stores an option value in mimalloc's own table.
    unsafe { libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_large_os_pages, 1) }
}

//! The process's allocator: mimalloc, allowed to use transparent huge pages.
//!
//! A replay of a million tickets allocates gigabytes that are written once (the ledger,
//! then the results). On the project's machine (a KVM guest, docs/benchmarks.md) the
//! first touch of each 4 KiB page costs more than the work done in it: glibc's allocator
//! spent 30-60% of a 1M-ticket replay in the kernel zeroing fresh pages. With 2 MiB
//! pages the kernel takes one fault where it took 512, and the same replay ran 1.7x
//! faster end to end. The system's transparent huge pages are `madvise`-only here, so
//! the allocator must ask for them, which mimalloc does once the option is set.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lets mimalloc back large allocations with transparent huge pages. Call it first in
/// `main`: it applies to the memory mimalloc takes from the system afterwards.
pub fn use_huge_pages() {
    // SAFETY: `mi_option_set` only stores an option value in mimalloc's own table; it
    // has no preconditions on the caller, and option 6 (`allow_large_os_pages`) exists
    // in every mimalloc version the `libmimalloc-sys` crate builds.
    unsafe { libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_large_os_pages, 1) }
}

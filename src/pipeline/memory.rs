//! Memory a finished stage freed, given back to the operating system between
//! the stages of a run.

/// Give memory freed by a finished stage back to the operating system
/// (glibc keeps freed heap pages otherwise, and the next stage's peak is
/// counted on top of them). A no-op elsewhere.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has
    // no preconditions and does not touch live allocations.
    unsafe {
        libc::malloc_trim(0);
    }
}

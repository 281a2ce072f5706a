//! Memory a finished stage freed, given back to the operating system between
//! the stages of a run, and the C allocator's threshold for mapping large
//! blocks of their own.

/// Give memory freed by a finished stage back to the operating system
/// (glibc keeps freed heap pages otherwise, and the next stage's peak is
/// counted on top of them). A no-op elsewhere.
pub fn release_freed_memory() {
    crate::pieces::SPARES.drop_all();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has
    // no preconditions and does not touch live allocations.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Blocks of at least this many bytes get pages of their own from the
/// system, given back when freed (glibc's `M_MMAP_THRESHOLD`).
pub const MMAP_THRESHOLD: i32 = 1 << 20;

/// Fix glibc's threshold for mapping large blocks at [`MMAP_THRESHOLD`]
/// (unless the user set `MALLOC_MMAP_THRESHOLD_`). glibc raises it as large
/// blocks are freed (up to 32 MB), after which the polars engine's buffers
/// stayed in its per-thread heaps when freed and the case-cell stage's peak
/// counted them: 1M-row build peak 327–336 → 293–297 MB, 10M 1,967 →
/// 1,919–1,956 MiB, 100k 102–107 → 102 MB, at equal time (alternating
/// runs; a threshold of 256 KB was 12% slower at 1M). A no-op elsewhere.
pub fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; it is called
        // once, at start-up, before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    }
}

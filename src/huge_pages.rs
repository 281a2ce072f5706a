//! Asking the system to back a large, freshly reserved block with huge
//! pages (Linux transparent huge pages, `madvise(MADV_HUGEPAGE)`): the
//! block is then made resident 2 MiB at a time on first touch instead of
//! 4 KiB at a time, one page fault instead of 512. A hint only: no result
//! depends on it; where the system says no, or elsewhere than Linux, it
//! does nothing. It depends on nothing else in the crate.
//!
//! Why: at a million rows a `validate` took 50,000 page faults, each a trap
//! into the kernel (and, in a virtual machine, often out to the host); the
//! settled cases alone were 13,000 of them, a file's cases read into fresh
//! chunks 3,500 more.

/// Blocks smaller than this are left alone (a huge page is 2 MiB; a block
/// must hold at least one whole, aligned one).
pub const FROM_BYTES: usize = 2 << 20;

/// Advise huge pages for the memory of `v`'s spare and used capacity, when
/// it is at least [`FROM_BYTES`]. Call it right after reserving, before the
/// memory is written: pages already resident stay as they are.
pub fn advise<T>(v: &Vec<T>) {
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    if bytes >= FROM_BYTES {
        advise_range(v.as_ptr().cast::<u8>(), bytes);
    }
}

/// The whole huge pages (2 MiB, aligned) among `len` bytes at address `p`.
fn huge_range(p: usize, len: usize) -> Option<(usize, usize)> {
    const HUGE: usize = 2 << 20;
    let start = p.checked_next_multiple_of(HUGE)?;
    let end = p.saturating_add(len) / HUGE * HUGE;
    (end > start).then_some((start, end))
}

/// [`advise`] for `len` bytes at `p`: the whole huge pages inside them.
fn advise_range(p: *const u8, len: usize) {
    #[cfg(target_os = "linux")]
    if let Some((start, end)) = huge_range(p as usize, len) {
        // SAFETY: madvise(MADV_HUGEPAGE) changes no contents and no access
        // rights: it only marks the range, which lies inside a live
        // allocation, as one the kernel may back with huge pages. A
        // failure (no THP support) leaves everything as it was.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, len, huge_range);
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1 << 20;

    #[test]
    fn only_whole_aligned_huge_pages_inside_the_block() {
        assert_eq!(huge_range(0, 2 * MIB), Some((0, 2 * MIB)));
        assert_eq!(huge_range(1, 2 * MIB), None); // no whole page inside
        assert_eq!(huge_range(MIB, 4 * MIB), Some((2 * MIB, 4 * MIB)));
        assert_eq!(huge_range(MIB, 5 * MIB), Some((2 * MIB, 6 * MIB)));
        assert_eq!(huge_range(3 * MIB, MIB), None);
        assert_eq!(huge_range(usize::MAX - MIB, 4 * MIB), None); // no overflow
    }

    #[test]
    fn advising_changes_nothing_a_program_sees() {
        let mut v: Vec<u64> = Vec::with_capacity(MIB); // 8 MiB
        advise(&v);
        v.extend(0..MIB as u64);
        let mut small = vec![7u8; 100];
        advise(&small);
        small.push(8);
        assert_eq!(v.iter().sum::<u64>(), (MIB as u64) * (MIB as u64 - 1) / 2);
        assert_eq!(small.len(), 101);
        advise(&Vec::<u8>::new()); // nothing reserved: nothing asked
    }
}

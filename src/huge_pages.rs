//! Asking the system to back a large, freshly reserved block with huge
//! pages (Linux transparent huge pages, `madvise(MADV_HUGEPAGE)`): the
//! block is then made resident 2 MiB at a time on first touch instead of
//! 4 KiB at a time, one page fault instead of 512. A hint only: no result
//! depends on it; where the system says no, or elsewhere than Linux, it
//! does nothing. And making a block about to be filled resident at once
//! (`populate`), so its pages are cleared when that suits the caller, not
//! in page faults on a path that waits. It depends on nothing else in the
//! crate.
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

/// Make `v`'s spare capacity resident up to `upto` elements (at most the
/// capacity), now, without changing a byte (Linux 5.14's
/// `MADV_POPULATE_WRITE`; elsewhere, or on an older kernel, nothing
/// happens and the pages are made resident when written, as before). For
/// a block that is about to be filled: the kernel clears its fresh pages
/// here instead of in the page faults of whoever writes them later.
pub fn populate<T>(v: &Vec<T>, upto: usize) {
    let size = std::mem::size_of::<T>();
    let from = v.len().saturating_mul(size);
    let to = upto.min(v.capacity()).saturating_mul(size);
    if to > from {
        populate_range(v.as_ptr().cast::<u8>() as usize, from, to);
    }
}

/// The whole 4 KiB pages among bytes `from..to` of a block at address `p`.
fn page_range(p: usize, from: usize, to: usize) -> Option<(usize, usize)> {
    const PAGE: usize = 4096;
    let start = p.checked_add(from)?.checked_next_multiple_of(PAGE)?;
    let end = p.checked_add(to)? / PAGE * PAGE;
    (end > start).then_some((start, end))
}

/// [`populate`] for bytes `from..to` of the block at `p`.
fn populate_range(p: usize, from: usize, to: usize) {
    #[cfg(target_os = "linux")]
    if let Some((start, end)) = page_range(p, from, to) {
        // SAFETY: MADV_POPULATE_WRITE changes no contents and no access
        // rights: it only makes the pages of the range, which lies inside
        // a live allocation's spare capacity, resident (as a write to them
        // would). A failure (an older kernel) leaves everything as it was.
        unsafe {
            libc::madvise(
                start as *mut libc::c_void,
                end - start,
                libc::MADV_POPULATE_WRITE,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, from, to, page_range);
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
    fn only_whole_pages_inside_the_spare_bytes() {
        const P: usize = 4096;
        assert_eq!(page_range(0, 0, 2 * P), Some((0, 2 * P)));
        assert_eq!(page_range(P, 1, 3 * P), Some((2 * P, 4 * P)));
        assert_eq!(page_range(10, 0, P), None); // no whole page inside
        assert_eq!(page_range(P, P, P + 100), None);
        assert_eq!(page_range(usize::MAX - P, 0, 4 * P), None); // no overflow
    }

    /// Making spare capacity resident leaves what is written as it is,
    /// the length as it was, and what is written after it as written.
    #[test]
    fn populating_changes_nothing_a_program_sees() {
        let mut v: Vec<u64> = Vec::with_capacity(MIB); // 8 MiB
        v.extend(0..1000u64);
        populate(&v, 4 * MIB); // past the capacity: only up to it
        assert_eq!(v.len(), 1000);
        assert!(v.iter().copied().eq(0..1000u64));
        populate(&v, 500); // below the length: nothing asked
        v.extend(1000..MIB as u64);
        assert_eq!(v.iter().sum::<u64>(), (MIB as u64) * (MIB as u64 - 1) / 2);
        populate(&Vec::<u8>::new(), 10);
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

//! Asking the memory system for data some steps before a loop reads it.
//! Where a loop follows pointers into memory that is not in cache (a case's
//! 案件编号, a name many records share), each read waits for memory in
//! turn; fetched a few items ahead, those waits overlap. A hint only: no
//! result depends on it, and on architectures other than x86-64 it does
//! nothing. It depends on nothing else in the crate.

/// Start fetching the cache line at `p`, without waiting for it.
#[inline(always)]
pub fn line<T: ?Sized>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing architecturally and never faults,
    // whatever the address (dangling or past the end included).
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Start fetching every cache line of the value at `p` (a record larger
/// than a line), without waiting for them.
#[inline(always)]
pub fn value<T>(p: *const T) {
    let bytes = p.cast::<u8>();
    let size = std::mem::size_of::<T>();
    // Every line from the one holding the first byte to the one holding
    // the last (a value not aligned to a line touches one more).
    let skew = (bytes as usize) % 64;
    let mut off = 0;
    while off < size + skew {
        line(bytes.wrapping_add(off).wrapping_sub(skew));
        off += 64;
    }
}

/// How far ahead [`each_ahead`] calls `far` and `near`: far enough for a
/// fetch from memory to arrive, near enough that it is still in cache.
pub const FAR: usize = 16;
pub const NEAR: usize = 8;

/// `each` for every item of `list` in order, `far(item)` called FAR items
/// before the item's turn and `near(item)` NEAR items before: a first hop
/// of pointers fetched far ahead, the hop behind it (read from what the
/// first fetched) near.
#[inline]
pub fn each_ahead<'a, T>(
    list: &'a [T],
    far: impl Fn(&T),
    near: impl Fn(&T),
    mut each: impl FnMut(usize, &'a T),
) {
    for x in list.iter().take(FAR) {
        far(x);
    }
    for x in list.iter().take(NEAR) {
        near(x);
    }
    for (i, x) in list.iter().enumerate() {
        if let Some(y) = list.get(i + FAR) {
            far(y);
        }
        if let Some(y) = list.get(i + NEAR) {
            near(y);
        }
        each(i, x);
    }
}

/// The references of `list` in order, each record's lines fetched FAR
/// items before its turn: for a list of records scattered in memory (one
/// region's cases among every unit's).
pub fn refs_ahead<'a, T>(list: &'a [&'a T]) -> impl Iterator<Item = &'a &'a T> + 'a {
    for x in list.iter().take(FAR) {
        value(*x);
    }
    list.iter().enumerate().map(move |(i, x)| {
        if let Some(y) = list.get(i + FAR) {
            value(*y);
        }
        x
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Every item is handed to `each` once, in order, after `far` and
    /// `near` have seen it (each once).
    #[test]
    fn every_item_is_warmed_then_taken_in_order() {
        for n in [0usize, 1, 7, 8, 9, 15, 16, 17, 100] {
            let list: Vec<usize> = (0..n).collect();
            let (far_seen, near_seen) = (RefCell::new(Vec::new()), RefCell::new(Vec::new()));
            let mut taken = Vec::new();
            each_ahead(
                &list,
                |&x| far_seen.borrow_mut().push(x),
                |&x| near_seen.borrow_mut().push(x),
                |i, &x| {
                    assert_eq!(i, x);
                    assert!(far_seen.borrow().contains(&x) && near_seen.borrow().contains(&x));
                    taken.push(x);
                },
            );
            assert_eq!(taken, list);
            assert_eq!(*far_seen.borrow(), list);
            assert_eq!(*near_seen.borrow(), list);
        }
        let nums: Vec<u64> = (0..40).collect();
        let refs: Vec<&u64> = nums.iter().collect();
        for n in [0, 1, 16, 17, 40] {
            let got: Vec<u64> = refs_ahead(&refs[..n]).map(|x| **x).collect();
            assert_eq!(got, nums[..n]);
        }
        // (a dangling address is harmless, a value of any size)
        line(std::ptr::dangling::<u64>());
        value(std::ptr::dangling::<[u8; 300]>());
        value(&());
    }
}

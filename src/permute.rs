//! Putting a slice in a given order in place: the settled cases (ingest)
//! and the case cells (analysis) are sorted by small keys first, and then
//! moved once along the permutation, instead of being copied into a sorted
//! second vector — which would hold them twice at the memory peak. It
//! depends on nothing else in the crate but `prefetch` (layer 0 too).

/// Put what is at `order[i]` at position `i`, for every `i` (`order` is a
/// permutation of the positions), following the permutation's cycles: one
/// swap per element.
///
/// Each step reads an element somewhere in `v`, a cache miss when `v` is
/// large: the element AHEAD steps further along the cycle is fetched early
/// (`order` is small and mostly in cache), so the misses overlap.
pub fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    const AHEAD: usize = 8;
    for start in 0..v.len() {
        if order[start] as usize == start {
            continue;
        }
        let mut at = start;
        // AHEAD steps along the cycle from `at` (a cycle shorter than that
        // ends at `start`, whose entry is set to itself at the first step)
        let mut ahead = start;
        for _ in 0..AHEAD {
            ahead = order[ahead] as usize;
            crate::prefetch::value(v.as_ptr().wrapping_add(ahead));
        }
        loop {
            let from = order[at] as usize;
            // done: a later cycle that reaches `at` stops here
            order[at] = at as u32;
            if from == start {
                break;
            }
            ahead = order[ahead] as usize;
            crate::prefetch::value(v.as_ptr().wrapping_add(ahead));
            // `v[from]` still holds its original element; `v[at]` the
            // cycle's first one, carried along to its place at the end
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn a_permutation_puts_each_element_in_place() {
        // every permutation of five, against building the result directly
        let mut perms: Vec<Vec<u32>> = vec![vec![]];
        for n in 0..5u32 {
            perms = perms
                .into_iter()
                .flat_map(|p| {
                    (0..=p.len()).map(move |k| {
                        let mut q = p.clone();
                        q.insert(k, n);
                        q
                    })
                })
                .collect();
        }
        assert_eq!(perms.len(), 120);
        for order in perms {
            let v: Vec<char> = "abcde".chars().collect();
            let want: Vec<char> = order.iter().map(|&i| v[i as usize]).collect();
            let mut got = v.clone();
            permute(&mut got, order);
            assert_eq!(got, want);
        }
        // and a long cycle
        let n = 1000u32;
        let order: Vec<u32> = (0..n).map(|i| (i * 7 + 3) % n).collect();
        let mut got: Vec<u32> = (0..n).collect();
        permute(&mut got, order.clone());
        assert_eq!(got, order);
    }
}

//! The settler's index: each record's position in the ledger, found by its
//! key's hash, in one flat table of 8-byte entries (32 bits of the hash
//! beside the position) probed linearly.
//!
//! Why not hashbrown's table, as before: a lookup here starts at a place
//! known from the hash alone, so the settler asks for that place's cache
//! line many records ahead ([`PosIndex::prefetch`]) and, a few records
//! ahead, reads it (then in cache) to ask for the record it points to
//! ([`PosIndex::find`] with a closure that only prefetches). hashbrown
//! keeps its control bytes and positions apart and gives out neither
//! address, so warming a lookup had to read both, waiting on two misses
//! in a row for every record: nine tenths of the settler's own time at a
//! million and at ten million rows (perf annotate, session 17).
//!
//! The table grows (doubles) when more than seven places in eight would
//! be taken; it never reads a record to grow, as an entry's place comes
//! from its 32 bits of hash (`hash & mask`, with at most 2^32 places).

/// A position in the ledger beside the low 32 bits of its key's hash.
/// `EMPTY` (position `u32::MAX`) marks a free place.
const EMPTY: u64 = u64::MAX;

/// The greatest position an entry can hold (`u32::MAX` marks a free place).
pub const MAX_POS: u32 = u32::MAX - 1;

/// Fewest places a table that holds anything has.
const MIN_PLACES: usize = 16;

#[derive(Debug, Default)]
pub struct PosIndex {
    /// `(position << 32) | (hash as u32)`, or `EMPTY`; a power of two long
    /// (or empty).
    entries: Vec<u64>,
    len: usize,
}

/// Places needed so that `n` entries take at most seven in eight (`None`
/// past what a `usize` counts).
fn places_for(n: usize) -> Option<usize> {
    n.checked_add(n / 7 + 1)?
        .checked_next_power_of_two()
        .map(|p| p.max(MIN_PLACES))
}

impl PosIndex {
    pub fn new() -> Self {
        PosIndex::default()
    }

    fn home(&self, hash: u64) -> usize {
        (hash as u32 as usize) & (self.entries.len() - 1)
    }

    /// Room for `more` entries beyond those held, without growing. `false`
    /// (the table as it was) when the memory cannot be had.
    pub fn try_reserve(&mut self, more: usize) -> bool {
        let Some(places) = self.len.checked_add(more).and_then(places_for) else {
            return false;
        };
        places <= self.entries.len() || self.rebuild(places)
    }

    /// Move every entry into a table of `places` places; `false` when the
    /// memory cannot be had (the table is then unchanged).
    fn rebuild(&mut self, places: usize) -> bool {
        if places as u64 > 1 << 32 {
            return false;
        }
        let mut fresh = Vec::new();
        if fresh.try_reserve_exact(places).is_err() {
            return false;
        }
        fresh.resize(places, EMPTY);
        let mask = places - 1;
        for &e in self.entries.iter().filter(|&&e| e != EMPTY) {
            let mut i = (e as u32 as usize) & mask;
            while fresh[i] != EMPTY {
                i = (i + 1) & mask;
            }
            fresh[i] = e;
        }
        self.entries = fresh;
        true
    }

    /// Start fetching the cache line where a lookup of `hash` begins,
    /// without waiting for it.
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        if !self.entries.is_empty() {
            crate::prefetch::line(self.entries.as_ptr().wrapping_add(self.home(hash)));
        }
    }

    /// The first position of an entry for `hash` that `is` accepts, asked
    /// of each entry whose 32 bits of hash match, in probe order.
    #[inline]
    pub fn find(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.entries.is_empty() {
            return None;
        }
        let mask = self.entries.len() - 1;
        let tag = hash as u32;
        let mut i = (tag as usize) & mask;
        loop {
            let e = self.entries[i];
            if e == EMPTY {
                return None;
            }
            if e as u32 == tag {
                let pos = (e >> 32) as u32;
                if is(pos) {
                    return Some(pos);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Add `pos` under `hash` (the caller knows no entry for its key is
    /// here). `false` when the table would need to grow and the memory
    /// cannot be had, or `pos` is above [`MAX_POS`]: nothing is added.
    pub fn insert_unique(&mut self, hash: u64, pos: u32) -> bool {
        if pos > MAX_POS {
            return false;
        }
        let Some(places) = places_for(self.len + 1) else {
            return false;
        };
        if places > self.entries.len() && !self.rebuild(places.max(self.entries.len() * 2)) {
            return false;
        }
        let mask = self.entries.len() - 1;
        let tag = hash as u32;
        let mut i = (tag as usize) & mask;
        while self.entries[i] != EMPTY {
            i = (i + 1) & mask;
        }
        self.entries[i] = (u64::from(pos) << 32) | u64::from(tag);
        self.len += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use std::collections::HashMap;

    /// Random keys, many repeated, with a hash that often collides (few
    /// distinct low bits, and equal 32-bit hashes for different keys):
    /// every lookup agrees with a `HashMap` kept beside it, through
    /// several growths from empty and from a reserved size.
    #[test]
    fn agrees_with_a_map_through_growth_and_collisions() {
        for reserve in [0usize, 1000, 50_000] {
            let mut rng = rand::rngs::StdRng::seed_from_u64(reserve as u64);
            let mut index = PosIndex::new();
            assert!(index.try_reserve(reserve));
            let mut keys: Vec<u64> = Vec::new(); // position → key
            let mut model: HashMap<u64, u32> = HashMap::new();
            // Keys 0..40_000; the "hash" keeps only some bits, so that
            // different keys share hashes and homes.
            let hash = |k: u64| (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) & 0x3_FFFF;
            for _ in 0..60_000 {
                let k = rng.gen_range(0..40_000u64);
                let h = hash(k);
                let found = index.find(h, |p| keys[p as usize] == k);
                assert_eq!(found, model.get(&k).copied(), "key {k}");
                if found.is_none() {
                    let pos = keys.len() as u32;
                    assert!(index.insert_unique(h, pos));
                    keys.push(k);
                    model.insert(k, pos);
                }
            }
            assert_eq!(index.len, model.len());
            assert!(index.entries.len().is_power_of_two());
            assert!(index.len * 8 <= index.entries.len() * 7);
            for (&k, &p) in &model {
                assert_eq!(index.find(hash(k), |q| keys[q as usize] == k), Some(p));
            }
            // Absent keys are not found.
            for k in 40_000..41_000u64 {
                assert_eq!(index.find(hash(k), |q| keys[q as usize] == k), None);
            }
        }
    }

    #[test]
    fn reserving_makes_room_without_growth() {
        let mut index = PosIndex::new();
        assert_eq!(index.find(7, |_| true), None);
        index.prefetch(7); // an empty table: nothing to fetch, no panic
        assert!(index.try_reserve(1000));
        let places = index.entries.len();
        assert_eq!(places, 2048); // 1000 + 142 + 1 → 2048
        for p in 0..1000u32 {
            assert!(index.insert_unique(u64::from(p) * 31, p));
        }
        assert_eq!(index.entries.len(), places);
        assert!(index.insert_unique(1, MAX_POS));
        assert!(!index.insert_unique(2, u32::MAX));
        assert_eq!(index.len, 1001);
        assert!(!index.try_reserve(usize::MAX));
    }

    #[test]
    fn places_stay_at_most_seven_in_eight_full() {
        for n in [0, 1, 14, 15, 16, 17, 1000, 1 << 20] {
            let p = places_for(n).unwrap();
            assert!(p.is_power_of_two() && p >= MIN_PLACES);
            assert!(n * 8 <= p * 7, "{n} → {p}");
        }
        assert_eq!(places_for(usize::MAX), None);
    }
}

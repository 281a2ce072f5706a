//! A small deterministic source of numbers for tests (a 64-bit linear
//! congruential generator): the same seed gives the same sequence on every
//! machine, with no crate to pull in. Test code only.

/// A function giving a number below `m` (0 when `m` is 0) at each call,
/// the sequence fixed by `seed`.
pub(crate) fn below(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |m| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m.max(1)
    }
}

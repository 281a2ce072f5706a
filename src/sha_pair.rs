//! SHA-256 on the x86 SHA extensions: of two byte strings at once on one
//! core (the sums manifest.json gives for every input), and of one
//! string, whole or handed in parts (the outputs' sums, a workbook's, the
//! last input of a run).
//!
//! Why: one SHA-256 stream on the x86 SHA extensions is held up by the
//! latency of `sha256rnds2` (each pair of rounds waits for the one
//! before), not by how many the core can start; two independent streams
//! with their rounds interleaved keep it twice as busy. And every stream
//! waits for its message's next block to come from memory: the bytes of a
//! file just read are no longer in the core's own caches, and a block is
//! needed the moment the last one is done. So each block's bytes are
//! asked for [`shani::AHEAD`] bytes before they are summed. On the
//! benchmark machine, over 64 MB just written: the `sha2` crate hashes
//! 1.16 GB/s; one stream here 1.28 GB/s without fetching ahead and 1.95
//! with it, two interleaved streams 1.76 and 2.30 GB/s together (a C
//! test of the same kernels: one 1.15 → 1.96, two 1.96 → 2.35;
//! OpenSSL's, which does not fetch ahead, 1.9 on the 16 KB `openssl
//! speed` keeps in cache and 1.4 on 64 MB). No
//! well-kept crate hashes two long messages together (`sha2` and `ring`
//! one at a time, 1.2 GB/s here; the multi-buffer crates found are young
//! and aimed at many short messages), so the kernel is written here,
//! after `sha2`'s own (`sha2::sha256::x86`), and checked against `sha2`
//! for every length around the block size. Without the SHA extensions
//! (another CPU, another architecture) each sum is `sha2`'s.
//! Depends on nothing else in the crate.

use sha2::{Digest, Sha256};

/// The initial hash value (FIPS 180-4 §5.3.3).
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    finish(START, bytes)
}

/// A sum made part of the way: the state after the message's first `done`
/// bytes (whole blocks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub struct Midway {
    state: [u32; 8],
    done: usize,
}

/// Nothing summed yet.
pub const START: Midway = Midway { state: H0, done: 0 };

/// Both sums taken on from where `ma` and `mb` left them ([`START`] for
/// a fresh one), together, as far as both messages have whole blocks
/// left: the rest of each is the work of whoever [`finish`]es it. Without
/// the extensions nothing is done (see [`pairs`]).
pub fn go_on_pair(ma: Midway, a: &[u8], mb: Midway, b: &[u8]) -> (Midway, Midway) {
    #[cfg(target_arch = "x86_64")]
    if shani::available() && ma.done <= a.len() && mb.done <= b.len() {
        // SAFETY: the CPU has the extensions `shani::go_on_pair` is
        // compiled for.
        return unsafe { shani::go_on_pair(ma, a, mb, b) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (a, b);
    (ma, mb)
}

/// Whether summing two messages together is faster here than one after
/// the other (the x86 SHA extensions are there).
pub fn pairs() -> bool {
    #[cfg(target_arch = "x86_64")]
    return shani::available();
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Whether `bytes` has whole blocks past what `m` has summed.
pub fn blocks_left(m: &Midway, bytes: &[u8]) -> bool {
    m.done.saturating_add(64) <= bytes.len()
}

/// The SHA-256 of `bytes`, whose first `m.done` bytes `m` has summed
/// already ([`go_on_pair`] of these same bytes).
pub fn finish(m: Midway, bytes: &[u8]) -> [u8; 32] {
    #[cfg(target_arch = "x86_64")]
    if m.done <= bytes.len() && shani::available() {
        // SAFETY: as in `go_on_pair`.
        return unsafe { shani::finish(m, bytes) };
    }
    // (`done` is 0 unless the extensions made it)
    Sha256::digest(bytes).into()
}

/// One SHA-256 made from parts handed in one after another
/// ([`Stream::update`]), as an output file is written: the same sum as
/// [`sha256`] of the parts joined.
pub struct Stream(Inner);

enum Inner {
    /// On the SHA extensions: the sum over the whole blocks so far, and
    /// the bytes past them (fewer than a block).
    #[cfg(target_arch = "x86_64")]
    Ext {
        part: Midway,
        tail: [u8; 64],
        held: usize,
    },
    Plain(Box<Sha256>),
}

impl Default for Stream {
    fn default() -> Stream {
        Stream::new()
    }
}

impl Stream {
    pub fn new() -> Stream {
        #[cfg(target_arch = "x86_64")]
        if shani::available() {
            return Stream(Inner::Ext {
                part: START,
                tail: [0; 64],
                held: 0,
            });
        }
        Stream(Inner::Plain(Box::default()))
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            Inner::Plain(h) => h.update(bytes),
            #[cfg(target_arch = "x86_64")]
            Inner::Ext { part, tail, held } => {
                let mut bytes = bytes;
                if *held > 0 {
                    let n = (64 - *held).min(bytes.len());
                    tail[*held..*held + n].copy_from_slice(&bytes[..n]);
                    *held += n;
                    bytes = &bytes[n..];
                    if *held < 64 {
                        return;
                    }
                    // SAFETY: `Ext` is made only where the extensions are.
                    *part = unsafe { shani::go_on(*part, tail) };
                    *held = 0;
                }
                let whole = bytes.len() / 64 * 64;
                // SAFETY: as above.
                *part = unsafe { shani::go_on(*part, &bytes[..whole]) };
                let rest = &bytes[whole..];
                tail[..rest.len()].copy_from_slice(rest);
                *held = rest.len();
            }
        }
    }

    pub fn finish(self) -> [u8; 32] {
        match self.0 {
            Inner::Plain(h) => h.finalize().into(),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as in `update`.
            Inner::Ext { part, tail, held } => unsafe {
                shani::finish_tail(part, &tail[..held], part.done + held)
            },
        }
    }
}

/// The last block or two of a message `len` bytes long whose bytes past
/// its last whole block are `tail`: those bytes, 0x80, zeros, and the
/// length in bits (FIPS 180-4 §5.1.1).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn padding_of(tail: &[u8], len: usize) -> ([[u8; 64]; 2], usize) {
    let mut out = [[0u8; 64]; 2];
    let n = if tail.len() < 56 { 1 } else { 2 };
    let flat = out.as_flattened_mut();
    flat[..tail.len()].copy_from_slice(tail);
    flat[tail.len()] = 0x80;
    let bits = (len as u64).wrapping_mul(8);
    flat[n * 64 - 8..n * 64].copy_from_slice(&bits.to_be_bytes());
    (out, n)
}

#[cfg(target_arch = "x86_64")]
mod shani {
    use super::Midway;
    use std::arch::x86_64::*;

    /// The round constants (FIPS 180-4 §4.2.2).
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];

    pub fn available() -> bool {
        is_x86_feature_detected!("sha")
            && is_x86_feature_detected!("sse2")
            && is_x86_feature_detected!("ssse3")
            && is_x86_feature_detected!("sse4.1")
    }

    /// A stream's state as the instructions hold it (ABEF, CDGH).
    #[derive(Clone, Copy)]
    struct State(__m128i, __m128i);

    impl State {
        #[inline(always)]
        unsafe fn from_words(words: &[u32; 8]) -> State {
            let p = words.as_ptr().cast::<__m128i>();
            let dcba = _mm_loadu_si128(p);
            let efgh = _mm_loadu_si128(p.add(1));
            let cdab = _mm_shuffle_epi32(dcba, 0xB1);
            let efgh = _mm_shuffle_epi32(efgh, 0x1B);
            State(
                _mm_alignr_epi8(cdab, efgh, 8),
                _mm_blend_epi16(efgh, cdab, 0xF0),
            )
        }

        #[inline(always)]
        unsafe fn words(self) -> [u32; 8] {
            let feba = _mm_shuffle_epi32(self.0, 0x1B);
            let dchg = _mm_shuffle_epi32(self.1, 0xB1);
            let mut words = [0u32; 8];
            let p = words.as_mut_ptr().cast::<__m128i>();
            _mm_storeu_si128(p, _mm_blend_epi16(feba, dchg, 0xF0));
            _mm_storeu_si128(p.add(1), _mm_alignr_epi8(dchg, feba, 8));
            words
        }
    }

    /// A block's sixteen words, big-endian as the standard reads them.
    #[inline(always)]
    unsafe fn load(block: &[u8; 64]) -> [__m128i; 4] {
        let mask = _mm_set_epi64x(0x0C0D_0E0F_0809_0A0B, 0x0405_0607_0001_0203);
        let p = block.as_ptr().cast::<__m128i>();
        // (no closure: a closure does not share its caller's target
        // features, and its intrinsics would be calls)
        [
            _mm_shuffle_epi8(_mm_loadu_si128(p), mask),
            _mm_shuffle_epi8(_mm_loadu_si128(p.add(1)), mask),
            _mm_shuffle_epi8(_mm_loadu_si128(p.add(2)), mask),
            _mm_shuffle_epi8(_mm_loadu_si128(p.add(3)), mask),
        ]
    }

    /// The next four words of the message schedule from the last sixteen.
    #[inline(always)]
    unsafe fn schedule(w: &[__m128i; 4], i: usize) -> __m128i {
        let t = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
        let t = _mm_add_epi32(t, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
        _mm_sha256msg2_epu32(t, w[(i + 3) % 4])
    }

    /// Rounds 4i..4i+4 of a stream, with `w[i % 4]` the schedule's words
    /// for them.
    #[inline(always)]
    unsafe fn rounds4(s: &mut State, w: &[__m128i; 4], i: usize) {
        let k = _mm_loadu_si128(K.as_ptr().add(4 * i).cast::<__m128i>());
        let t = _mm_add_epi32(w[i % 4], k);
        s.1 = _mm_sha256rnds2_epu32(s.1, s.0, t);
        s.0 = _mm_sha256rnds2_epu32(s.0, s.1, _mm_shuffle_epi32(t, 0x0E));
    }

    /// How far past the block being summed its message's bytes are asked
    /// for: sixteen blocks, time enough for them to come from memory.
    /// Over 64 MB just written, one stream (a C test of these kernels):
    /// 1.15 GB/s without, 1.45 with 256 bytes, 1.80 with 512, 1.96 with
    /// 1024 (as fast as on 16 KB kept in the core's cache); two streams
    /// 1.96 → 2.35 GB/s.
    pub const AHEAD: usize = 1024;

    /// Ask for the bytes [`AHEAD`] of `block`, without waiting for them. A
    /// prefetch never faults, whatever the address (past the end of the
    /// message included).
    #[inline(always)]
    unsafe fn fetch_ahead(block: &[u8; 64]) {
        _mm_prefetch::<_MM_HINT_T0>(block.as_ptr().wrapping_add(AHEAD).cast::<i8>());
    }

    /// One stream through `blocks`.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn one(s: &mut State, blocks: &[[u8; 64]]) {
        for block in blocks {
            fetch_ahead(block);
            let saved = *s;
            let mut w = load(block);
            for i in 0..16 {
                if i >= 4 {
                    w[i % 4] = schedule(&w, i);
                }
                rounds4(s, &w, i);
            }
            *s = State(_mm_add_epi32(s.0, saved.0), _mm_add_epi32(s.1, saved.1));
        }
    }

    /// Two streams through as many blocks each, round for round: each
    /// stream's rounds run while the other's wait for their results.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn two(s: &mut State, a: &[[u8; 64]], t: &mut State, b: &[[u8; 64]]) {
        for (ba, bb) in a.iter().zip(b) {
            fetch_ahead(ba);
            fetch_ahead(bb);
            let (saved_s, saved_t) = (*s, *t);
            let (mut wa, mut wb) = (load(ba), load(bb));
            for i in 0..16 {
                if i >= 4 {
                    wa[i % 4] = schedule(&wa, i);
                    wb[i % 4] = schedule(&wb, i);
                }
                rounds4(s, &wa, i);
                rounds4(t, &wb, i);
            }
            *s = State(_mm_add_epi32(s.0, saved_s.0), _mm_add_epi32(s.1, saved_s.1));
            *t = State(_mm_add_epi32(t.0, saved_t.0), _mm_add_epi32(t.1, saved_t.1));
        }
    }

    /// The whole blocks both `a` past `ma.done` and `b` past `mb.done`
    /// have, interleaved (`done` at most each length).
    ///
    /// # Safety
    /// The CPU must have the SHA extensions, SSE2, SSSE3 and SSE4.1
    /// ([`available`]).
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn go_on_pair(ma: Midway, a: &[u8], mb: Midway, b: &[u8]) -> (Midway, Midway) {
        let (ra, rb) = (&a[ma.done..], &b[mb.done..]);
        let common = (ra.len() / 64).min(rb.len() / 64) * 64;
        let (mut s, mut t) = (State::from_words(&ma.state), State::from_words(&mb.state));
        two(
            &mut s,
            ra[..common].as_chunks::<64>().0,
            &mut t,
            rb[..common].as_chunks::<64>().0,
        );
        (
            Midway {
                state: s.words(),
                done: ma.done + common,
            },
            Midway {
                state: t.words(),
                done: mb.done + common,
            },
        )
    }

    /// `m` taken on through the whole blocks of `bytes` (one stream).
    ///
    /// # Safety
    /// As for [`go_on_pair`].
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn go_on(m: Midway, bytes: &[u8]) -> Midway {
        let mut s = State::from_words(&m.state);
        let (blocks, _) = bytes.as_chunks::<64>();
        one(&mut s, blocks);
        Midway {
            state: s.words(),
            done: m.done + blocks.len() * 64,
        }
    }

    /// The rest of `bytes` past `m.done` (at most its length), then the
    /// padding.
    ///
    /// # Safety
    /// As for [`go_on_pair`].
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn finish(m: Midway, bytes: &[u8]) -> [u8; 32] {
        let whole = bytes.len() / 64 * 64;
        let m = go_on(m, &bytes[m.done.min(whole)..whole]);
        finish_tail(m, &bytes[whole..], bytes.len())
    }

    /// The sum of a message `len` bytes long, `m` its whole blocks' and
    /// `tail` its bytes past them.
    ///
    /// # Safety
    /// As for [`go_on_pair`].
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn finish_tail(m: Midway, tail: &[u8], len: usize) -> [u8; 32] {
        let mut s = State::from_words(&m.state);
        let (pad, n) = super::padding_of(tail, len);
        one(&mut s, &pad[..n]);
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(s.words()) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `sha2` crate's sum: what every sum made here is checked against.
    fn reference(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }

    /// Both sums made together from the start, each finished on its own.
    fn sha256_pair(a: &[u8], b: &[u8]) -> ([u8; 32], [u8; 32]) {
        let (ma, mb) = go_on_pair(START, a, START, b);
        (finish(ma, a), finish(mb, b))
    }

    /// Bytes that differ from place to place (a repeated pattern would hide
    /// a block taken twice or out of order).
    fn bytes(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Every length around one and two blocks and the padding's turn to a
    /// second block (55, 56, 64), paired with lengths shorter, equal and
    /// longer: each sum is `sha2`'s.
    #[test]
    fn both_sums_are_sha2s_for_every_length_around_the_blocks() {
        let lens: Vec<usize> = (0..=130)
            .chain([191, 192, 193, 1000, 4096, 70_001])
            .collect();
        for &la in &lens {
            for &lb in &[0usize, 1, 55, 56, 63, 64, 65, 119, 120, 128, 4097] {
                let (a, b) = (bytes(la, la as u64 + 7), bytes(lb, lb as u64 + 99));
                let (ha, hb) = sha256_pair(&a, &b);
                assert_eq!(ha, reference(&a), "a: {la} bytes beside {lb}");
                assert_eq!(hb, reference(&b), "b: {lb} bytes beside {la}");
            }
        }
    }

    /// Started together, each finished on its own (as two readers do):
    /// the same sums; and a `Midway` of nothing finishes as the whole sum.
    #[test]
    fn started_together_and_finished_apart_the_sums_are_the_same() {
        for (la, lb) in [(0, 0), (64, 640), (1000, 130), (70_001, 4096)] {
            let (a, b) = (bytes(la, 5), bytes(lb, 6));
            let (ma, mb) = go_on_pair(START, &a, START, &b);
            assert_eq!(finish(mb, &b), reference(&b), "{la} {lb}");
            assert_eq!(finish(ma, &a), reference(&a), "{la} {lb}");
        }
        // nothing summed yet, finished: the sums
        for n in [0, 3, 64, 1000] {
            let a = bytes(n, 8);
            assert_eq!(finish(START, &a), reference(&a), "{n}");
        }
    }

    /// A long message summed in turns with several shorter ones (as a
    /// file waits on the desk and is taken on by one reader after
    /// another), each turn going on from where the last stopped: every
    /// sum is still its message's.
    #[test]
    fn a_long_sum_taken_on_in_turns_with_others_is_the_same() {
        let long = bytes(10_000, 11);
        let mut part = START;
        for (i, n) in [64usize, 0, 1000, 63, 3000, 129, 9000]
            .into_iter()
            .enumerate()
        {
            let other = bytes(n, i as u64);
            let (p, q) = go_on_pair(part, &long, START, &other);
            part = p;
            assert_eq!(finish(q, &other), reference(&other), "turn {i}");
            assert!(part.done <= long.len());
        }
        assert!(!blocks_left(&part, &long) || !pairs());
        assert_eq!(finish(part, &long), reference(&long));
    }

    /// The standard's own examples (FIPS 180-4 appendix, "abc" and the
    /// two-block message), so the check does not rest on `sha2` alone.
    #[test]
    fn the_standards_examples() {
        let two_blocks = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        let (h1, h2) = sha256_pair(b"abc", two_blocks);
        assert_eq!(
            hex::encode(h1),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(h2),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    /// A whole message (`sha256`) and one handed in parts of every size
    /// from one byte to past two blocks, the parts' borders falling
    /// everywhere in a block: `sha2`'s sums.
    #[test]
    fn a_sum_made_whole_or_from_parts_is_sha2s() {
        for n in (0..=200).chain([1000, 4095, 4096, 4097, 70_001]) {
            let m = bytes(n, n as u64 + 3);
            assert_eq!(sha256(&m), reference(&m), "{n} bytes whole");
            for part in [1usize, 3, 55, 63, 64, 65, 130, 4096] {
                let mut s = Stream::new();
                for p in m.chunks(part) {
                    s.update(p);
                    s.update(&[]);
                }
                assert_eq!(s.finish(), reference(&m), "{n} bytes in parts of {part}");
            }
        }
    }

    #[test]
    fn padding_takes_a_second_block_from_56_bytes_past_the_last_whole_block() {
        let padding = |b: &[u8]| padding_of(&b[b.len() / 64 * 64..], b.len());
        assert_eq!(padding(&[7; 55]).1, 1);
        assert_eq!(padding(&[7; 56]).1, 2);
        assert_eq!(padding(&[7; 64]).1, 1);
        let (p, n) = padding(&[7; 120]);
        assert_eq!(n, 2);
        assert_eq!(&p[0][..56], &[7; 56][..]);
        assert_eq!(p[0][56], 0x80);
        assert_eq!(&p[1][56..], &(120u64 * 8).to_be_bytes()[..]);
    }
}

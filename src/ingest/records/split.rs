//! Splitting one clean line at its delimiters: the fast path of
//! [`super::Records`], taken by every line of a typical export (no quote,
//! no lone carriage return). One pass finds the line's end and its cells'
//! ends together, sixteen bytes at a time on x86-64; elsewhere, and as the
//! tests' second opinion, the line's end is found first and the line then
//! split eight bytes at a time. A line these cannot take goes to the CSV
//! reader.

use memchr::memchr2;

/// Split the line at the start of `t` (not at a line break) at
/// `delimiter`, each cell's end into `ends`: the line's end (`stop`, at
/// its LF, CR of a CRLF, or the end of `t`) and where the next line is
/// looked for (`end`: past the CR of a CRLF), or `None` when the CSV
/// reader must read the line (it holds a quote, it ends in a lone CR, or
/// it is not shorter than 4 GiB).
///
/// One pass, sixteen bytes at a time on x86-64 (SSE2, which every x86-64
/// processor has): each block is compared with the delimiter, the quote,
/// CR and LF at once. Finding the line's end with `memchr2` and then
/// splitting it took two passes over every line (14% of ingest at a
/// million rows, the `memchr2` pass a third of it). Elsewhere the two
/// passes stay ([`split_line_portable`]), and the tests hold the two to
/// the same answers.
///
/// Thirty-two bytes at a time where the processor has AVX2 (checked at
/// run time, as nearly every x86-64 processor since 2013 has it): a
/// typical record of 360 bytes is a dozen blocks instead of two dozen.
/// Sixty-four where it has AVX-512BW (Intel servers since 2017, AMD since
/// Zen 4): six blocks, each compared into bit masks directly.
pub(super) fn split_line(t: &[u8], delimiter: u8, ends: &mut Vec<u32>) -> Option<(usize, usize)> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512bw") {
            // SAFETY: the processor has AVX-512BW (checked just above).
            return unsafe { split_line_avx512(t, delimiter, ends) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { split_line_avx2(t, delimiter, ends) };
        }
        // SAFETY: SSE2 is part of x86-64 itself: every processor that runs
        // this build has it.
        unsafe { split_line_sse2(t, delimiter, ends) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        split_line_portable(t, delimiter, ends)
    }
}

/// [`split_line`] as two passes: the line's end by `memchr2`, then
/// [`split_clean`].
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn split_line_portable(t: &[u8], delimiter: u8, ends: &mut Vec<u32>) -> Option<(usize, usize)> {
    let (stop, end) = match memchr2(b'\n', b'\r', t) {
        None => (t.len(), t.len()),
        Some(i) if t[i] == b'\n' => (i, i),
        Some(i) if t.get(i + 1) == Some(&b'\n') => (i, i + 1),
        Some(_) => return None,
    };
    u32::try_from(stop).ok()?;
    split_clean(&t[..stop], delimiter, ends).then_some((stop, end))
}

/// [`split_line`] on SSE2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn split_line_sse2(t: &[u8], delimiter: u8, ends: &mut Vec<u32>) -> Option<(usize, usize)> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    ends.clear();
    // (bytes as i8: the intrinsics' lanes are signed; only equality is asked)
    let splat = |b: u8| _mm_set1_epi8(b as i8);
    let (d, q, r, n) = (splat(delimiter), splat(b'"'), splat(b'\r'), splat(b'\n'));
    let mask = |v: __m128i, p: __m128i| u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, p)) as u32);
    let mut at = 0usize;
    let mut chunks = t.chunks_exact(16);
    for chunk in &mut chunks {
        // SAFETY: `chunk` is 16 readable bytes; the load is unaligned.
        let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) };
        let breaks =
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, r), _mm_cmpeq_epi8(v, n))) as u32;
        if let Some(done) = block(t, at, 16, breaks.into(), mask(v, q), mask(v, d), ends) {
            return done;
        }
        at += 16;
    }
    rest(t, at, chunks.remainder(), delimiter, ends)
}

/// [`split_line`] on AVX2, thirty-two bytes a block.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn split_line_avx2(t: &[u8], delimiter: u8, ends: &mut Vec<u32>) -> Option<(usize, usize)> {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };
    ends.clear();
    // (bytes as i8: the intrinsics' lanes are signed; only equality is asked)
    let splat = |b: u8| _mm256_set1_epi8(b as i8);
    let (d, q, r, n) = (splat(delimiter), splat(b'"'), splat(b'\r'), splat(b'\n'));
    let mask =
        |v: __m256i, p: __m256i| u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, p)) as u32);
    let mut at = 0usize;
    let mut chunks = t.chunks_exact(32);
    for chunk in &mut chunks {
        // SAFETY: `chunk` is 32 readable bytes; the load is unaligned.
        let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
        let breaks = _mm256_movemask_epi8(_mm256_or_si256(
            _mm256_cmpeq_epi8(v, r),
            _mm256_cmpeq_epi8(v, n),
        )) as u32;
        if let Some(done) = block(t, at, 32, breaks.into(), mask(v, q), mask(v, d), ends) {
            return done;
        }
        at += 32;
    }
    rest(t, at, chunks.remainder(), delimiter, ends)
}

/// [`split_line`] on AVX-512BW, sixty-four bytes a block.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
fn split_line_avx512(t: &[u8], delimiter: u8, ends: &mut Vec<u32>) -> Option<(usize, usize)> {
    use std::arch::x86_64::{_mm512_cmpeq_epi8_mask, _mm512_loadu_si512, _mm512_set1_epi8};
    ends.clear();
    // (bytes as i8: the intrinsics' lanes are signed; only equality is asked)
    let splat = |b: u8| _mm512_set1_epi8(b as i8);
    let (d, q, r, n) = (splat(delimiter), splat(b'"'), splat(b'\r'), splat(b'\n'));
    let mut at = 0usize;
    let mut chunks = t.chunks_exact(64);
    for chunk in &mut chunks {
        // SAFETY: `chunk` is 64 readable bytes; the load is unaligned.
        let v = unsafe { _mm512_loadu_si512(chunk.as_ptr().cast()) };
        let breaks = _mm512_cmpeq_epi8_mask(v, r) | _mm512_cmpeq_epi8_mask(v, n);
        let (quotes, cells) = (_mm512_cmpeq_epi8_mask(v, q), _mm512_cmpeq_epi8_mask(v, d));
        if let Some(done) = block(t, at, 64, breaks, quotes, cells, ends) {
            return done;
        }
        at += 64;
    }
    rest(t, at, chunks.remainder(), delimiter, ends)
}

/// One block of `width` bytes (at most 64) at `at`, as bit masks of its line breaks,
/// quotes and delimiters (bit i for the byte at `at + i`): the cells that
/// end in it before the line's end pushed; `Some` with [`split_line`]'s
/// answer when the line ends in it or holds a quote, `None` to go on.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block(
    t: &[u8],
    at: usize,
    width: u32,
    breaks: u64,
    quotes: u64,
    mut cells: u64,
    ends: &mut Vec<u32>,
) -> Option<Option<(usize, usize)>> {
    // Only what comes before the line's end counts.
    let before = match breaks {
        0 => u64::MAX,
        b => (1u64 << b.trailing_zeros()) - 1,
    };
    if quotes & before != 0 {
        return Some(None);
    }
    cells &= before;
    // (a line of 4 GiB goes to the reader, which reports it)
    let Some(base) = u32::try_from(at).ok().filter(|&b| b <= u32::MAX - width) else {
        return Some(None);
    };
    while cells != 0 {
        ends.push(base + cells.trailing_zeros());
        cells &= cells - 1;
    }
    (breaks != 0).then(|| line_end(t, at + breaks.trailing_zeros() as usize, ends))
}

/// The bytes past the last whole block (the end of the text), one by one.
#[cfg(target_arch = "x86_64")]
fn rest(
    t: &[u8],
    at: usize,
    remainder: &[u8],
    delimiter: u8,
    ends: &mut Vec<u32>,
) -> Option<(usize, usize)> {
    for (k, &b) in remainder.iter().enumerate() {
        match b {
            b'\r' | b'\n' => return line_end(t, at + k, ends),
            b'"' => return None,
            _ if b == delimiter => ends.push(u32::try_from(at + k).ok()?),
            _ => {}
        }
    }
    line_end(t, t.len(), ends)
}

/// The line of `t` ends at `i` (a CR, an LF or the end of `t`): its last
/// cell's end pushed, `(stop, end)` as [`split_line`] returns them.
#[cfg(target_arch = "x86_64")]
fn line_end(t: &[u8], i: usize, ends: &mut Vec<u32>) -> Option<(usize, usize)> {
    let end = match t.get(i) {
        None | Some(b'\n') => i,
        Some(_) if t.get(i + 1) == Some(&b'\n') => i + 1,
        // A lone CR ends a record for the CSV reader.
        Some(_) => return None,
    };
    ends.push(u32::try_from(i).ok()?);
    Some((i, end))
}

/// Split `line` (without its line break) at `delimiter`, each cell's end
/// into `ends`, or return false when the line holds a quote or a carriage
/// return (the CSV reader must read it: a quote may open a quoted cell, a
/// CR ends a record). The line is shorter than 4 GiB.
///
/// Eight bytes at a time: each byte equal to the delimiter, a quote or a
/// CR is marked by its high bit (`equal`). (memchr's iterator, built for
/// rare bytes, took twice as long on cells a dozen bytes apart.)
fn split_clean(line: &[u8], delimiter: u8, ends: &mut Vec<u32>) -> bool {
    ends.clear();
    let (d, q, r) = (splat(delimiter), splat(b'"'), splat(b'\r'));
    let mut chunks = line.chunks_exact(8);
    let mut at = 0u32;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        if equal(v, q) | equal(v, r) != 0 {
            return false;
        }
        let mut hits = equal(v, d);
        while hits != 0 {
            ends.push(at + hits.trailing_zeros() / 8);
            hits &= hits - 1;
        }
        at += 8;
    }
    for (k, &b) in (at..).zip(chunks.remainder()) {
        if b == b'"' || b == b'\r' {
            return false;
        }
        if b == delimiter {
            ends.push(k);
        }
    }
    ends.push(line.len() as u32);
    true
}

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The high bit of each byte of `v` that equals the byte of `pattern`
/// (exact: no byte is marked that does not match).
fn equal(v: u64, pattern: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = v ^ pattern;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn bytes_equal_to_a_pattern_are_marked_exactly() {
        for x in 0..=255u8 {
            for y in [b',', b'"', b'\r', b'\t', 0, 0x80, 0xff] {
                let v = u64::from_le_bytes([x, y, x, 0, 0xff, x, 1, x]);
                let want = [x, y, x, 0, 0xff, x, 1, x]
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == y)
                    .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
                assert_eq!(equal(v, splat(y)), want, "{x} {y}");
            }
        }
    }

    #[test]
    fn one_pass_and_two_pass_splitting_agree() {
        // Lines longer than a block, with each special byte at every
        // position of a block and past the line's end.
        let alphabet: [&[u8]; 10] = [
            b"a",
            b",",
            b"\"",
            b"\r",
            b"\n",
            b"\r\n",
            "中".as_bytes(),
            b"\t",
            b";",
            b"abcdefg,",
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let (mut one, mut two) = (Vec::new(), Vec::new());
        for round in 0..50_000 {
            let n = rng.gen_range(0..200);
            let mut t: Vec<u8> = Vec::new();
            for _ in 0..n {
                // Mostly plain bytes, so that lines run past several blocks.
                let k = if rng.gen_range(0..4) == 0 {
                    rng.gen_range(0..alphabet.len())
                } else {
                    0
                };
                t.extend_from_slice(alphabet[k]);
            }
            let delimiter = [b',', b'\t', b';'][round % 3];
            let a = split_line(&t, delimiter, &mut one);
            let b = split_line_portable(&t, delimiter, &mut two);
            assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&t));
            if a.is_some() {
                assert_eq!(one, two, "{:?}", String::from_utf8_lossy(&t));
            }
            // Every block width, whichever `split_line` took here.
            #[cfg(target_arch = "x86_64")]
            for width in [16, 32, 64] {
                let c = if width == 16 {
                    // SAFETY: SSE2 is part of x86-64.
                    unsafe { split_line_sse2(&t, delimiter, &mut one) }
                } else if width == 32 && std::is_x86_feature_detected!("avx2") {
                    // SAFETY: the processor has AVX2.
                    unsafe { split_line_avx2(&t, delimiter, &mut one) }
                } else if width == 64 && std::is_x86_feature_detected!("avx512bw") {
                    // SAFETY: the processor has AVX-512BW.
                    unsafe { split_line_avx512(&t, delimiter, &mut one) }
                } else {
                    continue;
                };
                let shown = String::from_utf8_lossy(&t);
                assert_eq!(c, b, "{shown:?}");
                assert!(c.is_none() || one == two, "{shown:?}");
            }
        }
        // By hand: a CRLF line, a lone CR, a quote after the line's end.
        let mut ends = Vec::new();
        assert_eq!(split_line(b"ab,c\r\nd", b',', &mut ends), Some((4, 5)));
        assert_eq!(ends, [2, 4]);
        assert_eq!(split_line(b"ab,c\rd", b',', &mut ends), None);
        let long = b"0123456789abcdef0123,56789\n\"x\"";
        assert_eq!(split_line(long, b',', &mut ends), Some((26, 26)));
        assert_eq!(ends, [20, 26]);
        assert_eq!(split_line(b"0123456789abcde\"x,y\n", b',', &mut ends), None);
    }
}

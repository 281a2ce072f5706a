//! Masking personal data before it leaves the tool.
//!
//! The structured fields (当事人, 当事人证件号) are masked where they are
//! printed (`mask_name`, `mask_id`). Free text (简要案情, 事由, site and
//! township names …) is scrubbed once, where ingestion keeps it, so every
//! output format (documents, tables, summary.json) gets the scrubbed text:
//! 18- and 15-digit ID numbers, mainland mobile and landline numbers and the
//! case's own 当事人 name and 证件号 are masked as the structured fields are
//! (`scrub`). Rejected rows mask ID numbers in every field (`scrub_numbers_only`).
//! The scan is a byte check that costs nothing on text with fewer than seven
//! digits, so the hot ingest loop allocates only when something is masked.

use std::borrow::Cow;

/// Mask a personal name: the first character stays (张三 → 张*, 欧阳修文 → 欧***).
pub fn mask_name(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count();
            format!("{first}{}", "*".repeat(rest.max(1)))
        }
    }
}

/// Mask an id number: first 4 and last 4 characters stay (3303**********1234);
/// short ids keep only their first character.
pub fn mask_id(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    if n <= 8 {
        return format!("{}{}", chars[0], "*".repeat(n - 1));
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 8))
}

/// Scrub free text of a case (or of any record, with `party` and `party_id`
/// empty): ID numbers (18 digits, the last possibly X, or 15 digits) keep
/// their first and last 4 characters; mobile numbers (1[3-9] + 9 digits,
/// optionally after 86, or written 3-4-4) keep the first 3 and last 4
/// digits; landline numbers with an area code (0577-88889999, (0577)8888999,
/// 057788889999) keep the area code and the last 4 digits; every
/// occurrence of the case's own 证件号 (6 characters or more) and of each
/// name in its 当事人 (2 characters or more; several names may be separated
/// by 、，,;；/ or spaces) is masked like the structured fields. Borrowed
/// when nothing changes.
pub fn scrub<'a>(text: &'a str, party: &str, party_id: &str) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    if text.is_empty() {
        return out;
    }
    let pid = party_id.trim();
    if pid.chars().count() >= 6 && holds(&out, pid) {
        out = Cow::Owned(out.replace(pid, &mask_id(pid)));
    }
    if let Cow::Owned(s) = scrub_numbers(&out, true) {
        out = Cow::Owned(s);
    }
    for name in party_names(party) {
        if holds(&out, name) {
            out = Cow::Owned(out.replace(name, &mask_name(name)));
        }
    }
    out
}

/// The names of a 当事人 cell that `scrub` masks (two characters or more).
fn party_names(party: &str) -> impl Iterator<Item = &str> {
    party
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '、' | '，' | ',' | ';' | '；' | '/' | '／')
        })
        .filter(|n| n.chars().nth(1).is_some())
}

/// Whether `scrub(text, party, party_id)` differs from
/// `scrub_numbers_only(text)`, given `numbers_scrubbed` =
/// `scrub_numbers_only(text)`: the 证件号 is in the text, or a name of the
/// 当事人 is in the number-scrubbed text. When it does not, the
/// number-scrubbed text (which depends on the text alone, so can be kept
/// per distinct value) is the whole answer.
pub fn party_touches(text: &str, numbers_scrubbed: &str, party: &str, party_id: &str) -> bool {
    let pid = party_id.trim();
    // (`holds` first: an 18-character 证件号 is longer than most sites.)
    (holds(text, pid) && pid.chars().count() >= 6)
        || (shares_a_char_pair(numbers_scrubbed, party)
            && party_names(party).any(|n| holds(numbers_scrubbed, n)))
}

/// Whether some two adjacent characters of `party` may also be adjacent
/// in `text` (pairs hashed into 1,024 bits: it may say yes wrongly, never
/// no wrongly). A name of two characters or more that `text` holds has its
/// first two characters adjacent in both; so when this is false no name of
/// `party` is in `text`, and the names need not be split out and searched
/// for. This runs for the site of every case row against its 当事人, where
/// the answer is nearly always no. (Pairs of bytes filtered far less: in
/// Chinese text the byte pairs within and between characters repeat.)
fn shares_a_char_pair(text: &str, party: &str) -> bool {
    if text.len() < 2 || party.len() < 2 {
        return false;
    }
    let bit = |a: char, b: char| {
        let x =
            (u32::from(a).wrapping_mul(0x9E37_79B1) ^ u32::from(b)).wrapping_mul(0x85EB_CA6B) >> 22;
        (x as usize >> 6, 1u64 << (x & 63))
    };
    let mut seen = [0u64; 16];
    let mut chars = text.chars();
    let mut prev = chars.next().unwrap_or('\0');
    for c in chars {
        let (i, b) = bit(prev, c);
        seen[i] |= b;
        prev = c;
    }
    let mut chars = party.chars();
    let mut prev = chars.next().unwrap_or('\0');
    chars.any(|c| {
        let (i, b) = bit(prev, c);
        prev = c;
        seen[i] & b != 0
    })
}

/// `text.contains(needle)`. Most texts asked about are short (a site's
/// name, against the 当事人 of every row): a needle longer than the text
/// is not in it, and a text shorter than [`SHORT_TEXT`] is searched by
/// checking each place's first and last byte before comparing the rest;
/// longer texts (简要案情) use memchr's substring search, which first
/// builds a searcher for the needle (that build was a third of this
/// function's time when it ran for every row's site). The library's own
/// `contains` calls `memcmp` for every candidate, and in Chinese text
/// (every character's bytes alike) candidates are many. (A UTF-8 needle
/// found in UTF-8 text starts on a character.)
fn holds(text: &str, needle: &str) -> bool {
    let (t, n) = (text.as_bytes(), needle.as_bytes());
    let (Some(&first), Some(&last)) = (n.first(), n.last()) else {
        return false;
    };
    if n.len() > t.len() {
        return false;
    }
    if t.len() < SHORT_TEXT {
        return t
            .windows(n.len())
            .any(|w| w[0] == first && w[n.len() - 1] == last && w == n);
    }
    memchr::memmem::find(t, n).is_some()
}

/// Texts shorter than this (bytes) are searched place by place in [`holds`].
const SHORT_TEXT: usize = 64;

/// ID numbers (18 or 15 digits) masked as `mask_id` does, and mobile and
/// landline numbers as in free text; other text kept. For rejects.csv and
/// the messages that quote a cell, where every field is scanned (a phone
/// number typed into the wrong column is still personal data).
pub fn scrub_numbers_only(text: &str) -> Cow<'_, str> {
    scrub_numbers(text, true)
}

/// The value of a decimal digit, ASCII or full-width.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

/// Fewer than 7 digits (ASCII or full-width) in all: no number to mask.
fn few_digits(b: &[u8]) -> bool {
    let mut n = 0;
    for (i, &x) in b.iter().enumerate() {
        // Full-width ０..９ are EF BC 90..99.
        if x.is_ascii_digit()
            || ((0x90..=0x99).contains(&x) && i >= 2 && b[i - 2..i] == [0xEF, 0xBC])
        {
            n += 1;
            if n >= 7 {
                return false;
            }
        }
    }
    true
}

/// A maximal run of digits (a trailing X/x included after 17 digits).
struct Run {
    start: usize,
    end: usize,
    digits: String,
}

fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        match (digit(c), cur.as_mut()) {
            (Some(d), Some(r)) if !r.digits.ends_with('X') => {
                r.digits.push((b'0' + d) as char);
                r.end = end;
            }
            (Some(d), _) => {
                out.extend(cur.take());
                cur = Some(Run {
                    start: i,
                    end,
                    digits: ((b'0' + d) as char).to_string(),
                });
            }
            (None, Some(r)) if matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ') && r.digits.len() == 17 => {
                r.digits.push('X');
                r.end = end;
            }
            (None, _) => out.extend(cur.take()),
        }
    }
    out.extend(cur);
    out
}

/// Replace the digits of `text[start..end]` by `*`, except the first `keep_head`
/// and last `keep_tail` digits; other characters (separators) stay.
fn star_digits(text: &str, keep_head: usize, keep_tail: usize) -> String {
    let total = text.chars().filter(|&c| digit(c).is_some()).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if digit(c).is_some() {
                seen += 1;
                if seen > keep_head && seen + keep_tail <= total {
                    return '*';
                }
            }
            c
        })
        .collect()
}

fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// Length of a landline area code at the start of `d` (0 + 2 or 3 digits).
fn area_code_len(d: &str) -> usize {
    if d.starts_with("01") || d.starts_with("02") {
        3
    } else {
        4
    }
}

/// Mask ID numbers, and phone numbers when `phones`.
fn scrub_numbers(text: &str, phones: bool) -> Cow<'_, str> {
    if few_digits(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let runs = runs(text);
    // (start, end, replacement), in order, not overlapping.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let sep = |a: &Run, b: &Run, allowed: &[char]| -> bool {
        let between = &text[a.end..b.start];
        let mut cs = between.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if allowed.contains(&c))
    };
    let mut i = 0;
    while i < runs.len() {
        let r = &runs[i];
        let d = r.digits.as_str();
        let n = d.len();
        if (n == 18 && d[..17].bytes().all(|b| b.is_ascii_digit()))
            || (n == 15 && !d.ends_with('X'))
        {
            edits.push((r.start, r.end, mask_id(&text[r.start..r.end])));
            i += 1;
            continue;
        }
        if !phones {
            i += 1;
            continue;
        }
        if is_mobile(d) {
            edits.push((r.start, r.end, star_digits(&text[r.start..r.end], 3, 4)));
            i += 1;
            continue;
        }
        if n == 13 && d.starts_with("86") && is_mobile(&d[2..]) {
            edits.push((r.start, r.end, star_digits(&text[r.start..r.end], 5, 4)));
            i += 1;
            continue;
        }
        // 138-1234-5678, 138 1234 5678
        if n == 3 && is_mobile(&format!("{d}00000000")) && i + 2 < runs.len() {
            let (b, c) = (&runs[i + 1], &runs[i + 2]);
            let seps = ['-', ' ', '－', '—'];
            if b.digits.len() == 4 && c.digits.len() == 4 && sep(r, b, &seps) && sep(b, c, &seps) {
                edits.push((r.start, c.end, star_digits(&text[r.start..c.end], 3, 4)));
                i += 3;
                continue;
            }
        }
        if d.starts_with('0') && (10..=12).contains(&n) {
            let keep = area_code_len(d);
            if n - keep == 7 || n - keep == 8 {
                edits.push((r.start, r.end, star_digits(&text[r.start..r.end], keep, 4)));
                i += 1;
                continue;
            }
        }
        // 0577-88889999, (0577)88889999, 0577 88889999
        if d.starts_with('0') && (3..=4).contains(&n) && i + 1 < runs.len() {
            let b = &runs[i + 1];
            if (7..=8).contains(&b.digits.len()) && sep(r, b, &['-', ' ', ')', '）', '－', '—'])
            {
                edits.push((r.start, b.end, star_digits(&text[r.start..b.end], n, 4)));
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    if edits.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e, rep) in edits {
        out.push_str(&text[at..s]);
        out.push_str(&rep);
        at = e;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `party_touches` as it was before the character-pair filter, to hold the
    /// filter to: it may only skip work, never change an answer.
    fn party_touches_unfiltered(
        text: &str,
        numbers_scrubbed: &str,
        party: &str,
        party_id: &str,
    ) -> bool {
        let pid = party_id.trim();
        (pid.chars().count() >= 6 && holds(text, pid))
            || party_names(party).any(|n| holds(numbers_scrubbed, n))
    }

    #[test]
    fn the_char_pair_filter_changes_no_answer() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        // A small alphabet, so that names are often found.
        let alphabet = ['林', '燕', '村', 'a', '1', '、'];
        let pick = |rng: &mut rand::rngs::StdRng, n: usize| -> String {
            (0..n)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect()
        };
        let (mut found, mut n) = (0, 0);
        for _ in 0..100_000 {
            let (a, b, c) = (
                rng.gen_range(0..24),
                rng.gen_range(0..5),
                rng.gen_range(0..8),
            );
            let text = pick(&mut rng, a);
            let party = pick(&mut rng, b);
            let pid = pick(&mut rng, c);
            let numbers = scrub_numbers_only(&text);
            let want = party_touches_unfiltered(&text, &numbers, &party, &pid);
            assert_eq!(
                party_touches(&text, &numbers, &party, &pid),
                want,
                "{text:?} {party:?} {pid:?}"
            );
            found += usize::from(want);
            n += 1;
        }
        assert!(found > n / 20 && found < n * 9 / 10, "{found} of {n}");
        assert!(party_touches(
            "塘岭村林燕军矿点",
            "塘岭村林燕军矿点",
            "林燕军",
            ""
        ));
        assert!(!party_touches(
            "塘岭村矿点",
            "塘岭村矿点",
            "林燕军",
            "330382197401128961"
        ));
        assert!(party_touches(
            "x330382197401128961",
            "x",
            "",
            "330382197401128961"
        ));
    }

    #[test]
    fn ids_and_phones_in_free_text() {
        assert_eq!(
            scrub(
                "当事人张三（身份证330302199001011234）电话13812345678",
                "",
                ""
            ),
            "当事人张三（身份证3303**********1234）电话138****5678"
        );
        assert_eq!(
            scrub("证号33030219900101123x。", "", ""),
            "证号3303**********123x。"
        );
        assert_eq!(scrub("旧证330302900101123", "", ""), "旧证3303*******1123");
        assert_eq!(
            scrub("联系0577-88889999或(0577)8888999", "", ""),
            "联系0577-****9999或(0577)***8999"
        );
        assert_eq!(scrub("座机057788889999", "", ""), "座机0577****9999");
        assert_eq!(
            scrub("手机138-1234-5678，+8613812345678", "", ""),
            "手机138-****-5678，+86138****5678"
        );
        assert_eq!(
            scrub("全角１３８１２３４５６７８", "", ""),
            "全角１３８****５６７８"
        );
        // Dates, amounts and case numbers stay.
        for s in [
            "2026年7月3日罚款1234567.5元",
            "20260703",
            "案号A2026070312",
            "12345678901234567890",
        ] {
            assert_eq!(scrub(s, "", ""), s);
        }
    }

    #[test]
    fn own_party_and_id() {
        assert_eq!(
            scrub("张三伙同李四在罗凤村采砂，张三已到案", "张三、李四", ""),
            "张*伙同李*在罗凤村采砂，张*已到案"
        );
        assert_eq!(
            scrub(
                "温州某某砂石有限公司（91330300MA1234567X）",
                "",
                "91330300MA1234567X"
            ),
            "温州某某砂石有限公司（9133**********567X）"
        );
        // A one-character party is not searched for.
        assert_eq!(scrub("王家村", "王", ""), "王家村");
    }

    #[test]
    fn holds_is_contains() {
        for (t, n) in [
            ("张三砂场", "张三"),
            ("砂场张三", "张三"),
            ("张砂场三", "张三"),
            ("", "张"),
            ("张", "张三"),
            ("张三", ""),
            ("张三", "张三"),
        ] {
            assert_eq!(holds(t, n), t.contains(n) && !n.is_empty(), "{t} {n}");
        }
        // Short and long texts, needles of one to several characters whose
        // first and last bytes often match (Chinese characters share them).
        let alphabet = ["张", "三", "李", "砂", "a", "1", "场", "长"];
        let mut below = crate::test_rng::below(5);
        let mut next = |m: usize| below(m as u64) as usize;
        for _ in 0..20_000 {
            let long = next(4) == 0;
            let tl = next(if long { 60 } else { 25 });
            let t: String = (0..tl).map(|_| alphabet[next(alphabet.len())]).collect();
            let nl = 1 + next(4);
            let n: String = (0..nl).map(|_| alphabet[next(alphabet.len())]).collect();
            assert_eq!(holds(&t, &n), t.contains(n.as_str()), "{t} {n}");
        }
    }

    #[test]
    fn numbers_only() {
        // ID and phone numbers, not names (a reject has no 当事人 to match)
        assert_eq!(
            scrub_numbers_only("张三,330302199001011234,13812345678"),
            "张三,3303**********1234,138****5678"
        );
    }
}

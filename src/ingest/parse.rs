//! Value parsers for the forms real exports use. Each returns `None` for a
//! value it cannot read; the caller turns that into a rejection.

use chrono::{Duration, NaiveDate};

use crate::text::fullwidth_to_ascii;

/// Full-width forms folded to ASCII, trimmed; borrowed when nothing changes.
fn ascii_fold(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    // Full-width forms (U+FF01..U+FF5E) start with byte EF, the ideographic
    // space (U+3000) with E3: a cell with neither is returned as it is.
    if memchr::memchr2(0xEF, 0xE3, t.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(t);
    }
    if !t
        .chars()
        .any(|c| matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}'))
    {
        return std::borrow::Cow::Borrowed(t);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(fullwidth_to_ascii)
            .collect::<String>()
            .trim()
            .to_string(),
    )
}

/// `YYYY-MM-DD` exactly (the usual export form), without the general parser.
#[inline]
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + (d - b'0') as u32)
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Parse a date: `2026-07-03`, `2026/7/3`, `2026.7.3`, `2026年7月3日`,
/// `20260703`, an Excel serial number (1900 date system, optionally with a
/// fraction for the time), each with an optional time part; full-width digits.
pub fn date(s: &str) -> Option<NaiveDate> {
    // `YYYY-MM-DD` as written (ASCII: folding would not change it).
    if let Some(d) = iso_date(s) {
        return Some(d);
    }
    let s = ascii_fold(s);
    if s.is_empty() {
        return None;
    }
    if let Some(d) = iso_date(&s) {
        return Some(d);
    }
    // Excel serial: digits with an optional fraction, 1..=2958465 (9999-12-31).
    if s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let digits = s.split('.').next().unwrap_or("");
        if s.len() == 8 && !s.contains('.') {
            return ymd_compact(&s);
        }
        if !digits.is_empty() && digits.len() <= 7 && s.matches('.').count() <= 1 {
            if let Ok(v) = s.parse::<f64>() {
                return excel_serial(v);
            }
        }
        if s.matches('.').count() != 2 {
            return None;
        }
    }
    // Split off a time part: after 'T' or white space, or after 日.
    let date_part = if let Some(i) = s.find('日') {
        &s[..i + '日'.len_utf8()]
    } else {
        s.split(|c: char| c == 'T' || c.is_whitespace())
            .next()
            .unwrap_or("")
    };
    let date_part = date_part.trim();
    let (y, m, d) = if let Some(rest) = date_part.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        (y, m, d)
    } else {
        let sep = date_part.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        let mut it = date_part.split(sep);
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let (y, m, d) = (y.trim(), m.trim(), d.trim());
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let num = |t: &str| -> Option<u32> {
        t.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)
}

fn ymd_compact(s: &str) -> Option<NaiveDate> {
    let y: i32 = s[0..4].parse().ok()?;
    let m: u32 = s[4..6].parse().ok()?;
    let d: u32 = s[6..8].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Excel's 1900 date system: serial 1 = 1900-01-01, with Excel's phantom
/// 1900-02-29 (serial 60), so serials from 61 are days since 1899-12-30.
fn excel_serial(v: f64) -> Option<NaiveDate> {
    if !v.is_finite() || !(1.0..2_958_466.0).contains(&v) {
        return None;
    }
    let days = v.floor() as i64;
    if days == 60 {
        return None; // 1900-02-29 does not exist
    }
    let base = if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    base.checked_add_signed(Duration::days(days))
}

/// Parse an amount of money or a quantity: `1,234.50`, `1234.5元`, `12.3万元`,
/// `12.3万`, `￥100`; blank = 0. Returns the value in base units (yuan, tonnes);
/// a 万 suffix multiplies by 10,000. Negative values are returned as such (the
/// caller rejects them); non-finite values are `None`.
pub fn amount(s: &str) -> Option<f64> {
    amount_with_unit(s).map(|(v, _)| v)
}

/// Like [`amount`], also telling whether the value carried its own unit
/// (元, 万元, 吨 …), which then overrides a unit given in the header.
#[inline]
pub fn amount_with_unit(s: &str) -> Option<(f64, bool)> {
    // Blank (most money cells): 0, as the steps below would give.
    if s.is_empty() {
        return Some((0.0, false));
    }
    // Digits and a point (most other cells): what the steps below would parse.
    if let Some(v) = plain_decimal(s) {
        return v.map(|v| (v, false));
    }
    amount_general(s)
}

/// A cell of ASCII digits and points only (`115.5`, `2000`, `27.9913`),
/// read as `str::parse` reads it (`Some(None)` when it does not: `.`,
/// `1.2.3`, or not finite); `None` for any other cell (a sign, a unit,
/// white space …), which the caller reads the general way. Nothing in
/// such a cell is folded or trimmed by the general readers, so both ways
/// agree (test `the_short_paths_read_as_the_general_ones`).
#[inline]
fn plain_decimal(s: &str) -> Option<Option<f64>> {
    if let Some(v) = short_decimal(s) {
        return Some(Some(v));
    }
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    Some(s.parse::<f64>().ok().filter(|v| v.is_finite()))
}

/// Powers of ten up to 10^15, each exact in an `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Digits with at most one point and at most 15 digits (`115.5`, `2000`,
/// `.5`) as `str::parse` reads them, without its general algorithm: the
/// digits make an integer below 2^53 and the point a power of ten up to
/// 10^15, both exact in an `f64`, so their quotient is one correctly
/// rounded division, the correctly rounded value of the decimal, which is
/// what `parse` returns (Clinger's fast path). `None` for anything else
/// (no digit, two points, 16 digits or more, any other byte): the caller
/// reads it.
fn short_decimal(s: &str) -> Option<f64> {
    if s.len() > 16 {
        return None;
    }
    let (mut m, mut digits, mut frac, mut point) = (0u64, 0usize, 0usize, false);
    for b in s.bytes() {
        match b {
            b'.' if point => return None,
            b'.' => point = true,
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                digits += 1;
                frac += usize::from(point);
            }
            _ => return None,
        }
    }
    if digits == 0 || digits > 15 {
        return None;
    }
    Some(m as f64 / POW10[frac])
}

/// [`amount_with_unit`] for any cell: folded, trimmed, a unit taken off,
/// thousands separators removed.
fn amount_general(s: &str) -> Option<(f64, bool)> {
    let s = ascii_fold(s);
    let mut t: &str = s.trim();
    if t.is_empty() || t == "-" || t == "/" || t == "无" {
        return Some((0.0, false));
    }
    t = t.trim_start_matches(['¥', '￥']).trim();
    let mut mult = 1.0;
    let mut explicit = false;
    for (suf, m) in [
        ("万元", 10_000.0),
        ("万吨", 10_000.0),
        ("万", 10_000.0),
        ("元", 1.0),
        ("吨", 1.0),
    ] {
        if let Some(rest) = t.strip_suffix(suf) {
            t = rest.trim();
            mult = m;
            explicit = true;
            break;
        }
    }
    let cleaned = ungroup(t)?;
    if cleaned.is_empty()
        || !cleaned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    let v = v * mult;
    v.is_finite().then_some((v, explicit))
}

/// Thousands separators (`,` or a space) removed, when they group digits
/// by three: `1,234.50` → `1234.50`. Anything else with a separator is
/// ambiguous — `1,5` (a decimal comma?), `1,2345`, `1.234,50` — and `None`.
/// Borrowed when there is no separator.
fn ungroup(t: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !t.contains([',', ' ']) {
        return Some(std::borrow::Cow::Borrowed(t));
    }
    let body = t.trim_start_matches(['+', '-']);
    let sign = &t[..t.len() - body.len()];
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit())) {
        return None; // 1.234,50
    }
    let groups: Vec<&str> = int.split([',', ' ']).collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    if !first_ok
        || !rest_ok
        || !int
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b' ')
    {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    out.push_str(sign);
    out.extend(groups);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(std::borrow::Cow::Owned(out))
}

/// Parse a count: `3`, `3人`, `2艘`, `4台`, `3.0`, `1,200`; blank = 0.
/// Whole numbers written out only: fractions, exponents (`1e9`) and
/// non-numbers are `None`. Negative values are returned as such.
#[inline]
pub fn count(s: &str) -> Option<i64> {
    // Blank, or up to 15 digits (most cells): what the steps below give.
    if s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) {
        return if s.is_empty() {
            Some(0)
        } else {
            s.parse().ok()
        };
    }
    count_general(s)
}

/// [`count`] for any cell: folded, a unit word taken off, separators removed.
fn count_general(s: &str) -> Option<i64> {
    let s = ascii_fold(s);
    let t = s.trim_end_matches(['人', '艘', '台', '次', '个', '件', '起', '名', '条']);
    let t = t.trim();
    if t.is_empty() {
        return Some(0);
    }
    let t = ungroup(t)?;
    // `3.0` (a spreadsheet's number format) is 3; `3.5` is not a count.
    let t = match t.split_once('.') {
        Some((i, f)) if !f.is_empty() && f.bytes().all(|b| b == b'0') => i,
        Some(_) => return None,
        None => &t,
    };
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// Parse yes/no: 是/否, Y/N, yes/no, true/false, 1/0, √/×; blank = no.
#[inline]
pub fn yes_no(s: &str) -> Option<bool> {
    // The usual cells, as the general steps read them.
    match s {
        "是" => return Some(true),
        "否" | "" => return Some(false),
        _ => {}
    }
    yes_no_general(s)
}

/// [`yes_no`] for any cell: folded, lower-cased, then matched.
fn yes_no_general(s: &str) -> Option<bool> {
    let s = ascii_fold(s);
    let s = if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        s
    };
    match &*s {
        "" | "否" | "n" | "no" | "false" | "0" | "×" | "x" | "✗" | "✘" | "不" | "无" => {
            Some(false)
        }
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "✔" | "有" => Some(true),
        _ => None,
    }
}

/// Parse a coordinate in decimal degrees; blank = absent (`Some(None)`).
#[inline]
pub fn coordinate(s: &str) -> Option<Option<f64>> {
    // Blank (most files have no coordinate columns): absent, as below.
    if s.is_empty() {
        return Some(None);
    }
    // Digits and a point (most coordinates): what the steps below would parse.
    if let Some(v) = plain_decimal(s) {
        return v.map(Some);
    }
    coordinate_general(s)
}

/// [`coordinate`] for any cell: folded, trimmed, a degree sign taken off.
fn coordinate_general(s: &str) -> Option<Option<f64>> {
    if s.is_empty() {
        return Some(None);
    }
    let s = ascii_fold(s);
    let t = s.trim_end_matches('°').trim();
    if t.is_empty() {
        return Some(None);
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, dd)
    }

    #[test]
    fn dates() {
        for s in [
            "2026-07-03",
            "2026/7/3",
            "2026.7.3",
            "2026年7月3日",
            "20260703",
            "46206",
            "46206.5",
            "2026-07-03 14:30",
            "2026-07-03T14:30:00",
            "2026/7/3 8:05:00",
            "2026年7月3日 14时",
            "２０２６－０７－０３",
            " 2026-7-03 ",
        ] {
            assert_eq!(date(s), d(2026, 7, 3), "{s}");
        }
        assert_eq!(date("2024-02-29"), d(2024, 2, 29));
        assert_eq!(date("61"), d(1900, 3, 1));
        assert_eq!(date("1"), d(1900, 1, 1));
        assert_eq!(date("59"), d(1900, 2, 28));
        for s in [
            "",
            "2026-02-30",
            "2025-02-29",
            "7/3/2026",
            "明天",
            "2026-13-01",
            "60",
            "0",
            "2026-07",
            "1e5",
            "26-7-3",
            "2026-07-03-01",
        ] {
            assert_eq!(date(s), None, "{s}");
        }
    }

    #[test]
    fn the_short_paths_read_as_the_general_ones() {
        let mut cells = vec![String::new()];
        for _ in 0..5 {
            cells = cells
                .iter()
                .flat_map(|c| ["0", "1", "9", "."].map(|d| format!("{c}{d}")))
                .chain(cells.iter().cloned())
                .collect();
        }
        cells.push("9".repeat(400));
        // coordinates as exports write them, to 17 significant digits
        cells.extend(
            [
                "120.6994523",
                "27.99131234567",
                "120.69945230000001",
                "0.1000000000000001",
                "121.",
                ".5",
                "090.00",
            ]
            .map(String::from),
        );
        assert!(cells.len() > 1000);
        for c in &cells {
            assert_eq!(amount_with_unit(c), amount_general(c), "{c:?}");
            assert_eq!(coordinate(c), coordinate_general(c), "{c:?}");
            assert_eq!(count(c), count_general(c), "{c:?}");
        }
        for c in ["9".repeat(15), "9".repeat(16), "0".repeat(15)] {
            assert_eq!(count(&c), count_general(&c), "{c:?}");
        }
        for c in ["是", "否", "", " 是", "是 ", "Y", "x"] {
            assert_eq!(yes_no(c), yes_no_general(c), "{c:?}");
        }
        assert_eq!(coordinate(""), Some(None));
    }

    /// `short_decimal` against the standard library's parse, bit for bit,
    /// on random digits and points of every length around its bounds.
    #[test]
    fn short_decimals_read_as_parse_reads_them() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(14);
        let mut fast = 0;
        for i in 0..200_000 {
            let len = 1 + i % 18;
            let mut c: String = (0..len)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            if rng.gen_bool(0.8) {
                c.insert(rng.gen_range(0..=len), '.');
            }
            if rng.gen_bool(0.05) {
                c.insert(rng.gen_range(0..=c.len()), '.');
            }
            let parsed = c.parse::<f64>().ok().filter(|v| v.is_finite());
            if let Some(v) = short_decimal(&c) {
                fast += 1;
                assert_eq!(Some(v.to_bits()), parsed.map(f64::to_bits), "{c:?}");
            }
            assert_eq!(amount_with_unit(&c), amount_general(&c), "{c:?}");
        }
        assert!(fast > 100_000, "{fast}");
        for (c, v) in [("115.5", Some(115.5)), (".5", Some(0.5)), ("5.", Some(5.0))] {
            assert_eq!(short_decimal(c), v, "{c}");
        }
        for c in [".", "..", "1.2.3", "1234567890123456", "0.1234567890123456"] {
            assert_eq!(short_decimal(c), None, "{c}");
        }
        // 0.1 + 0.2 style cases where a naive sum of digit values would be off.
        for c in [
            "0.3",
            "2.675",
            "1.005",
            "9007199254.74099",
            "123456789012345",
        ] {
            assert_eq!(short_decimal(c), c.parse().ok(), "{c}");
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(amount("1,234.50"), Some(1234.5));
        assert_eq!(amount("1234.5元"), Some(1234.5));
        assert_eq!(amount("12.3万元"), Some(123_000.0));
        assert_eq!(amount("12.3万"), Some(123_000.0));
        assert_eq!(amount(""), Some(0.0));
        assert_eq!(amount("￥100"), Some(100.0));
        assert_eq!(amount("１００"), Some(100.0));
        assert_eq!(amount("-5"), Some(-5.0));
        assert_eq!(amount("abc"), None);
        assert_eq!(amount("1e999"), None);
        assert_eq!(amount("12..3"), None);
    }

    #[test]
    fn thousands_grouping() {
        assert_eq!(amount("1,234"), Some(1234.0));
        assert_eq!(amount("1,234,567.5"), Some(1_234_567.5));
        assert_eq!(amount("-1,234"), Some(-1234.0));
        assert_eq!(amount("1 234"), Some(1234.0));
        assert_eq!(amount("1,234.5万元"), Some(12_345_000.0));
        for s in [
            "1,5",
            "1,2345",
            "1.234,50",
            "12,34",
            ",123",
            "1,,234",
            "1,234,5",
            "1,234.5,0",
        ] {
            assert_eq!(amount(s), None, "{s}");
        }
        assert_eq!(count("1,200人"), Some(1200));
        assert_eq!(count("1,2"), None);
    }

    #[test]
    fn counts() {
        assert_eq!(count("3"), Some(3));
        assert_eq!(count("3人"), Some(3));
        assert_eq!(count("2.0"), Some(2));
        assert_eq!(count(""), Some(0));
        assert_eq!(count("-1"), Some(-1));
        assert_eq!(count("2.5"), None);
        assert_eq!(count("三"), None);
        for s in ["1e9", "1E3", "2.", ".0", "0x10", "+", "1.0e2", "inf", "NaN"] {
            assert_eq!(count(s), None, "{s}");
        }
        assert_eq!(count("+3"), Some(3));
        assert_eq!(count("3.00"), Some(3));
    }

    #[test]
    fn yes_no_forms() {
        for s in ["是", "Y", "yes", "TRUE", "1", "√", "ｙ"] {
            assert_eq!(yes_no(s), Some(true), "{s}");
        }
        for s in ["否", "N", "no", "false", "0", "×", ""] {
            assert_eq!(yes_no(s), Some(false), "{s}");
        }
        assert_eq!(yes_no("可能"), None);
    }
}

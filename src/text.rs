//! Text helpers shared by every stage: full-width folding, name and site
//! normalisation, cell trimming, control-character escaping for messages
//! and the terminal, formula-safe CSV cells, file names made from data and
//! plain number formatting. It depends on nothing else in the crate, so any
//! module may use it without an arrow up the pipeline.

/// Full-width ASCII variants (ＡＢＣ１２３，（）) to ASCII; the ideographic space to a space.
pub fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A Unicode format character (category Cf: zero-width space and joiners,
/// bidi marks and embeddings, the BOM, soft hyphen …): invisible, and never
/// part of a name. ASCII and the CJK blocks (no format character lies in
/// U+2070..U+FEFE) are answered without a table lookup: this runs on both
/// ends of every cell.
pub fn is_format(c: char) -> bool {
    match c as u32 {
        0..=0xAC | 0x2070..=0xFEFE => false,
        _ => {
            unicode_general_category::get_general_category(c)
                == unicode_general_category::GeneralCategory::Format
        }
    }
}

/// Normalise a name for alias lookup: full-width to ASCII, all white space
/// and format characters removed, brackets unified to `()`, ASCII lower-cased.
pub fn norm_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = fullwidth_to_ascii(c);
        let c = match c {
            '【' | '[' | '〔' | '（' => '(',
            '】' | ']' | '〕' | '）' => ')',
            _ => c,
        };
        if c.is_whitespace() || is_format(c) {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `a == b`, compared inline for texts up to 32 bytes (the cells the
/// per-file caches compare are nearly all shorter): the standard
/// comparison calls the C library's `memcmp` for every pair, and for a
/// dozen bytes the call costs more than the comparing. Each length is
/// covered by two (or four) overlapping loads from either end.
#[inline(always)]
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |s: &[u8], at: usize| s[at..].first_chunk::<8>().map(|c| u64::from_ne_bytes(*c));
    let w4 = |s: &[u8], at: usize| s[at..].first_chunk::<4>().map(|c| u32::from_ne_bytes(*c));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        17..=32 => {
            w8(a, 0) == w8(b, 0)
                && w8(a, 8) == w8(b, 8)
                && w8(a, n - 16) == w8(b, n - 16)
                && w8(a, n - 8) == w8(b, n - 8)
        }
        _ => a == b,
    }
}

/// Trim white space including the ideographic space and format characters
/// (a stray BOM, zero-width space or joiner, bidi marks).
#[inline]
pub fn trim_cell(s: &str) -> &str {
    // Most cells begin and end with a printable ASCII character or a CJK
    // ideograph (U+4000..U+9FFF: lead bytes E4..E9, no white space or
    // format character among them): told from the bytes, they are returned
    // as they are (this runs on every cell of every row).
    let b = s.as_bytes();
    let plain_ascii = |x: u8| x.is_ascii() && !matches!(x, b'\t'..=b'\r' | b' ');
    let ideograph_lead = |x: u8| (0xE4..=0xE9).contains(&x);
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return s; // blank
    };
    let first_plain = plain_ascii(first) || ideograph_lead(first);
    let last_plain = plain_ascii(last) || (b.len() >= 3 && ideograph_lead(b[b.len() - 3]));
    if first_plain && last_plain {
        return s;
    }
    trim_cell_slow(s)
}

/// [`trim_cell`] for a cell that may begin or end with white space or a
/// format character (out of line: the fast check above is inlined into
/// every cell reader).
#[inline(never)]
fn trim_cell_slow(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || is_format(c))
}

/// Decode one line that is not valid UTF-8, in a file that is not all
/// UTF-8. A line that is mostly UTF-8 — at least two valid multi-byte
/// characters for every invalid byte, as when one character was cut short
/// — is UTF-8 with just the bad bytes replaced by U+FFFD (read as GB18030
/// its every character would turn to mojibake: 鹿城区 → 榫欐咕…). Any other
/// line is GB18030. Returns the text, whether a byte was replaced, and
/// whether the line was read as GB18030.
pub fn decode_line(line: &[u8]) -> (std::borrow::Cow<'_, str>, bool, bool) {
    let (mut valid_multibyte, mut invalid) = (0usize, 0usize);
    for chunk in line.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if invalid == 0 {
        return (String::from_utf8_lossy(line), false, false);
    }
    if valid_multibyte > 0 && valid_multibyte >= 2 * invalid {
        return (String::from_utf8_lossy(line), true, false);
    }
    let (t, errors) = encoding_rs::GB18030.decode_without_bom_handling(line);
    (t, errors, true)
}

/// Normalise a site name for recurrence matching: spaces and punctuation ignored.
pub fn norm_site(s: &str) -> String {
    s.chars()
        .map(fullwidth_to_ascii)
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Prefix a cell copied from input text with `'` when a spreadsheet would read it as a formula.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        // Full-width forms too: Excel reads ＝1+1 as a formula.
        Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠') => {
            std::borrow::Cow::Owned(format!("'{s}"))
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// Control characters (line breaks, tabs, NUL …) written as escapes (`\n`, `\u{0}`).
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Text for the terminal: control characters (ESC, line breaks, NUL, C1)
/// and invisible format characters (bidi overrides and isolates,
/// zero-width characters, BOM) written as `\u{..}` escapes, so that a file
/// name or value can neither move the cursor, recolour or rewrite the
/// screen, nor reorder what is shown.
pub fn term(s: &str) -> std::borrow::Cow<'_, str> {
    fn hidden(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
    }
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if hidden(c) {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A file or folder name built from data (a region name): path separators,
/// characters Windows forbids and control characters become `_`, leading
/// and trailing dots and spaces are dropped, a Windows device name gets a
/// `_` ([`not_a_device`]); never empty, `.` or `..`.
pub fn sanitize_name(s: &str) -> String {
    not_a_device(sanitize_chars(s))
}

/// `name` with a `_` after its part before the first dot when Windows
/// would open a device for it (CON, PRN, AUX, NUL, CONIN$, CONOUT$, and
/// COM or LPT with a digit 0–9 or a superscript ¹²³, in any case, trailing
/// spaces aside: `CON.html` and `nul.txt.html` are devices there, on any
/// drive and folder).
fn not_a_device(mut name: String) -> String {
    let base_end = name.find('.').unwrap_or(name.len());
    let base = name[..base_end].trim_end_matches(' ');
    let upper = base.to_ascii_uppercase();
    let port = |prefix: &str| {
        upper.strip_prefix(prefix).is_some_and(|n| {
            let mut c = n.chars();
            matches!(c.next(), Some('0'..='9' | '¹' | '²' | '³')) && c.next().is_none()
        })
    };
    let device = matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || port("COM")
        || port("LPT");
    if device {
        name.insert(base.len(), '_');
    }
    name
}

/// [`sanitize_name`] but for device names.
fn sanitize_chars(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let t = mapped.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if t.is_empty() {
        return "_".to_string();
    }
    if t.len() <= MAX_NAME_BYTES {
        return t.to_string();
    }
    // Too long for a file name (255 bytes on most systems, with room for
    // `.html` and a temporary suffix): cut, and keep names distinct with a
    // short hash of the whole name.
    use sha2::Digest;
    let hash = hex::encode(&sha2::Sha256::digest(s.as_bytes())[..4]);
    let mut end = MAX_NAME_BYTES - hash.len() - 1;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}~{hash}", t[..end].trim_end())
}

/// Longest file or folder name made from data, in bytes (UTF-8; a CJK
/// character takes 3): well under the 255 of Linux and Windows.
pub const MAX_NAME_BYTES: usize = 120;

/// A number as plain text: integers without a decimal point, others with
/// up to four decimals and no trailing zeros.
pub fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `same` against `==` for every length to 40 bytes: equal texts, and
    /// texts differing in one byte at each place.
    #[test]
    fn same_is_equality() {
        for n in 0..=40usize {
            let a: String = (0..n)
                .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
                .collect();
            assert!(same(&a, &a.clone()), "{n}");
            for at in 0..n {
                let mut b = a.clone().into_bytes();
                b[at] = b'Z';
                let b = String::from_utf8(b).unwrap();
                assert!(!same(&a, &b), "{n} {at}");
                assert!(!same(&b, &a), "{n} {at}");
            }
            let longer = format!("{a}x");
            assert!(!same(&a, &longer) && !same(&longer, &a), "{n}");
        }
        assert!(same("鹿城区", "鹿城区") && !same("鹿城区", "龙湾区"));
    }

    #[test]
    fn trim_cell_fast_path_agrees_with_the_full_trim() {
        fn slow(s: &str) -> &str {
            s.trim_matches(|c: char| c.is_whitespace() || is_format(c))
        }
        let mut ends: Vec<char> = (0u8..128).map(char::from).collect();
        ends.extend([
            '\u{85}',
            '\u{A0}',
            '\u{AD}',
            '\u{1680}',
            '\u{180E}',
            '\u{2000}',
            '\u{200B}',
            '\u{200D}',
            '\u{2028}',
            '\u{202E}',
            '\u{2060}',
            '\u{3000}',
            '\u{3FFF}',
            '\u{4E00}',
            '鹿',
            '\u{9FFF}',
            '\u{A000}',
            '\u{FEFF}',
            '\u{FFFB}',
            '\u{110BD}',
            '\u{1D173}',
            '\u{E0001}',
            'é',
        ]);
        for &a in &ends {
            for &b in &ends {
                for mid in ["", "x", "城区", " 3 "] {
                    let s = format!("{a}{mid}{b}");
                    assert_eq!(trim_cell(&s), slow(&s), "{s:?}");
                }
            }
            let s = a.to_string();
            assert_eq!(trim_cell(&s), slow(&s), "{s:?}");
        }
        assert_eq!(trim_cell(""), "");
    }

    #[test]
    fn terminal_text_is_escaped() {
        assert_eq!(term("公安.csv"), "公安.csv");
        assert_eq!(term("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
        assert_eq!(term("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
    }

    #[test]
    fn names_cannot_escape() {
        assert_eq!(sanitize_name("瑞安市"), "瑞安市");
        assert_eq!(sanitize_name("../../etc"), "_.._etc");
        assert_eq!(sanitize_name(".."), "_");
        assert_eq!(sanitize_name("a/b\\c:d"), "a_b_c_d");
        assert_eq!(sanitize_name(""), "_");
        // Long names are cut, and two that share the start stay distinct.
        let a = sanitize_name(&format!("{}甲", "很".repeat(100)));
        let b = sanitize_name(&format!("{}乙", "很".repeat(100)));
        assert!(a.len() <= MAX_NAME_BYTES && b.len() <= MAX_NAME_BYTES);
        assert_ne!(a, b);
        assert!(a.starts_with("很很很") && a.contains('~'));
    }

    /// Windows opens a device, not a file, for CON, PRN, AUX, NUL, COM0–9
    /// and LPT0–9 whatever follows a dot (`CON.html`, `nul.txt.html`): a
    /// region or unit so named gets a `_` after that part.
    #[test]
    fn windows_device_names_are_not_file_names() {
        assert_eq!(sanitize_name("CON"), "CON_");
        assert_eq!(sanitize_name("nul.txt"), "nul_.txt");
        assert_eq!(sanitize_name("com1"), "com1_");
        assert_eq!(sanitize_name("Lpt9.x.y"), "Lpt9_.x.y");
        assert_eq!(sanitize_name("aux "), "aux_");
        assert_eq!(sanitize_name("PRN .a"), "PRN_ .a");
        // Windows takes the superscript digits ¹²³ for ports too, and
        // CONIN$ and CONOUT$ for the console.
        assert_eq!(sanitize_name("COM¹"), "COM¹_");
        assert_eq!(sanitize_name("lpt³.csv"), "lpt³_.csv");
        assert_eq!(sanitize_name("CONIN$"), "CONIN$_");
        assert_eq!(sanitize_name("conout$.x"), "conout$_.x");
        for kept in [
            "COM10", "CONSOLE", "NULL", "xCON", "COM", "公安", "LPT", "COM⁴", "CONIN",
        ] {
            assert_eq!(sanitize_name(kept), kept);
        }
    }

    #[test]
    fn names() {
        assert_eq!(norm_name(" 罚款金额（万元） "), "罚款金额(万元)");
        assert_eq!(norm_name("Case_ID"), "case_id");
        assert_eq!(norm_name("县（市、区）"), "县(市、区)");
        assert_eq!(norm_name("ＡＢ　１"), "ab1");
        // Zero-width space and joiners, bidi marks and isolates, soft hyphen.
        assert_eq!(
            norm_name("\u{200E}鹿\u{200D}城\u{200C}区\u{2066}\u{202E}\u{00AD}\u{2060}\u{200B}"),
            "鹿城区"
        );
        assert_eq!(trim_cell("\u{200F}公安\u{200D}"), "公安");
    }

    #[test]
    fn format_characters_outside_the_fast_range() {
        // The fast path must agree with the table for every character it skips.
        for u in (0..=0xACu32).chain(0x2070..=0xFEFE) {
            if let Some(c) = char::from_u32(u) {
                assert_ne!(
                    unicode_general_category::get_general_category(c),
                    unicode_general_category::GeneralCategory::Format,
                    "U+{u:04X}"
                );
            }
        }
    }

    #[test]
    fn one_cut_character_does_not_turn_a_line_to_mojibake() {
        let mut line = "A1,公安,鹿城区,五马街道,".as_bytes().to_vec();
        line.extend_from_slice(&"采".as_bytes()[..2]); // 采 cut after two bytes
        line.extend_from_slice(",2026-07-01\n".as_bytes());
        let (t, bad, gb) = decode_line(&line);
        assert!(bad && !gb);
        assert_eq!(t, "A1,公安,鹿城区,五马街道,\u{FFFD},2026-07-01\n");
        let (gbk, _, _) = encoding_rs::GB18030.encode("A1,公安,瑞安市,塘下镇\n");
        let (t, bad, gb) = decode_line(&gbk);
        assert!(!bad && gb);
        assert_eq!(t, "A1,公安,瑞安市,塘下镇\n");
    }

    #[test]
    fn sites() {
        assert_eq!(
            norm_site("塘下镇 · 罗凤村（北）"),
            norm_site("塘下镇罗凤村北")
        );
        assert_eq!(norm_site(" - "), "");
    }

    #[test]
    fn formula_prefix() {
        assert_eq!(csv_safe("=cmd"), "'=cmd");
        assert_eq!(csv_safe("-5"), "'-5");
        assert_eq!(csv_safe("abc"), "abc");
        assert_eq!(csv_safe("＝1+1"), "'＝1+1");
        assert_eq!(csv_safe("＠SUM(A1)"), "'＠SUM(A1)");
    }
}

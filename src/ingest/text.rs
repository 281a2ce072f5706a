//! Small text normalisations shared by the header matcher and the value parsers.

/// Full-width ASCII variants (ＡＢＣ１２３，（）) to ASCII; the ideographic space to a space.
pub fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Normalise a name for alias lookup: full-width to ASCII, all white space
/// removed, brackets unified to `()`, ASCII lower-cased.
pub fn norm_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = fullwidth_to_ascii(c);
        let c = match c {
            '【' | '[' | '〔' | '（' => '(',
            '】' | ']' | '〕' | '）' => ')',
            _ => c,
        };
        if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}' {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Trim white space including the ideographic space and stray BOM / zero-width characters.
pub fn trim_cell(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(norm_name(" 罚款金额（万元） "), "罚款金额(万元)");
        assert_eq!(norm_name("Case_ID"), "case_id");
        assert_eq!(norm_name("县（市、区）"), "县(市、区)");
        assert_eq!(norm_name("ＡＢ　１"), "ab1");
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

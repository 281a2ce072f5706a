//! Text measuring, wrapping and number formatting for chart layout.

/// Estimates the advance width in points of `text` at font size `size`.
/// The layout takes one of these so that the PDF renderer can pass real font
/// metrics; [`default_measure`] is the estimate used for HTML.
pub type Measure<'a> = &'a dyn Fn(&str, f32) -> f32;

/// Default width estimate: CJK and other full-width characters 1 em, ASCII
/// digits and lower-case letters 0.55 em, upper-case letters 0.65 em, space
/// 0.3 em, `<>=+~` 0.57 em, other ASCII punctuation 0.4 em, anything else
/// 0.6 em. Checked against Noto Sans CJK SC in Chromium: real widths of
/// chart labels are 0.95–1.05 × this estimate.
pub fn default_measure(text: &str, size: f32) -> f32 {
    text.chars().map(char_em).sum::<f32>() * size
}

fn char_em(c: char) -> f32 {
    if is_wide(c) {
        1.0
    } else if c.is_ascii_uppercase() {
        0.65
    } else if c.is_ascii_alphanumeric() || c == '%' {
        0.55
    } else if "<>=+~".contains(c) {
        0.57
    } else if c == ' ' {
        0.3
    } else if c.is_ascii() {
        0.4
    } else {
        0.6
    }
}

/// East Asian wide and full-width characters (and the general punctuation
/// that CJK fonts draw full-width: — … “ ” ‘ ’), as `render::typeset`
/// classes them.
pub fn is_wide(c: char) -> bool {
    crate::render::typeset::width::drawn_wide(c)
}

/// Replaces control characters (including newlines) by spaces, collapses
/// runs of whitespace and trims, so a label is always one clean line.
pub fn clean_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Formats `v` with exactly `decimals` decimals (at most 6), rounding half
/// away from zero (四舍五入: 91.25 → 91.3, not the 91.2 of `{:.1}`).
/// Non-finite values print as 0, and `-0` as `0`. Deterministic across runs
/// and platforms.
pub fn format_fixed(v: f64, decimals: usize) -> String {
    let d = decimals.min(6);
    let v = if v.is_finite() { v } else { 0.0 };
    let p = 10f64.powi(d as i32);
    // the factor nudges values like 1.005 (stored as 1.00499…) the way a
    // person reading the decimal digits would round them
    let scaled = v * p * (1.0 + 1e-12);
    let r = if scaled.abs() < 9e15 {
        scaled.round() / p
    } else {
        v
    };
    let mut s = format!("{:.*}", d, r);
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s.remove(0);
    }
    s
}

/// Like [`format_fixed`] but drops an all-zero fraction (`12.0` → `12`,
/// `12.50` stays): for axis ticks.
pub fn format_number(v: f64, decimals: usize) -> String {
    let mut s = format_fixed(v, decimals);
    if let Some(dot) = s.find('.') {
        if s[dot + 1..].bytes().all(|b| b == b'0') {
            s.truncate(dot);
        }
    }
    s
}

/// The decimals for a set of value labels: `decimals`, or 0 when every
/// value is whole at that precision, so one chart never mixes `8` and
/// `12.50`.
pub fn label_decimals(values: impl IntoIterator<Item = f64>, decimals: usize) -> usize {
    let d = decimals.min(6);
    if d == 0 {
        return 0;
    }
    let all_whole = values.into_iter().all(|v| {
        let s = format_fixed(v, d);
        s.split_once('.')
            .is_none_or(|(_, f)| f.bytes().all(|b| b == b'0'))
    });
    if all_whole {
        0
    } else {
        d
    }
}

/// Formats a coordinate for SVG: two decimals, trailing zeros trimmed.
pub(crate) fn coord(v: f32) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let mut s = format!("{:.2}", v);
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

/// Shortens `s` with a trailing "…" until it fits `max_w` (an axis title or
/// legend entry wider than the whole chart).
pub fn truncate(s: &str, max_w: f32, size: f32, measure: Measure) -> String {
    if measure(s, size) <= max_w {
        return s.to_string();
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let t: String = chars.iter().collect::<String>() + "…";
        if measure(&t, size) <= max_w {
            return t;
        }
    }
    String::new()
}

/// Characters that must not start a line (Chinese line-breaking rules).
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』】〕”’,.;:?!)]}%…—".contains(c)
}

/// Characters that must not end a line.
fn no_line_end(c: char) -> bool {
    "（《「『【〔“‘([{".contains(c)
}

/// Splits into unbreakable tokens: runs of ASCII letters/digits (with `.`
/// inside numbers) stay together, every other character is its own token.
fn tokens(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(c.to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Greedy line wrapping to `max_w` points. CJK text breaks between any two
/// characters, ASCII words and numbers are kept whole unless a single one is
/// wider than the line; closing punctuation never starts a line and opening
/// punctuation never ends one. Returns at least one line.
pub fn wrap_text(s: &str, max_w: f32, size: f32, measure: Measure) -> Vec<String> {
    let s = clean_label(s);
    if s.is_empty() {
        return vec![String::new()];
    }
    let max_w = if max_w.is_finite() {
        max_w.max(size)
    } else {
        size
    };
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for tok in tokens(&s) {
        if cur.is_empty() {
            start_line(&mut cur, &mut lines, tok.trim_start(), max_w, size, measure);
            continue;
        }
        let cand = format!("{cur}{tok}");
        if measure(&cand, size) <= max_w {
            cur = cand;
            continue;
        }
        let first = tok.chars().next().unwrap_or(' ');
        if no_line_start(first) || cur.chars().last().is_some_and(no_line_end) {
            // carry the last character over so that the rule holds and no
            // line grows past the width
            if cur.chars().count() > 1 {
                let last = cur.pop().unwrap_or(' ');
                lines.push(cur.trim_end().to_string());
                cur = format!("{last}{tok}");
            } else {
                cur = cand;
            }
            continue;
        }
        lines.push(std::mem::take(&mut cur).trim_end().to_string());
        start_line(&mut cur, &mut lines, tok.trim_start(), max_w, size, measure);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Puts `tok` at the start of the (empty) current line, breaking an ASCII
/// word wider than the line by characters.
fn start_line(
    cur: &mut String,
    lines: &mut Vec<String>,
    tok: &str,
    max_w: f32,
    size: f32,
    measure: Measure,
) {
    if measure(tok, size) <= max_w || tok.chars().count() <= 1 {
        cur.push_str(tok);
        return;
    }
    for c in tok.chars() {
        let mut c2 = cur.clone();
        c2.push(c);
        if !cur.is_empty() && measure(&c2, size) > max_w {
            lines.push(std::mem::take(cur));
            cur.push(c);
        } else {
            *cur = c2;
        }
    }
}

/// Wraps into at most `max_lines` lines of at most `max_w`, balancing the
/// line lengths (无居民海岛 / 非法采挖 rather than 无居民海岛非法 / 采挖).
/// `None` when it needs more lines.
pub fn wrap_balanced(
    s: &str,
    max_w: f32,
    max_lines: usize,
    size: f32,
    measure: Measure,
) -> Option<Vec<String>> {
    let greedy = wrap_text(s, max_w, size, measure);
    if greedy.len() > max_lines {
        return None;
    }
    if greedy.len() <= 1 {
        return Some(greedy);
    }
    if greedy.iter().any(|l| measure(l, size) > max_w + 0.01) {
        return None;
    }
    let k = greedy.len();
    let total = measure(&clean_label(s), size);
    let mut w = (total / k as f32).max(size);
    for _ in 0..400 {
        if w >= max_w {
            break;
        }
        let lines = wrap_text(s, w, size, measure);
        if lines.len() <= k && lines.iter().all(|l| measure(l, size) <= w + 0.01) {
            return Some(lines);
        }
        w += size * 0.25;
    }
    Some(greedy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(default_measure("鹿城区", 10.0), 30.0);
        assert!((default_measure("2025Q1", 10.0) - 34.0).abs() < 1e-4);
        assert_eq!(default_measure("（）", 10.0), 20.0);
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(12.0, 1), "12");
        assert_eq!(format_number(12.34, 1), "12.3");
        assert_eq!(format_number(12.5, 2), "12.50");
        assert_eq!(format_number(f64::NAN, 1), "0");
        assert_eq!(format_number(-0.01, 1), "0");
        assert_eq!(format_number(1234.0, 0), "1234");
        assert_eq!(format_fixed(91.25, 1), "91.3");
        assert_eq!(format_fixed(1.005, 2), "1.01");
        assert_eq!(format_fixed(-2.5, 0), "-3");
        assert_eq!(format_fixed(8.0, 2), "8.00");
        assert_eq!(format_fixed(-0.0001, 2), "0.00");
        assert_eq!(format_fixed(1e300, 2).len(), 304);
        assert_eq!(label_decimals([1.0, 2.0], 2), 0);
        assert_eq!(label_decimals([1.0, 2.5], 2), 2);
        assert_eq!(label_decimals([1.001, 2.0], 2), 0);
        assert_eq!(coord(1.0), "1");
        assert_eq!(coord(1.256), "1.26");
        assert_eq!(coord(-0.001), "0");
    }

    #[test]
    fn wrapping() {
        let m: Measure = &default_measure;
        let lines = wrap_balanced("无居民海岛非法采挖", 60.0, 3, 10.0, m).unwrap();
        assert_eq!(lines, vec!["无居民海岛", "非法采挖"]);
        // closing punctuation stays on the previous line
        let lines = wrap_text("甲乙丙，丁", 30.0, 10.0, m);
        assert_eq!(lines, ["甲乙", "丙，丁"]);
        let lines = wrap_text("甲乙（丙丁）", 30.0, 10.0, m);
        assert_eq!(lines, ["甲乙", "（丙", "丁）"]);
        assert_eq!(truncate("违规架设供电线路", 50.0, 10.0, m), "违规架设…");
        assert_eq!(truncate("鹿城区", 30.0, 10.0, m), "鹿城区");
        // ASCII numbers stay whole
        let lines = wrap_text("第2025期", 35.0, 10.0, m);
        assert!(lines.iter().any(|l| l.contains("2025")));
        assert_eq!(wrap_text("", 10.0, 10.0, m), vec![String::new()]);
        assert_eq!(clean_label(" a\n<b>\t c "), "a <b> c");
    }
}

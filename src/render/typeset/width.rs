//! Text width of drawn text, in character cells (a CJK character counts as
//! two): Excel's column widths, the Word renderer's cell estimates and the
//! charts' label widths all use these classes (issue 15: three functions
//! disagreed). Drawn text, not terminal text: a CJK font draws — … “ ” ‘ ’
//! full-width, where `unicode-width` (used for the terminal tables of
//! `validate`) counts them as one column.

/// A character that takes two cells.
pub fn wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Display width of a text in Excel character units (CJK count double).
pub fn text_width(s: &str) -> usize {
    s.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

/// A character a CJK font draws full-width: [`wide`] ones and the general
/// punctuation — ‘ ’ “ ” … (for label widths in charts).
pub fn drawn_wide(c: char) -> bool {
    wide(c)
        || matches!(
            c as u32,
            0x2014 | 0x2018 | 0x2019 | 0x201C | 0x201D | 0x2026
        )
}

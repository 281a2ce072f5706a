//! The GB/T 9704 measures every renderer shares: the text block's width and
//! the sizes of the issuing office's name (发文机关标志).

/// One millimetre in points.
pub const MM: f32 = 72.0 / 25.4;
/// The text block is 156 mm wide (GB/T 9704 §5.2.2).
pub const TEXT_W: f32 = 156.0 * MM;
/// The smallest size of the issuing office's name (一号, larger than the
/// 2号 title, as GB/T 9704 mastheads are); longer names wrap onto balanced
/// lines at this size or larger.
pub const MASTHEAD_MIN_PT: f32 = 26.0;
/// The largest size of the issuing office's name (a short name on one line).
pub const MASTHEAD_MAX_PT: f32 = 32.0;

use super::fonts::Glyph;
use super::linebreak::{break_balanced, line_width};

/// How the issuing office is set: its lines and their size. On one line
/// when it fits at [`MASTHEAD_MIN_PT`] or more (up to [`MASTHEAD_MAX_PT`]);
/// else on as few balanced lines as fit at that size, enlarged as far as
/// the longest line allows (up to the largest size). Either way larger than
/// the 22 pt title (GB/T 9704 leaves the size to "醒目、美观、庄重").
pub fn masthead_setting(g: &[Glyph]) -> (Vec<std::ops::Range<usize>>, f32) {
    if g.is_empty() {
        return (Vec::new(), MASTHEAD_MIN_PT);
    }
    let lines = break_balanced(g, MASTHEAD_MIN_PT, TEXT_W);
    let longest = lines
        .iter()
        .map(|r| line_width(&g[r.clone()], 1.0))
        .fold(0.0, f32::max)
        .max(1e-3);
    let size = (TEXT_W / longest).clamp(MASTHEAD_MIN_PT, MASTHEAD_MAX_PT);
    (lines, size)
}

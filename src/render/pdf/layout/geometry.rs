//! Page geometry and type metrics: the A4 page and the GB/T 9704 text block
//! with its grid of 22 lines, the type sizes, the spacing, the rule widths
//! and the colours. Constants only; every phase reads them.

use super::model::Rgb;

pub use crate::render::typeset::page::{MASTHEAD_MAX_PT, MASTHEAD_MIN_PT, MM, TEXT_W};
pub const PAGE_W: f32 = 210.0 * MM;
pub const PAGE_H: f32 = 297.0 * MM;
pub const LEFT: f32 = 28.0 * MM;
pub const TOP: f32 = 37.0 * MM;
/// Text block 156 × 225 mm (right margin 26 mm, bottom 35 mm): its width
/// is `typeset::page::TEXT_W`.
pub const TEXT_H: f32 = 225.0 * MM;
pub const BOTTOM: f32 = TOP + TEXT_H;
/// Body text: 3号 = 16 pt on a grid of 22 lines.
pub const BODY_PT: f32 = 16.0;
pub const PITCH: f32 = TEXT_H / 22.0;
pub const TITLE_PT: f32 = 22.0;
/// Table text: 五号 (10.5 pt), stepping down to 小五 (9 pt) and 六号
/// (7.5 pt) for tables whose numbers would not fit otherwise.
pub const TABLE_PT: f32 = 10.5;
pub const TABLE_SIZES: &[f32] = &[TABLE_PT, 9.0, 7.5];
/// Space above a table (or chart) that does not start a page.
pub(super) const TABLE_GAP_ABOVE: f32 = 3.0 * MM;
/// How far a chart may shrink to fit the rest of a page.
pub const MIN_CHART_SCALE: f32 = 0.8;
/// How much flatter a vertical bar or line chart may be made to fit the
/// rest of a page (share of its plot height).
pub const MIN_PLOT_SHARE: f32 = 0.6;
pub const NOTE_PT: f32 = 12.0;
pub const PAGE_NO_PT: f32 = 14.0;
/// GB/T 9704 §7.2.4: the top of the issuing office's name lies 35 mm below
/// the top of the text block.
pub const MASTHEAD_TOP: f32 = 35.0 * MM;
/// The red rule (§7.2.7), the 版记's first and last rules (0.35 mm) and its
/// middle rules (0.25 mm).
pub(super) const RED_RULE_W: f32 = 1.5;
pub(super) const RECORD_RULE_W: f32 = 0.35 * MM;
pub(super) const RECORD_THIN_W: f32 = 0.25 * MM;
/// Top of an ideograph above its baseline, bottom below it (em).
pub const CJK_ASCENT: f32 = 0.88;
pub const CJK_DESCENT: f32 = 0.12;
/// How much each inter-character gap may shrink on a justified line: the
/// 28-character grid (15.79 pt pitch) is slightly tighter than 16 pt glyphs.
pub(super) const SQUEEZE: f32 = 0.3;
pub(super) const CELL_PAD_X: f32 = 1.5 * MM;
pub(super) const CELL_PAD_Y: f32 = 1.2 * MM;

pub const BLACK: Rgb = Rgb(0, 0, 0);
pub const RED: Rgb = Rgb(0xc0, 0, 0);
pub(super) const GREY: Rgb = Rgb(0x33, 0x33, 0x33);
pub(super) const HEAD_FILL: Rgb = Rgb(0xf2, 0xf2, 0xf2);

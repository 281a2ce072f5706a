//! The document model and the layout engine: blocks (masthead, title,
//! headings, paragraphs, tables, charts, …) laid out onto A4 pages in the
//! GB/T 9704 geometry, as positioned drawing items. Coordinates are points
//! from the page's top-left corner, y down; [`super::emit`] turns the items
//! into printpdf operations.
//!
//! This file is the engine's public face: the [`Layout`] state and every
//! name other modules use, re-exported from the files that hold the work,
//! one per phase (each `impl Layout` block adds that phase's methods):
//!
//! - `geometry`: the page, the text block and its 22-line grid, type sizes,
//!   spacing, rule widths and colours (constants only);
//! - `model`: what goes in ([`Block`], [`TableBlock`], [`Cell`]) and what
//!   comes out ([`Item`], [`Page`], [`MissingGlyph`]);
//! - `flow`: blocks onto pages ([`Layout::run`]): page breaks, a heading
//!   kept with what follows, a chart deferred to the next page, the grid
//!   after a table or chart, page numbers;
//! - `text`: glyphs (and the characters no font has), lines of text,
//!   centred lines and justified paragraphs;
//! - `parts`: the fixed parts of an official document: masthead and red
//!   rule, signature and date, 版记;
//! - `table_size`: a table's font size, column widths and wrapped rows
//!   ([`TablePlan`]), before anything is drawn;
//! - `table`: a planned table set across pages;
//! - `scene`: a chart fitted to the page and its scene drawn as items.

mod flow;
mod geometry;
mod model;
mod parts;
mod scene;
mod table;
mod table_size;
mod text;

pub use crate::render::typeset::page::masthead_setting;
pub use geometry::{
    BLACK, BODY_PT, BOTTOM, CJK_ASCENT, CJK_DESCENT, LEFT, MASTHEAD_MAX_PT, MASTHEAD_MIN_PT,
    MASTHEAD_TOP, MIN_CHART_SCALE, MIN_PLOT_SHARE, MM, NOTE_PT, PAGE_H, PAGE_NO_PT, PAGE_W, PITCH,
    RED, TABLE_PT, TABLE_SIZES, TEXT_H, TEXT_W, TITLE_PT, TOP,
};
pub use model::{Align, Block, Cell, Item, MissingGlyph, Page, Rgb, TableBlock};
pub use table_size::TablePlan;

use std::collections::BTreeSet;

use super::fonts::FontSet;
use crate::render::chart::Scene;

/// Lays blocks out onto pages.
pub struct Layout<'a> {
    fonts: &'a FontSet,
    pub pages: Vec<Page>,
    y: f32,
    document: String,
    place: String,
    pub missing: BTreeSet<MissingGlyph>,
    /// A chart that did not fit on the rest of the page: it opens the next
    /// page, and body text after it fills the current one meanwhile.
    deferred: Option<(Scene, f32)>,
    /// The red rule under the masthead, drawn when the first block after
    /// the masthead and its 发文字号 lines comes: `Some(true)` once a
    /// 发文字号 line is set.
    rule_pending: Option<bool>,
    /// Pages without a number (0-based): a blank page before the 版记's
    /// page and that page (GB/T 9704 §7.5).
    unnumbered: BTreeSet<usize>,
}

impl<'a> Layout<'a> {
    pub fn new(fonts: &'a FontSet, document: &str) -> Layout<'a> {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            document: document.to_string(),
            place: String::new(),
            missing: BTreeSet::new(),
            deferred: None,
            rule_pending: None,
            unnumbered: BTreeSet::new(),
        }
    }
}

#[cfg(test)]
/// Helpers shared by the tests in the phase files.
mod test_support {
    use super::*;

    pub(super) fn texts(p: &Page) -> Vec<&str> {
        p.iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    pub(super) fn wide_table(n: usize) -> TableBlock {
        let mut head = vec![Cell::new("县（市、区）", Align::Left)];
        head.extend((0..n).map(|i| Cell::new(format!("第{i}项同比增减幅度"), Align::Right)));
        let rows = (0..12)
            .map(|r| {
                let mut v = vec![Cell::new(format!("第{r}个县市区名称"), Align::Left)];
                v.extend(
                    (0..n)
                        .map(|i| Cell::new(format!("−{}.4%", 31 + r * 7 + i * 100), Align::Right)),
                );
                v
            })
            .collect();
        TableBlock {
            caption: "表1　宽表".into(),
            unit: None,
            head,
            rows,
        }
    }
}

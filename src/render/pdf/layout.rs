//! The document model and the layout engine: blocks (masthead, title,
//! headings, paragraphs, tables, charts, …) laid out onto A4 pages in the
//! GB/T 9704 geometry, as positioned drawing items. Coordinates are points
//! from the page's top-left corner, y down; [`super::emit`] turns the items
//! into printpdf operations.

use std::collections::BTreeSet;

use super::fonts::{FontSet, Glyph, Role};
use super::linebreak::{break_balanced, break_lines, line_width};
use crate::render::chart::{self, Chart, Primitive, Scene};

/// One millimetre in points.
pub const MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = 210.0 * MM;
pub const PAGE_H: f32 = 297.0 * MM;
pub const LEFT: f32 = 28.0 * MM;
pub const TOP: f32 = 37.0 * MM;
/// Text block 156 × 225 mm (right margin 26 mm, bottom 35 mm).
pub const TEXT_W: f32 = 156.0 * MM;
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
const TABLE_GAP_ABOVE: f32 = 3.0 * MM;
/// How far a chart may shrink to fit the rest of a page.
pub const MIN_CHART_SCALE: f32 = 0.8;
/// How much flatter a vertical bar or line chart may be made to fit the
/// rest of a page (share of its plot height).
pub const MIN_PLOT_SHARE: f32 = 0.6;
pub const NOTE_PT: f32 = 12.0;
pub const PAGE_NO_PT: f32 = 14.0;
/// The smallest size of the issuing office's name (一号, larger than the
/// 2号 title, as GB/T 9704 mastheads are); longer names wrap onto balanced
/// lines at this size or larger.
pub const MASTHEAD_MIN_PT: f32 = 26.0;
/// The largest size of the issuing office's name (a short name on one line).
pub const MASTHEAD_MAX_PT: f32 = 32.0;
/// GB/T 9704 §7.2.4: the top of the issuing office's name lies 35 mm below
/// the top of the text block.
pub const MASTHEAD_TOP: f32 = 35.0 * MM;
/// The red rule (§7.2.7), the 版记's first and last rules (0.35 mm) and its
/// middle rules (0.25 mm).
const RED_RULE_W: f32 = 1.5;
const RECORD_RULE_W: f32 = 0.35 * MM;
const RECORD_THIN_W: f32 = 0.25 * MM;
/// Top of an ideograph above its baseline, bottom below it (em).
pub const CJK_ASCENT: f32 = 0.88;
pub const CJK_DESCENT: f32 = 0.12;
/// How much each inter-character gap may shrink on a justified line: the
/// 28-character grid (15.79 pt pitch) is slightly tighter than 16 pt glyphs.
const SQUEEZE: f32 = 0.3;
const CELL_PAD_X: f32 = 1.5 * MM;
const CELL_PAD_Y: f32 = 1.2 * MM;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const BLACK: Rgb = Rgb(0, 0, 0);
pub const RED: Rgb = Rgb(0xc0, 0, 0);
const GREY: Rgb = Rgb(0x33, 0x33, 0x33);
const HEAD_FILL: Rgb = Rgb(0xf2, 0xf2, 0xf2);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A table cell; `span` columns wide.
#[derive(Clone, Debug)]
pub struct Cell {
    pub text: String,
    pub span: usize,
    pub align: Align,
}

impl Cell {
    pub fn new(text: impl Into<String>, align: Align) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            align,
        }
    }
    pub fn span(mut self, n: usize) -> Cell {
        self.span = n.max(1);
        self
    }
}

#[derive(Clone, Debug)]
pub struct TableBlock {
    pub caption: String,
    /// 单位：… line, right-aligned above the table.
    pub unit: Option<String>,
    pub head: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// The document model.
#[derive(Clone, Debug)]
pub enum Block {
    /// Red issuing office (发文机关标志), 35 mm below the top of the text
    /// block; the red rule under it follows the 发文字号 lines
    /// ([`Block::DocNumber`]) right after it, or the office when none.
    Masthead(String),
    /// 发文字号, centred two lines below the issuing office (§7.2.5).
    DocNumber(String),
    /// 主送机关: flush left one line below the title, wrapped lines flush
    /// left too (§7.3.2).
    Addressee(String),
    /// 22 pt centred title.
    Title(String),
    /// 一、 (level 1, 黑体) or （一） (level 2, 楷体) heading.
    Heading {
        level: u8,
        text: String,
    },
    /// Body paragraph, first line indented two characters, justified.
    Para(String),
    /// Smaller grey note under a table.
    Note(String),
    /// 署名 and 成文日期 (GB/T 9704 §7.3.5): without a seal the office
    /// two characters in from the right, the date below it starting two
    /// characters further right (§7.3.5.2); with a seal the date four
    /// characters in and the office centred over it (§7.3.5.1).
    Signature {
        office: Option<String>,
        date: String,
        sealed: bool,
    },
    /// 版记 at the foot of an even page (a blank page is added when the
    /// text ends on an even page without room for it, and the text's last
    /// odd page is followed by the 版记's own page): 抄送 line (if any),
    /// 印发机关 and 印发日期 between rules.
    Record {
        cc: Option<String>,
        printer: String,
        printed: String,
    },
    /// 附件 label at the left margin.
    Label(String),
    Table(TableBlock),
    Chart(Box<Chart>),
    PageBreak,
    /// One blank line of the grid (before the 附件说明, §7.3.4).
    Blank,
    /// Where the following content is (for missing-glyph reports).
    Place(String),
}

/// One drawing item on a page.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A run of text in one face: baseline start at (x, y), `tc` extra
    /// space after every glyph, rotated `rotate` degrees clockwise.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: usize,
        color: Rgb,
        tc: f32,
        rotate: f32,
        text: String,
    },
    /// Open or closed path, stroked and/or filled.
    Path {
        points: Vec<(f32, f32)>,
        closed: bool,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32, Vec<f32>)>,
    },
}

/// The wrapped lines of every cell of one row.
type RowLines = Vec<Vec<Vec<Glyph>>>;
/// A row (or a page-high part of one): row index, lines, height.
type Piece = (usize, RowLines, f32);

/// A table ready to be set: see [`Layout::table_plan`].
pub struct TablePlan {
    /// Font size of the cells.
    pub size: f32,
    pub widths: Vec<f32>,
    head_lines: Vec<Vec<Vec<Glyph>>>,
    head_h: f32,
    spans_head: Vec<Cell>,
    spans_body: Vec<Vec<Cell>>,
    /// (row index, wrapped lines of every cell, height)
    pieces: Vec<Piece>,
    cap: Vec<Glyph>,
    cap_cont: Vec<Glyph>,
    cap_h: f32,
    /// Height of the 单位 line (0 without one).
    unit_h: f32,
}

impl TablePlan {
    /// The lines of every cell of body row `row` (all its pieces joined),
    /// each line as a string.
    pub fn row_text(&self, row: usize) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for (ri, cells, _) in &self.pieces {
            if *ri != row {
                continue;
            }
            for (i, c) in cells.iter().enumerate() {
                if out.len() <= i {
                    out.push(Vec::new());
                }
                out[i].extend(c.iter().map(|l| l.iter().map(|g| g.c).collect::<String>()));
            }
        }
        out
    }
}

/// A character no configured font has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingGlyph {
    pub ch: char,
    pub document: String,
    pub place: String,
}

impl std::fmt::Display for MissingGlyph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "警告：字符“{c}”（U+{u:04X}）不在任何字体中，未绘制：{d}，{p} / warning: character {c:?} (U+{u:04X}) is in none of the fonts, not drawn: {d}, {p}",
            c = self.ch,
            u = self.ch as u32,
            d = self.document,
            p = self.place
        )
    }
}

pub type Page = Vec<Item>;

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

    /// Lay out all blocks and add page numbers.
    pub fn run(mut self, blocks: &[Block]) -> (Vec<Page>, BTreeSet<MissingGlyph>) {
        for (i, b) in blocks.iter().enumerate() {
            if !matches!(b, Block::DocNumber(_) | Block::Place(_)) {
                self.red_rule();
            }
            if self.deferred.is_some() && !self.may_pass_deferred(b) {
                self.new_page();
            }
            if let Block::Heading { .. } = b {
                // Keep a heading with what follows it.
                let next = blocks[i + 1..]
                    .iter()
                    .find(|b| !matches!(b, Block::Place(_)));
                let need = self.keep_with_heading(next);
                self.ensure(need);
            }
            self.block(b);
        }
        self.red_rule();
        if self.deferred.is_some() {
            self.new_page();
        }
        self.page_numbers();
        (self.pages, self.missing)
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("at least one page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        if let Some((scene, k)) = self.deferred.take() {
            self.draw_scene(&scene, k);
        }
    }

    /// Whether block `b` may be set on the current page while a chart
    /// waits for the next one: body text only (a heading, table or chart
    /// stays after it, so that the chart stays in its section).
    fn may_pass_deferred(&self, b: &Block) -> bool {
        matches!(b, Block::Para(_) | Block::Note(_) | Block::Place(_))
    }

    /// The height a heading needs below itself on its page: two body lines,
    /// or a table's caption, header and first row, or a chart (at the
    /// smallest scale it may be drawn at).
    fn keep_with_heading(&mut self, next: Option<&Block>) -> f32 {
        let after = match next {
            Some(Block::Table(t)) => self
                .table_plan(t)
                .map(|p| Self::table_start_height(&p))
                .unwrap_or(0.0),
            Some(Block::Chart(c)) => {
                let (scene, k) = self.chart_scene(c);
                TABLE_GAP_ABOVE + scene.height * k * MIN_CHART_SCALE
            }
            Some(Block::Heading { .. }) => 3.0 * PITCH,
            _ => 2.0 * PITCH,
        };
        PITCH + after.min(TEXT_H - PITCH)
    }

    /// Back onto the 22-line grid after a table or chart: the next body
    /// line starts on a grid line.
    fn snap(&mut self) {
        if self.at_top() {
            return;
        }
        let n = ((self.y - TOP) / PITCH - 0.02).ceil();
        self.y = TOP + n * PITCH;
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + 0.01
    }

    /// Start a new page unless `h` points still fit.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Glyphs of `s` in `role`; characters no font has are reported and left out.
    pub fn glyphs(&mut self, role: Role, s: &str) -> Vec<Glyph> {
        let mut v = Vec::with_capacity(s.len());
        for c in s.chars() {
            if c == '\u{00AD}' || c == '\u{200B}' || c == '\u{FEFF}' {
                continue;
            }
            match self.fonts.glyph(role, c) {
                Some(g) => v.push(g),
                None => {
                    let m = MissingGlyph {
                        ch: c,
                        document: self.document.clone(),
                        place: if self.place.is_empty() {
                            "正文".into()
                        } else {
                            self.place.clone()
                        },
                    };
                    self.missing.insert(m);
                }
            }
        }
        v
    }

    /// Emit one line of glyphs at (x, baseline y) on the current page.
    #[allow(clippy::too_many_arguments)]
    fn put(
        &mut self,
        glyphs: &[Glyph],
        x: f32,
        y: f32,
        size: f32,
        tc: f32,
        color: Rgb,
        rotate: f32,
    ) {
        let items = runs(glyphs, x, y, size, tc, color, rotate);
        self.page().extend(items);
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        self.page().push(Item::Path {
            points: vec![(x1, y), (x2, y)],
            closed: false,
            fill: None,
            stroke: Some((color, width, Vec::new())),
        });
    }

    /// Baseline of a text line of `size` centred in a box of height `h` at `top`.
    fn baseline(top: f32, h: f32, size: f32) -> f32 {
        // CJK ideographs sit about 0.38 em above the baseline's centre line.
        top + h / 2.0 + 0.36 * size
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Place(p) => self.place = p.clone(),
            Block::PageBreak => {
                if !self.at_top() {
                    self.new_page();
                }
            }
            Block::Blank => {
                if !self.at_top() {
                    self.y += PITCH;
                }
            }
            Block::Masthead(office) => self.masthead(office),
            Block::DocNumber(s) => {
                // Two blank lines below the issuing office (§7.2.5).
                match self.rule_pending {
                    Some(false) => {
                        self.y += 2.0 * PITCH;
                        self.rule_pending = Some(true);
                    }
                    Some(true) => {}
                    None => self.y += PITCH * 0.5,
                }
                // A long 文号 wraps onto balanced lines, never past the margin.
                let g = self.glyphs(Role::Body, s);
                for r in break_balanced(&g, BODY_PT, TEXT_W) {
                    self.centred(&g[r], BODY_PT, PITCH, BLACK);
                }
            }
            Block::Addressee(s) => {
                // One blank line below the title (whose block ends with
                // three quarters of one).
                self.y += PITCH * 0.25;
                let g = self.glyphs(Role::Body, s);
                for r in break_lines(&g, BODY_PT, TEXT_W, TEXT_W, SQUEEZE) {
                    self.ensure(PITCH);
                    let line = &g[r];
                    let natural = line_width(line, BODY_PT);
                    let gaps = line.len().saturating_sub(1) as f32;
                    let tc = if natural > TEXT_W && gaps > 0.0 {
                        (TEXT_W - natural) / gaps
                    } else {
                        0.0
                    };
                    let y = Self::baseline(self.y, PITCH, BODY_PT);
                    self.put(line, LEFT, y, BODY_PT, tc, BLACK, 0.0);
                    self.y += PITCH;
                }
            }
            Block::Record {
                cc,
                printer,
                printed,
            } => self.record(cc.as_deref(), printer, printed),
            Block::Title(s) => {
                self.ensure(PITCH * 3.0);
                self.y += PITCH * 0.25;
                let g = self.glyphs(Role::Title, s);
                for r in break_balanced(&g, TITLE_PT, TEXT_W) {
                    self.centred(&g[r], TITLE_PT, TITLE_PT * 1.5, BLACK);
                }
                self.y += PITCH * 0.75;
            }
            Block::Heading { level, text } => {
                let role = if *level <= 1 {
                    Role::Heading1
                } else {
                    Role::Heading2
                };
                self.paragraph(role, text, BODY_PT, PITCH, BLACK, false);
            }
            Block::Para(s) => self.paragraph(Role::Body, s, BODY_PT, PITCH, BLACK, true),
            Block::Note(s) => {
                self.paragraph(Role::Body, s, NOTE_PT, NOTE_PT * 1.6, GREY, true);
                self.y += 2.0 * MM;
            }
            Block::Label(s) => {
                let g = self.glyphs(Role::Heading1, s);
                self.ensure(PITCH);
                let y = Self::baseline(self.y, PITCH, BODY_PT);
                self.put(&g, LEFT, y, BODY_PT, 0.0, BLACK, 0.0);
                self.y += PITCH;
            }
            Block::Signature {
                office,
                date,
                sealed,
            } => self.signature(office.as_deref(), date, *sealed),
            Block::Table(t) => self.table(t),
            Block::Chart(c) => self.chart(c),
        }
    }

    /// 发文机关标志 (§7.2.4): red, centred, its top 35 mm below the top of
    /// the text block on the first page, larger than the title
    /// ([`masthead_setting`]). The red rule follows in [`Self::red_rule`].
    fn masthead(&mut self, office: &str) {
        let g = self.glyphs(Role::Title, office);
        let (lines, size) = masthead_setting(&g);
        let h = size * 1.25;
        if self.pages.len() == 1 && self.at_top() {
            // The top of the first line's ideographs at 35 mm.
            let top_in_box = h / 2.0 + 0.36 * size - CJK_ASCENT * size;
            self.y = TOP + MASTHEAD_TOP - top_in_box;
        }
        for r in lines {
            self.centred(&g[r], size, h, RED);
        }
        self.rule_pending = Some(false);
    }

    /// The red rule across the text block (§7.2.7): 4 mm below the
    /// 发文字号, or one line below the issuing office when there is none;
    /// the title follows two blank lines below it (§7.3.1).
    fn red_rule(&mut self) {
        let Some(numbered) = self.rule_pending.take() else {
            return;
        };
        let y = if numbered {
            // The bottom of the 文号's characters in its last line box.
            let glyph_bottom = PITCH / 2.0 + 0.36 * BODY_PT + CJK_DESCENT * BODY_PT;
            self.y - PITCH + glyph_bottom + 4.0 * MM
        } else {
            self.y + PITCH * 0.5
        };
        self.hline(LEFT, LEFT + TEXT_W, y, RED_RULE_W, RED);
        // The title block adds a quarter line above itself.
        self.y = y + 1.75 * PITCH;
    }

    /// One centred line in a box of height `h`.
    fn centred(&mut self, g: &[Glyph], size: f32, h: f32, color: Rgb) {
        self.ensure(h);
        let w = line_width(g, size);
        let x = LEFT + ((TEXT_W - w) / 2.0).max(0.0);
        let y = Self::baseline(self.y, h, size);
        self.put(g, x, y, size, 0.0, color, 0.0);
        self.y += h;
    }

    fn paragraph(&mut self, role: Role, s: &str, size: f32, lh: f32, color: Rgb, justify: bool) {
        let g = self.glyphs(role, s);
        let indent = 2.0 * size;
        let lines = break_lines(&g, size, TEXT_W - indent, TEXT_W, SQUEEZE);
        let n = lines.len();
        for (i, r) in lines.into_iter().enumerate() {
            self.ensure(lh);
            let x = if i == 0 { LEFT + indent } else { LEFT };
            let avail = LEFT + TEXT_W - x;
            let mut line = &g[r];
            // Trailing spaces do not count.
            while line.last().is_some_and(|g| g.c == ' ') {
                line = &line[..line.len() - 1];
            }
            let natural = line_width(line, size);
            let gaps = line.len().saturating_sub(1) as f32;
            let tc = if gaps > 0.0 && ((justify && i + 1 < n) || natural > avail) {
                let tc = (avail - natural) / gaps;
                // A line broken early (long unbreakable run) stays ragged.
                if tc > size * 0.5 {
                    0.0
                } else {
                    tc
                }
            } else {
                0.0
            };
            let y = Self::baseline(self.y, lh, size);
            self.put(line, x, y, size, tc, color, 0.0);
            self.y += lh;
        }
    }

    /// 版记 (§7.4): on an even page, its last rule on the text block's
    /// last line. A thick rule, 抄送 (one character in from both sides,
    /// wrapped lines aligned after the colon), a thin rule, 印发机关 (one
    /// character in) and 印发日期 (one character in from the right), a
    /// thick rule; 4号 (14 pt), one grid line each.
    fn record(&mut self, cc: Option<&str>, printer: &str, printed: &str) {
        let size = PAGE_NO_PT;
        let lh = PITCH;
        let inner = TEXT_W - 2.0 * size;
        let gc = cc.map(|c| self.glyphs(Role::Body, c)).unwrap_or_default();
        let label = cc
            .and_then(|c| c.find('：').map(|i| c[..i + '：'.len_utf8()].to_string()))
            .map(|l| line_width(&self.glyphs(Role::Body, &l), size))
            .unwrap_or(0.0)
            .min(inner / 2.0);
        let cc_lines = if gc.is_empty() {
            Vec::new()
        } else {
            break_lines(&gc, size, inner, inner - label, 0.0)
        };
        // 印发机关 on balanced lines when it does not fit beside the date
        // (a character apart), the date on its last line.
        let gp = self.glyphs(Role::Body, printer);
        let gd = self.glyphs(Role::Body, printed);
        let wd = line_width(&gd, size);
        let room = (inner - wd - size).max(inner / 3.0);
        let mut printer_lines = break_balanced(&gp, size, room);
        if printer_lines.is_empty() {
            printer_lines.push(0..0);
        }
        let h = (cc_lines.len() + printer_lines.len()) as f32 * lh;
        // On an even page (1-based), below what is there with a line to spare.
        let even = self.pages.len().is_multiple_of(2);
        if !(even && (self.at_top() || self.y + PITCH + h <= BOTTOM + 0.01)) {
            let was_even = even;
            self.new_page();
            if was_even {
                // The text ends on a full even page: a blank odd page, then
                // the 版记's page, neither numbered.
                self.new_page();
            }
        }
        let n = self.pages.len() - 1;
        if n >= 1 && self.pages[n - 1].is_empty() && self.pages[n].is_empty() {
            self.unnumbered.insert(n - 1);
            self.unnumbered.insert(n);
        }
        let mut y = BOTTOM - h;
        self.hline(LEFT, LEFT + TEXT_W, y, RECORD_RULE_W, BLACK);
        for (i, r) in cc_lines.iter().enumerate() {
            let x = LEFT + size + if i == 0 { 0.0 } else { label };
            let line = &gc[r.clone()];
            let b = Self::baseline(y, lh, size);
            self.put(line, x, b, size, 0.0, BLACK, 0.0);
            y += lh;
        }
        if !cc_lines.is_empty() {
            self.hline(LEFT, LEFT + TEXT_W, y, RECORD_THIN_W, BLACK);
        }
        let mut b = y;
        for r in printer_lines {
            b = Self::baseline(y, lh, size);
            let line = gp[r].to_vec();
            self.put(&line, LEFT + size, b, size, 0.0, BLACK, 0.0);
            y += lh;
        }
        self.put(&gd, LEFT + TEXT_W - size - wd, b, size, 0.0, BLACK, 0.0);
        self.hline(LEFT, LEFT + TEXT_W, BOTTOM, RECORD_RULE_W, BLACK);
        self.y = BOTTOM;
    }

    /// 署名 and 成文日期 (§7.3.5): see [`Block::Signature`]. An office too
    /// long for its place is set on balanced lines.
    fn signature(&mut self, office: Option<&str>, date: &str, sealed: bool) {
        let em = BODY_PT;
        let right = LEFT + TEXT_W;
        let gd = self.glyphs(Role::Body, date);
        let wd = line_width(&gd, em);
        let go = office
            .map(|o| self.glyphs(Role::Body, o))
            .unwrap_or_default();
        // (lines of the office, x of each line, x of the date)
        let (lines, xs, xd): (Vec<std::ops::Range<usize>>, Vec<f32>, f32) = if sealed {
            // The date four characters in; the office centred over it.
            let xd = right - 4.0 * em - wd;
            let centre = xd + wd / 2.0;
            let lines = break_balanced(&go, em, 2.0 * (right - centre));
            let xs = lines
                .iter()
                .map(|r| (centre - line_width(&go[r.clone()], em) / 2.0).max(LEFT))
                .collect();
            (lines, xs, xd)
        } else {
            // The office two characters in, the date two characters right of
            // the office's first character; a date longer than that stays
            // two characters in and moves the office left.
            let lines = break_balanced(&go, em, TEXT_W - 4.0 * em);
            let wo = lines
                .iter()
                .map(|r| line_width(&go[r.clone()], em))
                .fold(0.0, f32::max);
            let mut xo = right - 2.0 * em - wo;
            let mut xd = xo + 2.0 * em;
            if xd + wd > right - 2.0 * em {
                xd = right - 2.0 * em - wd;
                xo = xd - 2.0 * em;
            }
            let xo = xo.max(LEFT);
            let xs = lines.iter().map(|_| xo).collect();
            (lines, xs, xd.max(LEFT))
        };
        // With a seal: two blank lines for it above the office (its top
        // within a line of the text); without: one blank line.
        self.y += if sealed { 2.0 * PITCH } else { PITCH };
        self.ensure(PITCH * (lines.len() + 1) as f32);
        for (r, x) in lines.iter().zip(xs) {
            let y = Self::baseline(self.y, PITCH, em);
            let g = go[r.clone()].to_vec();
            self.put(&g, x, y, em, 0.0, BLACK, 0.0);
            self.y += PITCH;
        }
        let y = Self::baseline(self.y, PITCH, em);
        self.put(&gd, xd, y, em, 0.0, BLACK, 0.0);
        self.y += PITCH;
    }

    /// How a table will be set: font size, column widths, the wrapped
    /// header and the rows (cut into pieces where a row is taller than a page).
    fn table_plan(&mut self, t: &TableBlock) -> Option<TablePlan> {
        let ncols = t.head.iter().map(|c| c.span).sum::<usize>().max(
            t.rows
                .iter()
                .map(|r| r.iter().map(|c| c.span).sum())
                .max()
                .unwrap_or(0),
        );
        if ncols == 0 {
            return None;
        }
        let head: Vec<(Vec<Glyph>, &Cell)> = t
            .head
            .iter()
            .map(|c| (self.glyphs(Role::Heading1, &c.text), c))
            .collect();
        let rows: Vec<Vec<(Vec<Glyph>, &Cell)>> = t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (self.glyphs(Role::Table, &c.text), c))
                    .collect()
            })
            .collect();
        // The largest size at which every number fits its column on one
        // line; a wide table steps down (10.5 → 9 → 7.5 pt).
        let mut chosen = None;
        for &size in TABLE_SIZES {
            if let Some(w) = column_widths(ncols, &head, &rows, size) {
                chosen = Some((size, w));
                break;
            }
        }
        let (size, widths) = chosen.unwrap_or_else(|| {
            let size = TABLE_SIZES[TABLE_SIZES.len() - 1];
            (size, squeezed_widths(ncols, &head, &rows, size))
        });
        let lh = size * 1.45;
        let head_lines = row_lines(&head, &widths, size);
        let body: Vec<Vec<Vec<Vec<Glyph>>>> =
            rows.iter().map(|r| row_lines(r, &widths, size)).collect();
        let row_h = |lines: &Vec<Vec<Vec<Glyph>>>| {
            lines.iter().map(|c| c.len()).max().unwrap_or(1).max(1) as f32 * lh + 2.0 * CELL_PAD_Y
        };
        let head_h = row_h(&head_lines);
        let cap_h = NOTE_PT * 1.6 + 1.0 * MM;
        // Rows too tall for a whole page are cut into pieces.
        let max_lines =
            (((TEXT_H - cap_h - head_h - 2.0 * CELL_PAD_Y) / lh).floor() as usize).max(1);
        let mut pieces: Vec<Piece> = Vec::new();
        for (ri, r) in body.into_iter().enumerate() {
            let tallest = r.iter().map(|c| c.len()).max().unwrap_or(0);
            if tallest <= max_lines {
                let h = row_h(&r);
                pieces.push((ri, r, h));
                continue;
            }
            let mut k = 0;
            while k < tallest {
                let p: Vec<Vec<Vec<Glyph>>> = r
                    .iter()
                    .map(|c| c.iter().skip(k).take(max_lines).cloned().collect())
                    .collect();
                let h = row_h(&p);
                pieces.push((ri, p, h));
                k += max_lines;
            }
        }
        let spans_head: Vec<Cell> = head.iter().map(|(_, c)| (*c).clone()).collect();
        let spans_body: Vec<Vec<Cell>> = rows
            .iter()
            .map(|r| r.iter().map(|(_, c)| (*c).clone()).collect())
            .collect();
        let cap = self.glyphs(Role::Heading1, &t.caption);
        let cap_cont = self.glyphs(Role::Heading1, &format!("{}（续表）", t.caption));
        Some(TablePlan {
            size,
            widths,
            head_lines,
            head_h,
            spans_head,
            spans_body,
            pieces,
            cap,
            cap_cont,
            cap_h,
            unit_h: if t.unit.is_some() { size * 1.6 } else { 0.0 },
        })
    }

    /// Height a table needs on the page where it starts: the gap above, the
    /// caption, the header and the first row.
    /// A small table (at most a third of a page) is kept whole.
    fn table_start_height(p: &TablePlan) -> f32 {
        let cap = if p.cap.is_empty() { 0.0 } else { p.cap_h };
        let all: f32 = p.pieces.iter().map(|x| x.2).sum();
        let body = if all <= TEXT_H / 3.0 {
            all
        } else {
            p.pieces.first().map(|x| x.2).unwrap_or(0.0)
        };
        TABLE_GAP_ABOVE + cap + p.unit_h + p.head_h + body
    }

    /// The header row of a table (on its first page and every continuation).
    fn table_head(&mut self, p: &TablePlan) {
        let head_cells: Vec<&Cell> = p.spans_head.iter().collect();
        self.table_row(
            &p.head_lines,
            &head_cells,
            &p.widths,
            p.head_h,
            true,
            p.size,
        );
    }

    fn table(&mut self, t: &TableBlock) {
        let Some(p) = self.table_plan(t) else {
            return;
        };
        if !self.at_top() {
            self.y += TABLE_GAP_ABOVE;
        }
        self.ensure(Self::table_start_height(&p) - TABLE_GAP_ABOVE);
        if !p.cap.is_empty() {
            self.centred(&p.cap, NOTE_PT, p.cap_h, BLACK);
        }
        if let Some(u) = &t.unit {
            let g = self.glyphs(Role::Table, u);
            let w = line_width(&g, p.size);
            let y = Self::baseline(self.y, p.unit_h, p.size);
            self.put(&g, LEFT + (TEXT_W - w).max(0.0), y, p.size, 0.0, BLACK, 0.0);
            self.y += p.unit_h;
        }
        self.table_head(&p);
        let mut on_page = 0;
        for (i, (ri, lines, h)) in p.pieces.iter().enumerate() {
            // Not the last row alone on a continuation page.
            let widow = i + 2 == p.pieces.len()
                && on_page >= 3
                && self.y + h + p.pieces[i + 1].2 > BOTTOM + 0.01;
            if widow || self.y + h > BOTTOM + 0.01 {
                on_page = 0;
                self.new_page();
                self.centred(&p.cap_cont, NOTE_PT, p.cap_h, BLACK);
                self.table_head(&p);
            }
            let cells: Vec<&Cell> = p.spans_body[*ri].iter().collect();
            self.table_row(lines, &cells, &p.widths, *h, false, p.size);
            on_page += 1;
        }
        self.y += 2.0 * MM;
        self.snap();
    }

    fn table_row(
        &mut self,
        lines: &[Vec<Vec<Glyph>>],
        cells: &[&Cell],
        widths: &[f32],
        h: f32,
        head: bool,
        size: f32,
    ) {
        let lh = size * 1.45;
        let top = self.y;
        let mut x = LEFT;
        let mut col = 0;
        for (cell_lines, cell) in lines.iter().zip(cells) {
            let w: f32 = widths.iter().skip(col).take(cell.span).sum();
            col += cell.span;
            self.page().push(Item::Path {
                points: vec![(x, top), (x + w, top), (x + w, top + h), (x, top + h)],
                closed: true,
                fill: head.then_some(HEAD_FILL),
                stroke: Some((BLACK, 0.5, Vec::new())),
            });
            let text_h = cell_lines.len() as f32 * lh;
            let mut ly = top + (h - text_h) / 2.0;
            let align = if head && cell.align == Align::Left {
                Align::Center
            } else {
                cell.align
            };
            for l in cell_lines {
                let lw = line_width(l, size);
                let lx = match align {
                    Align::Left => x + CELL_PAD_X,
                    Align::Center => x + (w - lw) / 2.0,
                    Align::Right => x + w - CELL_PAD_X - lw,
                };
                let by = Self::baseline(ly, lh, size);
                self.put(l, lx.max(x + 1.0), by, size, 0.0, BLACK, 0.0);
                ly += lh;
            }
            x += w;
        }
        // Cells missing at the end of a short row: draw empty boxes.
        if col < widths.len() {
            let w: f32 = widths[col..].iter().sum();
            self.page().push(Item::Path {
                points: vec![(x, top), (x + w, top), (x + w, top + h), (x, top + h)],
                closed: true,
                fill: head.then_some(HEAD_FILL),
                stroke: Some((BLACK, 0.5, Vec::new())),
            });
        }
        self.y += h;
    }

    /// The chart's scene and the scale that makes it as wide as the text
    /// block (or as high, for a very tall one).
    fn chart_scene(&self, c: &Chart) -> (Scene, f32) {
        let fonts = self.fonts;
        let measure = |s: &str, size: f32| fonts.width(Role::Heading1, s, size);
        let scene: Scene = chart::layout(c, &measure);
        let mut k = TEXT_W / scene.width.max(1e-3);
        if scene.height * k > TEXT_H {
            k = TEXT_H / scene.height.max(1e-3);
        }
        (scene, k)
    }

    /// A chart: at full width where it fits; else a vertical bar or line
    /// chart is made flatter (its plot down to [`MIN_PLOT_SHARE`] of its
    /// height, the labels keep their size), and then shrunk down to
    /// [`MIN_CHART_SCALE`] if still needed; else it opens the next page while the body
    /// text after it fills this one.
    fn chart(&mut self, c: &Chart) {
        let (scene, k) = self.chart_scene(c);
        if scene.width <= 0.0 || scene.height <= 0.0 {
            return;
        }
        let room = BOTTOM - self.y - TABLE_GAP_ABOVE;
        let h = scene.height * k;
        if self.at_top() || h <= room + 0.01 {
            self.draw_scene(&scene, k);
            return;
        }
        let (mut fit, mut fit_k) = (None, k);
        if let Some(plot) = plot_height_of(c) {
            let want = (plot - (h - room) / k - 0.5).max(plot * MIN_PLOT_SHARE);
            if want < plot {
                let (flat, fk) = self.chart_scene(&with_plot_height(c, want));
                fit_k = fk;
                fit = Some(flat);
            }
        }
        let fit = fit.as_ref().unwrap_or(&scene);
        let fh = fit.height * fit_k;
        if fh <= room + 0.01 {
            self.draw_scene(fit, fit_k);
        } else if fh * MIN_CHART_SCALE <= room {
            self.draw_scene(fit, room / fit.height);
        } else {
            self.deferred = Some((scene, k));
        }
    }

    fn draw_scene(&mut self, scene: &Scene, k: f32) {
        if !self.at_top() {
            self.y += TABLE_GAP_ABOVE;
        }
        let h = scene.height * k;
        let ox = LEFT + (TEXT_W - scene.width * k) / 2.0;
        let oy = self.y;
        let tr = |x: f32, y: f32| (ox + x * k, oy + y * k);
        for p in &scene.items {
            match p {
                Primitive::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let (x0, y0) = tr(*x, *y);
                    let (x1, y1) = tr(x + w, y + h);
                    self.page().push(Item::Path {
                        points: vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
                        closed: true,
                        fill: fill.map(rgb),
                        stroke: stroke.as_ref().map(|s| stroke_of(s, k)),
                    });
                }
                Primitive::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    stroke,
                } => {
                    self.page().push(Item::Path {
                        points: vec![tr(*x1, *y1), tr(*x2, *y2)],
                        closed: false,
                        fill: None,
                        stroke: Some(stroke_of(stroke, k)),
                    });
                }
                Primitive::Polyline { points, stroke } => {
                    self.page().push(Item::Path {
                        points: points.iter().map(|(x, y)| tr(*x, *y)).collect(),
                        closed: false,
                        fill: None,
                        stroke: Some(stroke_of(stroke, k)),
                    });
                }
                Primitive::Polygon {
                    points,
                    fill,
                    stroke,
                } => {
                    self.page().push(Item::Path {
                        points: points.iter().map(|(x, y)| tr(*x, *y)).collect(),
                        closed: true,
                        fill: fill.map(rgb),
                        stroke: stroke.as_ref().map(|s| stroke_of(s, k)),
                    });
                }
                Primitive::Circle {
                    cx,
                    cy,
                    r,
                    fill,
                    stroke,
                } => {
                    let points = (0..24)
                        .map(|i| {
                            let a = i as f32 * std::f32::consts::TAU / 24.0;
                            tr(cx + r * a.cos(), cy + r * a.sin())
                        })
                        .collect();
                    self.page().push(Item::Path {
                        points,
                        closed: true,
                        fill: fill.map(rgb),
                        stroke: stroke.as_ref().map(|s| stroke_of(s, k)),
                    });
                }
                Primitive::Text(t) => {
                    let size = t.size * k;
                    let g = self.glyphs(Role::Heading1, &t.text);
                    let w = line_width(&g, size);
                    let off = match t.anchor {
                        chart::Anchor::Start => 0.0,
                        chart::Anchor::Middle => w / 2.0,
                        chart::Anchor::End => w,
                    };
                    let (ax, ay) = tr(t.x, t.y);
                    let (sin, cos) = (t.rotate.to_radians().sin(), t.rotate.to_radians().cos());
                    self.put(
                        &g,
                        ax - off * cos,
                        ay - off * sin,
                        size,
                        0.0,
                        rgb(t.fill),
                        t.rotate,
                    );
                }
            }
        }
        self.y += h + 2.0 * MM;
        self.snap();
    }

    fn page_numbers(&mut self) {
        let n = self.pages.len();
        for i in 0..n {
            if self.unnumbered.contains(&i) {
                continue;
            }
            let s = format!("— {} —", i + 1);
            let g = self.glyphs(Role::PageNumber, &s);
            let w = line_width(&g, PAGE_NO_PT);
            let one = PAGE_NO_PT;
            // Odd pages right, even pages left, one character in.
            let x = if i % 2 == 0 {
                LEFT + TEXT_W - one - w
            } else {
                LEFT + one
            };
            // The number's top 7 mm below the text block.
            let y = BOTTOM + 7.0 * MM + 0.88 * PAGE_NO_PT;
            let items = runs(&g, x, y, PAGE_NO_PT, 0.0, BLACK, 0.0);
            self.pages[i].extend(items);
        }
    }
}

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

/// Text items for one line of glyphs at (x, baseline y), one per run of
/// glyphs in the same face.
#[allow(clippy::too_many_arguments)]
fn runs(
    glyphs: &[Glyph],
    x: f32,
    y: f32,
    size: f32,
    tc: f32,
    color: Rgb,
    rotate: f32,
) -> Vec<Item> {
    let (sin, cos) = (rotate.to_radians().sin(), rotate.to_radians().cos());
    let mut out = Vec::new();
    let mut dx = 0.0;
    let mut i = 0;
    while i < glyphs.len() {
        let face = glyphs[i].face;
        let mut j = i;
        let mut w = 0.0;
        while j < glyphs.len() && glyphs[j].face == face {
            w += glyphs[j].adv * size + tc;
            j += 1;
        }
        let text: String = glyphs[i..j].iter().map(|g| g.c).collect();
        if !text.trim().is_empty() {
            out.push(Item::Text {
                x: x + dx * cos,
                y: y + dx * sin,
                size,
                face,
                color,
                tc,
                rotate,
                text,
            });
        }
        dx += w;
        i = j;
    }
    out
}

/// The plot height of a chart whose height can change without changing
/// its text: vertical bars and lines.
fn plot_height_of(c: &Chart) -> Option<f32> {
    match c {
        Chart::Bar(b) if b.orientation == chart::Orientation::Vertical => Some(b.plot_height),
        Chart::Bar(_) => None,
        Chart::Line(l) => Some(l.plot_height),
    }
}

fn with_plot_height(c: &Chart, h: f32) -> Chart {
    let mut c = c.clone();
    match &mut c {
        Chart::Bar(b) => b.plot_height = h,
        Chart::Line(l) => l.plot_height = h,
    }
    c
}

fn rgb(c: chart::Color) -> Rgb {
    Rgb(c.r, c.g, c.b)
}

fn stroke_of(s: &chart::Stroke, k: f32) -> (Rgb, f32, Vec<f32>) {
    (
        rgb(s.color),
        s.width * k,
        s.dash.iter().map(|d| d * k).collect(),
    )
}

type Row<'c> = Vec<(Vec<Glyph>, &'c Cell)>;

/// The wrapped lines of every cell of a row.
fn row_lines(row: &[(Vec<Glyph>, &Cell)], widths: &[f32], size: f32) -> Vec<Vec<Vec<Glyph>>> {
    let mut col = 0;
    row.iter()
        .map(|(g, c)| {
            let w: f32 = widths.iter().skip(col).take(c.span).sum::<f32>() - 2.0 * CELL_PAD_X;
            col += c.span;
            break_lines(g, size, w, w, 0.0)
                .into_iter()
                .map(|r| g[r].to_vec())
                .collect()
        })
        .collect()
}

/// Whether a cell's text must stay on one line: numbers (right-aligned or
/// centred cells, or anything that looks like a figure) and short labels.
fn keep_whole(g: &[Glyph], c: &Cell) -> bool {
    let numeric = !g.is_empty()
        && g.iter()
            .all(|g| g.c.is_ascii_digit() || "+-−.,%‰".contains(g.c));
    c.align != Align::Left || numeric || g.len() <= 6
}

/// Natural and minimum widths per column at `size`: `min` is what a column
/// needs so that no number and no short label wraps (header cells may wrap
/// onto two lines), `nat` what it needs to set every cell on one line.
fn column_needs(ncols: usize, head: &Row, rows: &[Row], size: f32) -> (Vec<f32>, Vec<f32>) {
    let pad = 2.0 * CELL_PAD_X;
    let mut nat = vec![pad + size; ncols];
    let mut min = vec![pad + size; ncols];
    for (is_head, row) in std::iter::once((true, head)).chain(rows.iter().map(|r| (false, r))) {
        let mut col = 0;
        for (g, c) in row {
            if col >= ncols {
                break;
            }
            if c.span == 1 {
                let w = line_width(g, size) + pad;
                nat[col] = nat[col].max(w);
                let need = if is_head && g.len() <= 4 {
                    // 权重, 完成率: short headers stay on one line.
                    w
                } else if is_head {
                    // A header may take two lines, broken anywhere allowed.
                    (longest_piece(g, size) + pad).max(w / 2.0 + size).min(w)
                } else if keep_whole(g, c) {
                    w
                } else {
                    longest_piece(g, size) + pad
                };
                min[col] = min[col].max(need.min(TEXT_W / 2.0));
            }
            col += c.span;
        }
    }
    // A cell spanning columns (case numbers in the assessment's details)
    // wants its width spread over them, up to 40 % of the text width.
    for row in std::iter::once(head).chain(rows.iter()) {
        let mut col = 0;
        for (g, c) in row {
            if col >= ncols {
                break;
            }
            let end = (col + c.span).min(ncols);
            if c.span > 1 {
                let w = line_width(g, size) + pad;
                let have: f32 = nat[col..end].iter().sum();
                let extra = (w.min(0.4 * TEXT_W) - have).max(0.0) / (end - col) as f32;
                for n in &mut nat[col..end] {
                    *n += extra;
                }
            }
            col = end;
        }
    }
    (nat, min)
}

/// Column widths filling the text width at `size`, or `None` when the
/// columns' minimum widths (whole numbers, short labels) do not fit: every
/// column gets its minimum, the rest of the width goes to the columns in
/// proportion to how much they want beyond that.
fn column_widths(ncols: usize, head: &Row, rows: &[Row], size: f32) -> Option<Vec<f32>> {
    let (nat, min) = column_needs(ncols, head, rows, size);
    let sum_min: f32 = min.iter().sum();
    if sum_min > TEXT_W + 0.01 {
        return None;
    }
    let sum_nat: f32 = nat.iter().sum();
    if sum_nat <= TEXT_W {
        let extra = TEXT_W - sum_nat;
        return Some(nat.iter().map(|n| n + extra * n / sum_nat).collect());
    }
    let want: Vec<f32> = nat
        .iter()
        .zip(&min)
        .map(|(n, m)| (n - m).clamp(0.0, 0.4 * TEXT_W))
        .collect();
    let sum_want: f32 = want.iter().sum::<f32>().max(1e-3);
    let room = TEXT_W - sum_min;
    Some(
        min.iter()
            .zip(&want)
            .map(|(m, w)| m + room * w / sum_want)
            .collect(),
    )
}

/// Last resort for a table too wide even at the smallest size: minimum
/// widths scaled down to the text width.
fn squeezed_widths(ncols: usize, head: &Row, rows: &[Row], size: f32) -> Vec<f32> {
    let (_, min) = column_needs(ncols, head, rows, size);
    let sum_min: f32 = min.iter().sum::<f32>().max(1e-3);
    min.iter().map(|m| m * TEXT_W / sum_min).collect()
}

/// Width of the longest piece between break opportunities.
fn longest_piece(g: &[Glyph], size: f32) -> f32 {
    let allowed = super::linebreak::opportunities(g);
    let mut best: f32 = 0.0;
    let mut cur = 0.0;
    for (i, gl) in g.iter().enumerate() {
        if i > 0 && allowed[i] {
            cur = 0.0;
        }
        cur += gl.adv * size;
        best = best.max(cur);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &Page) -> Vec<&str> {
        p.iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn long_table_repeats_its_header() {
        let fonts = FontSet::shipped().unwrap();
        let rows: Vec<Vec<Cell>> = (1..=200)
            .map(|i| {
                vec![
                    Cell::new(format!("第{i}行乡镇"), Align::Left),
                    Cell::new(format!("{}", i * 3), Align::Right),
                    Cell::new(format!("{}.5", i), Align::Right),
                ]
            })
            .collect();
        let t = TableBlock {
            caption: "表1　合成数据".into(),
            unit: None,
            head: vec![
                Cell::new("乡镇表头", Align::Left),
                Cell::new("案件数", Align::Right),
                Cell::new("面积", Align::Right),
            ],
            rows,
        };
        let (pages, missing) = Layout::new(&fonts, "t.pdf").run(&[Block::Table(t)]);
        assert!(missing.is_empty());
        assert!(pages.len() >= 5, "{} pages", pages.len());
        for (i, p) in pages.iter().enumerate() {
            let t = texts(p);
            assert_eq!(
                t.iter().filter(|s| **s == "乡镇表头").count(),
                1,
                "page {i}"
            );
            if i > 0 {
                assert!(t.iter().any(|s| s.contains("（续表）")), "page {i}");
            }
            // Every item stays inside the page; rows inside the text block.
            for it in p {
                if let Item::Text { y, .. } = it {
                    assert!(*y <= PAGE_H - 10.0);
                }
                if let Item::Path { points, .. } = it {
                    for (_, y) in points {
                        assert!(*y <= BOTTOM + 0.5 && *y >= TOP - 0.5, "{y}");
                    }
                }
            }
        }
        // Every row appears exactly once.
        let all: Vec<&str> = pages.iter().flat_map(texts).collect();
        for i in [1, 77, 200] {
            let key = format!("第{i}行乡镇");
            assert_eq!(all.iter().filter(|s| **s == key).count(), 1);
        }
    }

    #[test]
    fn body_lines_fill_the_grid() {
        let fonts = FontSet::shipped().unwrap();
        let text = "温".repeat(26 + 28 * 3);
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&[Block::Para(text)]);
        let lines: Vec<&Item> = pages[0]
            .iter()
            .filter(|i| matches!(i, Item::Text { size, .. } if *size == BODY_PT))
            .collect();
        assert_eq!(lines.len(), 4);
        if let Item::Text { x, tc, .. } = lines[1] {
            assert!((x - LEFT).abs() < 0.01);
            // 28 characters of 16 pt squeezed into 442.2 pt.
            assert!(*tc < 0.0 && *tc > -0.3, "{tc}");
        }
        if let Item::Text { x, .. } = lines[0] {
            assert!((x - LEFT - 32.0).abs() < 0.01);
        }
    }

    #[test]
    fn page_numbers_alternate_sides() {
        let fonts = FontSet::shipped().unwrap();
        let blocks = vec![
            Block::Para("一".into()),
            Block::PageBreak,
            Block::Para("二".into()),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert_eq!(pages.len(), 2);
        let num = |p: &Page| {
            p.iter()
                .find_map(|i| match i {
                    Item::Text { x, size, text, .. } if *size == PAGE_NO_PT => {
                        Some((*x, text.clone()))
                    }
                    _ => None,
                })
                .unwrap()
        };
        let (x1, t1) = num(&pages[0]);
        let (x2, t2) = num(&pages[1]);
        assert_eq!(t1, "— 1 —");
        assert_eq!(t2, "— 2 —");
        assert!(x1 > PAGE_W / 2.0);
        assert!((x2 - LEFT - PAGE_NO_PT).abs() < 0.01);
    }

    #[test]
    fn missing_character_is_reported_not_drawn() {
        let fonts = FontSet::shipped().unwrap();
        let blocks = vec![
            Block::Place("一、第一节".into()),
            Block::Para("甲\u{E000}乙".into()),
        ];
        let (pages, missing) = Layout::new(&fonts, "briefing.pdf").run(&blocks);
        let m: Vec<&MissingGlyph> = missing.iter().collect();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].ch, '\u{E000}');
        assert_eq!(m[0].place, "一、第一节");
        assert!(texts(&pages[0]).contains(&"甲乙"));
    }

    fn wide_table(n: usize) -> TableBlock {
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

    #[test]
    fn numbers_never_wrap_in_narrow_columns() {
        let fonts = FontSet::shipped().unwrap();
        for n in [4, 7, 9] {
            let t = wide_table(n);
            let mut l = Layout::new(&fonts, "t.pdf");
            let p = l.table_plan(&t).unwrap();
            for r in 0..t.rows.len() {
                let cells = p.row_text(r);
                for (c, lines) in cells.iter().enumerate().skip(1) {
                    assert_eq!(lines.len(), 1, "{n} columns, row {r} col {c}: {lines:?}");
                    assert_eq!(lines[0], t.rows[r][c].text);
                }
            }
            let sum: f32 = p.widths.iter().sum();
            assert!((sum - TEXT_W).abs() < 0.5, "{sum}");
            // Narrow tables keep 五号; wide ones step down.
            if n == 4 {
                assert_eq!(p.size, TABLE_PT);
            } else {
                assert!(p.size < TABLE_PT, "{n}: {}", p.size);
            }
        }
    }

    fn bar_chart() -> Chart {
        Chart::Bar(
            chart::BarChart::new("各地发现非法采矿行为情况", ["鹿城区", "龙湾区", "瓯海区"])
                .series("本季度", [12.0, 7.0, 3.0])
                .value_label("单位：起"),
        )
    }

    fn text_bottom(p: &Page) -> f32 {
        p.iter()
            .filter_map(|i| match i {
                Item::Text { y, size, .. } if *size == BODY_PT => Some(*y),
                _ => None,
            })
            .fold(0.0, f32::max)
    }

    #[test]
    fn text_after_a_chart_that_does_not_fit_fills_the_page() {
        let fonts = FontSet::shipped().unwrap();
        // 16 lines of text, then a chart that needs more than the 6 left.
        // A horizontal bar chart cannot be made flatter.
        let cats: Vec<String> = (1..=14).map(|i| format!("违法类型{i}")).collect();
        let tall = Chart::Bar(
            chart::BarChart::new("各违法类型案件情况", cats)
                .series("本季度", (1..=14).map(|i| i as f64))
                .horizontal(),
        );
        let mut blocks = vec![Block::Para("温".repeat(26 + 28 * 15))];
        blocks.push(Block::Chart(Box::new(tall)));
        for _ in 0..6 {
            blocks.push(Block::Para("州".repeat(40)));
        }
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert_eq!(pages.len(), 2);
        // Page 1 is filled with the text that follows the chart…
        assert!(
            text_bottom(&pages[0]) > BOTTOM - 2.0 * PITCH,
            "{}",
            text_bottom(&pages[0])
        );
        assert!(texts(&pages[0]).iter().any(|t| t.contains('州')));
        // …and the chart opens page 2, above the rest of the text.
        let chart_top = pages[1]
            .iter()
            .filter_map(|i| match i {
                Item::Path { points, .. } => points.iter().map(|p| p.1).reduce(f32::min),
                _ => None,
            })
            .fold(f32::MAX, f32::min);
        // (the first path is below the chart's title)
        assert!(chart_top < TOP + 2.0 * PITCH, "{chart_top}");
        let first_text = pages[1]
            .iter()
            .filter_map(|i| match i {
                Item::Text { y, size, .. } if *size == BODY_PT => Some(*y),
                _ => None,
            })
            .fold(f32::MAX, f32::min);
        assert!(first_text > TOP + 5.0 * PITCH, "{first_text}");
    }

    #[test]
    fn chart_shrinks_a_little_to_fit() {
        let fonts = FontSet::shipped().unwrap();
        let (scene, k) = Layout::new(&fonts, "t.pdf").chart_scene(&bar_chart());
        let h = scene.height * k;
        // Leave 90 % of the chart's height (and the gap above it).
        let lines = ((TEXT_H - 0.9 * h - TABLE_GAP_ABOVE) / PITCH).floor() as usize;
        let blocks = vec![
            Block::Para("温".repeat(26 + 28 * (lines - 1))),
            Block::Chart(Box::new(bar_chart())),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert_eq!(pages.len(), 1);
    }

    #[test]
    fn body_text_returns_to_the_grid_after_a_table() {
        let fonts = FontSet::shipped().unwrap();
        let blocks = vec![
            Block::Para("温".repeat(20)),
            Block::Table(wide_table(3)),
            Block::Para("州".repeat(20)),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        let ys: Vec<f32> = pages[0]
            .iter()
            .filter_map(|i| match i {
                Item::Text { y, size, .. } if *size == BODY_PT => Some(*y),
                _ => None,
            })
            .collect();
        assert_eq!(ys.len(), 2);
        let off = |y: f32| ((y - ys[0]) / PITCH).fract().abs();
        let o = off(ys[1]);
        assert!(!(0.01..=0.99).contains(&o), "{ys:?} {o}");
    }

    #[test]
    fn heading_is_not_left_alone_above_a_table() {
        let fonts = FontSet::shipped().unwrap();
        // 19 lines of text: the heading would fit, the table's head not.
        let blocks = vec![
            Block::Para("温".repeat(26 + 28 * 18)),
            Block::Heading {
                level: 1,
                text: "三、第三节".into(),
            },
            Block::Table(wide_table(3)),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert!(!texts(&pages[0]).contains(&"三、第三节"));
        assert!(texts(&pages[1]).contains(&"三、第三节"));
    }
}

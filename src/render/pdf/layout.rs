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
pub const TABLE_PT: f32 = 10.5;
pub const NOTE_PT: f32 = 12.0;
pub const PAGE_NO_PT: f32 = 14.0;
/// How much each inter-character gap may shrink on a justified line: the
/// 28-character grid (15.79 pt pitch) is slightly tighter than 16 pt glyphs.
const SQUEEZE: f32 = 0.3;
const TABLE_LH: f32 = TABLE_PT * 1.45;
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
    pub head: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// The document model.
#[derive(Clone, Debug)]
pub enum Block {
    /// Red issuing office and the red rule under it (红头).
    Masthead(String),
    /// 发文字号, centred.
    DocNumber(String),
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
    /// Issuing office and date, right-aligned.
    Signature(Vec<String>),
    /// 附件 label at the left margin.
    Label(String),
    Table(TableBlock),
    Chart(Box<Chart>),
    PageBreak,
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
        }
    }

    /// Lay out all blocks and add page numbers.
    pub fn run(mut self, blocks: &[Block]) -> (Vec<Page>, BTreeSet<MissingGlyph>) {
        for b in blocks {
            self.block(b);
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
            Block::Masthead(office) => self.masthead(office),
            Block::DocNumber(s) => {
                let g = self.glyphs(Role::Body, s);
                self.centred(&g, BODY_PT, PITCH, BLACK);
                self.y += PITCH * 0.5;
            }
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
                // Keep a heading with at least two lines of what follows.
                self.ensure(PITCH * 3.0);
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
            Block::Signature(lines) => self.signature(lines),
            Block::Table(t) => self.table(t),
            Block::Chart(c) => self.chart(c),
        }
    }

    fn masthead(&mut self, office: &str) {
        let g = self.glyphs(Role::Title, office);
        let natural = line_width(&g, 1.0).max(1.0);
        // As large as fits, at most 26 pt (the office name is long).
        let size = (TEXT_W / natural).min(26.0);
        let h = size * 1.4;
        self.centred(&g, size, h, RED);
        self.y += 3.0 * MM;
        let y = self.y;
        self.hline(LEFT, LEFT + TEXT_W, y, 1.5, RED);
        self.y += 6.0 * MM;
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

    fn signature(&mut self, lines: &[String]) {
        self.y += PITCH;
        let gs: Vec<Vec<Glyph>> = lines.iter().map(|l| self.glyphs(Role::Body, l)).collect();
        let widest = gs
            .iter()
            .map(|g| line_width(g, BODY_PT))
            .fold(0.0, f32::max);
        self.ensure(PITCH * gs.len() as f32);
        // Centred on each other, the longest ending four characters in.
        let centre = LEFT + TEXT_W - 4.0 * BODY_PT - widest / 2.0;
        for g in gs {
            let w = line_width(&g, BODY_PT);
            let x = (centre - w / 2.0).max(LEFT);
            let y = Self::baseline(self.y, PITCH, BODY_PT);
            self.put(&g, x, y, BODY_PT, 0.0, BLACK, 0.0);
            self.y += PITCH;
        }
    }

    fn table(&mut self, t: &TableBlock) {
        let ncols = t.head.iter().map(|c| c.span).sum::<usize>().max(
            t.rows
                .iter()
                .map(|r| r.iter().map(|c| c.span).sum())
                .max()
                .unwrap_or(0),
        );
        if ncols == 0 {
            return;
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
        let widths = column_widths(ncols, std::iter::once(&head).chain(rows.iter()));
        let head_lines = self.row_lines(&head, &widths);
        let body: Vec<Vec<Vec<Vec<Glyph>>>> =
            rows.iter().map(|r| self.row_lines(r, &widths)).collect();
        let row_h = |lines: &Vec<Vec<Vec<Glyph>>>| {
            lines.iter().map(|c| c.len()).max().unwrap_or(1).max(1) as f32 * TABLE_LH
                + 2.0 * CELL_PAD_Y
        };
        let head_h = row_h(&head_lines);
        let cap = self.glyphs(Role::Heading1, &t.caption);
        let cap_cont = self.glyphs(Role::Heading1, &format!("{}（续表）", t.caption));
        let cap_h = NOTE_PT * 1.6 + 1.0 * MM;
        let has_cap = !cap.is_empty();
        // Rows too tall for a whole page are cut into pieces.
        let max_lines =
            (((TEXT_H - cap_h - head_h - 2.0 * CELL_PAD_Y) / TABLE_LH).floor() as usize).max(1);
        let mut pieces: Vec<(usize, Vec<Vec<Vec<Glyph>>>)> = Vec::new();
        for (ri, r) in body.into_iter().enumerate() {
            let tallest = r.iter().map(|c| c.len()).max().unwrap_or(0);
            if tallest <= max_lines {
                pieces.push((ri, r));
                continue;
            }
            let mut k = 0;
            while k < tallest {
                pieces.push((
                    ri,
                    r.iter()
                        .map(|c| c.iter().skip(k).take(max_lines).cloned().collect())
                        .collect(),
                ));
                k += max_lines;
            }
        }
        let spans_head: Vec<&Cell> = head.iter().map(|(_, c)| *c).collect();
        let spans_body: Vec<Vec<&Cell>> = rows
            .iter()
            .map(|r| r.iter().map(|(_, c)| *c).collect())
            .collect();

        self.y += 3.0 * MM;
        let first_h = pieces.first().map(|(_, p)| row_h(p)).unwrap_or(0.0);
        self.ensure(if has_cap { cap_h } else { 0.0 } + head_h + first_h);
        if has_cap {
            self.centred(&cap, NOTE_PT, cap_h, BLACK);
        }
        self.table_row(&head_lines, &spans_head, &widths, head_h, true);
        for (ri, p) in &pieces {
            let h = row_h(p);
            if self.y + h > BOTTOM + 0.01 {
                self.new_page();
                self.centred(&cap_cont, NOTE_PT, cap_h, BLACK);
                self.table_row(&head_lines, &spans_head, &widths, head_h, true);
            }
            self.table_row(p, &spans_body[*ri], &widths, h, false);
        }
        self.y += 5.0 * MM;
    }

    /// The wrapped lines of every cell of a row.
    fn row_lines(&self, row: &[(Vec<Glyph>, &Cell)], widths: &[f32]) -> Vec<Vec<Vec<Glyph>>> {
        let mut col = 0;
        row.iter()
            .map(|(g, c)| {
                let l = self.cell_lines(g, c, widths, col);
                col += c.span;
                l
            })
            .collect()
    }

    fn cell_lines(&self, g: &[Glyph], c: &Cell, widths: &[f32], col: usize) -> Vec<Vec<Glyph>> {
        let w: f32 = widths.iter().skip(col).take(c.span).sum::<f32>() - 2.0 * CELL_PAD_X;
        break_lines(g, TABLE_PT, w, w, 0.0)
            .into_iter()
            .map(|r| g[r].to_vec())
            .collect()
    }

    fn table_row(
        &mut self,
        lines: &[Vec<Vec<Glyph>>],
        cells: &[&Cell],
        widths: &[f32],
        h: f32,
        head: bool,
    ) {
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
            let text_h = cell_lines.len() as f32 * TABLE_LH;
            let mut ly = top + (h - text_h) / 2.0;
            let align = if head && cell.align == Align::Left {
                Align::Center
            } else {
                cell.align
            };
            for l in cell_lines {
                let lw = line_width(l, TABLE_PT);
                let lx = match align {
                    Align::Left => x + CELL_PAD_X,
                    Align::Center => x + (w - lw) / 2.0,
                    Align::Right => x + w - CELL_PAD_X - lw,
                };
                let by = Self::baseline(ly, TABLE_LH, TABLE_PT);
                self.put(l, lx.max(x + 1.0), by, TABLE_PT, 0.0, BLACK, 0.0);
                ly += TABLE_LH;
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

    fn chart(&mut self, c: &Chart) {
        let fonts = self.fonts;
        let measure = |s: &str, size: f32| fonts.width(Role::Heading1, s, size);
        let scene: Scene = chart::layout(c, &measure);
        if scene.width <= 0.0 || scene.height <= 0.0 {
            return;
        }
        let mut k = TEXT_W / scene.width;
        if scene.height * k > TEXT_H {
            k = TEXT_H / scene.height;
        }
        let h = scene.height * k;
        self.y += 3.0 * MM;
        self.ensure(h);
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
        self.y += h + 5.0 * MM;
    }

    fn page_numbers(&mut self) {
        let n = self.pages.len();
        for i in 0..n {
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

/// Column widths filling the text width: every column gets at least its
/// longest unbreakable piece (a whole number, a name), the rest of the width
/// goes to the columns in proportion to how much they want beyond that.
fn column_widths<'c, I>(ncols: usize, rows: I) -> Vec<f32>
where
    I: Iterator<Item = &'c Vec<(Vec<Glyph>, &'c Cell)>>,
{
    let mut nat = vec![2.0 * CELL_PAD_X + TABLE_PT; ncols];
    let mut min = vec![2.0 * CELL_PAD_X + TABLE_PT; ncols];
    for row in rows {
        let mut col = 0;
        for (g, c) in row {
            if col >= ncols {
                break;
            }
            if c.span == 1 {
                let w = line_width(g, TABLE_PT) + 2.0 * CELL_PAD_X;
                nat[col] = nat[col].max(w);
                // Numbers and short labels do not wrap.
                let longest = if c.align == Align::Right || g.len() <= 8 {
                    w
                } else {
                    longest_piece(g) + 2.0 * CELL_PAD_X
                };
                min[col] = min[col].max(longest.min(TEXT_W / 2.0));
            }
            col += c.span;
        }
    }
    let sum_min: f32 = min.iter().sum();
    if sum_min >= TEXT_W {
        return min.iter().map(|m| m * TEXT_W / sum_min).collect();
    }
    let sum_nat: f32 = nat.iter().sum();
    if sum_nat <= TEXT_W {
        let extra = TEXT_W - sum_nat;
        return nat.iter().map(|n| n + extra * n / sum_nat).collect();
    }
    let want: Vec<f32> = nat
        .iter()
        .zip(&min)
        .map(|(n, m)| (n - m).max(0.0))
        .collect();
    let sum_want: f32 = want.iter().sum::<f32>().max(1e-3);
    let room = TEXT_W - sum_min;
    min.iter()
        .zip(&want)
        .map(|(m, w)| m + room * w / sum_want)
        .collect()
}

/// Width of the longest piece between break opportunities.
fn longest_piece(g: &[Glyph]) -> f32 {
    let allowed = super::linebreak::opportunities(g);
    let mut best: f32 = 0.0;
    let mut cur = 0.0;
    for (i, gl) in g.iter().enumerate() {
        if i > 0 && allowed[i] {
            cur = 0.0;
        }
        cur += gl.adv * TABLE_PT;
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
            Block::Place("一、总体情况".into()),
            Block::Para("甲\u{E000}乙".into()),
        ];
        let (pages, missing) = Layout::new(&fonts, "briefing.pdf").run(&blocks);
        let m: Vec<&MissingGlyph> = missing.iter().collect();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].ch, '\u{E000}');
        assert_eq!(m[0].place, "一、总体情况");
        assert!(texts(&pages[0]).contains(&"甲乙"));
    }
}

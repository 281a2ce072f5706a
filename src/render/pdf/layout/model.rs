//! The data at both ends of the layout: the document model that goes in
//! ([`Block`], with [`TableBlock`] and [`Cell`]; `pdf::docs` builds it) and
//! what comes out: drawing items ([`Item`] in [`Rgb`] colours) on each
//! [`Page`] for `pdf::emit`, and the characters no font has
//! ([`MissingGlyph`]). Plain data, no layout logic.

use crate::render::chart::Chart;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

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

pub use crate::render::typeset::MissingGlyph;

pub type Page = Vec<Item>;
